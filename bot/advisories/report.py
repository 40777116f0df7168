"""`python -m bot report ID --format cap`: an advisory the bot issued, as CAP 1.2 XML on stdout."""

from __future__ import annotations

import sys

from bot.advisories.people import advisory_cap_xml
from bot.store import connect_store


async def run_cap_report(identifier: str, settings) -> int:
    url = settings.redis_url.get_secret_value() if settings.redis_url else None
    redis = connect_store(url)
    try:
        try:
            body = await advisory_cap_xml(redis, identifier)
        except KeyError:
            print(
                f"report: no advisory {identifier} issued by this bot"
                + ("" if url else " (REDIS_URL is not set: the embedded store is empty)"),
                file=sys.stderr,
            )
            return 1
        sys.stdout.buffer.write(body)
        if not body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
        return 0
    finally:
        await redis.aclose()
