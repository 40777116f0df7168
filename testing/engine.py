"""Shared by the engine's unit and integration tests: a bot (Runtime) for Nogales
(testing.deployments.NOGALES_SHORT_IDS, whose rooms are US / MX below), events, and an outbox
reader standing in for the Slack/Telegram senders (it collects what each room got)."""

from __future__ import annotations

import itertools
import json

from bot.clock import ManualClock
from bot.delivery.outbox import Effects
from bot.model import InboundEvent, OutboundOp, RoomRef, Sender
from bot.runtime import Runtime
from bot.store import keys
from testing.bot import build_bot
from testing.deployments import NOGALES_SHORT_IDS
from testing.playbooks import FIXTURES, T0

US = RoomRef(platform="slack", chat_id="CNOG")
MX = RoomRef(platform="telegram", chat_id="-1003")
CENTRAL_US = RoomRef(platform="slack", chat_id="CCEN")
CENTRAL_MX = RoomRef(platform="telegram", chat_id="-1009")

_ids = itertools.count(1)


def make_core(redis, clock=None, playbooks=FIXTURES) -> Runtime:
    """The whole bot (testing.bot.build_bot, no workers started) at T0 on a manual clock: `.core`
    dispatches, `.engine` runs playbooks."""
    return build_bot(NOGALES_SHORT_IDS, redis=redis, clock=clock or ManualClock(T0), playbooks=playbooks)


def event(kind: str, room: RoomRef, user: str, **kw) -> InboundEvent:
    return InboundEvent(
        kind=kind,
        platform=room.platform,
        event_id=f"e{next(_ids)}",
        room=room,
        sender=Sender(user_id=user, display_name=user),
        **kw,
    )


def command(room: RoomRef, user: str, text: str) -> InboundEvent:
    name, _, rest = text.lstrip("/").partition(" ")
    return event("command", room, user, command=name, text=rest)


async def handle(bot: Runtime, ev: InboundEvent) -> Effects:
    """What the worker does with one inbound event: dispatch, commit the effects."""
    effects = Effects(bot.clock.now())
    await bot.core.dispatch(ev, effects)
    await effects.commit(bot.redis)
    return effects


class Outbox:
    """Reads (and removes) what was queued for each room, in order: a stand-in sender."""

    def __init__(self, redis):
        self.redis = redis
        self.got: dict[str, list[OutboundOp]] = {}

    async def drain(self) -> dict[str, list[OutboundOp]]:
        new: dict[str, list[OutboundOp]] = {}
        async for key in self.redis.scan_iter(match=keys.queue("out:*")):
            for entry_id, fields in await self.redis.xrange(key):
                op = OutboundOp.model_validate(json.loads(fields["p"]))
                # by the room it is shown in (a private answer has its person's own queue)
                new.setdefault(op.message.room.key, []).append(op)
                await self.redis.xdel(key, entry_id)
        for room, ops in new.items():
            self.got.setdefault(room, []).extend(ops)
        return new

    def texts(self, room: RoomRef) -> list[str]:
        return [
            " ".join(filter(None, [o.message.title, o.message.text] + o.message.lines))
            for o in self.got.get(room.key, [])
        ]

    def ops(self, room: RoomRef) -> list[OutboundOp]:
        return self.got.get(room.key, [])
