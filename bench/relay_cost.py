"""Issue 15's relay rows: CPU and Redis round trips per relayed message and latency at a steady
50 msg/s each way (the bot as its own process pinned to one core, against the naive relay of
bench/naive_relay.py under the same load), and the Telegram burst (120 messages in 60 s into one
group, the fake enforcing 20 per sliding minute)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bench.proc import cpu_seconds
from testing.cluster import Cluster, free_port
from testing.deployments import ALL_TEN, BLM_IDS, slack_channel, tg_chat
from testing.fakes.builders import slack_message_event, slack_signed, tg_message_update, tg_webhook_headers
from testing.fakes.redis_server import RedisServer
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

ROOT = Path(__file__).resolve().parents[1]
RATE = 50  # messages a second in each direction


class Monitor:
    """Counts what a Redis server is asked, from `MONITOR`: commands, and round trips (a
    MULTI…EXEC block counts once; commands a script runs are not round trips)."""

    LINE = re.compile(rb'^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"')

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 6379
        self.commands = self.round_trips = 0
        self.counting = False
        self._multi: set[bytes] = set()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(b"MONITOR\r\n")
        await writer.drain()
        await reader.readline()  # +OK
        self._writer = writer
        self._task = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            m = self.LINE.match(line)
            if not m or not self.counting:
                continue
            client, command = m.group(1), m.group(2).upper()
            self.commands += 1
            if client == b"lua":
                continue
            if command == b"MULTI":
                self._multi.add(client)
                self.round_trips += 1
            elif command in (b"EXEC", b"DISCARD"):
                self._multi.discard(client)
            elif client not in self._multi:
                self.round_trips += 1

    async def stop(self) -> None:
        self._writer.close()
        if self._task:
            self._task.cancel()


async def _wait_http(session: aiohttp.ClientSession, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=1)) as r:
                if r.status == 200:
                    return
        except (aiohttp.ClientError, OSError, TimeoutError):
            pass
        await asyncio.sleep(0.05)
    raise TimeoutError(url)


async def _steady_load(args: list[str], env: dict, seconds: float, monitor: Monitor | None, tag: str) -> dict:
    """Start the relay process (pinned to CPU 0), send RATE msg/s each way over the ten rooms for
    `seconds`, wait for every message on the other side. CPU of the process per message,
    latency, and (with a monitor) Redis traffic per message."""
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    env = dict(env, SLACK_API_URL=slack.url, TELEGRAM_API_URL=tg.api_root, SLACK_BOT_TOKEN=slack.token)
    env["TELEGRAM_BOT_TOKEN"] = tg.token
    port = free_port()
    env["PORT"] = str(port)
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    log = open(Path(tempfile.mkdtemp(prefix=f"bench-{tag}-")) / "out.log", "wb")
    args = [a.replace("{port}", str(port)) for a in args]
    proc = await asyncio.create_subprocess_exec(*pin, *args, cwd=str(ROOT), env=env, stdout=log, stderr=log)
    session = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{port}"
    sent: dict[str, float] = {}
    n = int(seconds * RATE)
    try:
        await _wait_http(session, url + "/readyz")
        await asyncio.sleep(1.0)  # start-up work (auth.test, setWebhook, ...) out of the way

        async def post(path: str, data: bytes, headers: dict) -> None:
            async with session.post(url + path, data=data, headers=headers) as r:
                await r.read()

        async def send(i: int) -> None:
            room = i % len(BLM_IDS)
            s_text, t_text = f"{tag}S{i}x", f"{tag}T{i}x"
            data, headers = slack_signed(
                SIGNING_SECRET, slack_message_event(slack_channel(BLM_IDS[room]), "U0BOB", s_text)
            )
            body = json.dumps(tg_message_update(10_000 + i, tg_chat(room), 5550001, t_text)).encode()
            sent[s_text] = sent[t_text] = time.time()
            await asyncio.gather(
                post("/slack/events", data, headers),
                post("/telegram/webhook", body, tg_webhook_headers(TG_SECRET) | {"Content-Type": "application/json"}),
            )

        cpu0 = cpu_seconds(proc.pid)
        if monitor:
            monitor.commands = monitor.round_trips = 0
            monitor.counting = True
        t0 = time.monotonic()
        tasks = []
        for i in range(n):
            await asyncio.sleep(max(0.0, t0 + i / RATE - time.monotonic()))
            tasks.append(asyncio.create_task(send(i)))
        await asyncio.gather(*tasks)

        def seen() -> dict[str, tuple[float, str]]:
            found: dict[str, tuple[float, str]] = {}
            for c in slack.calls_to("chat.postMessage") + tg.calls_to("sendMessage"):
                # the markers, wherever the markup puts them (Telegram quotes a relayed body)
                for word in re.findall(rf"{tag}[ST]\d+x", str(c.params.get("text", ""))):
                    if word in sent and word not in found:
                        found[word] = (c.at, "tg" if "chat_id" in c.params else "slack")
            return found

        deadline = time.monotonic() + 60
        while len(seen()) < 2 * n and time.monotonic() < deadline:
            await asyncio.sleep(0.1)  # a benchmark polling the fakes' records
        cpu = cpu_seconds(proc.pid) - cpu0
        if monitor:
            monitor.counting = False
        found = seen()
    finally:
        if proc.returncode is None:  # (a process that died at start-up is reported, not killed)
            proc.terminate()
        await proc.wait()
        log.close()
        await session.close()
        await slack.stop()
        await tg.stop()
    s2t = [at - sent[w] for w, (at, side) in found.items() if side == "tg"]
    t2s = [at - sent[w] for w, (at, side) in found.items() if side == "slack"]
    out = {"n": 2 * n, "delivered": len(found), "cpu_ms": 1000 * cpu / (2 * n), "s2t": s2t, "t2s": t2s}
    if monitor:
        out["round_trips"] = monitor.round_trips / (2 * n)
        out["commands"] = monitor.commands / (2 * n)
    return out


def _combined(rounds: list[dict]) -> dict:
    """Several rounds' figures as one: CPU per message over all their messages, every latency."""
    n = sum(r["n"] for r in rounds)
    out = {
        "n": n,
        "delivered": sum(r["delivered"] for r in rounds),
        "cpu_ms": sum(r["cpu_ms"] * r["n"] for r in rounds) / n,
        "s2t": [x for r in rounds for x in r["s2t"]],
        "t2s": [x for r in rounds for x in r["t2s"]],
    }
    if "round_trips" in rounds[0]:
        out["round_trips"] = sum(r["round_trips"] * r["n"] for r in rounds) / n
        out["commands"] = sum(r["commands"] * r["n"] for r in rounds) / n
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q / 100 * len(values))) - 1))] if values else float("nan")


async def bench_relay_cost(redis: RedisServer, seconds: float, row) -> None:
    redis.flushall()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cost-"))
    stubs = FakeSlack(), FakeTelegram()  # only for Cluster.env's shape; each run starts its own fakes
    for fake in stubs:
        await fake.start()
    env = Cluster(tmp, redis.url, *stubs).env()
    for fake in stubs:
        await fake.stop()
    env.update(
        {
            "LOG_LEVEL": "WARNING",
            "SLACK_CHANNEL_MSGS_PER_SEC": "100000",
            "TELEGRAM_MSGS_PER_SEC": "100000",
            "TELEGRAM_GROUP_MSGS_PER_MIN": "6000000",
        }
    )
    # Rounds in the order bot, naive, naive, bot, each half as long: this shared machine's speed
    # drifts by tens of percent within a minute, and the A B B A order cancels a steady drift.
    monitor = Monitor(redis.url)
    await monitor.start()
    rounds: dict[str, list[dict]] = {"B": [], "N": []}
    try:
        for tag in "BNNB":
            redis.flushall()
            if tag == "B":
                args, mon = [sys.executable, "-m", "bot", "serve"], monitor
            else:
                args, mon = [sys.executable, "-m", "bench.naive_relay", "{port}"], None
            rounds[tag].append(await _steady_load(args, env, seconds / 2, mon, f"{tag}{len(rounds[tag])}"))
    finally:
        await monitor.stop()
    bot, naive = _combined(rounds["B"]), _combined(rounds["N"])
    ratio = bot["cpu_ms"] / naive["cpu_ms"]
    per_round = (
        " / ".join(f"{r['cpu_ms']:.2f}" for r in rounds["B"]),
        " / ".join(f"{r['cpu_ms']:.2f}" for r in rounds["N"]),
    )
    row(
        f"CPU per relayed message, rate knobs lifted, {RATE} msg/s each way, 2 × {seconds / 2:.0f} s rounds each "
        "in the order bot, naive, naive, bot (`serve`, one process pinned to a core)",
        f"{bot['cpu_ms']:.2f} ms (rounds {per_round[0]}; {bot['delivered']}/{bot['n']} delivered)",
        f"{naive['cpu_ms']:.2f} ms naive relay (rounds {per_round[1]}; slack-bolt → PTB send_message, PTB → "
        f"chat.postMessage, no store; {naive['delivered']}/{naive['n']})",
        f"{ratio:.2f}×; target ≤ 1.5×: " + ("met" if ratio <= 1.5 else "NOT met"),
    )
    row(
        "Redis round trips per relayed message (MONITOR; MULTI…EXEC once, script internals not counted)",
        f"{bot['round_trips']:.1f} ({bot['commands']:.1f} commands incl. scripts' own)",
        "",
        "target ≤ 10: " + ("met" if bot["round_trips"] <= 10 else "NOT met"),
    )
    worst = max(_p(bot["s2t"], 99), _p(bot["t2s"], 99))
    row(
        f"latency p50 / p99 at {RATE} msg/s each way, Slack→Telegram; Telegram→Slack",
        f"{1000 * statistics.median(bot['s2t']):.1f} / {1000 * _p(bot['s2t'], 99):.1f} ms; "
        f"{1000 * statistics.median(bot['t2s']):.1f} / {1000 * _p(bot['t2s'], 99):.1f} ms",
        f"naive: {1000 * statistics.median(naive['s2t']):.1f} / {1000 * _p(naive['s2t'], 99):.1f} ms; "
        f"{1000 * statistics.median(naive['t2s']):.1f} / {1000 * _p(naive['t2s'], 99):.1f} ms",
        "target p99 < 25 ms both: " + ("met" if worst < 0.025 else "NOT met"),
    )


async def bench_burst(redis: RedisServer, messages: int, seconds: float, row) -> None:
    """`messages` Slack messages over `seconds` into one room, relayed to its Telegram group with
    the default rates; the fake enforces Telegram's 20 messages per sliding minute per group."""
    redis.flushall()
    slack, tg = FakeSlack(), FakeTelegram(rate_limit=True)
    await slack.start()
    await tg.start()
    settings = make_settings(
        redis.url, slack, tg, slack_channel_msgs_per_sec=1, telegram_msgs_per_sec=30, telegram_group_msgs_per_min=20
    )
    blm = "nogales"
    chat = tg_chat(BLM_IDS.index(blm))
    sent: dict[str, float] = {}
    order = [f"burst{i}x" for i in range(messages)]
    try:
        async with running_bot(settings, ALL_TEN) as bot:
            t0 = time.monotonic()
            for i, text in enumerate(order):
                await asyncio.sleep(max(0.0, t0 + i * seconds / messages - time.monotonic()))
                data, headers = slack_signed(SIGNING_SECRET, slack_message_event(slack_channel(blm), "U0BOB", text))
                sent[text] = time.time()
                resp = await bot.post("/slack/events", data, headers)
                assert resp.status == 200

            def seen() -> list[tuple[float, str]]:
                out = []
                for c in tg.calls_to("sendMessage"):
                    if c.ok and c.params.get("chat_id") in (chat, str(chat)):
                        # markers between tags too (Telegram quotes a relayed body)
                        words = re.sub(r"<[^>]+>", " ", str(c.params.get("text", ""))).split()
                        out += [(c.at, w) for w in words if w in sent]
                return out

            deadline = time.monotonic() + 120
            while len({w for _, w in seen()}) < messages and time.monotonic() < deadline:
                await asyncio.sleep(0.2)  # a benchmark polling the fake's records
            got = seen()
            rejected = [c for c in tg.calls if c.status == 429]
            posts = len([c for c in tg.calls_to("sendMessage") if c.ok])
    finally:
        await slack.stop()
        await tg.stop()
    first: dict[str, float] = {}
    sequence = []
    for at, w in sorted(got, key=lambda x: x[0]):
        if w not in first:
            first[w] = at
            sequence.append(w)
    lost = messages - len(first)
    in_order = sequence == [w for w in order if w in first]
    delay = max((first[w] - sent[w] for w in first), default=float("nan"))
    met = not rejected and lost == 0 and in_order and delay <= 5
    row(
        f"Telegram burst: {messages} messages in {seconds:.0f} s into one group, fake enforcing 20 per sliding 60 s",
        f"{len(rejected)} × 429, {lost} lost, {'in order' if in_order else 'OUT OF ORDER'}, max delay {delay:.1f} s ({posts} posts)",
        "",
        "target 0 × 429, 0 lost, in order, max delay ≤ 5 s: " + ("met" if met else "NOT met"),
    )
