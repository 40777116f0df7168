"""Timer lateness: 10,000 incidents whose timers all come due at the same instant, fired by two
workers as deployed: two processes, each running the real `TimerLoop` on its own connection to
one Redis. Each firing's lateness is its commit time minus its due time, as the loop measures it
for the `blm_timer_lateness_seconds` metric.

The workers are `multiprocessing` children (spawned, so nothing is inherited) rather than
`python -m bot worker`, so that they can hand back every firing's lateness, not a histogram's
buckets; the loop and the engine they run are the worker's own.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import statistics
import time
from collections.abc import Callable

from bench.proc import cpu_seconds
from testing.bot import build_bot
from testing.cluster import FIXTURE_PLAYBOOKS
from testing.deployments import ALL_TEN, BLM_IDS
from testing.fakes.redis_server import RedisServer
from testing.harness import make_settings

WORKERS = 2

WAIT_PLAYBOOK = """\
id: bench-wait
version: 1
title: {en: Bench wait, es: Espera de prueba}
summary: {en: One wait., es: Una espera.}
severity: minor
steps:
  - id: pause
    kind: wait
    duration: 1h
  - id: done
    kind: end
"""


def _build(redis_url: str):
    from bot.clock import Clock  # why: the children import the bot themselves, after the spawn

    settings = make_settings(redis_url, playbooks_dir=FIXTURE_PLAYBOOKS)
    return build_bot(ALL_TEN, settings=settings, clock=Clock())


def _worker(redis_url: str, expected: int, fired_by_all, ready, results) -> None:
    """One worker process: a timer loop until `expected` timers have fired, by all workers."""
    import logging

    logging.disable(logging.WARNING)
    asyncio.run(_run_worker(redis_url, expected, fired_by_all, ready, results))


async def _run_worker(redis_url: str, expected: int, fired_by_all, ready, results) -> None:
    from bot.cli import settle_heap  # why: imported in the child, after the spawn
    from bot.engine.timers import TimerLoop  # why: imported in the child, after the spawn

    rt = _build(redis_url)
    settle_heap()  # as `python -m bot worker` does once its runtime is built
    lateness: list[float] = []

    class Recorded(TimerLoop):
        def observe_lateness(self, seconds: float) -> None:
            super().observe_lateness(seconds)
            lateness.append(seconds)
            with fired_by_all.get_lock():
                fired_by_all.value += 1

    loop = Recorded(rt.engine.engine, poll_seconds=0.2)
    task = asyncio.create_task(loop.run())
    ready.set()
    deadline = time.time() + 600
    while fired_by_all.value < expected and time.time() < deadline:
        await asyncio.sleep(0.05)  # polling the other process's count, not synchronising by time
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    results.put((lateness, time.process_time()))
    await rt.redis.aclose()


async def bench_timers(redis: RedisServer, runs: int, row: Callable[..., None], pct: Callable[..., float]) -> None:
    from bot.engine.loader import parse_playbook
    from bot.store import keys

    redis.flushall()
    lp = parse_playbook(WAIT_PLAYBOOK, "bench-wait.yaml")
    rt = _build(redis.url)
    t0 = time.time()
    sem = asyncio.Semaphore(50)

    async def one(i):
        async with sem:
            await rt.engine.start_run(lp, BLM_IDS[i % len(BLM_IDS)])

    await asyncio.gather(*(one(i) for i in range(runs)))
    created = time.time() - t0
    ids = await rt.redis.zrange(keys.TIMERS, 0, -1)

    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    readies = [ctx.Event() for _ in range(WORKERS)]
    fired_by_all = ctx.Value("i", 0)
    procs = [
        ctx.Process(target=_worker, args=(redis.url, len(ids), fired_by_all, r, results), daemon=True) for r in readies
    ]
    for p in procs:
        p.start()
    for r in readies:
        await asyncio.to_thread(r.wait, 60)
    # every timer due at the same instant, 2 s from now (the workers are polling already)
    due = time.time() + 2
    redis_cpu = cpu_seconds(redis.pid)
    async with rt.redis.pipeline(transaction=False) as pipe:
        for tid in ids:
            pipe.zadd(keys.TIMERS, {tid: due})
            pipe.hset(keys.timer(tid), "due", repr(due))
        await pipe.execute()
    per_worker, worker_cpu = zip(*[await asyncio.to_thread(results.get, True, 660) for _ in procs], strict=True)
    redis_cpu = cpu_seconds(redis.pid) - redis_cpu
    for p in procs:
        await asyncio.to_thread(p.join, 10)
    await rt.redis.aclose()
    lateness = [x for got in per_worker for x in got]
    fired = len(lateness)
    split = "/".join(str(len(got)) for got in per_worker)
    p99 = pct(lateness, 99)
    last = max(lateness)
    row(
        f"timer lateness: {runs} incidents, timers due at the same instant, {WORKERS} worker processes, p50 / p99 / max",
        f"{statistics.median(lateness):.2f} s / {p99:.2f} s / {last:.2f} s late "
        f"({fired} fired, split {split}; {fired / last:.0f} timers/s; CPU: workers "
        + " / ".join(f"{c:.1f}" for c in worker_cpu)
        + f" s in all, Redis {redis_cpu:.1f} s while firing; setup: {runs} runs started in {created:.1f} s)",
        "",
        "target p99 < 1 s: " + ("met" if p99 < 1 and fired == len(ids) else "NOT met"),
    )
