"""The outbound queue handler: rate limits, platform calls, retries, dead letters, and the map of
the bot's own logical messages (`blm:msgmap:*`, by `OutboundMessage.key`).

What a relayed message is (coalescing, reply targets, the relay map, edits of combined copies)
belongs to the bridge: it is asked through the `SendHooks` given at construction.

One entry at a time per room keeps order. A 429 blocks only that room until `retry_after`; 5xx
and network errors back off exponentially and keep trying (nothing is dropped for being slow); a
permanent refusal moves the operation to the dead-letter stream and tells the sending side once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import budget as retry_budget
from bot.delivery import private
from bot.delivery.outbox import Effects
from bot.delivery.queues import Done, Entry, RetryAt, group_streams
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.senders import RoomSender
from bot.metrics import METRICS
from bot.model import OutboundOp, PermanentError, PersonUnreachable, RateLimited, TransientError
from bot.store import keys

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0
BACKLOG_TTL = 120  # seconds a room counts as backed up after a send had to wait
DEPTH_EVERY = 5.0  # seconds between reads of a group's queue depth (a gauge, off the hot path)


class SendHooks(Protocol):
    """What the Deliverer asks about relayed messages (the bridge's `RelayHooks`)."""

    async def prepare(self, op: OutboundOp, entry: Entry, backed_up: bool) -> tuple[OutboundOp, list[tuple[str, str]]]:
        """The post to send (combined when the room is `backed_up`, with its reply target) and the
        (stream, entry id) of the queued entries folded into it."""

    async def targets(self, op: OutboundOp) -> list[str]:
        """The platform ids, in this room, of the relayed message an edit or deletion is about."""

    async def change_coalesced(self, sender: RoomSender, op: OutboundOp, ids: list[str]) -> bool:
        """Handle an edit or deletion of a combined copy; False when the copy is not one."""

    def recorded(self, pipe: Pipeline, op: OutboundOp, ids: list[str]) -> None:
        """Write what was sent into the relay map, in the transaction that retires the entry."""


@dataclass
class Deliverer:
    redis: Redis
    clock: Clock
    settings: Settings
    senders: Mapping[str, RoomSender]
    map_ttl_seconds: int = 90 * 86400
    # Called once per room that fails for good, to tell the side that wrote to it.
    on_permanent_failure: Callable[[OutboundOp, str], Awaitable[None]] | None = None
    hooks: SendHooks | None = None  # relayed messages (None: nothing is relayed, sends only)
    budget: retry_budget.RetryBudget = field(default_factory=retry_budget.RetryBudget)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self):
        self.limiter = RateLimiter(self.redis)
        self._depth_due: dict[str, float] = {}  # group -> when its depth gauge is next read

    async def handle(self, entry: Entry) -> Done | RetryAt:
        op = OutboundOp.model_validate(entry.payload)
        room = op.message.room
        now = self.clock.now()
        labels = (room.platform, room.key)
        if now >= self._depth_due.get(entry.group, 0.0):  # a gauge: XLENs at most every few seconds
            if len(self._depth_due) > 10_000:
                self._depth_due.clear()
            self._depth_due[entry.group] = now + DEPTH_EVERY
            METRICS.queue_depth.labels(*labels).set(await self._depth(entry.group))
        if entry.attempts > 1:
            METRICS.retried.labels(*labels).inc()
        sender = self.senders.get(room.platform)
        if sender is None:
            # The platform is not configured in this process: keep it queued, never drop it.
            return RetryAt(now + 30, f"no sender for {room.platform}")
        # A private answer has the person's own budget (bot.delivery.private), never the room's.
        lane_key, limits = private.lane(op.message, self.settings)
        # the lane's 429 block, its rate limits and its backlog flag: one script, one round trip
        blocked, wait, backed_up = await self.limiter.gate(
            limits, now, keys.room_blocked(lane_key), keys.room_backlog(lane_key), BACKLOG_TTL
        )
        if blocked is not None:
            return RetryAt(blocked, "room blocked by 429")
        if wait > 0:
            return RetryAt(now + wait, "rate limit")
        extra: list[tuple[str, str]] = []  # (stream, entry id) of queued posts combined into this one
        if self.hooks is not None:
            op, extra = await self.hooks.prepare(op, entry, backed_up)
        try:
            ids = await self._call(sender, op)
        except RateLimited as exc:
            until = now + max(exc.retry_after, 0.05)
            await self.redis.set(
                keys.room_blocked(lane_key), str(until), px=int(max(exc.retry_after, 0.05) * 1000) + 1000
            )
            METRICS.rate_limited.labels(*labels).inc()
            return RetryAt(until, "429")
        except TransientError as exc:
            # Back off by this entry's failed sends, not by `attempts` (every head read, rate-limit
            # waits and 429 blocks included): one 5xx after a few rate-limit waits waited minutes.
            failures, first = await retry_budget.note_failure(self.redis, entry.group, entry.entry_id, now)
            if self.budget.exhausted(failures, first, now):
                return await self._out_of_budget(op, entry, f"{exc}; {self.budget.describe(failures, first, now)}")
            backoff = min(MAX_BACKOFF, 0.5 * 2 ** min(int(failures), 12))
            log.warning("delivery to %s failed (%s); retry in %.1fs", room.key, exc, backoff)
            return RetryAt(now + backoff, "transient")
        except PersonUnreachable as exc:
            return await self._unreachable(op, exc, entry)
        except PermanentError as exc:
            if private.is_private(op.message):
                return await self._unreachable(op, exc, entry)  # one person's answer: not the room's failure
            return await self._give_up(op, exc, entry)
        METRICS.delivered.labels(*labels, op.op).inc()
        if op.enqueued_at:
            METRICS.latency.labels(room.platform).observe(max(0.0, time.time() - op.enqueued_at))
        if extra:
            METRICS.coalesced.labels(*labels).inc(len(extra) + 1)

        def commit(pipe):
            for stream, entry_id in extra:
                pipe.xdel(stream, entry_id)
                pipe.hdel(keys.inflight(entry.group), entry_id)
            self._record(pipe, op, ids)

        return Done(commit)

    async def _call(self, sender: RoomSender, op: OutboundOp) -> list[str]:
        room = op.message.room
        if op.op == "post":
            result = await sender.post(op.message)
            return result.message_ids
        ids = await self._target_ids(op)
        if not ids:
            log.info("%s of an unknown message in %s skipped (never posted or expired)", op.op, room.key)
            return []
        if self.hooks is not None and await self.hooks.change_coalesced(sender, op, ids):
            log.info("%s of a message coalesced with others in %s handled by the bridge", op.op, room.key)
            return []
        if op.op == "edit":
            await sender.edit(room, ids, op.message)
            return ids
        await sender.delete(room, ids)
        return []

    async def _target_ids(self, op: OutboundOp) -> list[str]:
        room = op.message.room
        if op.message.key:
            raw = await self.redis.get(keys.msgmap(room.key, op.message.key))
            return json.loads(raw) if raw else []
        if self.hooks is not None:
            return await self.hooks.targets(op)
        return []

    def _record(self, pipe: Pipeline, op: OutboundOp, ids: list[str]) -> None:
        room = op.message.room
        pipe.delete(keys.credentials_rejected(room.platform))
        if op.op != "post" or not ids:
            return
        value = json.dumps(ids)
        if op.message.key:
            pipe.set(keys.msgmap(room.key, op.message.key), value, ex=self.map_ttl_seconds)
        if self.hooks is not None:
            self.hooks.recorded(pipe, op, ids)

    async def _give_up(self, op: OutboundOp, exc: PermanentError, entry: Entry) -> Done:
        room = op.message.room
        METRICS.failed.labels(room.platform, room.key).inc()
        log.error("delivery to %s failed for good: %s", room.key, exc.reason)
        if exc.credentials:
            await self.redis.set(keys.credentials_rejected(room.platform), exc.reason)
        first = await self.redis.set(keys.notice(f"failed:{room.key}"), "1", nx=True, ex=86400)
        if first and self.on_permanent_failure is not None:
            try:
                await self.on_permanent_failure(op, exc.reason)
            except Exception:
                log.exception("could not report the failed delivery")

        def write(pipe):
            retry_budget.dead_letter(pipe, room.key, exc.reason, entry.payload)

        return Done(write)

    async def _unreachable(self, op: OutboundOp, exc: PermanentError, entry: Entry) -> Done:
        """A private answer that cannot reach its person: dropped (it may hold personal data, so
        not dead-lettered), and when they never opened the bot, one short public line an hour."""
        m = op.message
        log.info("private answer to %s:%s not delivered: %s", m.room.platform, m.ephemeral_to, exc.reason)
        effects = Effects(self.clock.now())
        if isinstance(exc, PersonUnreachable) and await self.redis.set(
            keys.notice(f"open-bot:{m.room.platform}:{m.ephemeral_to}"),
            "1",
            nx=True,
            ex=private.OPEN_BOT_EVERY_SECONDS,
        ):
            effects.post(private.open_bot_line(m, exc.hint))

        def write(pipe):
            effects.commit_into(pipe)

        return Done(write)

    async def _out_of_budget(self, op: OutboundOp, entry: Entry, reason: str) -> Done:
        """An entry that kept failing: set aside (dead-letter stream) so the room moves on, and the
        room told once in a while (never about its own notice, so a dead room cannot loop)."""
        room = op.message.room
        METRICS.failed.labels(room.platform, room.key).inc()
        log.error("delivery to %s set aside: %s", room.key, reason)
        effects = Effects(self.clock.now())
        if op.message.key != retry_budget.NOTICE_KEY and await self.redis.set(
            keys.notice(f"dead:{room.key}"), "1", nx=True, ex=retry_budget.NOTICE_EVERY_SECONDS
        ):
            effects.post(retry_budget.notice_for(op, reason))

        def write(pipe):
            retry_budget.dead_letter(pipe, room.key, reason, entry.payload)
            effects.commit_into(pipe)

        return Done(write)

    async def _depth(self, group: str) -> int:
        total = 0
        for stream in group_streams(group):
            total += await self.redis.xlen(stream)
        return total
