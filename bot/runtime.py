"""Assembles one process: settings, deployment, store, core, queues and the edges' senders."""

from __future__ import annotations

from redis.asyncio import Redis

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Deployment, Settings, load_deployment
from bot.core import Core
from bot.delivery.deliver import Deliverer
from bot.delivery.queues import QueueRunner
from bot.delivery.senders import RoomSender
from bot.i18n import t
from bot.model import OutboundMessage, OutboundOp
from bot.store import connect_store, describe_store

log = logging.getLogger(__name__)

LoopFactory = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    settings: Settings
    deployment: Deployment
    redis: Redis
    clock: Clock
    core: Core
    senders: dict[str, RoomSender] = field(default_factory=dict)
    edges: list = field(default_factory=list)
    runner: QueueRunner | None = None
    deliverer: Deliverer | None = None
    extra_loops: list[LoopFactory] = field(default_factory=list)  # engine timers, advisory polling
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def build(
        cls, settings: Settings, deployment: Deployment | None = None, redis=None, clock: Clock | None = None
    ) -> Runtime:
        if deployment is None:
            deployment = load_deployment(settings.deployment_path())
        redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
        if redis is None:
            log.info("state: %s", describe_store(redis_url))
            redis = connect_store(redis_url)
        clock = clock or Clock()
        core = Core(settings, deployment, redis, clock)
        rt = cls(settings, deployment, redis, clock, core)
        rt.deliverer = Deliverer(
            redis,
            clock,
            settings,
            rt.senders,
            map_ttl_seconds=deployment.message_map_days * 86400,
            on_permanent_failure=rt._tell_sender_side,
        )
        rt.runner = QueueRunner(redis, clock, {"in:": core.handle_inbound, "out:": rt.deliverer.handle})
        core.on_enqueue = rt.runner.wake.set
        rt._plug_in_domains()
        return rt

    def _plug_in_domains(self) -> None:
        """Domains that listen to the core register here: each gets the runtime."""
        import importlib

        for module_name in ("bot.bridge", "bot.engine", "bot.advisories"):
            importlib.import_module(module_name).register(self)

    def add_edge(self, edge) -> None:
        self.edges.append(edge)
        if edge.sender is not None:
            self.senders[edge.sender.platform] = edge.sender

    async def start_workers(self) -> None:
        assert self.runner is not None
        self._tasks.append(asyncio.create_task(self.runner.run(), name="queues"))
        for factory in self.extra_loops:
            self._tasks.append(asyncio.create_task(factory(), name=getattr(factory, "__name__", "loop")))

    async def stop_workers(self) -> None:
        if self.runner:
            await self.runner.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def close(self) -> None:
        await self.stop_workers()
        for edge in self.edges:
            try:
                await edge.stop()
            except Exception:
                log.warning("stopping edge %s failed", getattr(edge, "name", edge), exc_info=True)
        try:
            await self.redis.aclose()
        except Exception:
            pass

    async def _tell_sender_side(self, op: OutboundOp, reason: str) -> None:
        """A room cannot be reached any more: tell the other room(s) of its BLM, once."""
        room = self.core.rooms.room(op.message.room)
        if room is None:
            return
        from bot.delivery.outbox import Effects

        effects = Effects(self.clock.now())
        for other in self.core.rooms.rooms_of(room.blm_id):
            if other.room == room.room:
                continue
            blm_name = room.blm.name(other.lang) if room.blm else "central"
            effects.post(
                OutboundMessage(
                    room=other.room,
                    priority="interactive",
                    lang=other.lang,
                    text=t(
                        "notice.delivery_failed",
                        other.lang,
                        platform=room.room.platform.capitalize(),
                        blm=blm_name,
                        reason=reason,
                    ),
                )
            )
        await effects.commit(self.redis)
