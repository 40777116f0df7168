"""A named singleton lease in Redis: SET NX PX with a random token, renewed and released only by
its holder, each in one atomic step (a Lua compare-and-PEXPIRE / compare-and-DEL).

Used by the queue runner (one lease per group being drained), the advisory poller and the
Telegram poller (one process at a time each).
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""

RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease:
    """Held by the process that knows its token; it lapses `ttl_ms` after the last renewal."""

    def __init__(self, redis: Redis, key: str, ttl_ms: int, token: str | None = None) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = max(1, int(ttl_ms))
        self.token = token or secrets.token_hex(12)
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)

    async def acquire(self) -> bool:
        """Take the lease, or renew it if this process holds it."""
        if await self.renew():
            return True
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self._renew(keys=[self.key], args=[self.token, self.ttl_ms]))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self.token])
