"""One Redis client for everything: a real server on REDIS_URL, or an embedded in-process store.

The embedded store is fakeredis (with Lua) pretending to be Redis 7.0, the version deployed, so the
embedded default cannot use a command the real server lacks. Both run the same code path.
"""

from __future__ import annotations

import logging
import socket
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.connection import HiredisRespSerializer
from redis.utils import HIREDIS_AVAILABLE

log = logging.getLogger(__name__)

# idle 5 s, then a probe every 2 s, dead after 3 unanswered (where the platform has the options)
_KEEPALIVE = {
    opt: value
    for name, value in (("TCP_KEEPIDLE", 5), ("TCP_KEEPINTVL", 2), ("TCP_KEEPCNT", 3))
    if (opt := getattr(socket, name, None)) is not None
}


class HiredisPackingConnection(redis.Connection):
    """redis-py's asyncio client packs every command in Python (a third of the client's CPU on the
    relay path); its sync client uses hiredis's C packer when hiredis is installed. This is that
    same packer (redis-py's own class) on the asyncio connection: the same bytes on the wire.
    (hiredis also parses the replies: redis-py picks its hiredis parser by itself.)"""

    _packer = HiredisRespSerializer()

    def pack_command(self, *args):  # type: ignore[no-untyped-def]  # as redis-py's, untyped there
        return self._packer.pack(*args)


def connect_store(url: str | None) -> redis.Redis:
    if not url:
        import fakeredis  # why: only the embedded store needs it

        server = fakeredis.FakeServer(version=(7, 0))
        return fakeredis.FakeAsyncRedis(server=server, decode_responses=True)
    # No `socket_timeout`: on Python 3.11 redis-py wraps every command in a new task and timer
    # when it is set (measured: a GET 173 µs against 103 µs without), about 1.5 ms per relayed
    # message. A dead server or a half-open connection is found instead by TCP keepalive (about
    # 11 s, like the old 10 s timeout) and the health check before a command on an idle connection;
    # the few call sites that must answer quickly (/readyz) time out themselves.
    # No client-side retry, ever: a command whose reply is lost (Redis killed after applying and
    # fsyncing it) would be sent again, and a queue commit replayed queues its posts twice. The
    # callers already make a lost reply safe (the next pass finds the entry done, or redoes it).
    # (`Redis(host=...)` would retry 3 times by default; `from_url` does not: say it, either way.)
    # (a rediss:// or unix:// URL brings its own connection class: those pack in Python, same bytes)
    return redis.Redis.from_url(
        url,
        connection_class=HiredisPackingConnection if HIREDIS_AVAILABLE else redis.Connection,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_keepalive=True,
        socket_keepalive_options=_KEEPALIVE,
        health_check_interval=15,
        retry=Retry(NoBackoff(), 0),
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
