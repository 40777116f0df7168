"""`python -m bot simulate`: a playbook run on a virtual clock, printed as a timeline.

It runs the real engine (steps, timers, escalation) on the embedded store with a synthetic
deployment for the BLM: its two rooms, the central room, and one person per role and side, so
mentions and private-chat notices show who would be paged.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.alarm import Alarm, AlarmWakeups, calls_enabled
from bot.alarm.simulated import SimulatedDialer
from bot.clock import ManualClock
from bot.config import Deployment, Settings
from bot.delivery.outbox import Effects
from bot.directory import BLMS, find_blm
from bot.engine.loader import PlaybookLibrary, load_file
from bot.engine.report import describe
from bot.engine.runs import Engine
from bot.engine.schema import AckStep
from bot.engine.state import RunState
from bot.engine.timers import TimerLoop
from bot.engine.times import three
from bot.i18n import t
from bot.rooms import Rooms
from bot.store.connection import connect_store

START = datetime(2026, 7, 1, 12, 0, tzinfo=UTC).timestamp()
MAX_EVENTS = 2000


def sim_deployment(blm_id: str) -> Deployment:
    return Deployment.model_validate(
        {
            "central": {"slack_channel": "CCENTRAL", "telegram_chat": -1000000000001},
            "blms": {blm_id: {"slack_channel": "CBLM", "telegram_chat": -1000000000002}},
            "people": [
                {
                    "name": "US Liaison",
                    "slack_user": "U0LIAISON",
                    "role": "liaison",
                    "blms": [blm_id],
                    "side": "us",
                    "phone": "+15555550101",
                },
                {
                    "name": "Enlace MX",
                    "telegram_user": 5550001,
                    "role": "liaison",
                    "blms": [blm_id],
                    "side": "mx",
                    "lang": "es",
                    "phone": "+525555550102",
                },
                {
                    "name": "US Coordinator",
                    "slack_user": "U0COORD",
                    "role": "coordinator",
                    "blms": [blm_id],
                    "side": "us",
                    "phone": "+15555550103",
                },
                {
                    "name": "Coordinación MX",
                    "telegram_user": 5550002,
                    "role": "coordinator",
                    "blms": [blm_id],
                    "side": "mx",
                    "lang": "es",
                    "phone": "+525555550104",
                },
                {
                    "name": "Central Desk",
                    "slack_user": "U0CENTRAL",
                    "telegram_user": 5550003,
                    "role": "central",
                    "phone": "+15555550105",
                },
            ],
        }
    )


def _room_label(rooms: Rooms, ref, lang: str) -> str:
    info = rooms.room(ref)
    if info is None:
        person = rooms.person(ref.platform, ref.chat_id)
        return f"{'DM' if lang == 'en' else 'privado'} {person.name if person else ref.chat_id} ({ref.platform})"
    side = "central" if info.is_central else info.side.upper()
    return f"{side} {ref.platform}"


def _render(rooms: Rooms, kind: str, op: str, message, lang: str) -> list[str]:
    if kind == "call":  # the telephone alarm's timeline note (an Event): who would be rung
        return [f"  ☎ {describe(message, lang)}"]
    head = _room_label(rooms, message.room, lang)
    mark = {"escalation": "!! ", "reminder": "! ", "dm": "✉ "}.get(kind, "")
    tag = f"[{op}] " if op != "post" else ""
    exercise = f"[{t('exercise.banner', message.lang)}] " if message.exercise else ""
    first = " — ".join(x for x in (message.title, message.text) if x)
    out = [f"  {mark}→ {head} ({message.lang}): {tag}{exercise}{first}"]
    out += [f"        {line}" for line in message.lines]
    if message.buttons:
        out.append("        [" + "] [".join(b.label for b in message.buttons) + "]")
    if message.mentions:
        out.append("        @ " + ", ".join(m.name for m in message.mentions))
    return out


class SimulateError(LookupError):
    """Bad input to `simulate`: a message key of engine/messages.py and its values, so the CLI
    can say it in the person's language."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


async def simulate_async(
    playbook_path_or_id: str,
    blm: str | None = None,
    params: dict | None = None,
    answers: dict | None = None,
    ack: str = "none",
    lang: str = "en",
    playbooks_dir=None,
) -> str:
    path = Path(playbook_path_or_id)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        lp = load_file(path, playbook_path_or_id)  # raises PlaybookError with file:line problems
    else:
        library = PlaybookLibrary.load(playbooks_dir or Settings().playbooks_dir)
        found = library.get(playbook_path_or_id)
        if found is None:
            raise SimulateError(
                "engine.cli.unknown_playbook", name=playbook_path_or_id, known=", ".join(library.ids()) or "–"
            )
        lp = found
    blm_obj = find_blm(blm) if blm else BLMS[0]
    if blm_obj is None:
        raise SimulateError("engine.cli.unknown_blm", name=blm, known=", ".join(b.id for b in BLMS))
    if ack not in ("all", "none"):
        raise ValueError("ack is all or none")
    asks = [s.id for s in lp.playbook.steps if s.kind == "ask"]
    unknown = sorted(set(answers or {}) - set(asks))
    if unknown:
        raise SimulateError(
            "engine.cli.unknown_answer", playbook=lp.playbook.id, steps=", ".join(unknown), asks=", ".join(asks) or "–"
        )
    clock = ManualClock(START)
    redis = connect_store(None)
    rooms = Rooms(sim_deployment(blm_obj.id))
    library = PlaybookLibrary()
    library.add(lp)
    # the telephone alarm, with a telephone that places nothing and that nobody answers; its
    # wake-ups listen to the engine's transitions, as in Runtime.build
    dialer = SimulatedDialer(clock)
    public_url = "https://simulate.invalid"
    wakeups = AlarmWakeups(enabled=calls_enabled(dialer, public_url))
    sink: list = []  # what the engine posts and the alarm notes, as they are made
    engine = Engine(redis, clock, rooms, library, transition_listeners=[wakeups.on_transition], sink=sink)
    timers = TimerLoop(engine)
    alarm = Alarm(redis, clock, engine, public_url=public_url, dialer=dialer, sink=sink)
    answers = dict(answers or {})
    out = [
        t("engine.sim.header", lang, playbook=lp.playbook.id, version=lp.playbook.version, blm=blm_obj.name(lang)),
        "",
    ]
    printed = 0
    last_time = None

    def flush():
        nonlocal printed, last_time
        for at, kind, op, message in sink[printed:]:
            if at != last_time:
                times = three(at, blm_obj.id)
                out.append(f"{times['utc']} UTC · {times['us']} · {times['mx']}")
                last_time = at
            out.extend(_render(rooms, kind, op, message, lang))
        printed = len(sink)

    effects = Effects(clock.now())
    state = await engine.start_run(lp, blm_obj.id, params, False, "simulate", effects)
    await effects.commit(redis)
    flush()
    pb = lp.playbook
    acked: set[str] = set()
    for _ in range(MAX_EVENTS):
        state = await _reload(engine, state.id)
        if not state.is_open:
            break
        if state.waiting and state.waiting.kind == "ask" and state.waiting.step in answers:
            clock.advance(60)
            await engine.answer(state.id, state.waiting.step, str(answers[state.waiting.step]), "US Liaison")
            flush()
            continue
        if ack == "all":
            pending = [s for s in state.pending_acks() if s not in acked]
            if pending:
                step = pb.step(pending[0])
                delay = min(60.0, (step.within / 2) if isinstance(step, AckStep) else 60.0)
                due = await timers.next_due()
                if due is None or clock.now() + delay < due:
                    clock.advance(delay)
                    acked.add(pending[0])
                    await engine.ack(state.id, pending[0], "US Liaison")
                    flush()
                    continue
        due = min(
            (x for x in (await timers.next_due(), await alarm.next_due(), dialer.next_due()) if x is not None),
            default=None,
        )
        if due is None:
            if state.status != "running":
                break
            if state.waiting and state.waiting.kind == "ask":
                out.append(t("engine.sim.waiting_answer", lang, step=state.waiting.step))
            else:
                out.append(t("engine.sim.stuck", lang))
            break
        clock.set(max(due, clock.now()))
        await timers.fire_due(clock.now())
        await alarm.fire_due(clock.now())
        for token in dialer.take_due(clock.now()):
            await alarm.call_status(token, "no-answer")
        flush()
    state = await _reload(engine, state.id)
    out += ["", t("engine.sim.end", lang, status=t("engine.status." + state.status, lang))]
    if state.problems:
        out += [f"  ! {p}" for p in state.problems]
    await redis.aclose()
    return "\n".join(out) + "\n"


async def _reload(engine: Engine, incident_id: str) -> RunState:
    state = await engine.get(incident_id)
    if state is None:  # the simulation's own incident: it cannot vanish
        raise LookupError(f"no incident {incident_id}")
    return state


def simulate(
    playbook_path_or_id: str,
    blm: str | None = None,
    params: dict | None = None,
    answers: dict | None = None,
    ack: str = "none",
    lang: str = "en",
    playbooks_dir=None,
) -> str:
    """`python -m bot simulate`: the run on a virtual clock, as text. No Redis server needed."""
    return asyncio.run(simulate_async(playbook_path_or_id, blm, params, answers, ack, lang, playbooks_dir))
