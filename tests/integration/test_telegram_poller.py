"""The Telegram poller (long polling, no webhook) is a loop on the runtime's one convention:
`run()` until cancelled. One process at a time polls (the Redis lease); Retry-After is obeyed;
cancelled, it ends at once, leaves no task behind and lets the lease go."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
import telegram

from bot.store import keys
from handlers.telegram import POLL_LOCK, TelegramPoller
from testing.fakes.builders import tg_message_update
from testing.harness import make_settings, running_bot

TG_CHAT, LUIS = -1001000000003, 5550002
LOCK = keys.lock(POLL_LOCK)


@asynccontextmanager
async def poller_on(fake, redis_url):
    """A poller on the fake Bot API and real Redis; yields it and the update ids it accepted."""
    redis = aioredis.from_url(redis_url, decode_responses=True)
    bot = telegram.Bot("123456:TEST-token", base_url=f"{fake.api_root}/bot", base_file_url=f"{fake.api_root}/file/bot")
    accepted: list[int] = []

    async def accept(update: telegram.Update) -> None:
        accepted.append(update.update_id)

    try:
        async with bot:
            yield TelegramPoller(bot, redis, accept), accepted
    finally:
        await redis.aclose()


def poller_tasks() -> list[asyncio.Task]:
    """Pending tasks running a poller (the fake's own server tasks are not the bot's)."""
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and getattr(t.get_coro(), "__qualname__", "") == TelegramPoller.run.__qualname__
    ]


async def test_the_poller_stops_when_cancelled_without_leaking_a_task(redis_url, fake_telegram):
    async with poller_on(fake_telegram, redis_url) as (poller, accepted):
        task = asyncio.create_task(poller.run())
        fake_telegram.push_update(tg_message_update(7001, TG_CHAT, LUIS, "hola"))
        # the first getUpdates takes the update, the second is the long poll it is now waiting in
        await fake_telegram.wait_for(lambda f: len(f.calls_to("getUpdates")) >= 2)
        assert accepted == [7001] and await poller.redis.get(keys.TELEGRAM_OFFSET) == "7002"
        assert await poller.redis.get(LOCK) == poller.lease.token
        task.cancel()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=2)
        assert task.cancelled()
        assert poller_tasks() == []
        assert await poller.redis.get(LOCK) is None  # let go: another process may poll at once


async def test_a_poller_without_the_lease_does_not_poll_and_leaves_the_holders_lease(redis_url, fake_telegram):
    async with poller_on(fake_telegram, redis_url) as (poller, _):
        await poller.redis.set(LOCK, "another-process", px=60_000)
        refused = asyncio.Event()
        acquire = poller.lease.acquire

        async def watched_acquire():
            got = await acquire()
            if not got:
                refused.set()
            return got

        poller.lease.acquire = watched_acquire
        task = asyncio.create_task(poller.run())
        await asyncio.wait_for(refused.wait(), timeout=5)  # it tried, was refused, and now backs off
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert fake_telegram.calls_to("getUpdates") == [] and fake_telegram.calls_to("deleteWebhook") == []
        assert await poller.redis.get(LOCK) == "another-process"


async def test_the_poller_waits_as_long_as_retry_after_says(redis_url, fake_telegram):
    fake_telegram.fail_next("getUpdates", status=429, retry_after=1)
    async with poller_on(fake_telegram, redis_url) as (poller, accepted):
        task = asyncio.create_task(poller.run())
        try:
            await fake_telegram.wait_for(lambda f: len(f.calls_to("getUpdates")) >= 2, timeout=5)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        refused, next_poll = fake_telegram.calls_to("getUpdates")[:2]
        assert refused.rejected and next_poll.at - refused.at >= 0.95


async def test_the_edge_cancels_its_poller_on_stop(redis_url, fake_telegram):
    settings = make_settings(redis_url, fake_telegram=fake_telegram, webhook=False)
    async with running_bot(settings) as bot:
        edge = bot.runtime.edges[0]
        await fake_telegram.wait_for(lambda f: f.calls_to("getUpdates"))
        task = edge._poll_task
        assert task is not None and not task.done() and len(poller_tasks()) == 1
        await asyncio.wait_for(edge.stop(), timeout=5)
        assert task.cancelled() and edge._poll_task is None and poller_tasks() == []
