"""A separate worker process for the record's concurrency test: waits for the go signal in Redis,
then sends `count` sitreps about the open incident through the real command path.

    python -m testing.record_writer REDIS_URL NAME COUNT
"""

from __future__ import annotations

import asyncio
import sys
import time

import redis.asyncio as aioredis

from testing.engine import US, command, handle
from testing.record import make_core

GO = "test:record:go"


async def main(url: str, name: str, count: int) -> None:
    redis = aioredis.Redis.from_url(url, decode_responses=True)
    core = make_core(redis)
    deadline = time.monotonic() + 30
    while not await redis.exists(GO):  # a condition with a deadline, not a sleep
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        await asyncio.sleep(0.005)
    for i in range(count):
        ev = command(US, "UBOB", f"/sitrep {name} report {i}").model_copy(update={"event_id": f"{name}-{i}"})
        await handle(core, ev)
    await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
