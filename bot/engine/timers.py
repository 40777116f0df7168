"""Timers are data in Redis: `blm:timers` (zset: timer id by due time) and `blm:timer:{id}`
(hash: incident, step, kind, due, claim token).

A worker claims due timers a batch at a time with one Lua script: each only if it is still in the
set *and* due, re-scored to the end of a short lease and stamped with the worker's token, so two
workers never both get it. Up to FIRE_BATCH claimed timers of different incidents then fire in ONE
optimistic transaction (`Engine.fire_timers`: WATCH each incident's state, timeline and timer; read
them all and check the tokens in one script call; MULTI: every new state, its chain-linked timeline
entries, posts, and the timers' removal). Any watched key changing sends that batch back one timer
at a time (`Engine.fire_timer`), so an ack that commits first still wins. A worker that dies
between claim and commit leaves the timer to fire again when its lease ends.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

from bot.aio import cancel_requested
from bot.engine.runs import Engine
from bot.metrics import METRICS
from bot.store import keys

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
BATCH = 64  # timers claimed by one script call
FIRE_BATCH = 16  # timers of different incidents fired in one optimistic transaction
CONCURRENCY = 4  # such transactions in flight per loop

# KEYS: the timer set, then each candidate's hash. ARGV: now, lease end, token, then the ids.
# Claims every candidate still in the set *and* due: re-scored to the end of the lease and stamped
# with the token, so no other worker gets it until the lease ends. Returns, per claimed timer, its
# id, incident and due time (what the firing needs, so it reads nothing more). A timer whose hash
# is gone is dropped from the set.
_CLAIM = """
local out = {}
for i = 4, #ARGV do
  local id, hkey = ARGV[i], KEYS[i - 2]
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) <= tonumber(ARGV[1]) then
    local fields = redis.call('HMGET', hkey, 'inc', 'due')
    if fields[1] then
      redis.call('ZADD', KEYS[1], ARGV[2], id)
      redis.call('HSET', hkey, 'claim', ARGV[3])
      out[#out + 1] = id
      out[#out + 1] = fields[1]
      out[#out + 1] = fields[2] or score
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
return out
"""


@dataclass
class Claimed:
    timer_id: str
    incident: str
    due: float
    token: str


def _by_incident(claimed: list[Claimed], size: int) -> list[list[Claimed]]:
    """Batches of at most `size`, no incident twice in one (its timers fire one after another)."""
    batches: list[list[Claimed]] = []
    seen: list[set[str]] = []
    for c in claimed:
        inc = c.incident.upper()
        for batch, incidents in zip(batches, seen, strict=True):
            if len(batch) < size and inc not in incidents:
                batch.append(c)
                incidents.add(inc)
                break
        else:
            batches.append([c])
            seen.append({inc})
    return batches


class TimerLoop:
    """Fires due timers. Run one per worker process; any number may share a Redis."""

    def __init__(self, engine: Engine, poll_seconds: float = 1.0, owner: str | None = None):
        self.engine = engine
        self.redis = engine.redis
        self.clock = engine.clock
        self.poll_seconds = poll_seconds
        self.owner = owner or secrets.token_hex(6)
        self._claim = self.redis.register_script(_CLAIM)
        self.fired = 0

    async def claim_batch(self, timer_ids: list[str], now: float) -> list[Claimed]:
        """Claim those of `timer_ids` still due and unclaimed, in one round trip."""
        if not timer_ids:
            return []
        token = f"{self.owner}:{secrets.token_hex(4)}"
        got = await self._claim(
            keys=[keys.TIMERS, *(keys.timer(t) for t in timer_ids)],
            args=[repr(now), repr(now + LEASE_SECONDS), token, *timer_ids],
        )
        return [Claimed(got[i], got[i + 1], float(got[i + 2]), token) for i in range(0, len(got), 3)]

    async def claim(self, timer_id: str, now: float) -> str | None:
        claimed = await self.claim_batch([timer_id], now)
        return claimed[0].token if claimed else None

    async def fire_due(self, now: float | None = None) -> int:
        """Fire every timer due at `now` (default: the clock). Returns how many this loop fired.

        Due timers are claimed a batch at a time (one range read, one claim script); the next
        batch is claimed while the last one's firings are still in flight, so Redis and this
        process are never waiting on each other. Claimed timers are re-scored past `now`, so a
        batch another worker got first simply drops out of the next read."""
        now = self.clock.now() if now is None else now
        fired = 0
        sem = asyncio.Semaphore(CONCURRENCY)
        tasks: set[asyncio.Task] = set()

        async def fire(batch: list[Claimed]) -> None:
            nonlocal fired
            try:
                n = await self._fire_batch(batch)  # (not `fired += await`: that reads `fired` first)
                fired += n
            finally:
                sem.release()

        try:
            while True:
                due = await self.redis.zrangebyscore(keys.TIMERS, "-inf", repr(now), start=0, num=BATCH)
                if not due:
                    break
                claimed = await self.claim_batch(due, now)
                if not claimed:
                    continue  # another worker took these; they are no longer due-and-unclaimed
                # everyone's /lang choice once per batch, not once per firing
                await self.engine.load_chosen_languages()
                for batch in _by_incident(claimed, FIRE_BATCH):
                    await sem.acquire()
                    task = asyncio.create_task(fire(batch))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        return fired

    async def _fire_batch(self, batch: list[Claimed]) -> int:
        try:
            done = await self.engine.fire_timers([(c.timer_id, c.token, c.incident) for c in batch])
        except Exception:
            log.exception("%d timers failed; they fire again after their lease", len(batch))
            return 0
        now = self.clock.now()
        for c, ok in zip(batch, done, strict=True):
            if ok:
                self.fired += 1
                METRICS.timers_fired.inc()
                self.observe_lateness(max(0.0, now - c.due))
        return sum(done)

    def observe_lateness(self, seconds: float) -> None:
        """How late a timer fired (the metric; the bench records each too)."""
        METRICS.timer_lateness.observe(seconds)

    async def next_due(self) -> float | None:
        first = await self.redis.zrange(keys.TIMERS, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def run(self) -> None:
        """Fire due timers until the runtime cancels this loop."""
        while not cancel_requested():
            try:
                await self.fire_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("timer loop pass failed; retrying", exc_info=True)
            wait = self.poll_seconds
            try:
                nxt = await self.next_due()
                if nxt is not None:
                    wait = max(0.05, min(wait, nxt - self.clock.now()))
            except Exception:
                pass
            await asyncio.sleep(wait)  # wall-clock pacing only: what is due is read from the clock
