"""An NWS Extreme Heat Warning for El Paso starts heat-wave once, in el-paso only, through the
advisory poller and the real engine entry point (bot.engine.start_for_advisory), not a stub."""

from __future__ import annotations

from datetime import timedelta

import fakeredis
import pytest

from bot.clock import ManualClock
from testing.advisories import EP_SLACK, EP_TG, LR_SLACK, LR_TG, Harness
from testing.fakes.alerts import EL_PASO_POINT, LAREDO_POINT, T0, nws_feature

HEAT_ID = "urn:oid:2.49.0.1.840.0.weather.heat.1"


@pytest.fixture
async def harness(nws):
    h = Harness(nws, fakeredis.FakeServer(version=(7, 0)), ManualClock(T0.timestamp()), None)
    yield h
    for rt in h.runtimes:
        await rt.advisory_service.close()
        await rt.close()


async def poll(h, rt):
    """One poll; then the rooms' queues run dry, virtual time moving a second at a time for their send rates."""
    from bot.store import keys

    h.clock.advance(1)
    assert await rt.advisory_service.tick()
    for _ in range(600):
        await h.drain()
        if not await rt.redis.zcard(keys.READY):
            return
        h.clock.advance(1)
    raise AssertionError("queues never drained")


async def test_extreme_heat_warning_starts_heat_wave_once_in_el_paso_only(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID, "Extreme Heat Warning")])
    nws.set_point(LAREDO_POINT, [])
    rt = harness.runtime()
    await poll(harness, rt)
    engine = rt.engine.engine
    [incident] = await engine.open_incidents("el-paso")
    assert incident.playbook_id == "heat-wave" and not incident.drill
    assert incident.started_by == "advisory Extreme Heat Warning"
    assert await engine.open_incidents("laredo") == []
    us, mx = harness.posts(EP_SLACK), harness.posts(EP_TG)
    assert any("Playbook started: ELP-0001" in p for p in us) and any("Protocolo iniciado: ELP-0001" in p for p in mx)
    # who started it, in each room's language (not "Iniciado por advisory …" in Spanish)
    assert any("Started by the weather alert Extreme Heat Warning" in p for p in us)
    assert any("Iniciado por la alerta meteorológica Extreme Heat Warning" in p for p in mx)
    assert not any("advisory" in p.lower() for p in mx if "Iniciado por" in p)
    assert any("HEAT WAVE – El Paso" in p for p in us) and any("ONDA DE CALOR – Ciudad Juárez" in p for p in mx)
    assert any("BORSTAR" in p and "US side – now" in p for p in us)
    assert any("Grupo Beta" in p and "Lado mexicano – ahora" in p for p in mx)
    assert any("ELP-0001 started: Heat wave" in p for p in harness.posts("slack:C0CENTRAL"))
    assert harness.posts(LR_SLACK) == [] and harness.posts(LR_TG) == []

    # polled again, and updated: the same alert chain starts nothing more
    await poll(harness, rt)
    update = nws_feature(
        "urn:oid:2.49.0.1.840.0.weather.heat.2",
        "Extreme Heat Warning",
        msg_type="Update",
        sent=T0 + timedelta(hours=2),
        references=[(HEAT_ID, T0)],
    )
    nws.set_point(EL_PASO_POINT, [update])
    harness.clock.advance(2 * 3600)
    await poll(harness, rt)
    assert [s.id for s in await engine.open_incidents("el-paso")] == ["ELP-0001"]
    assert len([p for p in harness.posts(EP_SLACK) if "HEAT WAVE – El Paso" in p]) == 1


async def test_excessive_heat_warning_old_name_also_starts_heat_wave(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature("urn:old:1", "Excessive Heat Warning")])
    rt = harness.runtime()
    await poll(harness, rt)
    [incident] = await rt.engine.engine.open_incidents("el-paso")
    assert incident.playbook_id == "heat-wave"
