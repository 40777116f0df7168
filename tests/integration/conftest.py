"""Fixtures shared by the integration tests."""

import pytest
import redis.asyncio as aioredis

from testing.fakes.nws_api import FakeNWS


@pytest.fixture
async def nws():
    """A fake NWS alerts API on loopback."""
    fake = await FakeNWS().start()
    yield fake
    await fake.stop()


# Redis clients for the engine's and the record's tests, on the suite's own redis-server.


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
