"""What the core wants said, queued per destination room.

Core code never calls a platform: it adds operations to an `Effects` batch, which is committed in
one Redis transaction together with whatever else the handling wrote (and the removal of the
inbound event that caused it), so a crash can neither lose the reply nor send it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.delivery.private import group_for
from bot.delivery.queues import push_many
from bot.model import OutboundMessage, OutboundOp, RoomRef


def out_group(room: RoomRef) -> str:
    return f"out:{room.key}"


class Effects:
    """A batch of outbound operations and extra Redis writes, committed together."""

    def __init__(self, now: float):
        self.now = now
        self.ops: list[OutboundOp] = []
        self.writes: list[Callable[[Pipeline], Any]] = []

    def post(self, message: OutboundMessage, source: str | None = None, reply_source: str | None = None) -> None:
        self.ops.append(
            OutboundOp(op="post", message=message, source=source, reply_source=reply_source, enqueued_at=self.now)
        )

    def edit(self, message: OutboundMessage, source: str | None = None) -> None:
        if not message.key and not source:
            raise ValueError("an edit needs the message key or its relay source")
        self.ops.append(OutboundOp(op="edit", message=message, source=source, enqueued_at=self.now))

    def delete(self, room: RoomRef, key: str | None = None, source: str | None = None) -> None:
        message = OutboundMessage(room=room, key=key)
        self.ops.append(OutboundOp(op="delete", message=message, source=source, enqueued_at=self.now))

    def also(self, write: Callable[[Pipeline], Any]) -> None:
        """An extra Redis write (given the pipeline) to commit with the batch."""
        self.writes.append(write)

    def groups(self) -> list[str]:
        """The queue groups the operations go to, in order, each once."""
        return list(dict.fromkeys(group_for(op.message) for op in self.ops))

    def commit_into(self, pipe: Pipeline, wake: bool = True) -> None:
        """Queue the operations and run the writes in the caller's transaction. `wake` False:
        the caller leases every group queued to in that transaction (see push_many)."""
        push_many(
            pipe,
            [
                (
                    group_for(op.message),
                    op.model_dump_json(exclude_defaults=True),
                    "hi" if op.message.priority == "interactive" else "lo",
                )
                for op in self.ops
            ],
            self.now,
            wake=wake,
        )
        for write in self.writes:
            write(pipe)

    async def commit(self, redis: Redis) -> None:
        """Commit on its own (outside a queue handler)."""
        if not self.ops and not self.writes:
            return
        async with redis.pipeline(transaction=True) as pipe:
            self.commit_into(pipe)
            await pipe.execute()
