"""CAP identity is (sender, identifier): served by the fake NWS host as a CAP Atom feed (SMN's shape:
kelvinn_smn_feed_2014_odile.xml, CAP 1.2 in Atom `<content>`, `references` as sender,identifier,sent)."""

from __future__ import annotations

from datetime import timedelta

from bot.advisories.publish import active_advisories
from testing.advisories import EP_TG
from testing.fakes.alerts import JUAREZ_POLYGON, T0, atom_feed, cap_alert, iso

SMN = "smn.cna.gob.mx"
OTHER = "alertas.example.org"  # another CAP issuer that happens to reuse the identifier


def heat(sender: str, headline: str, **kw) -> str:
    return cap_alert(
        "AVISO-1",
        sender=sender,
        infos=[
            {
                "language": "es-419",
                "event": "Onda de Calor",
                "headline": headline,
                "description": "Máximas de 43 °C.",
                "polygon": JUAREZ_POLYGON,
            }
        ],
        **kw,
    )


async def poll(h, rt) -> None:
    h.clock.advance(1)
    assert await rt.advisory_service.tick()
    await h.drain()


async def test_another_senders_alert_with_the_same_identifier_is_posted_too(harness, nws):
    nws.set_feed("smn", atom_feed(heat(SMN, "Onda de calor (SMN)")))
    rt = harness.runtime(cap_feeds=nws.feed_url("smn"))
    await poll(harness, rt)
    nws.set_feed("smn", atom_feed(heat(SMN, "Onda de calor (SMN)"), heat(OTHER, "Onda de calor (otro emisor)")))
    harness.clock.advance(60)
    await poll(harness, rt)
    posts = harness.posts(EP_TG)
    assert len(posts) == 2
    assert "Onda de calor (SMN)" in posts[0] and "Onda de calor (otro emisor)" in posts[1]
    assert sorted(a.sender for a in await active_advisories(rt.redis, "el-paso")) == [OTHER, SMN]


async def test_a_cancel_from_another_sender_cancels_nothing_and_the_issuers_own_does(harness, nws):
    nws.set_feed("smn", atom_feed(heat(SMN, "Onda de calor (SMN)")))
    rt = harness.runtime(cap_feeds=nws.feed_url("smn"))
    await poll(harness, rt)
    original = heat(SMN, "Onda de calor (SMN)")
    # a stranger names SMN's alert in its references: it is not SMN's Cancel
    forged = cap_alert(
        "FAKE-CANCEL-1",
        sender=OTHER,
        msg_type="Cancel",
        sent=T0 + timedelta(hours=1),
        references=f"{SMN},AVISO-1,{iso(T0)}",
        infos=[{"language": "es-419", "event": "Onda de Calor", "headline": "x", "description": "x"}],
    )
    nws.set_feed("smn", atom_feed(original, forged))
    harness.clock.advance(3600)
    await poll(harness, rt)
    [post] = harness.posts(EP_TG)
    assert not post.startswith("**CANCELADO") and [
        a.identifier for a in await active_advisories(rt.redis, "el-paso")
    ] == ["AVISO-1"]
    # the same Cancel from SMN itself counts
    cancel = cap_alert(
        "AVISO-1-CAN",
        sender=SMN,
        msg_type="Cancel",
        sent=T0 + timedelta(hours=2),
        references=f"{SMN},AVISO-1,{iso(T0)}",
        infos=[{"language": "es-419", "event": "Onda de Calor", "headline": "x", "description": "x"}],
    )
    nws.set_feed("smn", atom_feed(original, cancel))
    harness.clock.advance(3600)
    await poll(harness, rt)
    [post] = harness.posts(EP_TG)
    assert post.startswith("**CANCELADO – ") and await active_advisories(rt.redis, "el-paso") == []


async def test_an_update_from_another_sender_does_not_edit_the_issuers_post(harness, nws):
    nws.set_feed("smn", atom_feed(heat(SMN, "Onda de calor (SMN)")))
    rt = harness.runtime(cap_feeds=nws.feed_url("smn"))
    await poll(harness, rt)
    foreign_update = cap_alert(
        "OTHER-UPD-1",
        sender=OTHER,
        msg_type="Update",
        sent=T0 + timedelta(hours=1),
        references=f"{SMN},AVISO-1,{iso(T0)}",
        infos=[
            {
                "language": "es-419",
                "event": "Onda de Calor",
                "headline": "Texto de otro emisor",
                "description": "y",
                "polygon": JUAREZ_POLYGON,
            }
        ],
    )
    nws.set_feed("smn", atom_feed(heat(SMN, "Onda de calor (SMN)"), foreign_update))
    harness.clock.advance(3600)
    await poll(harness, rt)
    posts = harness.posts(EP_TG)
    # SMN's post is untouched; the other issuer's message is its own alert, posted on its own
    assert len(posts) == 2 and "Onda de calor (SMN)" in posts[0] and not posts[0].startswith("**ACTUALIZADO")
    assert "Texto de otro emisor" in posts[1]
