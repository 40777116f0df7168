"""The central room's digest: one post per Severe or Extreme event, listing the BLMs it covers, edited
as BLMs are added, updated or cleared. Alerts are NWS GeoJSON features in the captured samples' shape
(nws-geojson/captured/: one alert per office and county, `ends` apart from `expires`), served by the
fake NWS over HTTP and polled by the real advisory service."""

from __future__ import annotations

from datetime import timedelta

from testing.fakes.alerts import EL_PASO_POINT, LAREDO_POINT, T0, nws_feature

CEN_SLACK, CEN_TG = "slack:C0CENTRAL", "telegram:-1001000000000"
EP_ID, LR_ID = "urn:oid:2.49.0.1.840.0.dig.ep.1", "urn:oid:2.49.0.1.840.0.dig.lr.1"


def ep(ident=EP_ID, **kw):
    return nws_feature(ident, "Extreme Heat Warning", **kw)


def lr(ident=LR_ID, **kw):
    return nws_feature(ident, "Extreme Heat Warning", same=["048479"], ugc=["TXZ239"], **kw)


async def poll(h, rt) -> None:
    h.clock.advance(1)
    assert await rt.advisory_service.tick()
    for _ in range(30):  # edits wait for the room's send rate: let virtual time pass for them
        await h.drain()
        h.clock.advance(1)


async def test_one_digest_per_event_edited_as_blms_are_added_updated_and_cleared(harness, nws):
    nws.set_point(EL_PASO_POINT, [ep(), nws_feature("urn:minor:1", "Dust Advisory", severity="Moderate")])
    rt = harness.runtime()
    await poll(harness, rt)
    [us], [mx] = harness.posts(CEN_SLACK), harness.posts(CEN_TG)
    assert "Weather digest – Extreme Heat Warning: 1 BLM(s)" in us
    assert "• El Paso, TX – Ciudad Juárez, Chih.: Extreme · ends 2026-07-03 12:00 UTC" in us
    assert "Resumen meteorológico – Aviso de Calor Extremo: 1 mecanismo(s)" in mx  # NWS's Spanish name
    assert "Extreme Heat Warning" not in mx and "Dust" not in us  # a Moderate event gets no digest

    # Laredo gets the same event (its own office's alert): the one post is edited, not a second one
    nws.set_point(LAREDO_POINT, [lr()])
    harness.clock.advance(60)
    await poll(harness, rt)
    [us] = harness.posts(CEN_SLACK)
    assert "Extreme Heat Warning: 2 BLM(s)" in us and "• Laredo, TX – Nuevo Laredo, Tamps.: Extreme" in us

    # El Paso's is updated: its line says so
    update = ep(
        "urn:oid:2.49.0.1.840.0.dig.ep.2", msg_type="Update", sent=T0 + timedelta(hours=1), references=[(EP_ID, T0)]
    )
    nws.set_point(EL_PASO_POINT, [update])
    harness.clock.advance(3600)
    await poll(harness, rt)
    [us] = harness.posts(CEN_SLACK)
    assert "• El Paso, TX – Ciudad Juárez, Chih.: Extreme · ends 2026-07-03 13:00 UTC · updated" in us

    # Laredo's is cancelled: cleared, El Paso still listed
    cancel = lr(
        "urn:oid:2.49.0.1.840.0.dig.lr.2", msg_type="Cancel", sent=T0 + timedelta(hours=2), references=[(LR_ID, T0)]
    )
    nws.set_point(LAREDO_POINT, [cancel])
    harness.clock.advance(3600)
    await poll(harness, rt)
    [us], [mx] = harness.posts(CEN_SLACK), harness.posts(CEN_TG)
    assert "Extreme Heat Warning: 1 BLM(s)" in us
    assert "• Laredo, TX – Nuevo Laredo, Tamps.: cleared (cancelled by the issuer)" in us
    assert "• Nuevo Laredo, Tamps. – Laredo, TX: retirado (cancelado por el emisor)" in mx

    # El Paso's disappears from the active list: no BLM left, the post says so
    nws.set_point(EL_PASO_POINT, [])
    harness.clock.advance(60)
    await poll(harness, rt)
    [us], [mx] = harness.posts(CEN_SLACK), harness.posts(CEN_TG)
    assert us.startswith("**NO LONGER ACTIVE – Weather digest – Extreme Heat Warning")
    assert "• El Paso, TX – Ciudad Juárez, Chih.: cleared (no longer listed by the issuer)" in us
    assert mx.startswith("**YA NO VIGENTE – Resumen meteorológico – Aviso de Calor Extremo")

    # the event comes back later: a new digest post
    nws.set_point(EL_PASO_POINT, [ep("urn:oid:2.49.0.1.840.0.dig.ep.9", sent=T0 + timedelta(hours=3))])
    harness.clock.advance(60)
    await poll(harness, rt)
    posts = harness.posts(CEN_SLACK)
    assert len(posts) == 2 and "Extreme Heat Warning: 1 BLM(s)" in posts[1]


async def test_a_poll_with_nothing_new_edits_nothing(harness, nws):
    nws.set_point(EL_PASO_POINT, [ep()])
    rt = harness.runtime()
    await poll(harness, rt)
    sender = rt.senders["slack"]
    edited: list[str] = []
    real_edit = sender.edit

    async def counting_edit(room, message_ids, message):
        edited.append(room.key)
        return await real_edit(room, message_ids, message)

    sender.edit = counting_edit
    assert await rt.advisory_service.digest.refresh() == 0
    await poll(harness, rt)
    assert CEN_SLACK not in edited and len(harness.posts(CEN_SLACK)) == 1
