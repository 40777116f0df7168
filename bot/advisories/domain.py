"""The advisories domain as the runtime builds it: the poller loop (when polling is on), the
/advisory commands, and the CAP route of the advisories the bot issued."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web
from redis.asyncio import Redis

from bot.advisories import messages  # noqa: F401  (registers the texts)
from bot.advisories.http import cap_routes
from bot.advisories.publish import StartPlaybooks
from bot.advisories.service import AdvisoryService
from bot.clock import Clock
from bot.commands import advisory as advisory_commands
from bot.commands.registry import CommandSpec
from bot.config import Deployment, Settings
from bot.domain import Loop
from bot.rooms import Rooms


class Advisories:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        settings: Settings,
        deployment: Deployment,
        start_playbooks: StartPlaybooks | None,
    ):
        self.service = AdvisoryService(redis, clock, rooms, settings, deployment, start_playbooks)
        self.commands: Sequence[CommandSpec] = advisory_commands.COMMANDS.bound()
        polling = float(settings.advisory_poll_seconds or 0) > 0
        self.loops: Sequence[Loop] = [self.service] if polling else []
        self._redis = redis

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return cap_routes(self._redis)
