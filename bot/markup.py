"""Markup of the two platforms, written once: escaping (Telegram HTML, Slack mrkdwn, broadcast
words), plain-text views, and splitting long text within a platform limit at word boundaries
without cutting a tag, a link or a mention (never truncating). Pure functions; the bridge's
converters and every edge's renderer import them from here.
"""

from __future__ import annotations

import html
import re


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


ZWJ = "\u200d"


_BROADCAST_WORD = re.compile(r"([@＠])(channel|here|everyone|all)\b", re.IGNORECASE)


def neutralise_broadcasts(text: str) -> str:
    """'@channel' -> '@\u200dchannel': readable, but no client treats it as a broadcast."""
    return _BROADCAST_WORD.sub(lambda m: m.group(1) + ZWJ + m.group(2), text)


def tg_escape(text: str) -> str:
    return html.escape(text, quote=False)


def slack_escape(text: str) -> str:
    """Escape for Slack mrkdwn and neutralise broadcast words."""
    return neutralise_broadcasts(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_TAG = re.compile(r"<[^>]+>")


def telegram_html_to_plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


def slack_mrkdwn_to_plain(text: str) -> str:
    """For showing converted Slack text on the console."""
    text = re.sub(r"<@([UW][A-Z0-9]+)>", r"@\1", text)
    text = re.sub(r"<([^<>|]+)\|([^<>]*)>", r"\2 (\1)", text)
    text = re.sub(r"<([^<>]+)>", r"\1", text)
    return slack_unescape(text)


_TG_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|[^<&]+|[<&]")


def html_visible_len(text: str) -> int:
    return len(telegram_html_to_plain(text))


def split_html(text: str, limit: int) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` visible characters, at word boundaries
    where possible, closing open tags at the end of a part and reopening them in the next."""
    if html_visible_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    visible = 0
    stack: list[tuple[str, str]] = []  # (name, opening tag text)

    def flush():
        nonlocal current, visible
        body = "".join(current) + "".join(f"</{name}>" for name, _ in reversed(stack))
        if telegram_html_to_plain(body).strip():
            parts.append(body)
        current = [open_ for _, open_ in stack]
        visible = 0

    for m in _TG_TOKEN.finditer(text):
        tok = m.group(0)
        if m.group(2):  # a tag
            name = m.group(2).lower()
            if m.group(1):
                if stack and stack[-1][0] == name:
                    stack.pop()
                current.append(tok)
            else:
                stack.append((name, tok))
                current.append(tok)
            continue
        if tok.startswith("&") and len(tok) > 1:  # one entity = one visible char
            if visible + 1 > limit:
                flush()
            current.append(tok)
            visible += 1
            continue
        # plain text run: place as much as fits, cut at a space or newline where one is near
        rest = tok
        while rest:
            room = limit - visible
            if len(rest) <= room:
                current.append(rest)
                visible += len(rest)
                break
            window = rest[:room]
            cut = max(window.rfind("\n"), window.rfind(" "))
            if cut <= 0 and visible > limit // 2:
                flush()  # start the word in the next part
                continue
            if cut <= 0:
                cut = room  # a very long word: cut it rather than exceed the limit
            current.append(rest[:cut])
            rest = rest[cut:].lstrip(" ")
            flush()
    if current and telegram_html_to_plain("".join(current)).strip():
        parts.append("".join(current) + "".join(f"</{name}>" for name, _ in reversed(stack)))
    return parts or [text[:0]]


def split_mrkdwn(text: str, limit: int) -> list[str]:
    """Split Slack mrkdwn at word boundaries without cutting through a `<…>` link or mention."""
    return split_text(text, limit, keep_together="<>")
