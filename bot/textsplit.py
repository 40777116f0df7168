"""Split long text at word boundaries into parts within a platform limit (never truncate)."""

from __future__ import annotations


def split_text(text: str, limit: int, keep_together: str | None = None) -> list[str]:
    """Parts of at most `limit` characters, cut at a newline or space where one is near.
    With `keep_together` = "<>", no cut falls inside a `<…>` (a Slack link or mention)."""
    if limit < 20:
        raise ValueError("limit too small")
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        if keep_together:
            opened = window.rfind(keep_together[0])
            if opened > window.rfind(keep_together[1]) and opened > 0:
                window = window[:opened]  # do not cut inside an unclosed <…>
        cut = window.rfind("\n")
        if cut < len(window) // 2:
            cut = window.rfind(" ")
        if cut < len(window) // 2:
            cut = len(window)  # one very long word: cut it rather than exceed the limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return [p for p in parts if p]


def mark_parts(parts: list[str]) -> list[str]:
    """'(1/3) …' markers so readers know a message continues."""
    if len(parts) < 2:
        return parts
    n = len(parts)
    return [f"({i}/{n}) {p}" for i, p in enumerate(parts, 1)]
