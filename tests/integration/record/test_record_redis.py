"""The investigation record on a real Redis: one chain whatever writes it, anchors posted at
closing, signed bundles of real incidents, erasure after the retention period."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.engine.evidence import incident_bundle
from bot.engine.state import Event, Transition
from bot.record import RecordEraser, bundle, chain
from bot.record.signing import signing_key
from bot.store import keys
from testing.engine import CENTRAL_MX, CENTRAL_US, MX, US, Outbox, command, handle
from testing.record import bomb_threat_drill, make_core
from testing.record_writer import GO

ROOT = Path(__file__).resolve().parents[3]
KEY = Ed25519PrivateKey.generate()


async def test_a_closed_drill_bundle_verifies_and_its_head_went_to_its_own_rooms(redis_client):
    out = Outbox(redis_client)
    core, engine, clock, incident = await bomb_threat_drill(redis_client)
    await out.drain()
    doc = await incident_bundle(engine, incident, KEY)
    result = bundle.verify(json.loads(bundle.dumps(doc)), KEY.public_key())
    assert result.ok, result
    kinds = [e["content"]["kind"] for e in doc["entries"]]
    assert kinds[-2:] == ["close", "anchor"] and "sitrep" in kinds and "ack" in kinds
    sealed = doc["entries"][-2]["hash"]
    assert result.anchors == [(len(kinds), len(kinds) - 1, sealed)]
    for room in (US, MX):
        seals = [t for t in out.texts(room) if sealed in t]
        assert len(seals) == 1, room
        assert f"{len(kinds) - 1} " in seals[0]
    for room in (CENTRAL_US, CENTRAL_MX):  # a drill posts nothing to the central room
        assert not any(sealed in t for t in out.texts(room))
    assert doc["incident"]["drill"] is True and doc["incident"]["status"] == "closed"


async def test_a_real_incident_posts_its_head_to_the_central_room_too(redis_client):
    out = Outbox(redis_client)
    core = make_core(redis_client)
    await handle(core, command(US, "UANA", "/playbook run bomb-threat"))
    await handle(core, command(US, "UANA", "/incident close NOG-0001 false alarm"))
    await out.drain()
    entries = await redis_client.lrange(keys.incident_timeline("NOG-0001"), 0, -1)
    sealed = json.loads(entries[-2])["hash"]
    assert json.loads(entries[-1])["detail"] == {"head": sealed, "count": len(entries) - 1}
    for room in (US, MX, CENTRAL_US, CENTRAL_MX):
        assert sum(sealed in t for t in out.texts(room)) == 1, room
    assert any("registro sellado" in t.lower() for t in out.texts(MX))


async def test_an_abort_seals_the_record_too(redis_client):
    core = make_core(redis_client)
    await handle(core, command(US, "UANA", "/playbook drill heat-wave"))
    await handle(core, command(US, "UANA", "/playbook abort"))
    last = json.loads(await redis_client.lindex(keys.incident_timeline("NOG-0001"), -1))
    assert last["kind"] == "anchor"
    assert bundle.verify(await incident_bundle(core.engine.engine, "NOG-0001", KEY)).ok


async def test_two_engines_writing_at_once_form_one_chain(redis_client, new_client):
    """Two Cores on their own connections (two workers), each draining two rooms: four streams of
    20 changes to one incident, all at once."""
    _, _, _, incident = await bomb_threat_drill(redis_client, close=False)
    engines = [make_core(new_client()).engine.engine for _ in range(2)]
    attempts = {"n": 0}

    def note(text):
        def change(pb, state, now):
            attempts["n"] += 1
            return Transition(
                state=state, events=[Event(at=now, kind="sitrep", who="Bob Liaison", detail={"text": text})]
            )

        return change

    async def stream(s: int) -> None:
        for i in range(s, 80, 4):
            await engines[s % 2].mutate(incident, note(f"worker {i % 2} note {i}"))

    await asyncio.gather(*(stream(s) for s in range(4)))
    doc = await incident_bundle(engines[0], incident, KEY)
    assert bundle.verify(doc).ok
    texts = [e["content"]["detail"].get("text") for e in doc["entries"] if e["content"]["kind"] == "sitrep"]
    assert sorted(t for t in texts if t.startswith("worker")) == sorted(f"worker {i % 2} note {i}" for i in range(80))
    assert attempts["n"] > 80  # the writers really raced: some transactions were retried


async def test_two_worker_processes_writing_at_once_form_one_chain(redis_client, engine_redis_url):
    core, engine, _, incident = await bomb_threat_drill(redis_client, close=False)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "testing.record_writer", engine_redis_url, name, "25"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for name in ("alpha", "beta")
    ]
    await redis_client.set(GO, "1")
    for worker in workers:
        _, err = await asyncio.to_thread(worker.communicate, timeout=60)
        assert worker.returncode == 0, err.decode()
    doc = await incident_bundle(engine, incident, KEY)
    result = bundle.verify(doc)
    assert result.ok, result.problem
    sitreps = [e["content"]["detail"]["text"] for e in doc["entries"] if e["content"]["kind"] == "sitrep"]
    expected = {f"{name} report {i}" for name in ("alpha", "beta") for i in range(25)}
    assert expected <= set(sitreps) and len(sitreps) == len(set(sitreps))
    hashes = [e["hash"] for e in doc["entries"]]
    assert len(hashes) == len(set(hashes))


async def test_after_the_retention_period_the_content_is_gone_and_the_chain_still_verifies(redis_client):
    core, engine, clock, incident = await bomb_threat_drill(redis_client)
    before = await incident_bundle(engine, incident, KEY)
    eraser = RecordEraser(redis_client, clock, retention_days=365)
    assert await eraser.erase_due() == 0  # not yet
    clock.advance(365 * 86400 + 1)
    assert await eraser.erase_due() == 1
    raw = await redis_client.lrange(keys.incident_timeline(incident), 0, -1)
    assert not any(name in r for r in raw for name in ("Bob Liaison", "Luis Enlace", "Ana Coord", "lane 3"))
    assert await redis_client.get(keys.incident(incident)) is None  # the run state's personal data too
    after = await incident_bundle(engine, incident, KEY)
    result = bundle.verify(after, KEY.public_key())
    assert result.ok, result.problem
    n = len(before["entries"])
    assert result.count == n + 1 and result.erased == n - 1  # everything but the anchor
    assert [(e["n"], e["hash"]) for e in after["entries"][:n]] == [(e["n"], e["hash"]) for e in before["entries"]]
    erasure = after["entries"][-1]["content"]
    assert erasure["kind"] == "erasure" and erasure["detail"] == {"entries": n - 1, "retention_days": 365}
    assert result.erasures == [(n + 1, chain.at_text(clock.now()), n - 1)]
    assert await eraser.erase_due() == 0 and await redis_client.zcard(keys.RECORD_ERASE) == 0


async def test_the_signing_key_is_made_once_for_every_process(redis_client, new_client):
    made = await asyncio.gather(*(signing_key(None, new_client()) for _ in range(6)))
    public = {bundle.public_pem(k.public_key()) for k in made}
    assert len(public) == 1
    assert bundle.public_pem((await signing_key(None, redis_client)).public_key()) in public
