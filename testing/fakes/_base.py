"""Machinery shared by the fake platform servers (FakeSlack, FakeTelegram).

Not an imitation of anything by itself: an aiohttp server on 127.0.0.1 with a free
port, call recording, fault injection (``fail_next``, ``delay``, ``revoke_token``),
a token-bucket rate limiter on an injectable clock, and ``wait_for`` which waits on a
condition that is re-checked each time the fake records something (no sleeping).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Call:
    """One request the fake received.

    ``params`` are the decoded parameters (query string and body merged, nested JSON
    decoded where the real API would decode it). ``status``/``ok``/``error`` describe the
    answer the fake gave; ``rejected`` is true when the answer was not a success.
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int | None = None
    ok: bool | None = None
    error: str | None = None
    response: Any = None
    peer: Any = None  # the client's (host, port): one port for many calls is one kept connection

    @property
    def rejected(self) -> bool:
        return self.ok is False


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int
    error: str | None


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``. ``take()`` answers 0 when a
    token was taken, else the seconds until one is available (nothing taken)."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float]):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self) -> float:
        self._refill()
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate

    def take(self) -> None:
        self._refill()
        self.tokens -= 1


class SlidingWindow:
    """At most ``limit`` takes in any ``window`` seconds (same interface as TokenBucket)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]):
        self.limit, self.window, self.clock = limit, window, clock
        self.stamps: list[float] = []

    def wait_time(self) -> float:
        now = self.clock()
        self.stamps = [t for t in self.stamps if t > now - self.window]
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.window - now

    def take(self) -> None:
        self.stamps.append(self.clock())


def retry_after_seconds(wait: float) -> int:
    """Platforms announce whole seconds, never 0."""
    return max(1, math.ceil(wait))


class FakeServerBase:
    """Base of the fakes: lifecycle, recording, fault injection and waiting."""

    name = "fake"

    def __init__(self, *, clock: Callable[[], float] | None = None, client_max_size: int = 1024**2 * 64):
        self.clock = clock or time.monotonic
        self.calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._delays: dict[str, float] = {}
        self.token_revoked = False
        self._random: tuple[float, tuple[int, ...], frozenset[str], int] | None = None
        self._rng = random.Random(0)
        self.injected = 0  # failures answered so far (queued and random)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port: int | None = None
        self.app = web.Application(client_max_size=client_max_size)
        self._setup_routes(self.app)

    # -- lifecycle ---------------------------------------------------------------
    def _setup_routes(self, app: web.Application) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def start(self) -> None:
        # A request still held at stop (a long poll, a delayed answer) is given 2 s, not aiohttp's
        # 60 s twice: a test's teardown never waits on a fake that will not answer.
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await self._site.start()
        server = self._site._server  # noqa: SLF001 - aiohttp keeps the bound socket there
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    @property
    def root(self) -> str:
        if self.port is None:
            raise RuntimeError(f"{self.name} is not started")
        return f"http://127.0.0.1:{self.port}"

    # -- recording ---------------------------------------------------------------
    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _record(self, method: str, params: dict, headers) -> Call:
        call = Call(method=method, params=params, headers=dict(headers), at=time.time())
        self.calls.append(call)
        self._notify()
        return call

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def rejected(self) -> list[Call]:
        """Calls the fake answered with an error (any cause)."""
        return [c for c in self.calls if c.rejected]

    def reset_calls(self) -> None:
        self.calls.clear()

    # -- fault injection ---------------------------------------------------------
    def fail_next(
        self, method: str, n: int = 1, status: int = 500, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Answer the next ``n`` calls to ``method`` (``"*"``: any method) with a failure.

        ``status`` 429 gives the platform's rate-limit answer with ``retry_after``;
        other statuses give the platform's error envelope; ``error`` overrides the error
        code (Slack) or description (Telegram)."""
        self._failures.setdefault(method, []).append(_Failure(n, status, retry_after, error))

    def random_faults(
        self,
        rate: float,
        statuses: tuple[int, ...] = (429, 500, 502, 503),
        *,
        seed: int = 0,
        methods: tuple[str, ...] = ("*",),
        retry_after: int = 1,
    ) -> None:
        """From now on answer a fraction ``rate`` of the calls to ``methods`` (``"*"``: any) with a
        failure whose status is drawn from ``statuses``; a seeded RNG makes a run repeatable.
        ``rate=0`` turns it off. (The failure is answered before the call takes effect: a 5xx
        here never posted anything.)"""
        self._rng = random.Random(seed)
        self._random = (rate, tuple(statuses), frozenset(methods), retry_after) if rate > 0 else None

    def delay(self, method: str, seconds: float) -> None:
        """Hold every answer to ``method`` (``"*"``: any) for ``seconds`` (0 removes it)."""
        if seconds <= 0:
            self._delays.pop(method, None)
        else:
            self._delays[method] = seconds

    def revoke_token(self) -> None:
        """From now on every authenticated call is refused as if the token was revoked."""
        self.token_revoked = True

    def restore_token(self) -> None:
        self.token_revoked = False

    def _take_failure(self, method: str) -> _Failure | None:
        for key in (method, "*"):
            queue = self._failures.get(key)
            if queue:
                failure = queue[0]
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.pop(0)
                self.injected += 1
                return failure
        if self._random is not None:
            rate, statuses, methods, retry_after = self._random
            if ("*" in methods or method in methods) and self._rng.random() < rate:
                self.injected += 1
                return _Failure(1, self._rng.choice(statuses), retry_after, None)
        return None

    async def _apply_delay(self, method: str) -> None:
        seconds = self._delays.get(method, self._delays.get("*", 0))
        if seconds:
            await asyncio.sleep(seconds)  # the fake is slow on purpose; tests never sleep

    # -- waiting -----------------------------------------------------------------
    async def wait_for(self, predicate: Callable[[Any], Any], timeout: float = 5.0, what: str | None = None) -> Any:
        """Wait until ``predicate(self)`` is truthy and return its value.

        The predicate is re-evaluated after every request the fake records or answers.
        Raises ``TimeoutError`` naming the predicate and listing the latest calls."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            result = predicate(self)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = (
                    "\n  ".join(
                        f"{c.method} ok={c.ok} error={c.error} params={_short(c.params)}" for c in self.calls[-10:]
                    )
                    or "(none)"
                )
                label = what or getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(
                    f"{self.name}: condition {label!r} not met within {timeout}s; "
                    f"{len(self.calls)} calls, latest:\n  {recent}"
                )
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass


def _short(params: dict, limit: int = 160) -> str:
    text = repr(params)
    return text if len(text) <= limit else text[: limit - 3] + "..."


async def read_form(request) -> dict[str, Any]:
    """A form or multipart body as a dict; uploaded files as {filename, content_type, content}."""
    from aiohttp import web

    params: dict[str, Any] = {}
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            value = {"filename": value.filename, "content_type": value.content_type, "content": value.file.read()}
        params[key] = value
    return params


async def wait_for_fakes(
    fakes: list, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition"
) -> Any:
    """Wait until ``predicate()`` is truthy, re-checking whenever ANY of ``fakes`` records or
    answers a call. (One fake's ``wait_for`` only wakes on its own calls: a condition over both
    platforms would otherwise sit until its timeout when the other platform's call came last.)"""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        events = [fake._changed for fake in fakes]
        result = predicate()
        if result:
            return result
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"{what!r} not met within {timeout}s")
        waiters = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waiters, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
