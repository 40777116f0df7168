"""Relay people's messages to the other rooms of their BLM, attributed, as written."""
from __future__ import annotations

from bot.bridge.convert import slack_to_plain, telegram_html_to_plain
from bot.model import OutboundMessage


def attribution(ctx) -> str:
    person = ctx.person
    name = (person.name if person else "") or ctx.event.sender.display_name or ctx.event.sender.user_id
    side = (person.side if person and person.side else ("us" if ctx.event.platform == "slack" else "mx")).upper()
    extra = f" · {person.agency}" if person and person.agency else ""
    return f"{name} ({side}{extra})"


def plain_text(ctx) -> str:
    if ctx.event.platform == "slack":
        return slack_to_plain(ctx.event.text, lambda uid: _slack_name(ctx, uid))
    if ctx.event.platform == "telegram":
        return telegram_html_to_plain(ctx.event.text)
    return ctx.event.text


def _slack_name(ctx, user_id: str) -> str | None:
    person = ctx.core.rooms.person("slack", user_id)
    return person.name if person else None


async def relay_message(ctx) -> None:
    ev = ctx.event
    if ctx.room is None or ev.private or ev.kind != "message":
        return
    text = plain_text(ctx)
    if not text and not ev.attachments:
        return
    source = f"{ev.room.key}:{ev.message_id}" if ev.message_id else None
    for other in ctx.core.rooms.rooms_of(ctx.room.blm_id):
        if other.room == ev.room:
            continue
        ctx.effects.post(OutboundMessage(room=other.room, text=text, attribution=attribution(ctx),
                                         lang=other.lang, priority="chat"), source=source)
