"""Moving files between platforms: each edge fetches files of its own platform; the other edge's
sender uploads them. `build_edges` links them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import limits
from bot.i18n import t
from bot.model import Attachment

MB = limits.MB


class FileTooBig(Exception):
    def __init__(self, size: int | None, limit: int, platform: str):
        super().__init__(f"{size} > {limit} on {platform}")
        self.size, self.limit, self.platform = size, limit, platform


class FileUnavailable(Exception):
    """The file cannot be fetched for good (gone, no access, platform not configured here)."""


Fetch = Callable[[Attachment], Awaitable[bytes]]


class FileFetchers:
    def __init__(self):
        self._by_platform: dict[str, Fetch] = {}

    def register(self, platform: str, fetch: Fetch) -> None:
        self._by_platform[platform] = fetch

    async def fetch(self, att: Attachment) -> bytes:
        fetch = self._by_platform.get(att.origin or "")
        if fetch is None:
            raise FileUnavailable(f"{att.origin or 'unknown'} is not configured in this process")
        return await fetch(att)


def notice_for(exc: Exception, att: Attachment, lang: str) -> str:
    kind = t(f"bridge.kind.{att.kind}", lang)
    if isinstance(exc, FileTooBig):
        size = f"{exc.size / MB:.1f} MB" if exc.size else "?"
        return t(
            "bridge.file_too_big",
            lang,
            kind=kind,
            name=att.name or "?",
            size=size,
            limit=f"{exc.limit / MB:.0f} MB",
            platform=exc.platform.capitalize(),
        )
    return t(
        "bridge.file_failed",
        lang,
        kind=kind,
        name=att.name or "?",
        platform=(att.origin or "?").capitalize(),
        reason=str(exc)[:200],
    )
