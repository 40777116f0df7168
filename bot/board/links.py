"""One-time sign-in links: a random token, stored only as its hash, bound to one person.

Opening the link shows a sign-in button; only the POST of that button consumes the token (GETDEL:
once, across processes), so a chat app fetching the link for a preview cannot use it up.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from bot.store import keys

LINK_SECONDS = 600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinks:
    def __init__(self, redis, public_url: str | None):
        self.redis = redis
        self.public_url = public_url

    async def issue(self, person_key: str) -> str:
        """A new link for `person_key` ("slack:U123" / "telegram:42"), valid LINK_SECONDS."""
        token = secrets.token_urlsafe(32)
        await self.redis.set(keys.board_link(token_hash(token)), person_key, ex=LINK_SECONDS)
        return f"{self.public_url}/board/link/{token}"

    async def peek(self, token: str) -> str | None:
        """Whose link this is, without using it (the page with the sign-in button)."""
        if not TOKEN.match(token):
            return None
        return await self.redis.get(keys.board_link(token_hash(token)))

    async def consume(self, token: str) -> str | None:
        """The person the link was for, once; None when used, expired or never issued."""
        if not TOKEN.match(token):
            return None
        return await self.redis.getdel(keys.board_link(token_hash(token)))
