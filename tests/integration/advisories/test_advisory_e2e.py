"""End to end on the embedded store with console senders and a fake NWS on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, timedelta

from bot.advisories.publish import active_advisories
from bot.advisories.source_nws import source_key
from bot.directory import get_blm
from bot.store import keys
from testing.advisories import EP_SLACK, EP_TG, LR_SLACK, LR_TG
from testing.deployments import EL_PASO_LAREDO, data
from testing.fakes.alerts import EL_PASO_POINT, T0, nws_feature

HEAT_ID = "urn:oid:2.49.0.1.840.0.aaaa.001.1"


async def poll(h, rt) -> bool:
    """One poll, a second of virtual time after the last (so room rate limits let edits through)."""
    h.clock.advance(1)
    polled = await rt.advisory_service.tick()
    await h.drain()
    return polled


async def test_extreme_heat_warning_reaches_el_paso_rooms_only_in_each_language(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID)])
    rt = harness.runtime()
    assert await poll(harness, rt)

    [us] = harness.posts(EP_SLACK)
    [mx] = harness.posts(EP_TG)
    assert "Weather alert: Extreme Heat Warning" in us
    assert "Severity: Extreme" in us and "What to do:" in us
    # onset 14:00 UTC -> 08:00 in El Paso (MDT) and Ciudad Juarez, both with UTC
    assert "2026-07-01 08:00 MDT (14:00 UTC)" in us
    assert "Alerta meteorológica: Aviso de Calor Extremo" in mx  # NWS's Spanish name
    assert "Gravedad: Extrema" in mx and "Qué hacer:" in mx
    assert "Inicia: 2026-07-01 08:00 MDT (14:00 UTC)" in mx
    # the issuer's text as written (NWS writes English only), labelled as such in Spanish
    assert "Texto del emisor (inglés), tal como fue escrito:" in mx
    assert "Dangerously hot conditions" in mx and "Dangerously hot conditions" in us
    # the playbook started once, and the posts link the incident
    assert harness.playbooks.calls == [(("Extreme Heat Warning",), "el-paso", f"w-nws.webmaster@noaa.gov,{HEAT_ID}")]
    assert "Playbook started: ELP-0001" in us and "Protocolo iniciado: ELP-0001" in mx
    assert harness.posts(LR_SLACK) == [] and harness.posts(LR_TG) == []
    # the request NWS wants
    req = nws.requests_for(EL_PASO_POINT)[0]
    assert req.path == "/alerts/active" and req.query == {"status": "actual", "point": EL_PASO_POINT}
    assert req.headers["User-Agent"] == nws.user_agent and req.headers["Accept"] == "application/geo+json"
    assert [a.identifier for a in await active_advisories(rt.redis, "el-paso")] == [HEAT_ID]

    # nothing new: a conditional request, 304, nothing posted again
    assert await poll(harness, rt)
    again = nws.requests_for(EL_PASO_POINT)[-1]
    assert again.status == 304 and "If-None-Match" in again.headers and "If-Modified-Since" in again.headers
    assert len(harness.posts(EP_SLACK)) == 1 and len(harness.posts(EP_TG)) == 1
    assert len(harness.playbooks.calls) == 1


async def test_update_and_cancel_edit_the_posts_on_both_sides(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID, severity="Severe")])
    rt = harness.runtime()
    await poll(harness, rt)
    update = nws_feature(
        "urn:oid:2.49.0.1.840.0.aaaa.002.1",
        msg_type="Update",
        severity="Extreme",
        sent=T0 + timedelta(hours=3),
        references=[(HEAT_ID, T0)],
    )
    nws.set_point(EL_PASO_POINT, [update])
    harness.clock.advance(3 * 3600)
    await poll(harness, rt)
    [us], [mx] = harness.posts(EP_SLACK), harness.posts(EP_TG)
    assert us.startswith("**UPDATED – Weather alert") and "What changed: severity Severe → Extreme" in us
    assert mx.startswith("**ACTUALIZADO – Alerta meteorológica") and "Qué cambió: gravedad Grave → Extrema" in mx

    cancel = nws_feature(
        "urn:oid:2.49.0.1.840.0.aaaa.003.1",
        msg_type="Cancel",
        sent=T0 + timedelta(hours=4),
        references=[(HEAT_ID, T0), ("urn:oid:2.49.0.1.840.0.aaaa.002.1", T0 + timedelta(hours=3))],
    )
    nws.set_point(EL_PASO_POINT, [cancel])
    harness.clock.advance(3600)
    await poll(harness, rt)
    [us], [mx] = harness.posts(EP_SLACK), harness.posts(EP_TG)
    assert us.startswith("**CANCELLED – ") and "The issuer cancelled this advisory" in us
    assert mx.startswith("**CANCELADO – ") and "El emisor canceló este aviso" in mx
    assert await active_advisories(rt.redis, "el-paso") == []
    assert len(harness.playbooks.calls) == 1  # one chain, one start


async def test_expired_and_gone_advisories_are_marked_no_longer_active(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID, expires=T0 + timedelta(hours=6))])
    nws.set_point(
        "27.531,-99.48", [nws_feature("urn:lr:1", "Flood Watch", severity="Moderate", same=["048479"], ugc=["TXZ239"])]
    )
    rt = harness.runtime()
    await poll(harness, rt)
    assert len(harness.posts(LR_SLACK)) == 1
    # Laredo's alert disappears from its active list without a Cancel
    nws.set_point("27.531,-99.48", [])
    await poll(harness, rt)
    [lr] = harness.posts(LR_SLACK)
    assert lr.startswith("**NO LONGER ACTIVE – ") and "no longer lists this advisory" in lr
    # El Paso's passes its expiry time
    harness.clock.advance(7 * 3600)
    await poll(harness, rt)
    [us], [mx] = harness.posts(EP_SLACK), harness.posts(EP_TG)
    assert us.startswith("**NO LONGER ACTIVE – ") and "expired at 2026-07-01 12:00 MDT (18:00 UTC)" in us
    assert mx.startswith("**YA NO VIGENTE – ")
    assert await active_advisories(rt.redis, "el-paso") == []


async def test_second_poller_process_does_not_post_again(harness, nws):
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID)])
    first, second = harness.runtime(), harness.runtime()
    assert await poll(harness, first)
    assert not await second.advisory_service.tick()  # the lease is held by the first
    # the first stops; the second takes over and finds the same alert (even without validators)
    await first.advisory_service.lease.release()
    await first.redis.delete(keys.adv_source(source_key(get_blm("el-paso"))))
    assert await poll(harness, second)
    assert len(harness.posts(EP_SLACK)) == 1 and len(harness.posts(EP_TG)) == 1
    assert len(harness.playbooks.calls) == 1


async def test_two_processes_racing_on_a_new_alert_post_it_once(harness, nws):
    from bot.advisories.nws import parse_nws_geojson

    first, second = harness.runtime(), harness.runtime()
    [advisory] = parse_nws_geojson({"type": "FeatureCollection", "features": [nws_feature(HEAT_ID)]}).advisories
    blm = get_blm("el-paso")
    await asyncio.gather(
        first.advisory_service.publisher.handle(advisory, "nws:el-paso", blm),
        second.advisory_service.publisher.handle(advisory, "nws:el-paso", blm),
    )
    await harness.drain()
    assert len(harness.posts(EP_SLACK)) == 1 and len(harness.posts(EP_TG)) == 1
    assert len(harness.playbooks.calls) == 1


async def test_server_errors_back_off_and_problem_details_are_logged(harness, nws, caplog):
    caplog.set_level(logging.WARNING)
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID)])
    nws.fail_next(EL_PASO_POINT, 500, problem=True)
    rt = harness.runtime()
    await poll(harness, rt)
    assert "HTTP 500: 500 Unexpected Problem - An unexpected problem has occurred." in caplog.text
    assert "(correlation id fake-1234)" in caplog.text
    assert harness.posts(EP_SLACK) == []
    await poll(harness, rt)  # still backing off: not even asked
    assert len(nws.requests_for(EL_PASO_POINT)) == 1
    harness.clock.advance(61)
    await poll(harness, rt)
    assert len(nws.requests_for(EL_PASO_POINT)) == 2
    assert len(harness.posts(EP_SLACK)) == 1


async def test_a_wrong_user_agent_is_refused_by_the_fake_like_nws(harness, nws, caplog):
    caplog.set_level(logging.WARNING)
    rt = harness.runtime()
    nws.user_agent = "someone else"
    await poll(harness, rt)
    assert "HTTP 403: 403 Forbidden - A User-Agent identifying you is required" in caplog.text


async def test_recorded_expired_fixture_is_not_posted(harness, nws, caplog):
    # the real pynws fixture (an Oregon Flood Watch Update from 2021) served for El Paso's point:
    # an Update of a chain never posted here, long expired: logged, not posted
    caplog.set_level(logging.INFO)
    nws.load_fixture(EL_PASO_POINT, "pynws_alerts_active_zone.json")
    rt = harness.runtime()
    await poll(harness, rt)
    assert harness.posts(EP_SLACK) == [] and harness.posts(LR_SLACK) == []
    assert "already expired" in caplog.text


async def test_deployment_filters_drop_minor_and_denied_events(harness, nws):
    deployment = {**data(EL_PASO_LAREDO), "advisories": {"min_severity": "Moderate", "events_deny": ["Dust Advisory"]}}
    nws.set_point(
        EL_PASO_POINT,
        [
            nws_feature("urn:a:1", "Heat Advisory", severity="Minor"),
            nws_feature("urn:a:2", "Dust Advisory", severity="Severe"),
            nws_feature("urn:a:3", "Extreme Heat Warning", severity="Extreme"),
        ],
    )
    rt = harness.runtime(deployment=deployment)
    await poll(harness, rt)
    [us] = harness.posts(EP_SLACK)
    assert "Extreme Heat Warning" in us


async def test_the_worker_runs_the_poller_loop(nws):
    """The registered loop runs in `start_workers` on the real clock; waits on the result, not time."""
    from datetime import datetime

    import fakeredis

    from bot.clock import Clock
    from testing.advisories import Harness, PlaybookStub

    now = datetime.now(UTC)
    nws.set_point(EL_PASO_POINT, [nws_feature(HEAT_ID, sent=now, expires=now + timedelta(days=1))])
    h = Harness(nws, fakeredis.FakeServer(version=(7, 0)), Clock(), PlaybookStub())
    rt = h.runtime(poll=3600)
    assert rt.advisory_service in rt.loops
    await rt.start_workers()
    try:

        async def posted():
            while not (h.posts(EP_SLACK) and h.posts(EP_TG)):
                await asyncio.sleep(0.01)

        await asyncio.wait_for(posted(), timeout=10)
    finally:
        await rt.close()
    assert len(h.posts(EP_SLACK)) == 1


async def test_polling_off_registers_no_loop(harness):
    rt = harness.runtime(poll=0)
    service = rt.advisory_service
    assert service not in rt.loops
    polling = harness.runtime(poll=120)
    assert polling.advisory_service in polling.loops
