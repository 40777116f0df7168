"""Timers are data in Redis: `blm:timers` (zset: timer id by due time) and `blm:timer:{id}`
(hash: incident, step, kind, due, claim token).

A worker claims a due timer with one Lua script: only if it is still in the set *and* due, it is
re-scored to the end of a short lease and stamped with the worker's token, so two workers never
both get it. The firing then runs as an optimistic transaction on the incident (WATCH state and
timer; check the token; MULTI: the new state, posts, and the timer's removal). A worker that dies
between claim and commit leaves the timer to fire again when its lease ends; an ack that commits
first removes the timer and makes the firing's transaction fail and re-read an acked state.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from bot.aio import cancel_requested
from bot.engine.runs import Engine
from bot.metrics import METRICS
from bot.store import keys

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
BATCH = 100
CONCURRENCY = 16

_CLAIM = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], 'claim', ARGV[4])
return 1
"""


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

    async def claim(self, timer_id: str, now: float) -> str | None:
        token = f"{self.owner}:{secrets.token_hex(4)}"
        got = await self._claim(
            keys=[keys.TIMERS, keys.timer(timer_id)], args=[timer_id, repr(now), repr(now + LEASE_SECONDS), token]
        )
        return token if int(got) else None

    async def fire_due(self, now: float | None = None) -> int:
        """Fire every timer due at `now` (default: the clock). Returns how many this loop fired."""
        now = self.clock.now() if now is None else now
        fired = 0
        while True:
            due_at = dict(
                await self.redis.zrangebyscore(keys.TIMERS, "-inf", repr(now), start=0, num=BATCH, withscores=True)
            )
            due = list(due_at)
            if not due:
                return fired
            # Timers of different incidents fire side by side (each firing is its own optimistic
            # transaction on its incident); a few at a time keeps Redis round trips overlapping.
            results = []
            for start in range(0, len(due), CONCURRENCY):
                results += await asyncio.gather(
                    *(self._fire_one(tid, now, due_at[tid]) for tid in due[start : start + CONCURRENCY])
                )
            progressed = any(claimed for claimed, _ in results)
            fired += sum(1 for _, done in results if done)
            if not progressed:
                return fired

    async def _fire_one(self, timer_id: str, now: float, due: float) -> tuple[bool, bool]:
        """(claimed, fired) for one due timer."""
        token = await self.claim(timer_id, now)
        if token is None:
            return False, False  # another worker has it
        try:
            if await self.engine.fire_timer(timer_id, token):
                self.fired += 1
                METRICS.timers_fired.inc()
                self.observe_lateness(max(0.0, self.clock.now() - float(due)))
                return True, True
        except Exception:
            log.exception("timer %s failed; it fires again after its lease", timer_id)
        return True, False

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
