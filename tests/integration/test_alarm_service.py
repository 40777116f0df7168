"""The alarm's service on a real redis-server: caps across incidents, and two workers waking the
same plan at once placing one call. The telephone is a recording stand-in (the Twilio HTTP path is
covered end to end in test_alarm_e2e.py)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
import redis.asyncio as aioredis

from bot.alarm import Alarm, AlarmWakeups
from bot.clock import ManualClock
from bot.delivery.outbox import Effects
from bot.engine import PlaybookLibrary
from bot.engine.runs import Engine
from bot.engine.timers import TimerLoop
from bot.rooms import Rooms
from testing.alarm import PLAYBOOK
from testing.deployments import NOGALES_TWO_LIAISONS, deployment, with_phones

T0 = 1_782_907_200.0  # 2026-07-01 12:00 UTC
BOB, LUIS = "+15205550201", "+526315550202"


class RecordingPhone:
    def __init__(self):
        self.calls: list[tuple[str, str]] = []  # (number, token)
        self.sms: list[str] = []

    async def place_call(self, to, *, voice_url, status_url, ring_seconds, time_limit):
        self.calls.append((to, parse_qs(urlsplit(voice_url).query)["t"][0]))
        return f"CA{len(self.calls)}"

    async def send_sms(self, to, body):
        self.sms.append(to)
        return f"SM{len(self.sms)}"


@pytest.fixture
async def world(redis_url, tmp_path):
    (tmp_path / "ack-call.yaml").write_text(PLAYBOOK, encoding="utf-8")
    clients = []

    def build(**limits):
        redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
        clients.append(redis)
        clock = ManualClock(T0)
        rooms = Rooms(deployment(with_phones(NOGALES_TWO_LIAISONS, {"Bob Liaison": BOB, "Luis Enlace": LUIS})))
        wakeups = AlarmWakeups(enabled=True)
        engine = Engine(
            redis, clock, rooms, PlaybookLibrary.load(tmp_path), transition_listeners=[wakeups.on_transition]
        )
        phone = RecordingPhone()
        alarm = Alarm(redis, clock, engine, public_url="https://bot.example.org", dialer=phone, **limits)
        return engine, alarm, phone, clock

    yield build
    for c in clients:
        await c.aclose()


async def overdue_incident(engine, clock) -> str:
    effects = Effects(clock.now())
    state = await engine.start_run(engine.library.get("ack-call"), "nogales", None, False, "test", effects)
    await effects.commit(engine.redis)
    clock.set(T0 + 121)
    assert await TimerLoop(engine).fire_due(clock.now()) == 1
    return state.id


async def test_the_per_person_cap_holds_across_incidents(world):
    engine, alarm, phone, clock = world(max_per_person_hour=1)
    first = await overdue_incident(engine, clock)
    await alarm.fire_due()
    assert [n for n, _ in phone.calls] == [BOB]
    await alarm.call_status(phone.calls[0][1], "no-answer")
    assert [n for n, _ in phone.calls] == [BOB, LUIS]
    await alarm.call_status(phone.calls[1][1], "busy")

    clock.set(T0)
    second = await overdue_incident(engine, clock)
    assert second != first
    await alarm.fire_due()
    assert len(phone.calls) == 2  # both were called this hour: nobody is rung again
    skipped = [e.detail for e in await engine.timeline(second) if e.kind == "call_skipped"]
    assert [(d["person"], d["why"]) for d in skipped] == [("Bob Liaison", "person_cap"), ("Luis Enlace", "person_cap")]


async def test_the_per_incident_cap_stops_the_plan(world):
    engine, alarm, phone, clock = world(max_per_incident=1)
    incident = await overdue_incident(engine, clock)
    await alarm.fire_due()
    await alarm.call_status(phone.calls[0][1], "no-answer")
    assert [n for n, _ in phone.calls] == [BOB]
    skipped = [e.detail for e in await engine.timeline(incident) if e.kind == "call_skipped"]
    assert skipped[-1]["why"] == "cap" and phone.sms == [BOB]


async def test_two_workers_waking_the_same_plan_place_one_call(world):
    engine, alarm_a, phone_a, clock = world()
    _, alarm_b, phone_b, clock_b = world()
    await overdue_incident(engine, clock)
    clock_b.set(clock.now())
    for _ in range(5):
        await asyncio.gather(alarm_a.fire_due(), alarm_b.fire_due())
    assert len(phone_a.calls) + len(phone_b.calls) == 1
    assert len(phone_a.sms) + len(phone_b.sms) == 1
