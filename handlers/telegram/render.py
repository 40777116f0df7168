"""OutboundMessage -> Telegram HTML and inline keyboards, within Telegram's limits."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import t
from bot.markup import mark_parts, split_html, split_text
from bot.markup import tg_escape as esc
from bot.model import OutboundMessage

TEXT_LIMIT = 4096
PART_LIMIT = 3800  # room for the title, attribution and part marker


def _header(who: str) -> str:
    """Who wrote a relayed message: a bold line outside the quote. What people write is always
    inside a blockquote (`_quoted`), which their text cannot close, so no body can draw this."""
    return f"<b>{esc(who)}</b>"


def _quoted(rich_html: str) -> str:
    return f"<blockquote>{rich_html}</blockquote>" if rich_html else ""


def render_parts(message: OutboundMessage) -> list[str]:
    """HTML texts, one per post (several only when the text is over Telegram's limit)."""
    head: list[str] = []
    if message.exercise:
        head.append(f"<b>⚠️ {esc(t('exercise.banner', message.lang))}</b>")
    if message.title:
        head.append(f"<b>{esc(message.title)}</b>")
    if message.attribution:
        head.append(_header(message.attribution))
    tail: list[str] = []
    if message.mentions:
        tail.append(
            " ".join(
                f'<a href="tg://user?id={int(m.user_id)}">{esc(m.name)}</a>'
                for m in message.mentions
                if m.user_id.lstrip("-").isdigit()
            )
        )
    if message.rich_text is not None:
        # already Telegram HTML (converted by the bridge): split without breaking a tag
        bodies = split_html(_quoted(message.rich_text) if message.attribution else message.rich_text, PART_LIMIT)
        bodies = bodies or [""]
    elif message.relayed:  # a combined post: each message under its own header, in order
        blocks = [esc(message.text)] if message.text else []
        blocks += [
            _header(part.attribution) + ("\n" + _quoted(part.rich_text) if part.rich_text else "")
            for part in message.relayed
        ]
        bodies = split_html("\n".join(blocks), PART_LIMIT) or [""]
    else:
        plain = "\n".join(x for x in [message.text, *message.lines] if x)
        bodies = [esc(p) for p in split_text(plain, PART_LIMIT)] if plain else [""]
    bodies = mark_parts(bodies) if len(bodies) > 1 else bodies
    parts = []
    for i, body in enumerate(bodies):
        pieces = (head if i == 0 else []) + ([body] if body else []) + (tail if i == len(bodies) - 1 else [])
        parts.append("\n".join(pieces) or "·")
    return parts


def keyboard(message: OutboundMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    # One button a row: long bilingual labels stay readable on a phone.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label[:64] or "·", callback_data=b.data)] for b in message.buttons]
    )
