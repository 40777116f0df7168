"""CAP feeds (malformed items skipped), /advisory and /advisory post, CAP output and its route."""

from __future__ import annotations

import itertools
import logging

import xmlschema
from aiohttp.test_utils import TestClient, TestServer

from bot.advisories import advisory_cap_xml
from bot.advisories.publish import active_advisories
from bot.model import InboundEvent, RoomRef, Sender
from bot.web import build_web_app
from testing.advisories import EP_SLACK, EP_TG, LR_SLACK, LR_TG
from testing.fakes.alerts import JUAREZ_POLYGON, atom_feed, cap_alert
from testing.fakes.nws_api import fixtures_dir

_ids = itertools.count(1)


async def say(h, rt, platform: str, user: str, text: str, chat: str, private: bool = False) -> None:
    head, _, args = text.strip()[1:].partition(" ")
    h.clock.advance(1)  # a second later: room rate limits let the next message through
    n = next(_ids)
    await rt.core.accept(
        InboundEvent(
            kind="command",
            platform=platform,
            event_id=f"t-{n}",
            room=RoomRef(platform=platform, chat_id=chat),
            private=private,
            sender=Sender(user_id=user, display_name=user),
            text=args.strip(),
            command=head.lower(),
            message_id=str(n),
        )
    )
    await h.drain()
    h.clock.advance(1)  # the reply went first (interactive): the room's rate limit lets the rest out
    await h.drain()


def room_posts(rt, key: str) -> list[dict]:
    return rt.senders[key.split(":")[0]].received.get(key, [])


async def test_malformed_feed_item_is_logged_and_skipped_while_the_rest_are_posted(harness, nws, caplog):
    caplog.set_level(logging.WARNING)
    bilingual = cap_alert(
        "SMN-TEST-1",
        infos=[
            {
                "language": "es-419",
                "event": "Onda de Calor",
                "headline": "Onda de calor en Ciudad Juárez",
                "description": "Máximas de 43 °C.",
                "polygon": JUAREZ_POLYGON,
            },
            {
                "language": "en-US",
                "event": "Heat Wave",
                "headline": "Heat wave in Ciudad Juarez",
                "description": "Highs of 109 F.",
                "polygon": JUAREZ_POLYGON,
            },
        ],
    )
    broken = cap_alert(
        "",
        infos=[{"language": "es-419", "event": "Roto", "headline": "x", "description": "y", "polygon": JUAREZ_POLYGON}],
    )
    laredo = cap_alert(
        "SMN-TEST-2",
        infos=[
            {
                "language": "es-419",
                "event": "Lluvias Intensas",
                "headline": "Lluvias en Nuevo Laredo",
                "description": "Acumulados de 75 mm.",
                "geocode": ("SAME", "048479"),
            }
        ],
    )
    nws.set_feed("smn", atom_feed(bilingual, broken, laredo))
    rt = harness.runtime(cap_feeds=nws.feed_url("smn"))
    harness.clock.advance(1)
    await rt.advisory_service.tick()
    await harness.drain()

    assert "CAP feed" in caplog.text and "skipped entry 1" in caplog.text
    [us], [mx] = harness.posts(EP_SLACK), harness.posts(EP_TG)
    # each room gets the issuer's info in its own language when the issuer wrote one
    assert "Weather alert: Heat Wave" in us and "Heat wave in Ciudad Juarez" in us
    assert "Alerta meteorológica: Onda de Calor" in mx and "Onda de calor en Ciudad Juárez" in mx
    assert "Máximas de 43 °C." in mx and "Máximas" not in us
    assert len(harness.posts(LR_SLACK)) == 1 and len(harness.posts(LR_TG)) == 1
    assert "Lluvias en Nuevo Laredo" in harness.posts(LR_TG)[0]
    # the playbook stub saw both languages' event names
    assert (("Onda de Calor", "Heat Wave"), "el-paso", "smn.cna.gob.mx,SMN-TEST-1") in harness.playbooks.calls


async def test_smn_sample_feed_alert_then_update_moving_away(harness, nws, caplog):
    """The hand-written SMN-style sample: entry 1 covers Ciudad Juarez; entry 2 updates it for a
    polygon far away (the El Paso posts say it no longer covers the BLM); entry 3 is malformed."""
    from pathlib import Path

    xml = (Path(__file__).resolve().parents[2] / "fixtures" / "smn" / "smn_avisos_atom.xml").read_bytes()
    nws.set_feed("smn", xml)
    rt = harness.runtime(cap_feeds=nws.feed_url("smn"))
    harness.clock.set(1782936000)  # 2026-07-01 20:00 UTC
    await rt.advisory_service.tick()
    await harness.drain()
    harness.clock.advance(1)  # the post and its edit went out in one batch: the room's rate limit
    await harness.drain()
    [mx] = harness.posts(EP_TG)
    assert mx.startswith("**YA NO VIGENTE – Alerta meteorológica: Onda de Calor")
    assert "La actualización del emisor ya no incluye a este mecanismo." in mx


async def test_coordinator_posts_a_people_advisory_to_both_rooms_and_it_is_valid_cap(harness):
    rt = harness.runtime()
    await say(
        harness,
        rt,
        "slack",
        "U0BOB",
        '/advisory post en="Bridge of the Americas closed to pedestrians until 18:00" '
        'es="Puente Libre cerrado a peatones hasta las 18:00"',
        "C0ELPASO",
    )
    posts_us = [p for p in room_posts(rt, EP_SLACK) if not p["ephemeral_to"]]
    reply = [p for p in room_posts(rt, EP_SLACK) if p["ephemeral_to"] == "U0BOB"]
    [mx] = room_posts(rt, EP_TG)
    assert len(posts_us) == 1 and "**BLM advisory**" in posts_us[0]["text"]
    assert "Bridge of the Americas closed to pedestrians until 18:00" in posts_us[0]["text"]
    assert "Posted by Bob Carter (CBP)" in posts_us[0]["text"]
    assert "Puente Libre cerrado a peatones hasta las 18:00" in mx["text"]
    assert "Bridge" not in mx["text"]
    assert reply and "posted to both rooms" in reply[0]["text"]

    [advisory] = await active_advisories(rt.redis, "el-paso")
    assert advisory.source == "people" and advisory.identifier.startswith("ELP-ADV-")
    xml = await advisory_cap_xml(rt.redis, advisory.identifier)
    schema = xmlschema.XMLSchema(str(fixtures_dir() / "cap12" / "CAP-v1.2.xsd"))
    schema.validate(xml)
    assert b"<language>en-US</language>" in xml and b"<language>es-MX</language>" in xml
    assert b"Puente Libre cerrado" in xml

    # and over HTTP
    async with TestClient(TestServer(build_web_app(rt, with_edges=False), host="127.0.0.1")) as client:
        resp = await client.get(f"/advisories/{advisory.identifier}.cap")
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/cap+xml")
        assert await resp.read() == xml
        missing = await client.get("/advisories/NOPE.cap")
        assert missing.status == 404


async def test_plain_text_serves_both_languages_and_central_needs_blm(harness):
    rt = harness.runtime()
    await say(harness, rt, "slack", "U0CEN", "/advisory post blm=juarez Shelter open at Sacred Heart", "C0CENTRAL")
    [mx] = room_posts(rt, EP_TG)
    assert "Shelter open at Sacred Heart" in mx["text"] and "Aviso del Mecanismo" in mx["text"]
    await say(harness, rt, "slack", "U0CEN", "/advisory post Shelter open", "C0CENTRAL")
    [refusal] = [p for p in room_posts(rt, "slack:C0CENTRAL") if p["ephemeral_to"] == "U0CEN"][-1:]
    assert "blm=<id>" in refusal["text"]


async def test_a_members_advisory_post_is_refused(harness):
    rt = harness.runtime()
    await say(harness, rt, "slack", "U0JO", "/advisory post Road closed", "C0ELPASO")
    [refusal] = room_posts(rt, EP_SLACK)
    assert refusal["ephemeral_to"] == "U0JO" and "needs the role coordinator" in refusal["text"]
    assert room_posts(rt, EP_TG) == []
    assert await active_advisories(rt.redis, "el-paso") == []


async def test_advisory_lists_what_is_active_to_the_person_in_their_language(harness):
    rt = harness.runtime()
    await say(harness, rt, "telegram", "5550001", "/advisory", "-1001000000005")
    [none] = room_posts(rt, EP_TG)
    assert "No hay avisos vigentes" in none["text"] and none["ephemeral_to"] == "5550001"
    await say(harness, rt, "slack", "U0BOB", "/advisory post Road closed", "C0ELPASO")
    await say(harness, rt, "telegram", "5550001", "/advisory", "-1001000000005")
    listing = room_posts(rt, EP_TG)[-1]
    assert listing["ephemeral_to"] == "5550001"
    assert "Avisos vigentes – Ciudad Juárez" in listing["text"] and "publicado por el mecanismo" in listing["text"]
