"""Redis clients for the record's integration tests, on the suite's own redis-server."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis


@pytest.fixture
def engine_redis_url(redis_url):
    """The session's redis-server (tests/conftest.py), flushed for this test."""
    return redis_url


@pytest.fixture
async def redis_client(engine_redis_url):
    client = aioredis.Redis.from_url(engine_redis_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def new_client(engine_redis_url):
    """More clients on the same Redis: other worker processes, or the same one after a restart."""
    made = []

    def make():
        c = aioredis.Redis.from_url(engine_redis_url, decode_responses=True)
        made.append(c)
        return c

    yield make
    for c in made:
        await c.aclose()
