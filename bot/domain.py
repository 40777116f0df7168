"""What a domain contributes to the process, and the small interfaces domains offer each other.

A domain (bridge, engine, advisories, board, alarm, record, ...) is one object built in
`bot.runtime.Runtime.build` with what it needs as constructor arguments. It exposes:

- `commands`: the `CommandSpec`s it adds (bound to what their handlers need);
- `loops`: background work, each an object with `async def run(self) -> None` that runs until the
  runtime cancels it;
- `routes()`: the aiohttp route definitions it serves on the web app.

Listeners (what reacts to messages, taps and engine transitions) are wired by name in
`Runtime.build`, so the order in which they run is written down in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from bot.commands.registry import CommandSpec

if TYPE_CHECKING:
    from bot.core import Context
    from bot.delivery.outbox import Effects
    from bot.engine.state import RunState, Transition

MessageListener = Callable[["Context"], Awaitable[None]]
# An action (button tap) listener returns True when the tap was its own (the first True wins).
ActionListener = Callable[["Context"], Awaitable[bool]]
# Told of every engine transition inside its transaction (the telephone alarm's wake-ups): adds
# its own writes to the same Effects, so they commit with the change. Given to the engine when built.
TransitionListener = Callable[["Effects", "RunState", "Transition"], None]


class Loop(Protocol):
    async def run(self) -> None:
        """Work until cancelled (the runtime cancels every loop on stop)."""


class Domain(Protocol):
    commands: Sequence[CommandSpec]
    loops: Sequence[Loop]

    def routes(self) -> Sequence[web.AbstractRouteDef]: ...


class IncidentPort(Protocol):
    """What the core commands (/sitrep) may ask of whoever runs incidents (the engine)."""

    async def latest_open(self, blm_id: str, given: str | None = None) -> tuple[str, bool] | None:
        """The incident meant as (id, is_drill), or None: `given` (an id) if open, else the BLM's
        open one, a real incident winning over a drill. A LookupError with `.ids` when several
        real ones could be meant."""

    async def note(self, ctx: Context, incident_id: str, kind: str, text: str) -> None:
        """A person's note (a sitrep) on the incident's timeline, linked into its hash chain."""


class NoIncidents:
    """The IncidentPort of a process without an engine: there is never an open incident."""

    async def latest_open(self, blm_id: str, given: str | None = None) -> tuple[str, bool] | None:
        return None

    async def note(self, ctx: Context, incident_id: str, kind: str, text: str) -> None:
        return None
