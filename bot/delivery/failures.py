"""When a room cannot be reached any more, the other room(s) of its BLM are told, once."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.clock import Clock
from bot.delivery.outbox import Effects
from bot.i18n import t
from bot.model import OutboundMessage, OutboundOp
from bot.rooms import Rooms


class TellSenderSide:
    """The Deliverer's `on_permanent_failure`: a notice to the BLM's other rooms."""

    def __init__(self, rooms: Rooms, redis: Redis, clock: Clock) -> None:
        self.rooms = rooms
        self.redis = redis
        self.clock = clock

    async def __call__(self, op: OutboundOp, reason: str) -> None:
        room = self.rooms.room(op.message.room)
        if room is None:
            return
        effects = Effects(self.clock.now())
        for other in self.rooms.rooms_of(room.blm_id):
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
