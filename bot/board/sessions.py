"""Board sessions, kept in Redis: the cookie holds only a random id; Redis holds its hash.

A session names the person (by platform key, looked up in the config on every request, so someone
removed from the config is signed out), a CSRF token for its forms, the chosen language and a
one-shot notice ("Ticked.") to show after a form's redirect.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from bot.store import keys

SESSION_SECONDS = 12 * 3600  # one shift; then a new link from chat
COOKIE = "board_session"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class Session:
    key: str  # Redis key of the session hash
    person_key: str
    csrf: str
    lang: str
    flash: str = ""

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf, str(given))


class Sessions:
    def __init__(self, redis):
        self.redis = redis

    async def create(self, person_key: str, lang: str) -> str:
        """A new session; returns the cookie's value."""
        session_id = secrets.token_urlsafe(32)
        key = keys.board_session(_hash(session_id))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"person": person_key, "csrf": secrets.token_urlsafe(32), "lang": lang})
            pipe.expire(key, SESSION_SECONDS)
            await pipe.execute()
        return session_id

    async def load(self, cookie: str | None) -> Session | None:
        if not cookie or not SESSION_ID.match(cookie):
            return None
        key = keys.board_session(_hash(cookie))
        fields = await self.redis.hgetall(key)
        if not fields.get("person") or not fields.get("csrf"):
            return None
        return Session(key, fields["person"], fields["csrf"], fields.get("lang") or "en", fields.get("flash") or "")

    async def alive(self, session: Session) -> bool:
        return bool(await self.redis.exists(session.key))

    async def set_lang(self, session: Session, lang: str) -> None:
        await self.redis.hset(session.key, "lang", lang)

    async def set_flash(self, session: Session, text: str) -> None:
        await self.redis.hset(session.key, "flash", text[:500])

    async def pop_flash(self, session: Session) -> str:
        if session.flash:
            await self.redis.hdel(session.key, "flash")
        return session.flash

    async def end(self, session: Session) -> None:
        await self.redis.delete(session.key)
