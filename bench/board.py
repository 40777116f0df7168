"""The board's cost on the hot path: CPU per relayed message with ten board pages open, against
the same run's figure with none open.

Real processes (`serve --no-worker` and `worker`, as the Procfile runs them) with the fakes and a
private redis-server; CPU is the two bot processes' user+system time (/proc/PID/stat) over a burst
of relayed messages, so the fakes and the load generator are not counted. Rounds alternate (no
pages, ten pages, ten pages, no pages, ...) and the medians are compared, so drift in the machine's load
falls on both sides.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
import redis.asyncio as aioredis

from bench.proc import cpu_seconds
from bot.board.sessions import COOKIE, Sessions
from testing.cluster import Cluster
from testing.deployments import BLM_IDS, slack_channel, tg_chat
from testing.fakes.builders import slack_message_event
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram

PAGES = 10


async def open_pages(url: str, cookies: list[str]) -> list[tuple[aiohttp.ClientSession, aiohttp.ClientResponse]]:
    """Ten signed-in event streams, each read up to its first line (the server has it open)."""
    pages = []
    for cookie in cookies:
        client = aiohttp.ClientSession(cookies={COOKIE: cookie})
        resp = await client.get(url + "/board/events", timeout=aiohttp.ClientTimeout(total=None))
        assert resp.status == 200, resp.status
        await resp.content.readline()
        pages.append((client, resp))
    return pages


async def close_pages(pages) -> None:
    for client, resp in pages:
        resp.close()
        await client.close()


async def bench_board(redis_url: str, messages: int, rounds: int = 3) -> tuple[str, str, str, str]:
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-board-"))
    cluster = Cluster(
        tmp,
        redis_url,
        slack,
        tg,
        extra_env={
            "PUBLIC_URL": "http://board.example.test",
            "LOG_LEVEL": "WARNING",
            "SLACK_CHANNEL_MSGS_PER_SEC": "1000",
        },
    )
    store = aioredis.Redis.from_url(redis_url, decode_responses=True)
    try:
        await cluster.start(webs=1, workers=1)
        web, worker = cluster.webs[0], cluster.workers[0]
        assert web.proc and worker.proc
        pids = [web.proc.pid, worker.proc.pid]
        sessions = Sessions(store)
        cookies = [await sessions.create("telegram:5550001", "en") for _ in range(PAGES)]
        chat = tg_chat(BLM_IDS.index("nogales"))
        sent = 0

        async def burst(n: int) -> float:
            """CPU seconds per message, relaying n Slack messages to Telegram until all arrived."""
            nonlocal sent
            first = sent
            sent += n
            before = len(tg.sent(chat))
            cpu0 = sum(cpu_seconds(p) for p in pids)

            async def sender(k: int):
                for i in range(first + k, first + n, 5):
                    status, _ = await cluster.slack_post(
                        slack_message_event(slack_channel("nogales"), "U0BOB", f"B-{i}"), web
                    )
                    assert status == 200

            await asyncio.gather(*(sender(k) for k in range(5)))
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                texts = " ".join(m.get("text", "") for m in tg.sent(chat)[before:])
                if all(f"B-{i}" in texts for i in range(first, first + n)):
                    break
                await asyncio.sleep(0.1)  # a benchmark polling the fake's record, not a test
            await asyncio.sleep(0.5)  # let the processes finish the burst's bookkeeping
            return (sum(cpu_seconds(p) for p in pids) - cpu0) / n

        await burst(min(100, messages))  # warm-up
        publishes0 = (await store.info("commandstats")).get("cmdstat_publish", {}).get("calls", 0)
        without, with_pages = [], []
        for r in range(rounds * 2):  # A B B A A B ...: a drift in the machine's load falls on both
            if (r % 4) in (0, 3):
                without.append(await burst(messages))
                continue
            pages = await open_pages(web.url, cookies)
            try:
                with_pages.append(await burst(messages))
            finally:
                await close_pages(pages)
        publishes = (await store.info("commandstats")).get("cmdstat_publish", {}).get("calls", 0) - publishes0
        base, board = statistics.median(without), statistics.median(with_pages)
        ratio = board / base
        return (
            f"board: CPU per relayed message with {PAGES} board pages open (serve + worker processes, "
            f"{messages} msgs × {rounds} rounds, medians)",
            f"{board * 1000:.2f} ms CPU/msg (Redis PUBLISH commands while relaying, the queues' wake-ups included: {publishes})",
            f"{base * 1000:.2f} ms CPU/msg with no page open",
            f"{(ratio - 1) * 100:+.1f} % (all rounds: {' '.join(f'{x * 1000:.2f}' for x in with_pages)} vs "
            f"{' '.join(f'{x * 1000:.2f}' for x in without)}); target ≤ +5 %: "
            + ("met" if ratio <= 1.05 else "NOT met"),
        )
    finally:
        await store.aclose()
        await cluster.close()
        await slack.stop()
        await tg.stop()
