"""A bomb-threat drill in Nogales on a real Redis, driven the way people drive it: commands in
both rooms, buttons, a sitrep, a close. Shared by the record's integration tests."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from bot.engine import get_engine
from tests.engine_support import MX, US, command, handle, make_core
from tests.unit.engine.helpers import T0

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"


async def bomb_threat_drill(redis, close: bool = True):
    """Runs the drill; returns (core, engine, clock, incident id)."""
    clock = ManualClock(T0)
    core = make_core(redis, clock, playbooks=PLAYBOOKS)
    engine = get_engine(core)
    await handle(core, command(US, "UANA", "/playbook drill bomb-threat"))
    incident = "NOG-0001"
    clock.advance(45)
    await engine.check(incident, "call-taker", "keep-talking", "Bob Liaison")
    clock.advance(30)
    await engine.check(incident, "call-taker", "colleague-911", "Luis Enlace")
    clock.advance(60)
    await engine.answer(incident, "side", "us", "Luis Enlace")
    clock.advance(90)
    await handle(core, command(US, "UBOB", '/sitrep Caller said "lane 3, noon". Lanes 1-4 northbound held.'))
    clock.advance(120)
    await handle(core, command(MX, "501", "/ack"))
    if close:
        clock.advance(600)
        await handle(core, command(US, "UANA", "/incident close all clear, drill ended"))
    return core, engine, clock, incident
