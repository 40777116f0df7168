"""The durable queues on the embedded store: order, exactly-once commit, retry, leases."""

import asyncio

import fakeredis
import pytest
import redis.exceptions as redis_errors

from bot.clock import ManualClock
from bot.delivery.queues import Done, QueueRunner, RetryAt, push
from bot.delivery.ratelimit import Limit, RateLimiter
from bot.store import keys


def make_redis(server=None):
    return fakeredis.FakeAsyncRedis(server=server or fakeredis.FakeServer(version=(7, 0)), decode_responses=True)


async def queue_items(redis, group, n, priority="lo", start=0):
    async with redis.pipeline(transaction=True) as pipe:
        for i in range(start, start + n):
            push(pipe, group, {"n": i}, 0, priority)
        await pipe.execute()


async def test_order_is_kept_and_hi_goes_first():
    redis = make_redis()
    seen = []

    async def handler(entry):
        seen.append(entry.payload["n"])
        return Done()

    await queue_items(redis, "out:slack:C1", 3)
    await queue_items(redis, "out:slack:C1", 2, priority="hi", start=100)
    runner = QueueRunner(redis, ManualClock(10), {"out:": handler})
    await runner.drain_until_idle()
    assert seen == [100, 101, 0, 1, 2]
    assert await redis.zcard("blm:q:ready") == 0


async def test_retry_leaves_entry_at_head_until_due():
    redis = make_redis()
    clock = ManualClock(10)
    calls = []

    async def handler(entry):
        calls.append((entry.payload["n"], entry.attempts))
        if len(calls) == 1:
            return RetryAt(clock.now() + 5)
        return Done()

    await queue_items(redis, "in:telegram:-1", 2)
    runner = QueueRunner(redis, clock, {"in:": handler})
    await runner.drain_until_idle()
    assert calls == [(0, 1)]
    clock.advance(5)
    await runner.drain_until_idle()
    assert calls == [(0, 1), (0, 2), (1, 1)]


async def test_two_runners_never_handle_an_entry_twice():
    server = fakeredis.FakeServer(version=(7, 0))
    redis_a, redis_b = make_redis(server), make_redis(server)
    seen = []

    async def handler(entry):
        seen.append(entry.payload["n"])
        await asyncio.sleep(0)
        return Done()

    for room in range(5):
        await queue_items(redis_a, f"out:slack:C{room}", 20)
    a = QueueRunner(redis_a, ManualClock(1), {"out:": handler})
    b = QueueRunner(redis_b, ManualClock(1), {"out:": handler})
    await asyncio.gather(a.drain_until_idle(), b.drain_until_idle())
    assert sorted(seen) == sorted(list(range(20)) * 5)


async def test_gcra_limits_all_or_nothing():
    redis = make_redis()
    limiter = RateLimiter(redis)
    per_room = Limit("t:room", 1.0)
    global_ = Limit("t:global", 2.0, burst=2)
    assert await limiter.acquire([per_room, global_], 100.0) == 0
    wait = await limiter.acquire([per_room, global_], 100.0)
    assert wait == pytest.approx(1.0)
    other = Limit("t:room2", 1.0)
    assert await limiter.acquire([other, global_], 100.0) == 0  # the burst of 2 allows a second room
    assert await limiter.acquire([Limit("t:room3", 1.0), global_], 100.0) > 0
    assert await limiter.acquire([per_room, global_], 101.0) == 0


async def test_lease_is_short_and_renewed_while_a_slow_entry_is_handled():
    """A killed worker must not hold its rooms for long (the lease is short), and a live one handling
    a slow platform call must keep its room (the lease is renewed meanwhile), so no second process
    sends the same entry."""
    from bot.delivery.queues import LEASE_MS
    from bot.store import keys

    assert LEASE_MS <= 10_000
    redis = make_redis()
    release = asyncio.Event()
    handled = []

    async def slow(entry):
        handled.append(entry.payload["n"])
        await release.wait()
        return Done()

    await queue_items(redis, "out:slack:C1", 1)
    a = QueueRunner(redis, ManualClock(10), {"out:": slow}, lease_ms=150)
    b = QueueRunner(redis, ManualClock(10), {"out:": slow}, lease_ms=150)
    await a.drain_once()
    loop = asyncio.get_running_loop()
    until = loop.time() + 0.6  # four lease lifetimes
    while loop.time() < until:
        assert await b.drain_once() == 0  # the other process never gets the group
        assert await redis.pttl(keys.lease("out:slack:C1")) > 0
        await asyncio.sleep(0.02)  # polling the other runner, as its loop would
    release.set()
    await a.stop()
    assert handled == [0]


async def test_work_queued_by_a_handled_entry_runs_at_once_not_at_the_next_poll():
    """A relayed message is an inbound entry whose handling queues an outbound one; the runner must
    not leave that second hop to its poll timer (it added 200 ms to every relayed message)."""
    redis = make_redis()
    sent = asyncio.Event()

    async def inbound(entry):
        return Done(lambda pipe: push(pipe, "out:slack:C1", {"n": entry.payload["n"]}, 0))

    async def outbound(entry):
        sent.set()
        return Done()

    # The inbound entry is there before the runner starts, and nothing else wakes it: its first
    # pass starts the inbound drain, then it waits on `wake` with a 30 s poll. Only the wake-up
    # given when the inbound commit queued work can bring the outbound entry out within 5 s.
    await queue_items(redis, "in:slack:C1", 1)
    runner = QueueRunner(redis, ManualClock(10), {"in:": inbound, "out:": outbound}, poll_seconds=30)
    task = asyncio.create_task(runner.run())
    try:
        await asyncio.wait_for(sent.wait(), timeout=5)  # far below the 30 s poll
    finally:
        await runner.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_handler_error_after_many_waits_is_retried_within_seconds():
    """After a Redis restart the first handler call often fails on a dropped connection; an entry
    that had waited on rate limits a few times must not then sleep for a minute."""
    from bot.store import keys

    redis = make_redis()
    clock = ManualClock(1000)
    calls = []

    async def handler(entry):
        calls.append(entry.attempts)
        if len(calls) <= 8:
            return RetryAt(clock.now(), "rate limit")
        raise ConnectionError("Connection closed by server.")

    await queue_items(redis, "out:slack:C1", 1)
    runner = QueueRunner(redis, clock, {"out:": handler})
    while len(calls) < 9:
        await runner.drain_once()
        await asyncio.gather(*list(runner._tasks))
    [(group, when)] = await redis.zrange(keys.READY, 0, -1, withscores=True)
    assert when - clock.now() <= 5.0, when - clock.now()


async def test_redis_going_away_in_a_handler_spends_none_of_the_entrys_retry_budget():
    redis = make_redis()
    calls = []

    async def handler(entry):
        calls.append(entry.payload["n"])
        if len(calls) <= 12:  # more than the budget's 10 failures
            raise redis_errors.ConnectionError("Connection closed by server.")
        return Done()

    await queue_items(redis, "out:slack:C1", 1)
    clock = ManualClock(10)
    runner = QueueRunner(redis, clock, {"out:": handler})
    for _ in range(20):  # a pass, then past any back-off
        await runner.drain_until_idle()
        clock.advance(10)
    assert calls == [0] * 13  # redone each pass until handled, never set aside
    assert await redis.xlen(keys.DEAD) == 0
    assert await redis.xlen(keys.queue("out:slack:C1:lo")) == 0


async def test_the_commit_that_queues_work_leases_that_group_itself():
    """The inbound commit takes the outbound group's lease and head in the same transaction, so
    the second hop of a relay starts without another pass over `ready` (two round trips less)."""
    redis = make_redis()
    order = []

    async def inbound(entry):
        order.append("in")
        return Done(lambda pipe: push(pipe, "out:slack:C1", {"n": 1}, 0), pushed=["out:slack:C1"])

    async def outbound(entry):
        order.append("out")
        return Done()

    await queue_items(redis, "in:slack:C1", 1)
    runner = QueueRunner(redis, ManualClock(10), {"in:": inbound, "out:": outbound})
    passes = 0
    due_groups = runner._due_groups

    async def counted():
        nonlocal passes
        passes += 1
        return await due_groups()

    runner._due_groups = counted
    assert await runner.drain_once() == 1  # the one pass: it starts the inbound group
    await asyncio.gather(*list(runner._tasks))  # ...whose commit started the outbound drain
    await asyncio.gather(*list(runner._tasks))
    assert order == ["in", "out"]
    assert passes == 1
    assert await redis.zcard(keys.READY) == 0  # both groups retired, both leases released
    assert not await redis.exists(keys.lease("out:slack:C1"), keys.lease("in:slack:C1"))


async def test_a_queued_group_another_process_holds_is_left_to_that_process():
    redis = make_redis()
    handled = []
    await redis.set(keys.lease("out:slack:C1"), "someone-else", px=60_000)

    async def inbound(entry):
        return Done(lambda pipe: push(pipe, "out:slack:C1", {"n": 7}, 0), pushed=["out:slack:C1"])

    async def outbound(entry):
        handled.append(entry.payload["n"])
        return Done()

    await queue_items(redis, "in:slack:C1", 1)
    runner = QueueRunner(redis, ManualClock(10), {"in:": inbound, "out:": outbound})
    await runner.drain_once()
    await asyncio.gather(*list(runner._tasks))
    assert handled == []  # not taken from under the other lease
    assert await redis.get(keys.lease("out:slack:C1")) == "someone-else"
    assert await redis.xlen(keys.queue("out:slack:C1:lo")) == 1  # still queued, still ready
    assert await redis.zscore(keys.READY, "out:slack:C1") is not None


async def test_a_handled_entry_leaves_no_counts_behind_even_after_failures():
    """The commit's head read removes the entry and its head-read and failure counts (the
    inflight hash would otherwise grow by three fields for every entry that ever failed)."""
    redis = make_redis()
    clock = ManualClock(10)
    calls = []

    async def handler(entry):
        calls.append(entry.attempts)
        if len(calls) <= 2:
            raise RuntimeError("platform hiccup")
        return Done()

    await queue_items(redis, "out:slack:C1", 2)
    runner = QueueRunner(redis, clock, {"out:": handler})
    for _ in range(5):
        await runner.drain_until_idle()
        clock.advance(10)
    assert len(calls) == 4  # two failures, then both entries
    assert await redis.hgetall(keys.inflight("out:slack:C1")) == {}
    assert await redis.xlen(keys.queue("out:slack:C1:lo")) == 0
