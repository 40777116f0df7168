"""The outbound queue handler: rate limits, platform calls, retries, the message map.

One entry at a time per room keeps order. A 429 blocks only that room until `retry_after`; 5xx
and network errors back off exponentially and keep trying (nothing is dropped for being slow); a
permanent refusal moves the operation to the dead-letter stream and tells the sending side once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.delivery.queues import Done, Entry, RetryAt
from bot.delivery.ratelimit import RateLimiter, limits_for_room
from bot.delivery.relaymap import COALESCED, ORIGIN, THREAD, reply_target
from bot.delivery.senders import RoomSender
from bot.i18n import t
from bot.metrics import METRICS
from bot.model import OutboundOp, PermanentError, RateLimited, TransientError
from bot.store import keys

log = logging.getLogger(__name__)

MAX_BACKOFF = 300.0
BACKLOG_TTL = 120  # seconds a room counts as backed up after a send had to wait
DEPTH_EVERY = 5.0  # seconds between reads of a group's queue depth (a gauge, off the hot path)


@dataclass
class Deliverer:
    redis: object
    clock: Clock
    settings: object
    senders: dict[str, RoomSender]
    map_ttl_seconds: int = 90 * 86400
    # Called once per room that fails for good, to tell the side that wrote to it.
    on_permanent_failure: Callable[[OutboundOp, str], Awaitable[None]] | None = None
    # Combines several queued relayed posts into one (registered by the bridge): given the ops in
    # order and whether to add the "delivery delayed" notice, returns one post op, or None.
    coalesce: Callable[[list[OutboundOp], bool], OutboundOp | None] | None = None
    coalesce_max: int = 20
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
        # the room's 429 block, its rate limits and its backlog flag: one script, one round trip
        blocked, wait, backed_up = await self.limiter.gate(
            limits_for_room(room.platform, room.chat_id, self.settings),
            now,
            keys.room_blocked(room.key),
            keys.room_backlog(room.key),
            BACKLOG_TTL,
        )
        if blocked is not None:
            return RetryAt(blocked, "room blocked by 429")
        if wait > 0:
            return RetryAt(now + wait, "rate limit")
        extra: list[tuple[str, str]] = []  # (stream, entry id) of queued posts combined into this one
        if op.op == "post" and self.coalesce is not None and entry.stream.endswith(":lo") and backed_up:
            op, extra = await self._coalesced(op, entry)
        if op.op == "post" and op.reply_source and not op.message.reply_to:
            target = await reply_target(self.redis, op.reply_source, room)
            if target:
                op = op.model_copy(update={"message": op.message.model_copy(update={"reply_to": target})})
        try:
            ids = await self._call(sender, op)
        except RateLimited as exc:
            until = now + max(exc.retry_after, 0.05)
            await self.redis.set(
                keys.room_blocked(room.key), str(until), px=int(max(exc.retry_after, 0.05) * 1000) + 1000
            )
            METRICS.rate_limited.labels(*labels).inc()
            return RetryAt(until, "429")
        except TransientError as exc:
            # Back off by this entry's failed sends, not by `attempts` (every head read, rate-limit
            # waits and 429 blocks included): one 5xx after a few rate-limit waits waited minutes.
            failures = await self.redis.hincrby(keys.inflight(entry.group), _failures_field(entry), 1)
            backoff = min(MAX_BACKOFF, 0.5 * 2 ** min(int(failures), 12))
            log.warning("delivery to %s failed (%s); retry in %.1fs", room.key, exc, backoff)
            return RetryAt(now + backoff, "transient")
        except PermanentError as exc:
            return await self._give_up(op, exc, entry)
        METRICS.delivered.labels(*labels, op.op).inc()
        if op.enqueued_at:
            METRICS.latency.labels(room.platform).observe(max(0.0, time.time() - op.enqueued_at))
        if extra:
            METRICS.coalesced.labels(*labels).inc(len(extra) + 1)

        def commit(pipe):
            pipe.hdel(keys.inflight(entry.group), _failures_field(entry))
            for stream, entry_id in extra:
                pipe.xdel(stream, entry_id)
                pipe.hdel(keys.inflight(entry.group), entry_id)
            self._record(pipe, op, ids)

        return Done(commit)

    async def _coalesced(self, op: OutboundOp, entry: Entry) -> tuple[OutboundOp, list[tuple[str, str]]]:
        """When the room is backed up against its rate limit, the relayed chat posts queued right
        behind this one are sent with it as one post (each still attributed, in order). Called
        only when the room is backed up (the gate's backlog flag)."""
        room = op.message.room
        items = await self.redis.xrange(entry.stream, f"({entry.entry_id}", "+", count=self.coalesce_max - 1)
        ops, extra = [op], []
        for entry_id, fields in items:
            nxt = OutboundOp.model_validate(json.loads(fields["p"]))
            if not _coalescable(nxt, op):
                break
            ops.append(nxt)
            extra.append((entry.stream, entry_id))
        if len(ops) < 2 or not _coalescable(op, op):
            return op, []
        first_notice = bool(await self.redis.set(keys.notice(f"delayed:{room.key}"), "1", nx=True, ex=900))
        combined = self.coalesce(ops, first_notice)
        if combined is None:
            return op, []
        # Keep only as many as the combiner took (it stops at the size limit).
        taken = max(1, len(combined.sources)) - 1
        return combined, extra[:taken]

    async def _call(self, sender: RoomSender, op: OutboundOp) -> list[str]:
        room = op.message.room
        if op.op == "post":
            result = await sender.post(op.message)
            return result.message_ids
        ids = await self._target_ids(op)
        if not ids:
            log.info("%s of an unknown message in %s skipped (never posted or expired)", op.op, room.key)
            return []
        combined = await self.redis.hget(keys.relay(room.key, ids[0]), COALESCED) if op.source else None
        if op.op == "edit":
            if combined:
                # The copy holds several people's messages: the edit follows as a reply, marked.
                marked = f"{op.message.attribution or ''} ({t('bridge.edited', op.message.lang)})".strip()
                edited = op.message.model_copy(update={"reply_to": ids[0], "attribution": marked})
                await sender.post(edited)
                return []
            await sender.edit(room, ids, op.message)
            return ids
        if combined:
            log.info("delete of a message coalesced with others in %s skipped", room.key)
            return []
        await sender.delete(room, ids)
        return []

    async def _target_ids(self, op: OutboundOp) -> list[str]:
        room = op.message.room
        if op.message.key:
            raw = await self.redis.get(keys.msgmap(room.key, op.message.key))
            return json.loads(raw) if raw else []
        if op.source:
            raw = await self.redis.hget(keys.relay(*_split_source(op.source)), room.key)
            return json.loads(raw) if raw else []
        return []

    def _record(self, pipe, op: OutboundOp, ids: list[str]) -> None:
        room = op.message.room
        pipe.delete(keys.credentials_rejected(room.platform))
        if op.op != "post" or not ids:
            return
        value = json.dumps(ids)
        if op.message.key:
            pipe.set(keys.msgmap(room.key, op.message.key), value, ex=self.map_ttl_seconds)
        sources = op.sources or ([op.source] if op.source else [])
        for source in sources:
            relay_key = keys.relay(*_split_source(source))
            pipe.hset(relay_key, room.key, value)
            pipe.expire(relay_key, self.map_ttl_seconds)
        if sources:
            # and the way back: a reply to our copy finds the original
            for mid in ids:
                back = keys.relay(room.key, mid)
                pipe.hset(back, ORIGIN, sources[0])
                if len(sources) > 1:
                    pipe.hset(back, COALESCED, json.dumps(sources))
                if room.platform == "slack" and op.message.reply_to:
                    pipe.hset(back, THREAD, op.message.reply_to)  # posted in that thread
                pipe.expire(back, self.map_ttl_seconds)

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
            pipe.hdel(keys.inflight(entry.group), _failures_field(entry))
            pipe.xadd(
                keys.DEAD,
                {"room": room.key, "reason": exc.reason, "op": json.dumps(entry.payload)},
                maxlen=10_000,
                approximate=True,
            )

        return Done(write)

    async def _depth(self, group: str) -> int:
        from bot.delivery.queues import group_streams

        total = 0
        for stream in group_streams(group):
            total += await self.redis.xlen(stream)
        return total


def _failures_field(entry: Entry) -> str:
    return f"{entry.entry_id}:failed"


def _coalescable(op: OutboundOp, head: OutboundOp) -> bool:
    m = op.message
    return (
        op.op == "post"
        and m.priority == "chat"
        and bool(m.attribution)
        and bool(op.source)
        and not m.attachments
        and not m.buttons
        and not m.ephemeral_to
        and not m.key
        and not m.title
        and not m.lines
        and not m.mentions
        and op.reply_source == head.reply_source
        and m.reply_to == head.message.reply_to
    )


def _split_source(source: str) -> tuple[str, str]:
    """'slack:C1:1700.01' -> ('slack:C1', '1700.01')."""
    room_key, _, message_id = source.rpartition(":")
    return room_key, message_id
