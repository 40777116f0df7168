"""Durable ordered queues in Redis, drained by any number of processes, one at a time per group.

A *group* is the unit of ordering: one room's inbound events, or one room's outbound operations
(two streams, `hi` for interactive updates ahead of `lo` chat). A group with work sits in the
`ready` sorted set, scored by when it may next run (now, or later after a 429 or back-off). A
process leases a group (SET NX PX), handles its head entry, and commits the outcome and the
entry's removal in one MULTI, so a crash at any point either redoes the entry or finds it done.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisUnreachable
from redis.exceptions import TimeoutError as RedisTimedOut

from bot.clock import Clock
from bot.delivery import budget as retry_budget
from bot.store import keys, lease

log = logging.getLogger(__name__)

# A group's lease is short and renewed while its entry is being handled (a slow platform call can
# take longer than the lease): a process killed mid-drain holds its rooms for at most LEASE_MS.
LEASE_MS = 6_000
WAKE_COALESCE = 0.002  # seconds a woken runner waits for the wakes right behind the first

# The lease and the head entry in one round trip. KEYS: lease, inflight, ready, then the group's
# streams (highest priority first). ARGV: token, lease ms, group, mode. Mode "acquire" takes the
# lease (SET NX PX) or returns {0} when another process holds it; mode "next" (run inside the MULTI
# that commits the previous entry) first removes that entry (ARGV 5 and 6: its stream and id; 7 and
# 8: its failure-count fields, see bot/delivery/budget.py), whatever else happens, as the rest of that MULTI commits its
# outcome; then it returns {0} when the lease is no longer ours. Then the head entry
# with its attempt count: {1, stream, id, payload, attempts}; or, when every stream is empty, the
# group leaves `ready` and the lease is released: {2}. A push racing with this either lands before
# it (and is the head) or after it (and re-adds the group to `ready`).
_LEASE_HEAD = """
if ARGV[4] == 'acquire' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
else
  redis.call('XDEL', ARGV[5], ARGV[6])
  redis.call('HDEL', KEYS[2], ARGV[6], ARGV[7], ARGV[8])
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
end
for i = 4, #KEYS do
  local items = redis.call('XRANGE', KEYS[i], '-', '+', 'COUNT', 1)
  if #items > 0 then
    local id, fields = items[1][1], items[1][2]
    local payload = false
    for j = 1, #fields, 2 do
      if fields[j] == 'p' then payload = fields[j + 1] end
    end
    return {1, KEYS[i], id, payload, redis.call('HINCRBY', KEYS[2], id, 1)}
  end
end
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('DEL', KEYS[1])
return {2}
"""


# The groups due now (at most ARGV[2]) and the score of the first one due later, in one script call
# (a pipeline would be one round trip too, but this reads as one to anyone counting Redis traffic).
# KEYS: ready. ARGV: now, limit.
_DUE_AND_NEXT = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local later = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, 1, 'WITHSCORES')
return {due, later[2] or false}
"""
DUE_LIMIT = 200  # groups started per pass at most
CHAIN_LIMIT = 4  # groups a commit leases for what it queued (more wait for the next pass)


@dataclass
class Done:
    """Handled: run `commit(pipe)` (more writes) in the same transaction that removes the entry.
    `pushed`: the groups those writes queue to (a relay's outbound room); the same transaction
    tries to lease them too, so this process starts draining them without another pass."""

    commit: Callable[[Pipeline], None] | None = None
    pushed: list[str] = field(default_factory=list)
    quiet_commit: Callable[[Pipeline], None] | None = None  # the same writes, waking no other process


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
    read_along: dict[str, str | None] = field(default_factory=dict)  # keys read with it (HandOff)


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
    push_many(pipe, [(group, payload, priority)], now)


def push_many(pipe, items: list[tuple[str, dict | str, str]], now: float, wake: bool = True) -> None:
    """Queue each (group, payload, priority) inside the caller's pipeline, in order; the groups are
    marked ready and the runners woken once for them all (a transaction of many posts, such as a
    batch of timer firings, would otherwise repeat the same two writes for every post). A payload
    is a dict, or its JSON already (a model's own `model_dump_json`, made in pydantic-core). `wake`
    False: the caller leases every one of these groups in the same transaction."""
    if not items:
        return
    for group, payload, priority in items:
        streams = group_streams(group)
        stream = streams[0] if (priority == "hi" and len(streams) > 1) else streams[-1]
        body = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        pipe.xadd(stream, {"p": body})
    pipe.zadd(keys.READY, dict.fromkeys((group for group, _, _ in items), now), nx=True)
    if wake:
        pipe.publish(keys.QUEUE_WAKE, "1")  # idle runners in other processes drain it now


class HandOff:
    """What this process's web side queued and leased for its own queue runner.

    While the runner runs, `Core.accept` queues an inbound event and, in the same transaction,
    takes the group's lease with its head entry (`lease_into`), and hands that entry over here:
    the runner starts it at once, with no pass over `ready`, no lease attempt of its own and no
    wake-up sent to other processes (the group is ours; should this process die, the lease runs
    out and the group is still in `ready` for the others). Built first by `Runtime.build` and
    given to both the Core and the runner: neither is wired into the other."""

    def __init__(self) -> None:
        self.owner = secrets.token_hex(8)
        self.wake = asyncio.Event()  # the runner's: set by a hand-over or anything that wants a pass
        self.pass_wanted = True  # something other than a hand-over woke it: read `ready` again
        self.running = False  # kept by the runner: nothing is handed over to a runner not running
        self.draining: set[str] = set()  # kept by the runner: the groups it has in hand
        self._handed: list[tuple[str, str, Entry]] = []

    def want_pass(self) -> None:
        """Wake the runner for a pass over `ready` (a push from elsewhere, a new schedule)."""
        self.pass_wanted = True
        self.wake.set()

    def offer(self, group: str) -> str | None:
        """A lease token for the caller to take `group` with, or None: no runner here, or it
        is draining that group already (its next head read finds the new entry)."""
        if not self.running or group in self.draining:
            return None
        return f"{self.owner}:{secrets.token_hex(4)}"

    def lease_into(
        self, pipe: Pipeline, group: str, token: str, read_along: Sequence[str] = (), lease_ms: int = LEASE_MS
    ) -> None:
        """Add the lease-and-head read of `group` to the caller's transaction (after its push),
        and a GET of each `read_along` key: what the handler would otherwise read first."""
        script_keys = [keys.lease(group), keys.inflight(group), keys.READY, *group_streams(group)]
        # EVAL with the source (not EVALSHA): inside MULTI a missing script could not be retried
        pipe.eval(_LEASE_HEAD, len(script_keys), *script_keys, token, lease_ms, group, "acquire")
        for key in read_along:
            pipe.get(key)

    def hand_over(
        self, group: str, token: str, reply: list, read_along: dict[str, str | None] | None = None
    ) -> Entry | None:
        """The lease script's reply: its entry goes to the runner, with the keys read along
        when `read_along` is given (the caller passes them only when that entry is the one it
        just queued: read after everything queued before it was handled, as a handler would).
        {0}: another process (or this runner, since) holds the group and its drain reads the
        new entry next."""
        entry = _entry(group, reply)
        if entry is not None:
            if read_along:
                entry.read_along = read_along
            self._handed.append((group, token, entry))
            self.wake.set()
        return entry

    def take_handed(self) -> list[tuple[str, str, Entry]]:
        handed, self._handed = self._handed, []
        return handed


@dataclass
class QueueRunner:
    """Drains ready groups with the handler chosen by group prefix."""

    redis: Redis
    clock: Clock
    handlers: dict[str, Handler]  # group prefix ("in:", "out:") -> handler
    concurrency: int = 16
    poll_seconds: float = 2.0  # the longest sleep between passes (pushes and schedules wake it sooner)
    lease_ms: int = LEASE_MS
    budget: retry_budget.RetryBudget = field(default_factory=retry_budget.RetryBudget)
    owner: str = field(default_factory=lambda: secrets.token_hex(8))
    hand_off: HandOff = field(default_factory=HandOff)
    _stopping: bool = False

    def __post_init__(self):
        self.wake = self.hand_off.wake
        self._active = self.hand_off.draining  # what the web side must not take (see HandOff)
        self._lease_head = self.redis.register_script(_LEASE_HEAD)  # takes the lease with the head entry
        self._release = self.redis.register_script(lease.RELEASE)  # the one lease's Lua, per group key
        self._due_and_next = self.redis.register_script(_DUE_AND_NEXT)
        self._sem = asyncio.Semaphore(self.concurrency)
        self._tasks: set[asyncio.Task] = set()
        self._held: dict[str, str] = {}  # group -> lease token, renewed by one keeper task
        self._lost: set[str] = set()
        self._keeper: asyncio.Task | None = None
        self._next_at: float | None = None  # the earliest group scheduled after the last pass

    def _handler_for(self, group: str) -> Handler | None:
        for prefix, handler in self.handlers.items():
            if group.startswith(prefix):
                return handler
        return None

    async def run(self) -> None:
        """Drain until stopped. Between passes it sleeps until the next group is scheduled, a
        push wakes it (`wake` in this process, the QUEUE_WAKE channel from others), or at most
        `poll_seconds` (a safety net: groups another process leased and then lost). Entries this
        process's web side handed over (see HandOff) start without a pass."""
        listener = asyncio.create_task(self._listen_for_pushes())
        self.hand_off.running = True
        try:
            while not self._stopping:
                self.wake.clear()
                self._start_handed()
                try:
                    if self.hand_off.pass_wanted:
                        self.hand_off.pass_wanted = False
                        await self.drain_once()
                    wait = await self._until_next()
                except asyncio.CancelledError:
                    raise
                except Exception:  # Redis down: keep trying, readiness reports it
                    log.warning("queue drain failed; retrying", exc_info=True)
                    self.hand_off.pass_wanted = True
                    await asyncio.sleep(1)
                    continue
                try:
                    async with asyncio.timeout(wait):  # (not wait_for: no task per wake-up)
                        await self.wake.wait()
                    if self.hand_off.pass_wanted:
                        # one pass for a push's local wake and its echo on the channel (a fraction
                        # of a millisecond apart), not two
                        await asyncio.sleep(WAKE_COALESCE)
                except TimeoutError:
                    self.hand_off.pass_wanted = True  # a group scheduled for now, or the poll
        finally:
            self.hand_off.running = False
            listener.cancel()
            for group, token, _ in self.hand_off.take_handed():  # handed over as it stopped
                with contextlib.suppress(Exception):
                    await self._release(keys=[keys.lease(group)], args=[token])

    def _start_handed(self) -> None:
        if self._stopping:
            return  # what was handed over stays with the hand-off: released as the loop ends
        for group, token, entry in self.hand_off.take_handed():
            self._start(group, token, entry)

    async def _due_groups(self) -> list[str]:
        """The groups due now, and (kept for the sleep after this pass) when the next one is due:
        both in one round trip."""
        due, later = await self._due_and_next(keys=[keys.READY], args=[repr(self.clock.now()), DUE_LIMIT])
        self._next_at = float(later) if later else None
        return list(due)

    async def _until_next(self) -> float:
        """Seconds until the earliest group scheduled later than the last pass (at most
        poll_seconds)."""
        if self._next_at is None:
            return self.poll_seconds
        return max(0.01, min(self.poll_seconds, self._next_at - self.clock.now()))

    async def _listen_for_pushes(self) -> None:
        """Set `wake` on every QUEUE_WAKE message; resubscribe after a lost connection."""
        while not self._stopping:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(keys.QUEUE_WAKE)
                self.hand_off.want_pass()  # anything pushed while we were not listening
                while not self._stopping:
                    if await pubsub.get_message(timeout=30.0) is not None:
                        self.hand_off.want_pass()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.debug("queue wake channel lost; resubscribing")
                await asyncio.sleep(1)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:
                    pass

    async def stop(self) -> None:
        self._stopping = True
        self.wake.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._keeper is not None:
            self._keeper.cancel()

    async def drain_once(self) -> int:
        """Start work on every ready group not already being drained here. Returns how many."""
        groups = await self._due_groups()
        started = 0
        for group in groups:
            if group in self._active:
                continue
            token = f"{self.owner}:{secrets.token_hex(4)}"
            streams = group_streams(group)
            got = await self._lease_head(
                keys=self._script_keys(group, streams), args=[token, self.lease_ms, group, "acquire"]
            )
            entry = _entry(group, got)
            if entry is None:
                continue  # held by another process, or empty (and now retired)
            self._start(group, token, entry)
            started += 1
        return started

    def _start(self, group: str, token: str, entry: Entry) -> None:
        """A drain task for a group whose lease (`token`) and head `entry` this process holds."""
        self._active.add(group)
        self._held[group] = token
        self._ensure_keeper()
        task = asyncio.create_task(self._drain_group(group, token, entry))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _script_keys(group: str, streams: list[str]) -> list[str]:
        return [keys.lease(group), keys.inflight(group), keys.READY, *streams]

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

    def _ensure_keeper(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_leases())

    async def _keep_leases(self) -> None:
        """One task renews every lease this process holds, every third of its life, in one
        pipeline; it ends when none is held (the next drain starts it again)."""
        while self._held:
            await asyncio.sleep(self.lease_ms / 3000)
            held = list(self._held.items())
            if not held:
                return
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for group, token in held:
                        pipe.eval(lease.RENEW, 1, keys.lease(group), token, self.lease_ms)
                    renewed = await pipe.execute()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.debug("lease renewal failed; trying again")
                continue
            for (group, token), ok in zip(held, renewed, strict=True):
                if not ok and self._held.get(group) == token:
                    log.warning("lost the lease of %s (this process stalled); another may take it", group)
                    self._lost.add(group)

    async def _drain_group(self, group: str, token: str, entry: Entry | None) -> None:
        """Handle the group's entries one after another under one lease: each commit also reads
        the next head (or retires the group and releases the lease) in the same round trip."""
        handler = self._handler_for(group)
        streams = group_streams(group)
        released = False
        try:
            async with self._sem:
                if handler is None:
                    log.error("no handler for queue group %s", group)
                    return
                while entry is not None and not self._stopping and group not in self._lost:
                    outcome: Done | RetryAt | None
                    try:
                        outcome = await handler(entry)
                    except asyncio.CancelledError:
                        raise
                    except (RedisUnreachable, RedisTimedOut):
                        # Redis itself went away (a restart): not this entry's failure, so none of
                        # its retry budget is spent (a flapping Redis must not dead-letter good
                        # entries); the group stays due and the next pass redoes the entry.
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
                        self.hand_off.want_pass()  # the runner's sleep must now end by `when`
                        return
                    chained = self._chainable(group, outcome)
                    got, all_taken = await self._commit(group, token, streams, entry, outcome, chained)
                    if outcome.commit is not None and not all_taken:
                        # what it queued that this process did not lease is drained now, not at the next poll
                        self.hand_off.want_pass()
                    released = got[0] == 2  # the group is empty: retired, lease released
                    entry = _entry(group, got)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("draining %s failed; another pass will pick it up", group, exc_info=True)
        finally:
            self._active.discard(group)
            self._held.pop(group, None)
            self._lost.discard(group)
            if not released:
                try:
                    await self._release(keys=[keys.lease(group)], args=[token])
                except Exception:
                    log.debug("lease release failed for %s (it expires by itself)", group)

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

    def _chainable(self, group: str, outcome: Done) -> list[tuple[str, str]]:
        """(group, new lease token) for the groups the outcome queues to that this process is not
        draining already: its commit tries to lease them."""
        if outcome.commit is None or self._stopping:
            return []
        wanted = [g for g in dict.fromkeys(outcome.pushed) if g != group and g not in self._active]
        return [(g, f"{self.owner}:{secrets.token_hex(4)}") for g in wanted[:CHAIN_LIMIT]]

    async def _commit(
        self, group: str, token: str, streams: list[str], entry: Entry, outcome: Done, chained: list[tuple[str, str]]
    ) -> tuple[list, bool]:
        """Remove the entry with the outcome's writes in one MULTI, which ends by reading the next
        head (or retiring the group): the script's reply, as `_LEASE_HEAD` documents it. The same
        MULTI takes the lease of each `chained` group with its head (what the writes just queued):
        one drain task each is started here for those it got. A group another process holds is
        drained by that one (its next head read comes after this). Also returns whether every
        group the writes queued to was thus taken care of."""
        # every group it queues to leased here: nobody else need be woken for them
        every_one = set(outcome.pushed) <= {g for g, _ in chained}
        quiet = outcome.quiet_commit is not None and every_one
        async with self.redis.pipeline(transaction=True) as pipe:
            if quiet:
                outcome.quiet_commit(pipe)  # type: ignore[misc]  # not None when quiet
            elif outcome.commit:
                outcome.commit(pipe)
            # EVAL with the source (not EVALSHA): inside MULTI a missing script could not be retried
            for other, other_token in chained:
                other_keys = self._script_keys(other, group_streams(other))
                pipe.eval(_LEASE_HEAD, len(other_keys), *other_keys, other_token, self.lease_ms, other, "acquire")
            script_keys = self._script_keys(group, streams)
            # ...which also removes the entry handled, with its head-read and failure counts
            failure_fields = retry_budget.failures_field(entry.entry_id), retry_budget.first_field(entry.entry_id)
            pipe.eval(
                _LEASE_HEAD,
                len(script_keys),
                *script_keys,
                token,
                self.lease_ms,
                group,
                "next",
                entry.stream,
                entry.entry_id,
                *failure_fields,
            )
            results = await pipe.execute()
        all_taken = every_one
        for (other, other_token), got in zip(chained, results[-1 - len(chained) : -1], strict=True):
            first = _entry(other, got)
            if first is not None:
                self._start(other, other_token, first)
            elif int(got[0]) != 0:  # {2}, nothing there (retired); {0} is another process's to drain
                all_taken = False
        return results[-1], all_taken


def _entry(group: str, got: list) -> Entry | None:
    """The Entry in a `_LEASE_HEAD` reply, if it carries one."""
    if int(got[0]) != 1:
        return None
    _, stream, entry_id, payload, attempts = got
    return Entry(group, stream, entry_id, json.loads(payload) if payload else {}, int(attempts))
