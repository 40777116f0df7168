"""The names relayed messages carry for people who are not in the deployment config.

A configured person is named as the config names them. Anyone else gets the name their platform
gives (Slack: the profile's display or real name from `users.info`, cached in Redis and refreshed
on `user_change`; Telegram: first and last name, sent with each message), cleaned of control and
invisible characters and bounded in length, and is marked as not in the directory by the bridge.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable

from bot.store import keys

log = logging.getLogger(__name__)

NAME_TTL_SECONDS = 7 * 86400
NAME_LIMIT = 64
LOOKUP_SECONDS = 5.0
_SPACES = re.compile(r"\s+")

Fetch = Callable[[str], Awaitable["str | None"]]


def clean_name(name: str | None) -> str:
    """One line, no control or format characters (bidi overrides, zero-width joiners), bounded."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in (name or "")
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    text = _SPACES.sub(" ", text).strip()
    return text[:NAME_LIMIT].rstrip()


def slack_profile_name(user: dict) -> str:
    """The name Slack shows for a user object (users.info `user`, or `user_change`'s)."""
    raw = user.get("profile")
    profile: dict = raw if isinstance(raw, dict) else {}
    for candidate in (
        profile.get("display_name"),
        profile.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    ):
        if isinstance(candidate, str) and clean_name(candidate):
            return clean_name(candidate)
    return ""


class PeopleNames:
    """Platform names of people, through a per-platform lookup (registered by the edge) and a
    Redis cache. A lookup that fails gives the fallback (the id): the message is relayed anyway."""

    def __init__(self, redis):
        self.redis = redis
        self._fetchers: dict[str, Fetch] = {}

    def register(self, platform: str, fetch: Fetch) -> None:
        self._fetchers[platform] = fetch

    async def name(self, platform: str, user_id: str, fallback: str = "") -> str:
        if not user_id:
            return clean_name(fallback)
        cached = await self.redis.get(keys.person_name(platform, user_id))
        if cached:
            return cached
        fetch = self._fetchers.get(platform)
        found = None
        if fetch is not None:
            try:
                found = clean_name(await asyncio.wait_for(fetch(user_id), LOOKUP_SECONDS))
            except Exception as exc:  # noqa: BLE001 - a name is never worth holding a message
                log.info("name lookup for %s:%s failed (%s)", platform, user_id, type(exc).__name__)
        if found:
            await self.remember(platform, user_id, found)
            return found
        return clean_name(fallback) or user_id

    async def remember(self, platform: str, user_id: str, name: str, *, refresh_only: bool = False) -> None:
        """Cache a name; with `refresh_only` only one already cached (Slack sends `user_change`
        for every member of a workspace or Grid org: only people who wrote are kept)."""
        name = clean_name(name)
        if user_id and name:
            await self.redis.set(
                keys.person_name(platform, user_id), name, ex=NAME_TTL_SECONDS, xx=True if refresh_only else None
            )
