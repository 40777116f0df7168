"""One Redis client for everything: a real server on REDIS_URL, or an embedded in-process store.

The embedded store is fakeredis (with Lua) pretending to be Redis 7.0, the version deployed, so the
embedded default cannot use a command the real server lacks. Both run the same code path.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as redis

log = logging.getLogger(__name__)


def connect_store(url: str | None) -> redis.Redis:
    if not url:
        import fakeredis  # why: only the embedded store needs it

        server = fakeredis.FakeServer(version=(7, 0))
        return fakeredis.FakeAsyncRedis(server=server, decode_responses=True)
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=10,
        health_check_interval=15,
        retry_on_timeout=True,
    )


def describe_store(url: str | None) -> str:
    """For the start-up line: where state lives, with any password masked."""
    if not url:
        return "embedded in-process store: state is lost when this process exits (set REDIS_URL to keep it)"
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username or parts.password:
        netloc = "***@" + netloc
    return "Redis at " + urlunsplit((parts.scheme, netloc, parts.path, "", ""))
