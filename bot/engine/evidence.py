"""An incident's evidence, from the engine's store: its signed bundle and its ICS-214 activity log.

The record domain (bot/record) knows chains, signatures and the form; the engine knows incidents.
This is where the two meet: `incident_bundle` and `incident_pdf` are what the CLI's
`report --format bundle|pdf` and the board's report download call.
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.directory import get_blm
from bot.engine import steps
from bot.engine.report import describe
from bot.engine.runs import Engine
from bot.engine.schema import Playbook
from bot.engine.state import Event, RunState
from bot.engine.times import iso, three
from bot.i18n import t
from bot.record import activity_log as form
from bot.record import bundle, chain
from bot.store import keys


async def _elements(engine: Engine, incident_id: str) -> list[dict]:
    raw = await engine.redis.lrange(keys.incident_timeline(incident_id), 0, -1)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
    return [json.loads(r) for r in raw]


async def incident_bundle(engine: Engine, incident_id: str, key: Ed25519PrivateKey) -> dict:
    """The signed evidence bundle of an incident (also of one erased after retention: its hashes).
    LookupError when the incident has no timeline."""
    incident_id = incident_id.upper()
    elements = await _elements(engine, incident_id)
    if not elements:
        raise LookupError(f"no incident {incident_id}")
    state = await engine.get(incident_id)
    about: dict = {}
    if state is not None:
        about = {
            "blm": state.blm_id,
            "playbook": {"id": state.playbook_id, "version": state.playbook_version, "sha": state.sha},
            "drill": state.drill,
            "status": state.status,
            "started_at": iso(state.started_at),
            "ended_at": iso(state.ended_at) if state.ended_at else None,
        }
    return bundle.build(incident_id, elements, about, key, iso(engine.clock.now()))


async def incident_pdf(engine: Engine, incident_id: str, lang: str = "en") -> bytes:
    """The ICS-214-style activity log of an incident as PDF bytes, in `lang`. LookupError when
    there is no such incident (or its retention period is over)."""
    incident_id = incident_id.upper()
    state = await engine.get(incident_id)
    if state is None:
        raise LookupError(f"no incident {incident_id}")
    try:
        pb: Playbook | None = await engine.playbook_for(state)
    except LookupError:
        pb = None
    log = activity_log(
        state, await _elements(engine, incident_id), pb, engine.rooms.deployment.people, lang, engine.clock.now()
    )
    from bot.record import ics214  # why: reportlab costs every process ~12 MB; only a PDF needs it

    return ics214.render(log, lang)


def activity_log(state: RunState, elements: list[dict], pb: Playbook | None, people, lang: str, now: float):
    """The form's data: who is who from the deployment config, every timeline entry in `lang`."""
    blm = get_blm(state.blm_id)
    by_name = {p.name: p for p in people}

    def person(name: str) -> form.Person:
        known = by_name.get(name)
        if known is None:
            if name == "bot" or name.startswith(steps.ADVISORY_STARTER):
                return form.Person(name, t("record.ics.bot", lang), "")
            return form.Person(name, t("record.ics.unknown_person", lang), "")
        side = {"us": "US", "mx": "MX"}.get(known.side or "", "")
        agency = " · ".join(filter(None, [known.agency or "", side]))
        return form.Person(known.name, t("role." + known.role.name, lang), agency)

    def moment(at: float) -> form.Moment:
        when = three(at, state.blm_id)
        return form.Moment(when["utc"], when["us"], when["mx"])

    events = [Event.model_validate(e) for e in elements]
    seen: list[str] = []
    for ev in events:
        if ev.who and ev.who != "bot" and ev.who not in seen:
            seen.append(ev.who)
    return form.ActivityLog(
        incident_id=state.id,
        incident_name=(pb.title.get(lang) if pb else None) or state.playbook_id,
        blm_name=blm.name(lang),
        us_place=blm.us_city,
        mx_place=blm.mx_city,
        started=moment(state.started_at),
        ended=moment(state.ended_at) if state.ended_at else None,
        drill=state.drill,
        responsible=person(state.started_by),
        resources=[person(name) for name in seen],
        activities=[
            form.Activity(moment(ev.at), "" if ev.who == "bot" else ev.who, describe(ev, lang)) for ev in events
        ],
        chain_count=len(elements),
        chain_head=elements[-1]["hash"] if elements else chain.GENESIS,
        generated=three(now, state.blm_id)["utc"] + " UTC",
        erased=any(chain.content_of(e) is None for e in elements),
    )
