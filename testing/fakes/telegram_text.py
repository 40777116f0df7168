"""Telegram Bot API text rules used by FakeTelegram.

Imitates: entity parsing for ``parse_mode`` HTML (only the documented tags; the named
entities ``&lt; &gt; &amp; &quot;`` and numeric ones; unsupported or unbalanced tags give
``can't parse entities``), MarkdownV2 (reserved characters ``_*[]()~`>#+-=|{}.!`` must be
escaped with ``\\`` outside entities; approximate: formatting is stripped, not turned into
entities), legacy Markdown (formatting stripped); the text length after parsing and
trimming (counted in Unicode code points); inline keyboards (``callback_data`` 1-64 bytes,
one action a button).
"""

from __future__ import annotations

import html
import re
from typing import Any

HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
    "tg-time",
}
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class EntityParseError(ValueError):
    """Description after ``Bad Request: can't parse entities: ``."""


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> str:
    """Plain text of an HTML-formatted message, or EntityParseError."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m is None:
                raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            closing, name = m.group(1) == "/", m.group(2).lower()
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
                stack.pop()
            else:
                if name not in HTML_TAGS:
                    raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}')
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if m:
                out.append(html.unescape(m.group(0)))
                i = m.end()
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def parse_markdown_v2(text: str) -> str:
    out: list[str] = []
    open_marks: dict[str, int] = {}
    i, n = 0, len(text)
    link_depth = 0
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}")
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                body = body.split("\n", 1)[1]  # drop the language line
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            continue
        if ch in "*_~|":
            mark = "__" if text.startswith("__", i) else "||" if text.startswith("||", i) else ch
            if mark == "|":
                raise EntityParseError("Character '|' is reserved and must be escaped with the preceding '\\'")
            if mark in open_marks:
                del open_marks[mark]
            else:
                open_marks[mark] = i
            i += len(mark)
            continue
        if ch == "[":
            link_depth += 1
            i += 1
            continue
        if ch == "]" and link_depth:
            link_depth -= 1
            if text.startswith("(", i + 1):
                end = text.find(")", i + 2)
                if end < 0:
                    raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, i)}")
                i = end + 1
            else:
                i += 1
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if ch in MDV2_RESERVED:
            raise EntityParseError(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        out.append(ch)
        i += 1
    if open_marks or link_depth:
        start = min(open_marks.values()) if open_marks else 0
        raise EntityParseError(f"Can't find end of the entity starting at byte offset {_byte_offset(text, start)}")
    return "".join(out)


def parse_legacy_markdown(text: str) -> str:
    return re.sub(r"[*_`\[\]]", "", text)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram would store (entities removed, surrounding whitespace trimmed)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        text = parse_html(text)
    elif mode == "markdownv2":
        text = parse_markdown_v2(text)
    elif mode == "markdown":
        text = parse_legacy_markdown(text)
    return text.strip()


def keyboard_error(markup: Any) -> str | None:
    """A Bad Request description for an invalid reply_markup, or None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        return "can't parse reply keyboard markup JSON object"
    if "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return "can't parse inline keyboard markup JSON object"
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                return "can't parse inline keyboard button: Field \"text\" must be of type String"
            actions = [a for a in BUTTON_ACTIONS if a in button]
            if not actions:
                return "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= 64:
                    return "BUTTON_DATA_INVALID"
            if "url" in button and not re.match(r"^(https?|tg)://\S+$", str(button["url"])):
                return "BUTTON_URL_INVALID"
    return None
