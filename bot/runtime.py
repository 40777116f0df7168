"""The composition root: `Runtime.build` assembles one process, and is the one place to read to
know what runs in it and who listens to what.

Every part is built here with what it needs, by ordinary imports and constructor arguments;
nothing is plugged in afterwards. A domain contributes `commands`, `loops` and `routes()` (see
`bot.domain.Domain`); listeners are wired by name below, in the order they run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from redis.asyncio import Redis

from bot.advisories.domain import Advisories
from bot.advisories.publish import StartPlaybooks
from bot.advisories.service import AdvisoryService
from bot.alarm import Alarm, AlarmWakeups, Dialer, calls_enabled
from bot.board import Board, BoardSignIn
from bot.bridge.domain import Bridge
from bot.clock import Clock
from bot.commands import basic, people
from bot.commands.registry import CommandRegistry
from bot.config import Deployment, Settings, load_deployment
from bot.core import Core
from bot.delivery.deliver import Deliverer
from bot.delivery.failures import TellSenderSide
from bot.delivery.queues import HandOff, QueueRunner
from bot.delivery.senders import RoomSender
from bot.domain import Domain, Loop
from bot.edges import Edge
from bot.engine.domain import EngineDomain
from bot.engine.loader import PlaybookLibrary
from bot.i18n import t
from bot.record.domain import Record
from bot.record.erase import RecordEraser
from bot.rooms import Rooms
from bot.store import connect_store, describe_store

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    deployment: Deployment
    redis: Redis
    clock: Clock
    core: Core
    runner: QueueRunner
    deliverer: Deliverer
    bridge: Bridge
    engine: EngineDomain
    advisories: Advisories
    alarm: Alarm
    board: Board
    domains: Sequence[Domain]
    senders: Mapping[str, RoomSender]  # by platform: the edges' and any given; the Deliverer's
    edges: Sequence[Edge] = ()
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        settings: Settings,
        deployment: Deployment | None = None,
        redis: Redis | None = None,
        clock: Clock | None = None,
        *,
        library: PlaybookLibrary | None = None,
        advisory_playbooks: StartPlaybooks | None = None,
        dialer: Dialer | None = None,
        edges: Callable[[Core], Sequence[Edge]] | None = None,
        senders: Mapping[str, RoomSender] | None = None,
    ) -> Runtime:
        """`library`: the playbooks (default: those of settings.playbooks_dir). `advisory_playbooks`:
        who starts the playbooks an advisory triggers (default: the engine). `dialer`: the telephone
        alarm's calls (handlers.make_dialer; None: no calls are placed). `edges`: builds the
        platform edges for the core (bot.cli passes handlers.build_edges; the edges need the core
        to queue what they receive, and the delivery needs their senders). `senders`: senders for
        platforms without an edge here (the console, tests), by platform."""
        if deployment is None:
            deployment = load_deployment(settings.deployment_path())
        if redis is None:
            redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
            log.info("state: %s", describe_store(redis_url))
            redis = connect_store(redis_url)
        clock = clock or Clock()
        rooms = Rooms(deployment)

        # The domains, each with what it needs.
        map_ttl = deployment.message_map_days * 86400
        bridge = Bridge(redis, map_ttl)
        # The telephone alarm listens to the engine's transitions (an overdue `call: true` step
        # wakes its call plan) and needs the engine: its listener part is built first and given to
        # the engine; the Alarm, which runs the plans, comes after the engine.
        alarm_wakeups = AlarmWakeups(
            enabled=calls_enabled(dialer, settings.public_url), retention_days=deployment.retention_days
        )
        transition_listeners = [alarm_wakeups.on_transition]
        if library is None:
            engine = EngineDomain.from_dir(
                redis,
                clock,
                rooms,
                settings.playbooks_dir,
                deployment.retention_days,
                transition_listeners=transition_listeners,
            )
        else:
            engine = EngineDomain(
                redis, clock, rooms, library, deployment.retention_days, transition_listeners=transition_listeners
            )

        advisories = Advisories(
            redis, clock, rooms, settings, deployment, advisory_playbooks or engine.start_for_advisory
        )
        alarm = Alarm(
            redis,
            clock,
            engine.engine,
            public_url=settings.public_url,
            dialer=dialer,
            retention_days=deployment.retention_days,
        )
        log.info(t("alarm.status.on" if alarm.enabled else "alarm.status.off", "en"))
        eraser = RecordEraser(redis, clock, deployment.retention_days)  # timeline content after retention
        board_sign_in = BoardSignIn(redis, settings)  # the /board command; the pages come after the core
        domains: list[Domain] = [bridge, engine, advisories, alarm, board_sign_in, Record(eraser)]

        # Every command of the process, in one registry (a name declared twice refuses to build).
        core_commands = [*basic.COMMANDS.bound(), *people.COMMANDS.bound(engine)]  # /sitrep asks the engine
        commands = CommandRegistry([*core_commands, *(spec for domain in domains for spec in domain.commands)])
        hand_off = HandOff()  # what the web side queues and leases for this process's own runner
        core = Core(
            settings,
            deployment,
            redis,
            clock,
            rooms=rooms,
            commands=commands,
            message_listeners=[bridge.on_message, engine.on_reply],  # all run, in this order
            action_listeners=[engine.on_action],  # the first to claim a tap wins
            hand_off=hand_off,
        )
        built_edges = list(edges(core)) if edges is not None else []
        senders = {edge.sender.platform: edge.sender for edge in built_edges if edge.sender is not None} | dict(
            senders or {}
        )
        deliverer = Deliverer(
            redis,
            clock,
            settings,
            senders,
            map_ttl_seconds=map_ttl,
            on_permanent_failure=TellSenderSide(rooms, redis, clock),
            hooks=bridge.delivery_hooks,
        )
        runner = QueueRunner(
            redis,
            clock,
            {"in:": core.handle_inbound, "out:": deliverer.handle, "alarm:": alarm.handle_callback},
            hand_off=hand_off,
        )
        board = Board(core, engine.engine, settings, board_sign_in.links)  # the pages under /board
        return cls(
            settings,
            deployment,
            redis,
            clock,
            core,
            runner,
            deliverer,
            bridge=bridge,
            engine=engine,
            advisories=advisories,
            alarm=alarm,
            board=board,
            domains=[*domains, board],
            senders=senders,
            edges=built_edges,
        )

    @property
    def advisory_service(self) -> AdvisoryService:
        return self.advisories.service

    # ---- what the domains contribute -------------------------------------------------------
    @property
    def loops(self) -> list[Loop]:
        """The worker's background loops (the queue runner first, then each domain's)."""
        return [self.runner, *(loop for domain in self.domains for loop in domain.loops)]

    def routes(self) -> list[web.AbstractRouteDef]:
        return [route for domain in self.domains for route in domain.routes()]

    # ---- edges and lifecycle ---------------------------------------------------------------
    async def start_workers(self) -> None:
        for loop in self.loops:
            self._tasks.append(asyncio.create_task(loop.run(), name=type(loop).__name__))

    async def stop_workers(self) -> None:
        await self.runner.stop()  # lets the entry in hand commit; the other loops are cancelled
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
                log.warning("stopping edge %s failed", edge.name, exc_info=True)
        try:
            await self.redis.aclose()
        except Exception:  # closing a connection that already failed: nothing left to do
            pass
