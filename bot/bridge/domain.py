"""The bridge as the runtime builds it: the message listener that relays, and the hooks delivery
calls at send time for relayed messages (coalescing, reply targets, the relay map)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from redis.asyncio import Redis

from bot.bridge import messages  # noqa: F401  (registers the bridge's texts)
from bot.bridge.hooks import RelayHooks
from bot.bridge.relay import coalesce, relay_message
from bot.commands.registry import CommandSpec
from bot.domain import Loop

if TYPE_CHECKING:
    from bot.core import Context


class Bridge:
    def __init__(self, redis: Redis, map_ttl_seconds: int) -> None:
        self.commands: Sequence[CommandSpec] = []
        self.loops: Sequence[Loop] = []
        self.delivery_hooks = RelayHooks(redis, coalesce, map_ttl_seconds)

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []

    async def on_message(self, ctx: Context) -> None:
        await relay_message(ctx)
