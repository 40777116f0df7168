"""Conditional GETs with back-off, shared by the NWS and CAP sources.

Each source (one NWS point, one CAP feed URL) keeps its HTTP state in Redis (`keys.adv_source`):
the validators of its last good answer (`ETag`, `Last-Modified`) and, after failures, when it may be
tried again. Kept in Redis rather than in the process so that the process that takes the polling
lease over carries on where the last one stopped (no burst of full downloads, no back-off reset).

Validators are saved only once the caller has processed the body (`remember`): a crash between
download and posting then means a full download next time, never a 304 that hides an alert.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Literal

import aiohttp

from bot.advisories.nws import problem_message
from bot.clock import Clock
from bot.metrics import METRICS
from bot.store import keys

log = logging.getLogger(__name__)

MAX_BODY = 5_000_000
BASE_BACKOFF = 60.0
MAX_BACKOFF = 3600.0


@dataclass
class FetchOutcome:
    status: Literal["ok", "not_modified", "waiting", "error"]
    body: bytes = b""
    validators: dict[str, str] = field(default_factory=dict)  # etag / last_modified to remember
    detail: str = ""
    http_status: int | None = None


def backoff_seconds(failures: int, retry_after: float | None = None) -> float:
    """60 s, 120 s, 240 s ... up to an hour; never sooner than the server's Retry-After."""
    delay = min(MAX_BACKOFF, BASE_BACKOFF * 2 ** max(0, failures - 1))
    return max(delay, retry_after or 0.0)


class ConditionalFetcher:
    def __init__(self, redis, clock: Clock, session: aiohttp.ClientSession, timeout: float = 20.0):
        self.redis = redis
        self.clock = clock
        self.session = session
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def get(self, source: str, url: str, headers: dict[str, str] | None = None) -> FetchOutcome:
        state = await self.redis.hgetall(keys.adv_source(source))
        retry_at = float(state.get("retry_at") or 0)
        if retry_at > self.clock.now():
            return FetchOutcome("waiting", detail=f"backing off until {retry_at:.0f}")
        send = dict(headers or {})
        if state.get("etag"):
            send["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            send["If-Modified-Since"] = state["last_modified"]
        try:
            async with self.session.get(url, headers=send, timeout=self.timeout, allow_redirects=True) as resp:
                if resp.status == 304:
                    await self._succeeded(source)
                    return FetchOutcome("not_modified", http_status=304)
                body = await resp.content.read(MAX_BODY + 1)
                if resp.status >= 400 or resp.status < 200:
                    retry_after = _retry_after(resp.headers.get("Retry-After"))
                    content_type = resp.headers.get("Content-Type", "")
                    detail = (
                        problem_message(body)
                        if "json" in content_type
                        else " ".join(body[:200].decode("utf-8", "replace").split())
                    )
                    return await self._failed(source, url, f"HTTP {resp.status}: {detail}", retry_after, resp.status)
                if len(body) > MAX_BODY:
                    return await self._failed(source, url, f"body larger than {MAX_BODY} bytes", None, resp.status)
                content_type = resp.headers.get("Content-Type", "")
                if "problem+json" in content_type:
                    return await self._failed(source, url, f"problem: {problem_message(body)}", None, resp.status)
                validators = {}
                if resp.headers.get("ETag"):
                    validators["etag"] = resp.headers["ETag"]
                if resp.headers.get("Last-Modified"):
                    validators["last_modified"] = resp.headers["Last-Modified"]
                await self._succeeded(source)
                return FetchOutcome("ok", body=body, validators=validators, http_status=resp.status)
        except asyncio.CancelledError:
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return await self._failed(source, url, f"{type(exc).__name__}: {exc}".rstrip(": "), None, None)

    async def remember(self, source: str, validators: dict[str, str]) -> None:
        """After the body was processed: send these validators next time (304 = nothing new)."""
        key = keys.adv_source(source)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(key, "etag", "last_modified")
            if validators:
                pipe.hset(key, mapping=validators)
            await pipe.execute()

    async def forget(self, source: str) -> None:
        """Drop the validators (e.g. the body could not be parsed): fetch in full next time."""
        await self.redis.hdel(keys.adv_source(source), "etag", "last_modified")

    async def _succeeded(self, source: str) -> None:
        await self.redis.hdel(keys.adv_source(source), "failures", "retry_at")

    async def _failed(
        self, source: str, url: str, detail: str, retry_after: float | None, http_status: int | None
    ) -> FetchOutcome:
        key = keys.adv_source(source)
        METRICS.advisory_fetch_errors.labels(source).inc()
        failures = int(await self.redis.hincrby(key, "failures", 1))
        delay = backoff_seconds(failures, retry_after)
        await self.redis.hset(key, "retry_at", str(self.clock.now() + delay))
        log.warning(
            "advisory source %s (%s) failed (%s); attempt %d, next try in %.0fs", source, url, detail, failures, delay
        )
        return FetchOutcome("error", detail=detail, http_status=http_status)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the exponential back-off is long enough
