"""The bot as real processes (`python -m bot serve --no-worker`, `python -m bot worker`) around the
fakes running in the test's event loop and a real redis-server: for scale-out, kill -9 and restart.

Everything is waited on as a condition with a deadline (a port answering, a fake recording a call);
process output goes to files under the test's tmp dir and is shown when a test fails.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

from testing.deployments import ALL_TEN, Source, data
from testing.fakes.builders import slack_signed, tg_webhook_headers

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_PLAYBOOKS = ROOT / "tests" / "fixtures" / "playbooks"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TG_SECRET = "tg-webhook-secret-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_until(predicate, timeout: float, what: str, step: float = 0.05):
    """Poll a condition (something outside this loop, e.g. a process or Redis) with a deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout}s")
        await asyncio.sleep(step)  # re-checking an external condition, not synchronising by time


@dataclass
class BotProcess:
    kind: str  # "web" or "worker"
    env: dict
    log_path: Path
    port: int
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        args = ["serve", "--no-worker"] if self.kind == "web" else ["worker"]
        env = dict(self.env)
        env["PORT" if self.kind == "web" else "WORKER_PORT"] = str(self.port)
        if self.kind == "worker":
            env["PORT"] = str(free_port())  # never used by a worker; keeps it off 8080
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n==== start #{self.starts} ====\n".encode())
        log.flush()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=str(ROOT), env=env, stdout=log, stderr=log
        )
        log.close()

    async def wait_healthy(self, session: aiohttp.ClientSession, timeout: float = 30.0) -> float:
        t0 = time.monotonic()

        async def ok():
            if self.proc.returncode is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}:\n{self.tail()}")
            path = "/readyz" if self.kind == "web" else "/healthz"
            try:
                async with session.get(self.url + path, timeout=aiohttp.ClientTimeout(total=1)) as resp:
                    return resp.status == 200
            except (TimeoutError, aiohttp.ClientError, OSError):
                return False

        await wait_until(ok, timeout, f"{self.kind} on {self.port} healthy")
        return time.monotonic() - t0

    def kill9(self) -> None:
        if self.proc and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)

    async def stop(self, timeout: float = 20.0) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            return await self.proc.wait()

    async def wait_exit(self) -> int:
        return await self.proc.wait()

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Cluster:
    tmp: Path
    redis_url: str
    slack: object
    telegram: object
    nws: object | None = None
    extra_env: dict = field(default_factory=dict)
    deployment: Source = ALL_TEN  # a name from testing.deployments or a deployment's data
    processes: list[BotProcess] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _rr: itertools.count = field(default_factory=lambda: itertools.count())

    def env(self) -> dict:
        config = self.tmp / "blm.yaml"
        config.write_text(yaml.safe_dump(data(self.deployment), allow_unicode=True), encoding="utf-8")
        playbooks = self.tmp / "playbooks"
        playbooks.mkdir(exist_ok=True)
        for p in FIXTURE_PLAYBOOKS.glob("*.yaml"):
            if not (playbooks / p.name).exists():
                (playbooks / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_", "BLM_", "PLAYBOOKS_", "NWS_", "CAP_", "ADVISORY_"))
        }
        env.update(
            {
                "HOST": "127.0.0.1",
                "LOG_FORMAT": "text",
                "LOG_LEVEL": "INFO",
                "SLACK_BOT_TOKEN": self.slack.token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": self.slack.url,
                "TELEGRAM_BOT_TOKEN": self.telegram.token,
                "TELEGRAM_API_URL": self.telegram.api_root,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
                "REDIS_URL": self.redis_url,
                "BLM_CONFIG": str(config),
                "PLAYBOOKS_DIR": str(playbooks),
                "SLACK_CHANNEL_MSGS_PER_SEC": "200",
                "TELEGRAM_MSGS_PER_SEC": "1000",
                "TELEGRAM_GROUP_MSGS_PER_MIN": "60000",
                "ADVISORY_POLL_SECONDS": "0",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.nws is not None:
            env.update({"NWS_API_URL": self.nws.url, "NWS_USER_AGENT": self.nws.user_agent})
        env.update(self.extra_env)
        return env

    async def start(self, webs: int = 1, workers: int = 1) -> None:
        self.session = aiohttp.ClientSession()
        env = self.env()
        for kind, n in (("web", webs), ("worker", workers)):
            for i in range(n):
                p = BotProcess(kind, env, self.tmp / f"{kind}{i}.log", free_port())
                self.processes.append(p)
        await asyncio.gather(*(p.start() for p in self.processes))
        await asyncio.gather(*(p.wait_healthy(self.session) for p in self.processes))

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.processes), return_exceptions=True)
        if self.session:
            await self.session.close()

    def logs(self) -> str:
        return "\n".join(f"---- {p.log_path.name} ----\n{p.tail(40)}" for p in self.processes)

    @property
    def webs(self) -> list[BotProcess]:
        return [p for p in self.processes if p.kind == "web"]

    @property
    def workers(self) -> list[BotProcess]:
        return [p for p in self.processes if p.kind == "worker"]

    def _web(self, web: BotProcess | None) -> BotProcess:
        if web is not None:
            return web
        alive = [p for p in self.webs if p.proc and p.proc.returncode is None]
        return alive[next(self._rr) % len(alive)]

    # ---- inbound traffic ------------------------------------------------------------------
    async def slack_post(
        self, body: dict | bytes, web: BotProcess | None = None, *, retries: int = 0, timestamp: int | None = None
    ) -> tuple[int, float]:
        """POST a signed Slack request; returns (status, seconds to the answer). Like Slack, it
        retries (same body, X-Slack-Retry-Num) on a connection error or 5xx when asked to."""
        data, headers = slack_signed(SIGNING_SECRET, body, timestamp=timestamp)
        attempt = 0
        while True:
            target = self._web(web)
            t0 = time.monotonic()
            try:
                async with self.session.post(
                    target.url + "/slack/events", data=data, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
                ) as resp:
                    await resp.read()
                    status = resp.status
            except (TimeoutError, aiohttp.ClientError, OSError):
                status = 0
            took = time.monotonic() - t0
            if status == 200 or attempt >= retries or (status and status < 500):
                return status, took
            attempt += 1
            headers = {**headers, "X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"}
            web = None  # Slack's retry may land on another web process

    async def tg_post(self, update: dict, web: BotProcess | None = None, *, retries: int = 0) -> int:
        """POST a Telegram webhook update; like Telegram, resend it on failure when asked to."""
        attempt = 0
        while True:
            target = self._web(web)
            try:
                async with self.session.post(
                    target.url + "/telegram/webhook",
                    data=json.dumps(update),
                    headers=tg_webhook_headers(TG_SECRET),
                    timeout=aiohttp.ClientTimeout(total=10),
                ) as resp:
                    await resp.read()
                    status = resp.status
            except (TimeoutError, aiohttp.ClientError, OSError):
                status = 0
            if status == 200 or attempt >= retries or (status and status < 500):
                return status
            attempt += 1
            web = None

    def next_update_id(self) -> int:
        return next(self._update_ids)


# ---- reading the load-test messages back ------------------------------------------------------
MARK = re.compile(r"\b([ST])-(\S+?)-(\d+)\b")


def relayed(texts: list[str], side: str, blm: str) -> list[int]:
    """Sequence numbers of the load messages (`S-<blm>-<n>`) found in a room's posts, in order."""
    out = []
    for text in texts:
        for m in MARK.finditer(text):
            if m.group(1) == side and m.group(2) == blm:
                out.append(int(m.group(3)))
    return out


def posts_in_order(texts: list[str], side: str, blm: str) -> tuple[list[int], int]:
    """The load messages in the order first posted, and how many posts only repeated earlier ones."""
    seen: set[int] = set()
    order: list[int] = []
    resent = 0
    for text in texts:
        nums = relayed([text], side, blm)
        if not nums:
            continue
        if all(x in seen for x in nums):
            resent += 1
            continue
        order += nums
        seen.update(nums)
    return order, resent
