"""`python -m bench [--quick]`: every benchmark, one table, baselines measured in the same run.

Needs `redis-server` on the PATH (a private one is started on a free port) and the test fakes
(testing/fakes); talks only to loopback. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.board import bench_board
from bench.proc import cpu_seconds, rss_mb
from bench.relay_cost import bench_burst, bench_relay_cost
from bench.timers import bench_timers
from testing.cluster import FIXTURE_PLAYBOOKS, BotProcess, Cluster, free_port
from testing.deployments import ALL_TEN, BLM_IDS, slack_channel, tg_chat
from testing.fakes.builders import slack_message_event, slack_signed, tg_message_update, tg_webhook_headers
from testing.fakes.redis_server import RedisServer
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

ROOT = Path(__file__).resolve().parents[1]
ROWS: list[tuple[str, str, str, str]] = []  # (benchmark, figure, baseline, ratio / target)


def row(name: str, figure: str, baseline: str = "", ratio: str = "") -> None:
    ROWS.append((name, figure, baseline, ratio))
    print(
        f"  {name}: {figure}" + (f" | baseline {baseline}" if baseline else "") + (f" | {ratio}" if ratio else ""),
        flush=True,
    )


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p / 100 * len(values))) - 1))]


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


async def fresh(redis: RedisServer):
    redis.flushall()


# ---- 1 and 2: relay throughput and latency; Slack acknowledgement under load ------------------
async def bench_relay(redis: RedisServer, n_per_room: int) -> None:
    await fresh(redis)
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    rooms = BLM_IDS  # ten rooms, each way
    settings = make_settings(
        redis.url,
        slack,
        tg,
        slack_channel_msgs_per_sec=1000,
        telegram_msgs_per_sec=10000,
        telegram_group_msgs_per_min=600000,
        playbooks_dir=FIXTURE_PLAYBOOKS,
    )
    sent_at: dict[str, float] = {}
    acks: list[float] = []
    try:
        async with running_bot(settings, ALL_TEN) as bot:

            async def slack_room(blm):
                for i in range(n_per_room):
                    text = f"S-{blm}-{i}"
                    data, headers = slack_signed(SIGNING_SECRET, slack_message_event(slack_channel(blm), "U0BOB", text))
                    t0 = time.time()
                    sent_at[text] = t0
                    resp = await bot.post("/slack/events", data, headers)
                    acks.append(time.time() - t0)
                    assert resp.status == 200

            uid = iter(range(1, 10**9))

            async def tg_room(blm):
                for i in range(n_per_room):
                    text = f"T-{blm}-{i}"
                    body = json.dumps(tg_message_update(next(uid), tg_chat(BLM_IDS.index(blm)), 5550001, text)).encode()
                    sent_at[text] = time.time()
                    resp = await bot.post("/telegram/webhook", body, tg_webhook_headers(TG_SECRET))
                    assert resp.status == 200

            total = 2 * len(rooms) * n_per_room
            t0 = time.time()
            await asyncio.gather(*(slack_room(b) for b in rooms), *(tg_room(b) for b in rooms))
            accepted = time.time() - t0

            # coalescing may combine several into one post: count markers, not posts
            def markers():
                found = {}
                for c in slack.calls_to("chat.postMessage") + tg.calls_to("sendMessage"):
                    text = str(c.params.get("text", ""))
                    # Telegram quotes a relayed body (<blockquote>): markers between tags too
                    for word in re.sub(r"<[^>]+>", " ", text).split():
                        if word in sent_at and word not in found:
                            found[word] = c.at
                return found

            deadline = time.time() + 300
            while len(markers()) < total and time.time() < deadline:
                await asyncio.sleep(0.2)  # a benchmark, not a test: polls the fakes' records
            found = markers()
            elapsed = max(found.values()) - t0
            lat = [found[w] - sent_at[w] for w in found]
            posts = len(slack.calls_to("chat.postMessage")) + len(tg.calls_to("sendMessage"))
            # one message at a time (no backlog): Slack -> Telegram, waiting for each to arrive
            single: list[float] = []
            for i in range(30):
                text = f"one-{i}"
                data, headers = slack_signed(
                    SIGNING_SECRET, slack_message_event(slack_channel("nogales"), "U0BOB", text)
                )
                before = len(tg.calls_to("sendMessage"))
                t1 = time.time()
                await bot.post("/slack/events", data, headers)
                call = await tg.wait_for(
                    lambda f, before=before, text=text: next(
                        (c for c in f.calls_to("sendMessage")[before:] if text in str(c.params.get("text"))), None
                    ),
                    timeout=10,
                )
                single.append(call.at - t1)
    finally:
        await slack.stop()
        await tg.stop()

    # baseline: the same messages posted straight to the fakes with the platforms' own clients
    from slack_sdk.web.async_client import AsyncWebClient
    from telegram import Bot

    slack2, tg2 = FakeSlack(), FakeTelegram()
    await slack2.start()
    await tg2.start()
    try:
        client = AsyncWebClient(token=slack2.token, base_url=slack2.url, retry_handlers=[])
        tgbot = Bot(tg2.token, base_url=f"{tg2.api_root}/bot")
        await tgbot.initialize()
        base_lat: list[float] = []

        async def slack_direct(blm):
            for i in range(n_per_room):
                t = time.time()
                await client.chat_postMessage(channel=slack_channel(blm), text=f"Ana Ruiz (MX)\nT-{blm}-{i}")
                base_lat.append(time.time() - t)

        async def tg_direct(blm):
            for i in range(n_per_room):
                t = time.time()
                await tgbot.send_message(tg_chat(BLM_IDS.index(blm)), f"Bob Carter (US)\nS-{blm}-{i}")
                base_lat.append(time.time() - t)

        b0 = time.time()
        await asyncio.gather(*(slack_direct(b) for b in rooms), *(tg_direct(b) for b in rooms))
        base_elapsed = time.time() - b0
        single_base: list[float] = []
        for i in range(30):
            t = time.time()
            await tgbot.send_message(tg_chat(0), f"Bob Carter (US)\none-{i}")
            single_base.append(time.time() - t)
        await tgbot.shutdown()
    finally:
        await slack2.stop()
        await tg2.stop()
    thr, base_thr = len(found) / elapsed, total / base_elapsed
    row(
        f"relay throughput ({total} msgs, 10 rooms each way, accepted → delivered)",
        f"{thr:.0f} msg/s ({len(found)}/{total} delivered in {elapsed:.1f} s, {posts} posts)",
        f"{base_thr:.0f} msg/s direct API calls",
        f"{thr / base_thr:.2f}× baseline",
    )
    row(
        "relay latency in that burst, accepted → delivered (queueing included), p50 / p99",
        f"{ms(statistics.median(lat))} / {ms(pct(lat, 99))}",
        f"{ms(statistics.median(base_lat))} / {ms(pct(base_lat, 99))} per direct call",
        f"{statistics.median(lat) / statistics.median(base_lat):.1f}× (p50)",
    )
    row(
        "relay latency, one message at a time (Slack → Telegram), p50 / p99",
        f"{ms(statistics.median(single))} / {ms(pct(single, 99))}",
        f"{ms(statistics.median(single_base))} / {ms(pct(single_base, 99))} one direct sendMessage at a time",
        f"{statistics.median(single) / statistics.median(single_base):.1f}× (p50)",
    )
    row(
        "Slack acknowledgement under that load (bot, fakes and load generator in ONE process and event loop), p50 / p99 / max",
        f"{ms(statistics.median(acks))} / {ms(pct(acks, 99))} / {ms(max(acks))}",
        "",
        "target p99 < 100 ms: " + ("met" if pct(acks, 99) < 0.1 else "NOT met"),
    )
    row("time to accept the whole burst (both edges)", f"{accepted:.1f} s ({total / accepted:.0f} req/s)")


async def bench_ack_processes(redis: RedisServer, per_room: int) -> None:
    """Slack's acknowledgement as deployed: `serve --no-worker` and `worker` as separate processes."""
    await fresh(redis)
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="bench-ack-")), redis.url, slack, tg)
    acks: list[float] = []
    try:
        await cluster.start(webs=1, workers=1)

        async def room(blm):
            for i in range(per_room):
                status, took = await cluster.slack_post(
                    slack_message_event(slack_channel(blm), "U0BOB", f"A-{blm}-{i}")
                )
                assert status == 200
                acks.append(took)

        t0 = time.time()
        await asyncio.gather(*(room(b) for b in BLM_IDS))
        rate = len(acks) / (time.time() - t0)
    finally:
        await cluster.close()
        await slack.stop()
        await tg.stop()
    row(
        f"Slack acknowledgement, `serve --no-worker` + `worker` processes, {len(acks)} events from 10 concurrent senders, p50 / p99 / max",
        f"{ms(statistics.median(acks))} / {ms(pct(acks, 99))} / {ms(max(acks))} ({rate:.0f} req/s)",
        "",
        "target p99 < 100 ms: " + ("met" if pct(acks, 99) < 0.1 else "NOT met"),
    )


# ---- 3: advisory fan-out with the default rate limits ----------------------------------------
async def bench_advisory(redis: RedisServer) -> None:
    from testing.fakes.alerts import nws_feature
    from testing.fakes.nws_api import FakeNWS

    await fresh(redis)
    slack, tg, nws = FakeSlack(rate_limit=True), FakeTelegram(rate_limit=True), FakeNWS()
    await slack.start()
    await tg.start()
    await nws.start()
    settings = make_settings(
        redis.url,
        slack,
        tg,
        playbooks_dir=FIXTURE_PLAYBOOKS,
        advisory_poll_seconds=1,
        nws_api_url=nws.url,
        nws_user_agent=nws.user_agent,
        slack_channel_msgs_per_sec=1,
        telegram_msgs_per_sec=30,
        telegram_group_msgs_per_min=20,
    )
    try:
        async with running_bot(settings, ALL_TEN):
            await asyncio.sleep(1.5)  # let a first (empty) poll pass
            now = datetime.now(UTC)
            # one alert per county (as NWS issues them), at each BLM's point
            points = _points()
            for blm_id, point in points.items():
                fips = _fips(blm_id)
                nws.set_point(
                    point,
                    [
                        nws_feature(
                            f"urn:bench:flood:{blm_id}",
                            "Flood Warning",
                            severity="Severe",
                            same=[f"0{fips}"],
                            ugc=[],
                            sent=now,
                        )
                    ],
                )
            seen_at = time.time()
            want = 2 * len(BLM_IDS)

            def adv(f, what):
                return [c for c in f.calls if c.method in what and "urn:bench:flood" in json.dumps(c.params)]

            deadline = time.time() + 120
            while time.time() < deadline:
                ok = [c for c in adv(slack, ("chat.postMessage",)) + adv(tg, ("sendMessage",)) if c.ok]
                if len(ok) >= want:
                    break
                await asyncio.sleep(0.1)
            ok = [c for c in adv(slack, ("chat.postMessage",)) + adv(tg, ("sendMessage",)) if c.ok]
            # the central room's digest (one post per Severe/Extreme event, no alert identifier in it)
            central = [
                c
                for c in slack.calls + tg.calls
                if c.ok
                and c.method in ("chat.postMessage", "sendMessage")
                and (c.params.get("channel") == "C0CENTRAL" or str(c.params.get("chat_id")) == "-1001000000000")
            ]
            rejected = [c for c in slack.calls + tg.calls if c.status == 429]
            last = max(c.at for c in ok) - seen_at if ok else float("nan")
    finally:
        await slack.stop()
        await tg.stop()
        await nws.stop()
    row(
        "advisory fan-out: 10 BLMs × 2 platforms, default rate limits (first post → last post after NWS serves it)",
        f"{len(ok)} posts (+{len(central)} digest posts to central), last {last:.2f} s after the alert was served; 429s: {len(rejected)}",
        "",
        "target ≤ 2 s, 0 × 429: " + ("met" if last <= 2 and not rejected else "NOT met") + " (incl. ≤1 s poll period)",
    )


async def bench_advisory_playbook(redis: RedisServer) -> None:
    """Issue 15's fan-out row: an Extreme Heat Warning at all ten BLMs (one alert per county, as NWS
    issues them), starting the real heat-wave playbook in each, default send rates with the fakes
    enforcing them. From the start of the poll to each of the 20 rooms' advisory; which post each
    room got first; 429s until every room's queue has drained (the playbook's posts included)."""
    from bot.store import keys
    from testing.fakes.alerts import nws_feature
    from testing.fakes.nws_api import FakeNWS

    await fresh(redis)
    slack, tg, nws = FakeSlack(rate_limit=True), FakeTelegram(rate_limit=True), FakeNWS()
    await slack.start()
    await tg.start()
    await nws.start()
    settings = make_settings(
        redis.url,
        slack,
        tg,
        playbooks_dir=ROOT / "playbooks",
        advisory_poll_seconds=0,  # the bench polls once itself, so "after the poll" has a start
        nws_api_url=nws.url,
        nws_user_agent=nws.user_agent,
        slack_channel_msgs_per_sec=1,
        telegram_msgs_per_sec=30,
        telegram_group_msgs_per_min=20,
    )
    rooms = {("slack", slack_channel(b)): b for b in BLM_IDS} | {
        ("telegram", str(tg_chat(i))): b for i, b in enumerate(BLM_IDS)
    }
    try:
        async with running_bot(settings, ALL_TEN) as bot:
            now = datetime.now(UTC)
            for blm_id, point in _points().items():
                nws.set_point(
                    point,
                    [
                        nws_feature(
                            f"urn:bench:heat:{blm_id}",
                            "Extreme Heat Warning",
                            severity="Extreme",
                            same=[f"0{_fips(blm_id)}"],
                            ugc=[],
                            sent=now,
                        )
                    ],
                )
            service = bot.runtime.advisory_service
            polled_at = time.time()
            await service.tick()
            poll_seconds = time.time() - polled_at

            def posts():
                out = [(("slack", c.params.get("channel")), c) for c in slack.calls if c.method == "chat.postMessage"]
                out += [(("telegram", str(c.params.get("chat_id"))), c) for c in tg.calls if c.method == "sendMessage"]
                return [(room, c) for room, c in out if c.ok and room in rooms]

            def is_advisory(c) -> bool:
                return "urn:bench:heat" in json.dumps(c.params)

            deadline = time.time() + 60
            while time.time() < deadline:
                if len({room for room, c in posts() if is_advisory(c)}) >= len(rooms):
                    break
                await asyncio.sleep(0.05)
            first: dict = {}
            advisory_at: dict = {}
            for room, c in sorted(posts(), key=lambda rc: rc[1].at):
                first.setdefault(room, c)
                if is_advisory(c):
                    advisory_at.setdefault(room, c.at - polled_at)
            # then every room's playbook posts, to count 429s over the whole fan-out
            while time.time() < deadline and await bot.runtime.redis.zcard(keys.READY):
                await asyncio.sleep(0.2)
            total = len(posts())
            central_digest = [
                c
                for c in slack.calls
                if c.method == "chat.postMessage"
                and c.params.get("channel") == "C0CENTRAL"
                and "Weather digest" in json.dumps(c.params)
            ]
            rejected = [c for c in slack.calls + tg.calls if c.status == 429]
            await service.close()
    finally:
        await slack.stop()
        await tg.stop()
        await nws.stop()
    delays = sorted(advisory_at.values())
    first_ok = sum(1 for room, c in first.items() if is_advisory(c))
    worst = max(delays) if len(delays) == len(rooms) else float("inf")
    met = worst <= 2 and first_ok == len(rooms) and not rejected
    row(
        "advisory + playbook fan-out: Extreme Heat Warning at 10 BLMs starting heat-wave in each, Slack 1/s per channel, Telegram 20/min per group (poll start → each room's advisory)",
        f"advisory in {len(delays)}/{len(rooms)} rooms, p50 {statistics.median(delays):.2f} s / max {worst:.2f} s after the poll "
        f"(the poll itself {poll_seconds:.2f} s); first post in {first_ok}/{len(rooms)} rooms; {total} posts in all; "
        f"central digest posts: {len(central_digest)}; 429s: {len(rejected)}",
        "",
        "target every advisory ≤ 2 s, first in all 20 rooms, 0 × 429: " + ("met" if met else "NOT met"),
    )


def _points() -> dict[str, str]:
    from bot.advisories.source_nws import coordinate
    from bot.directory import get_blm

    return {b: f"{coordinate(get_blm(b).us_lat)},{coordinate(get_blm(b).us_lon)}" for b in BLM_IDS}


def _fips(blm_id: str) -> str:
    from bot.directory import get_blm

    return get_blm(blm_id).fips


# ---- 4: timer lateness: bench/timers.py -----------------------------------------------------


# ---- 5 and 6: start-up time and idle memory of the processes ---------------------------------
async def bench_processes(redis: RedisServer) -> None:
    import aiohttp

    await fresh(redis)
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    cluster = Cluster(tmp, redis.url, slack, tg)
    env = cluster.env()
    session = aiohttp.ClientSession()
    try:
        results = {}
        for kind in ("web", "worker"):
            p = BotProcess(kind, env, tmp / f"{kind}.log", free_port())
            t = time.monotonic()
            await p.start()
            # /healthz of `serve` (web) and of `worker`
            p_kind_path = "/healthz"
            while True:
                try:
                    async with session.get(p.url + p_kind_path, timeout=aiohttp.ClientTimeout(total=1)) as r:
                        if r.status == 200:
                            break
                except Exception:
                    pass
                await asyncio.sleep(0.02)
            took = time.monotonic() - t
            # ready: the real app has taken the port over (serve: /readyz 200; worker: /metrics 200)
            ready_path = "/readyz" if kind == "web" else "/metrics"
            while True:
                try:
                    async with session.get(p.url + ready_path, timeout=aiohttp.ClientTimeout(total=1)) as r:
                        if r.status == 200:
                            break
                except Exception:
                    pass
                await asyncio.sleep(0.02)
            ready = time.monotonic() - t
            await asyncio.sleep(3)  # settle
            cpu0, w0 = cpu_seconds(p.proc.pid), time.monotonic()
            await asyncio.sleep(IDLE_SECONDS)
            idle_cpu = 100 * (cpu_seconds(p.proc.pid) - cpu0) / (time.monotonic() - w0)
            rss = rss_mb(p.proc.pid)
            results[kind] = (took, rss, ready, idle_cpu)
            await p.stop()
        # baseline: a bare Python interpreter importing nothing
        t = time.monotonic()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(2)")
        await asyncio.sleep(0.5)
        base_rss = rss_mb(proc.pid)
        await proc.wait()
        t = time.monotonic()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "import aiohttp.web")
        await proc.wait()
        base_start = time.monotonic() - t
    finally:
        await session.close()
        await slack.stop()
        await tg.stop()
    web_start, worker_start = results["web"][0], results["worker"][0]
    row(
        "start-up: `python -m bot serve --no-worker` → /healthz 200 (→ /readyz 200)",
        f"{web_start:.2f} s ({results['web'][2]:.2f} s)",
        f"{base_start:.2f} s `python -c 'import aiohttp.web'`",
        f"{web_start / base_start:.1f}×; target < 1.5 s: " + ("met" if web_start < 1.5 else "NOT met"),
    )
    row(
        "start-up: `python -m bot worker` → /healthz 200 (→ real app on the port)",
        f"{worker_start:.2f} s ({results['worker'][2]:.2f} s)",
        "",
        "target < 1.5 s: " + ("met" if worker_start < 1.5 else "NOT met"),
    )
    rss_web, rss_worker = results["web"][1], results["worker"][1]
    row(
        f"idle: CPU over {IDLE_SECONDS:.0f} s, RSS; serve / worker",
        f"{results['web'][3]:.2f} % / {results['worker'][3]:.2f} % CPU; {rss_web:.0f} MB / {rss_worker:.0f} MB",
        f"{base_rss:.0f} MB bare python",
        f"{rss_web / base_rss:.1f}× / {rss_worker / base_rss:.1f}×; target CPU ~0, RSS < 100 MB: "
        + (
            "met"
            if max(results["web"][3], results["worker"][3]) < 0.2 and max(rss_web, rss_worker) < 100
            else "NOT met"
        ),
    )


IDLE_SECONDS = 10.0


async def main(quick: bool) -> None:
    logging.basicConfig(level=logging.ERROR)
    logging.disable(logging.WARNING)
    redis = RedisServer()
    redis.start()
    try:
        print("relay…", flush=True)
        await bench_relay(redis, 20 if quick else 100)
        print("acknowledgement (processes)…", flush=True)
        await bench_ack_processes(redis, 20 if quick else 100)
        print("advisory fan-out…", flush=True)
        await bench_advisory(redis)
        print("advisory + playbook fan-out…", flush=True)
        await bench_advisory_playbook(redis)
        print("relay cost at 50 msg/s each way (bot vs naive relay, separate processes)…", flush=True)
        await bench_relay_cost(redis, 6 if quick else 20, row)
        print("Telegram burst into one group…", flush=True)
        await bench_burst(redis, 40 if quick else 120, 20 if quick else 60, row)
        print("timers…", flush=True)
        await bench_timers(redis, 1000 if quick else 10_000, row, pct)
        print("processes…", flush=True)
        await bench_processes(redis)
        print("board…", flush=True)
        await fresh(redis)
        row(*await bench_board(redis.url, 100 if quick else 500))
    finally:
        redis.stop()
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    print()
    print("| benchmark | measured | baseline (same run) | ratio / target |")
    print("|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test of the benchmarks)")
    asyncio.run(main(parser.parse_args().quick))
