"""A bomb-threat drill in Nogales on a real Redis, driven the way people drive it: commands in
both rooms, buttons, a sitrep, a close. Shared by the record's integration tests."""

from __future__ import annotations

import copy
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Deployment, Settings
from bot.engine import PlaybookLibrary
from bot.runtime import Runtime
from testing.engine import DEPLOYMENT, MX, US, command, handle
from testing.playbooks import T0

PLAYBOOKS = Path(__file__).resolve().parents[1] / "playbooks"

# the engine tests' Nogales people, with the agencies and sides an ICS 214 names
AGENCIES = {
    "Ana Coord": ("us", "CBP Office of Field Operations, Nogales port"),
    "Luis Enlace": ("mx", "Aduana Nogales, Son."),
    "Bob Liaison": ("us", "U.S. Border Patrol, Tucson Sector"),
    "Carla Central": ("us", "DHS Office of International Affairs"),
}


def deployment() -> Deployment:
    data = copy.deepcopy(DEPLOYMENT)
    for person in data["people"]:
        if person["name"] in AGENCIES:
            person["side"], person["agency"] = AGENCIES[person["name"]]
    return Deployment.model_validate(data)


def make_core(redis, clock=None) -> Runtime:
    """The whole bot on the shipped playbooks (no workers started): `.core`, `.engine.engine`."""
    return Runtime.build(
        Settings(playbooks_dir=PLAYBOOKS),
        deployment(),
        redis,
        clock or ManualClock(T0),
        library=PlaybookLibrary.load(PLAYBOOKS),
    )


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
