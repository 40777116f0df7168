"""A bomb-threat drill in Nogales on a real Redis, driven the way people drive it: commands in
both rooms, buttons, a sitrep, a close. Shared by the record's integration tests."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from bot.runtime import Runtime
from testing.bot import build_bot
from testing.deployments import NOGALES_ICS214
from testing.engine import MX, US, command, handle
from testing.playbooks import T0

PLAYBOOKS = Path(__file__).resolve().parents[1] / "playbooks"


def make_core(redis, clock=None) -> Runtime:
    """The whole bot on the shipped playbooks with the ICS 214's agencies (no workers started):
    `.core`, `.engine.engine`."""
    return build_bot(NOGALES_ICS214, redis=redis, clock=clock or ManualClock(T0), playbooks=PLAYBOOKS)


async def bomb_threat_drill(redis, close: bool = True):
    """Runs the drill; returns (core, engine, clock, incident id)."""
    clock = ManualClock(T0)
    core = make_core(redis, clock)
    engine = core.engine.engine
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
