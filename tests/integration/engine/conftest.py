"""A real redis-server for the engine's integration tests (until tests/conftest.py has one)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis as sync_redis
import redis.asyncio as aioredis


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def engine_redis_url():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = sync_redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except sync_redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)  # polling for start-up, not synchronising the code under test
    client.close()
    yield url
    proc.kill()
    proc.wait(timeout=10)


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
