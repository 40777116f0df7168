"""Durable ordered queues in Redis, drained by any number of processes, one at a time per group.

A *group* is the unit of ordering: one room's inbound events, or one room's outbound operations
(two streams, `hi` for interactive updates ahead of `lo` chat). A group with work sits in the
`ready` sorted set, scored by when it may next run (now, or later after a 429 or back-off). A
process leases a group (SET NX PX), handles its head entry, and commits the outcome and the
entry's removal in one MULTI, so a crash at any point either redoes the entry or finds it done.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.clock import Clock
from bot.delivery import budget as retry_budget
from bot.store import keys, lease

log = logging.getLogger(__name__)

# A group's lease is short and renewed while its entry is being handled (a slow platform call can
# take longer than the lease): a process killed mid-drain holds its rooms for at most LEASE_MS.
LEASE_MS = 6_000

# Remove the group from `ready` only if all its streams are empty: a push racing with the drain
# either sees the group still ready or re-adds it.
_RETIRE_IF_EMPTY = """
for i = 2, #KEYS do
  if redis.call('XLEN', KEYS[i]) > 0 then return 0 end
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
"""


@dataclass
class Done:
    """Handled: run `commit(pipe)` (more writes) in the same transaction that removes the entry."""

    commit: Callable[[Pipeline], None] | None = None


@dataclass
class RetryAt:
    """Not now: leave the entry at the head and look again at `when` (unix seconds)."""

    when: float
    reason: str = ""


@dataclass
class Entry:
    group: str
    stream: str
    entry_id: str
    payload: dict
    attempts: int


Handler = Callable[[Entry], Awaitable[Done | RetryAt]]


def group_streams(group: str) -> list[str]:
    """Stream keys of a group, highest priority first."""
    if group.startswith("out:"):
        return [keys.queue(group + ":hi"), keys.queue(group + ":lo")]
    return [keys.queue(group)]


def is_low_priority(stream: str) -> bool:
    """The `:lo` stream of an outbound group: chat that may wait (and be combined) behind the rest."""
    return stream.endswith(":lo")


def push(pipe, group: str, payload: dict, now: float, priority: str = "lo") -> None:
    """Queue `payload` on `group` inside the caller's pipeline (so it commits with other writes)."""
    streams = group_streams(group)
    stream = streams[0] if (priority == "hi" and len(streams) > 1) else streams[-1]
    pipe.xadd(stream, {"p": json.dumps(payload, separators=(",", ":"))})
    pipe.zadd(keys.READY, {group: now}, nx=True)


@dataclass
class QueueRunner:
    """Drains ready groups with the handler chosen by group prefix."""

    redis: Redis
    clock: Clock
    handlers: dict[str, Handler]  # group prefix ("in:", "out:") -> handler
    concurrency: int = 16
    poll_seconds: float = 0.2
    lease_ms: int = LEASE_MS
    budget: retry_budget.RetryBudget = field(default_factory=retry_budget.RetryBudget)
    owner: str = field(default_factory=lambda: secrets.token_hex(8))
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    _active: set[str] = field(default_factory=set)
    _stopping: bool = False

    def __post_init__(self):
        self._retire = self.redis.register_script(_RETIRE_IF_EMPTY)
        self._release = self.redis.register_script(lease.RELEASE)  # the one lease's Lua, per group key
        self._renew = self.redis.register_script(lease.RENEW)
        self._sem = asyncio.Semaphore(self.concurrency)
        self._tasks: set[asyncio.Task] = set()

    def _handler_for(self, group: str) -> Handler | None:
        for prefix, handler in self.handlers.items():
            if group.startswith(prefix):
                return handler
        return None

    async def run(self) -> None:
        """Drain until stopped; wakes on `wake` (same-process pushes) or every poll period."""
        while not self._stopping:
            try:
                await self.drain_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis down: keep trying, readiness reports it
                log.warning("queue drain failed; retrying", exc_info=True)
                await asyncio.sleep(1)
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass
            self.wake.clear()

    async def stop(self) -> None:
        self._stopping = True
        self.wake.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drain_once(self) -> int:
        """Start work on every ready group not already being drained here. Returns how many."""
        now = self.clock.now()
        groups = await self.redis.zrangebyscore(keys.READY, "-inf", now, start=0, num=200)
        started = 0
        for group in groups:
            if group in self._active:
                continue
            token = f"{self.owner}:{secrets.token_hex(4)}"
            if not await self.redis.set(keys.lease(group), token, nx=True, px=self.lease_ms):
                continue
            self._active.add(group)
            task = asyncio.create_task(self._drain_group(group, token))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def drain_until_idle(self, timeout: float = 10.0) -> None:
        """Tests and `demo`: keep draining until nothing is ready now."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await self.drain_once()
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                continue
            if not await self.redis.zrangebyscore(keys.READY, "-inf", self.clock.now(), start=0, num=1):
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("queues still busy")

    async def _keep_lease(self, group: str, token: str) -> None:
        """Renew the lease every third of its life while this process drains the group."""
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            try:
                if not await self._renew(keys=[keys.lease(group)], args=[token, self.lease_ms]):
                    log.warning("lost the lease of %s (this process stalled); another may take it", group)
                    return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.debug("lease renewal of %s failed; trying again", group)

    async def _drain_group(self, group: str, token: str) -> None:
        handler = self._handler_for(group)
        streams = group_streams(group)
        keeper = asyncio.create_task(self._keep_lease(group, token))
        try:
            async with self._sem:
                if handler is None:
                    log.error("no handler for queue group %s", group)
                    return
                while not self._stopping:
                    entry = await self._head(group, streams)
                    if entry is None:
                        if await self._retire(keys=[keys.READY, *streams], args=[group]):
                            return
                        continue
                    outcome: Done | RetryAt | None
                    try:
                        outcome = await handler(entry)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("handler failed on %s %s; retrying later", group, entry.entry_id)
                        outcome = await self._poison(group, entry)
                    if outcome is None:
                        # Soon: `attempts` counts every head read (rate-limit waits too), and the
                        # usual error here is a Redis connection dropped by a restart; backing off
                        # by 2**attempts (up to 60 s) stalled rooms for minutes after one.
                        outcome = RetryAt(
                            self.clock.now() + min(5.0, 0.5 * 2 ** min(entry.attempts, 4)), "handler error"
                        )
                    if isinstance(outcome, RetryAt):
                        await self.redis.zadd(keys.READY, {group: outcome.when}, xx=True)
                        return
                    await self._commit(group, entry, outcome)
                    if outcome.commit is not None:
                        # what it queued (a relay's outbound posts) is drained now, not at the next poll
                        self.wake.set()
                    if keeper.done():  # the lease was lost: leave the group to its new holder
                        return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("draining %s failed; another pass will pick it up", group, exc_info=True)
        finally:
            keeper.cancel()
            self._active.discard(group)
            try:
                await self._release(keys=[keys.lease(group)], args=[token])
            except Exception:
                log.debug("lease release failed for %s (it expires by itself)", group)

    async def _head(self, group: str, streams: list[str]) -> Entry | None:
        for stream in streams:
            items = await self.redis.xrange(stream, "-", "+", count=1)
            if items:
                entry_id, fields = items[0]
                attempts = await self.redis.hincrby(keys.inflight(group), entry_id, 1)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                return Entry(group, stream, entry_id, json.loads(fields["p"]), int(attempts))
        return None

    async def _poison(self, group: str, entry: Entry) -> Done | None:
        """An entry its handler keeps failing on: within the retry budget None (try again soon),
        beyond it set aside in the dead-letter stream, so one bad entry cannot hold its group."""
        now = self.clock.now()
        failures, first = await retry_budget.note_failure(self.redis, group, entry.entry_id, now)
        if not self.budget.exhausted(failures, first, now):
            return None
        reason = f"handler error; {self.budget.describe(failures, first, now)}"
        log.error("queue %s: entry %s set aside (%s)", group, entry.entry_id, reason)
        return Done(lambda pipe: retry_budget.dead_letter(pipe, group, reason, entry.payload))

    async def _commit(self, group: str, entry: Entry, outcome: Done) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xdel(entry.stream, entry.entry_id)
            pipe.hdel(keys.inflight(group), entry.entry_id)
            retry_budget.forget(pipe, group, entry.entry_id)
            if outcome.commit:
                outcome.commit(pipe)
            await pipe.execute()
