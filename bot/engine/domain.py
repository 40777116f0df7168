"""The playbook engine as the runtime builds it: the Engine, its timer loop, its commands, the
listeners for taps and replies, and what other parts may ask of it (the IncidentPort for /sitrep,
starting playbooks for an advisory, the after-action report)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from redis.asyncio import Redis

from bot.clock import Clock
from bot.commands import incidents as incident_commands
from bot.commands.registry import CommandSpec
from bot.delivery.outbox import Effects
from bot.domain import Loop, TransitionListener
from bot.engine import interact, steps
from bot.engine import messages as _messages  # noqa: F401  (registers the texts)
from bot.engine.loader import LoadedPlaybook, PlaybookLibrary
from bot.engine.report import build_report
from bot.engine.runs import Engine
from bot.engine.state import Event, RunState, Transition
from bot.engine.timers import TimerLoop
from bot.rooms import Rooms
from bot.store import keys

if TYPE_CHECKING:
    from bot.core import Context

log = logging.getLogger(__name__)


class EngineDomain:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        library: PlaybookLibrary,
        retention_days: int = 365,
        *,
        transition_listeners: Sequence[TransitionListener] = (),
    ) -> None:
        self.engine = Engine(
            redis, clock, rooms, library, retention_days=retention_days, transition_listeners=transition_listeners
        )
        self.timers = TimerLoop(self.engine)
        self.commands: Sequence[CommandSpec] = incident_commands.COMMANDS.bound(self.engine)
        self.loops: Sequence[Loop] = [self.timers]

    @classmethod
    def from_dir(
        cls,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        playbooks_dir,
        retention_days: int = 365,
        *,
        transition_listeners: Sequence[TransitionListener] = (),
    ):
        """With the playbooks of a folder; each problem is logged (the CLI's validate lists them)."""
        library = PlaybookLibrary.load(playbooks_dir)
        for problem in library.problems:
            log.error("playbook problem: %s", problem)
        return cls(redis, clock, rooms, library, retention_days, transition_listeners=transition_listeners)

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []

    # ---- listeners -----------------------------------------------------------------------
    async def on_action(self, ctx: Context) -> bool:
        return await interact.on_action(self.engine, ctx)

    async def on_reply(self, ctx: Context) -> None:
        await interact.on_reply(self.engine, ctx)

    # ---- the IncidentPort (/sitrep) ------------------------------------------------------
    async def latest_open(self, blm_id: str, given: str | None = None) -> tuple[str, bool] | None:
        """A real incident wins over a drill; AmbiguousIncident (a LookupError) when several could be meant."""
        state = await self.engine.find_incident(blm_id, given)
        return (state.id, bool(state.drill)) if state else None

    async def note(self, ctx: Context, incident_id: str, kind: str, text: str) -> None:
        """A person's note (a sitrep) on the timeline: an engine change of its own, so it is linked
        into the incident's hash chain like every other entry, and published to the board's live
        pages with its transaction; done once per inbound event."""
        detail = {"text": text}
        via = getattr(ctx, "via", None)  # done from the board (bot/board), not in chat
        if via:
            detail["via"] = via
        who = ctx.actor

        def add_note(pb, state, now):
            return Transition(state=state, events=[Event(at=now, kind=kind, who=who, detail=detail)])

        await self.engine.mutate(incident_id, add_note, dedupe=interact.done_key(ctx))

    # ---- entry points --------------------------------------------------------------------
    async def start_run(
        self,
        playbook: str | LoadedPlaybook,
        blm_id: str,
        params: dict | None = None,
        drill: bool = False,
        started_by: str = "bot",
        effects: Effects | None = None,
    ) -> RunState:
        """Open an incident from a playbook (id or loaded). Writes into `effects` when given (the
        caller commits it), else commits on its own. Raises LookupError (unknown playbook), ParamError."""
        engine = self.engine
        lp = engine.library.get(playbook) if isinstance(playbook, str) else playbook
        if lp is None:
            raise LookupError(f"unknown playbook {playbook!r}")
        batch = effects or Effects(engine.clock.now())
        state = await engine.start_run(lp, blm_id, params, drill, started_by, batch)
        if effects is None:
            await batch.commit(engine.redis)
        return state

    async def start_for_advisory(
        self, advisory_event_names: list[str], blm_id: str, chain_id: str, effects: Effects
    ) -> list[str]:
        """Start each playbook whose advisory trigger matches, once per alert chain. Returns incident
        ids. The chain key is taken now (SET NX), the run itself commits with `effects`."""
        engine = self.engine
        started = []
        for lp in engine.library.for_advisory(advisory_event_names, blm_id):
            key = keys.advisory_chain(blm_id, chain_id, lp.playbook.id)
            if not await engine.redis.set(key, "1", nx=True, ex=engine.retention):
                continue
            try:
                state = await engine.start_run(
                    lp, blm_id, None, False, steps.ADVISORY_STARTER + ", ".join(advisory_event_names)[:200], effects
                )
            except Exception:
                await engine.redis.delete(key)
                log.exception("playbook %s could not start for advisory chain %s", lp.playbook.id, chain_id)
                continue
            started.append(state.id)
        return started

    async def incident_report(self, incident_id: str, fmt: str = "md", lang: str = "en") -> str:
        return await incident_report(self.engine, incident_id, fmt, lang)


async def incident_report(engine: Engine, incident_id: str, fmt: str = "md", lang: str = "en") -> str:
    """The after-action report of an incident. LookupError when there is no such incident."""
    state = await engine.get(incident_id)
    if state is None:
        raise LookupError(f"no incident {incident_id}")
    try:
        pb = await engine.playbook_for(state)
    except LookupError:
        pb = None
    return build_report(state, await engine.timeline(state.id), pb, fmt, lang)
