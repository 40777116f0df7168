"""The bridge as the runtime builds it: the message listener that relays, and the way to combine
a backed-up room's relayed posts (coalescing) that delivery calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web

from bot.bridge import messages  # noqa: F401  (registers the bridge's texts)
from bot.bridge.relay import coalesce, relay_message
from bot.commands.registry import CommandSpec
from bot.domain import Loop
from bot.model import OutboundOp

if TYPE_CHECKING:
    from bot.core import Context


class Bridge:
    def __init__(self) -> None:
        self.commands: Sequence[CommandSpec] = []
        self.loops: Sequence[Loop] = []

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []

    async def on_message(self, ctx: Context) -> None:
        await relay_message(ctx)

    def coalesce(self, ops: list[OutboundOp], notice: bool) -> OutboundOp | None:
        return coalesce(ops, notice)
