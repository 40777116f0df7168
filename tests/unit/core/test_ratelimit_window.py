"""The send-rate limits: a sliding window is exact, and a pace keeps a backlog flowing."""

from __future__ import annotations

from types import SimpleNamespace

import fakeredis

from bot.delivery.ratelimit import WINDOW_MARGIN, Limit, RateLimiter, Window, limits_for_room

SETTINGS = SimpleNamespace(slack_channel_msgs_per_sec=1, telegram_msgs_per_sec=30, telegram_group_msgs_per_min=20)


def make_redis():
    return fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(version=(7, 0)), decode_responses=True)


async def test_window_admits_exactly_its_count_then_waits_for_the_oldest():
    limiter = RateLimiter(make_redis())
    window = Window("t:w", 3, 10.0)
    assert [await limiter.acquire([window], 100.0 + i) for i in range(3)] == [0, 0, 0]
    wait = await limiter.acquire([window], 103.0)
    assert wait == 10.0 + WINDOW_MARGIN - 3.0  # until the first send (at 100) leaves the window
    assert await limiter.acquire([window], 100.0 + 10.0 + WINDOW_MARGIN + 0.01) == 0


async def test_a_refused_limit_takes_nothing_from_the_others():
    limiter = RateLimiter(make_redis())
    full = Window("t:full", 1, 60.0)
    pace = Limit("t:pace", 1.0, burst=2)
    assert await limiter.acquire([full, pace], 0.0) == 0
    assert await limiter.acquire([full, pace], 0.0) > 0  # the window refuses ...
    assert await limiter.acquire([pace], 0.0) == 0  # ... and the pace's burst was not spent


async def simulate_group(arrival_times: list[float]) -> tuple[list[float], float]:
    """Send whenever a permit is free, all that is queued in one post (as coalescing does)."""
    limiter = RateLimiter(make_redis())
    limits = limits_for_room("telegram", "-100123", SETTINGS)
    sends: list[float] = []
    queue: list[float] = []
    max_delay, i, t = 0.0, 0, arrival_times[0]
    while t < arrival_times[-1] + 120:
        while i < len(arrival_times) and arrival_times[i] <= t:
            queue.append(arrival_times[i])
            i += 1
        if queue and await limiter.acquire(limits, t) == 0:
            sends.append(t)
            max_delay = max(max_delay, t - queue[0])
            queue = []
        t += 0.05
    return sends, max_delay


async def test_a_burst_into_a_group_never_exceeds_20_a_minute_and_waits_under_5_s():
    """The issue's row: 120 messages in 60 s into one group whose limit is 20 in any 60 s."""
    sends, max_delay = await simulate_group([1000.0 + 0.5 * n for n in range(120)])
    busiest = max(sum(1 for s in sends if a - 60.0 < s <= a) for a in sends)
    assert busiest <= 20
    assert max_delay <= 5.0
    assert sends[2] - sends[0] < 2.2  # the first three at the per-chat pace (1/s), not 3.3 s apart


async def test_a_quiet_group_gets_a_few_posts_at_once():
    sends, max_delay = await simulate_group([50.0, 50.0, 50.0])
    assert len(sends) == 1 and max_delay == 0  # all three queued together, one post
    sends, max_delay = await simulate_group([50.0, 51.1, 52.2])
    assert len(sends) == 3 and max_delay < 0.06  # one a second: none waits for the group's pace
