"""The playbook engine: schema, loader, steps, runs, timers, timeline, reports, simulation.

What the rest of the bot calls:
- `register(core)`: the engine for this Core (playbooks from settings.playbooks_dir), its button
  and reply listeners, and the /playbook, /incident, /ack and /checklist commands.
- `engine_loops(core)`: coroutine factories `f(stop_event)` for the worker (the timer loop).
- `start_run`, `start_for_advisory`, `report` (async), `simulate` (sync, for the CLI),
  `validate_paths`, `PlaybookLibrary`, `json_schema`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.engine import messages as _messages  # noqa: F401  (registers the texts)
from bot.engine.loader import LoadedPlaybook, PlaybookError, PlaybookLibrary, parse_playbook, validate_paths

# imported here, before `report` below is defined: a first import of the submodule later would
# replace the package's `report` function with the module (and `from bot.engine import report` break)
from bot.engine.report import build_report
from bot.engine.runs import Engine, ParamError, resolve_params
from bot.engine.schema import Playbook, json_schema
from bot.engine.state import RunState
from bot.engine.steps import StepRefused
from bot.engine.timers import TimerLoop

log = logging.getLogger(__name__)


def get_engine(core) -> Engine:
    """The Engine of a Core, made on first use with the playbooks of settings.playbooks_dir."""
    engine = getattr(core, "engine", None)
    if engine is None:
        library = PlaybookLibrary.load(core.settings.playbooks_dir)
        for problem in library.problems:
            log.error("playbook problem: %s", problem)
        engine = Engine(
            core.redis, core.clock, core.rooms, library, retention_days=getattr(core.deployment, "retention_days", 365)
        )
        core.engine = engine
    return engine


def register(target, library: PlaybookLibrary | None = None) -> Engine:
    """Wire the engine into a Core (or a Runtime, which also gets the timer loop): listeners for
    buttons and replies, the commands, and the incident hooks /sitrep uses."""
    import asyncio

    import bot.commands.incidents  # noqa: F401  (registers the commands)
    from bot.engine.interact import on_action, on_reply

    runtime = target if hasattr(target, "core") else None
    core = runtime.core if runtime is not None else target
    if library is not None:
        core.engine = Engine(
            core.redis, core.clock, core.rooms, library, retention_days=getattr(core.deployment, "retention_days", 365)
        )
    engine = get_engine(core)
    if on_action not in core.action_listeners:
        core.action_listeners.append(on_action)
    if on_reply not in core.message_listeners:
        core.message_listeners.append(on_reply)
    core.incident_lookup = lambda blm_id, given=None: _open_incident(engine, blm_id, given)
    core.timeline_note = lambda ctx, incident_id, kind, text: _note(engine, ctx, incident_id, kind, text)
    if runtime is not None:
        for loop in engine_loops(core):
            # The runtime cancels its loops on stop; each gets a stop event of its own.
            runtime.extra_loops.append(lambda loop=loop: loop(asyncio.Event()))
    return engine


async def _open_incident(engine: Engine, blm_id: str, given: str | None) -> tuple[str, bool] | None:
    """(id, is_drill) of the incident meant; a real one wins over a drill. Raises
    AmbiguousIncident (a LookupError with `.ids`) when several could be meant."""
    state = await engine.find_incident(blm_id, given)
    return (state.id, bool(state.drill)) if state else None


async def _note(engine: Engine, ctx, incident_id: str, kind: str, text: str) -> None:
    """A person's note (a sitrep) on the timeline, committed with the command's other effects."""
    from bot.engine.state import Event
    from bot.store import keys

    who = ctx.person.name if ctx.person else (ctx.event.sender.display_name or ctx.event.sender.user_id)
    event = Event(at=engine.clock.now(), kind=kind, who=who, detail={"text": text}).model_dump_json()
    key = keys.incident_timeline(incident_id)
    ctx.effects.also(lambda pipe: pipe.rpush(key, event))


def engine_loops(core) -> list[Callable[[object], Awaitable[None]]]:
    """For the worker: each item is `async f(stop_event)` that runs until the event is set."""
    engine = get_engine(core)
    loop = TimerLoop(engine)
    return [loop.run]


async def start_run(
    core,
    playbook: str | LoadedPlaybook,
    blm_id: str,
    params: dict | None = None,
    drill: bool = False,
    started_by: str = "bot",
    effects=None,
) -> RunState:
    """Open an incident from a playbook (id or loaded). Writes into `effects` when given (the caller
    commits it), else commits on its own. Raises LookupError (unknown playbook), ParamError."""
    from bot.delivery.outbox import Effects

    engine = get_engine(core)
    lp = engine.library.get(playbook) if isinstance(playbook, str) else playbook
    if lp is None:
        raise LookupError(f"unknown playbook {playbook!r}")
    own = effects is None
    effects = effects or Effects(engine.clock.now())
    state = await engine.start_run(lp, blm_id, params, drill, started_by, effects)
    if own:
        await effects.commit(engine.redis)
    return state


async def start_for_advisory(core, advisory_event_names: list[str], blm_id: str, chain_id: str, effects) -> list[str]:
    """Start each playbook whose advisory trigger matches, once per alert chain. Returns incident ids.
    The chain key is taken now (SET NX), the run itself commits with `effects`."""
    from bot.store import keys

    engine = get_engine(core)
    started = []
    for lp in engine.library.for_advisory(advisory_event_names, blm_id):
        key = keys.advisory_chain(blm_id, chain_id, lp.playbook.id)
        if not await engine.redis.set(key, "1", nx=True, ex=engine.retention):
            continue
        try:
            state = await engine.start_run(
                lp, blm_id, None, False, "advisory " + ", ".join(advisory_event_names)[:200], effects
            )
        except Exception:
            await engine.redis.delete(key)
            log.exception("playbook %s could not start for advisory chain %s", lp.playbook.id, chain_id)
            continue
        started.append(state.id)
    return started


async def report(target, incident_id: str, fmt: str = "md", lang: str = "en") -> str:
    """The after-action report of an incident (`target` is a Core or an Engine). LookupError when
    there is no such incident."""
    engine = target if isinstance(target, Engine) else get_engine(target)
    state = await engine.get(incident_id)
    if state is None:
        raise LookupError(f"no incident {incident_id}")
    try:
        pb = await engine.playbook_for(state)
    except LookupError:
        pb = None
    return build_report(state, await engine.timeline(state.id), pb, fmt, lang)


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
    import asyncio

    from bot.engine.simulate import simulate_async

    return asyncio.run(simulate_async(playbook_path_or_id, blm, params, answers, ack, lang, playbooks_dir))


__all__ = [
    "Engine",
    "LoadedPlaybook",
    "ParamError",
    "Playbook",
    "PlaybookError",
    "PlaybookLibrary",
    "RunState",
    "StepRefused",
    "TimerLoop",
    "engine_loops",
    "get_engine",
    "json_schema",
    "parse_playbook",
    "register",
    "report",
    "resolve_params",
    "simulate",
    "start_for_advisory",
    "start_run",
    "validate_paths",
]
