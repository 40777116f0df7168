"""Answers meant for one person travel apart from the room's traffic.

A refusal, /help, a report, the answer to a tap: each goes in the person's own queue group
(`out:private:{platform}:{user}`) with the person's own send budget, so one person (a stranger
tapping a button twenty times) can neither spend a room's budget nor hold up its relayed
messages. Telegram has no ephemeral messages in groups: a tap is answered with
answerCallbackQuery text, anything else in the person's private chat with the bot, and when they
never opened one, with one short public line (at most once an hour per person) asking them to.
"""

from __future__ import annotations

from bot.delivery.ratelimit import Limit, Window, limits_for_room
from bot.i18n import t
from bot.model import Mention, OutboundMessage

OPEN_BOT_EVERY_SECONDS = 3600


def is_private(message: OutboundMessage) -> bool:
    return bool(message.ephemeral_to or message.tap_answer)


def group_for(message: OutboundMessage) -> str:
    """The queue group a message goes in: the person's own for a private answer, else its room's."""
    if is_private(message):
        return f"out:private:{message.room.platform}:{message.ephemeral_to or message.tap_answer}"
    return f"out:{message.room.key}"


def lane(message: OutboundMessage, settings) -> tuple[str, list[Limit | Window]]:
    """(what a 429 blocks, the send limits this message counts against)."""
    room = message.room
    if not is_private(message):
        return room.key, limits_for_room(room.platform, room.chat_id, settings)
    who = message.ephemeral_to or message.tap_answer or ""
    if message.tap_answer:
        return f"private:{room.platform}:{who}", []  # answerCallbackQuery is not a message
    if room.platform == "telegram":
        return f"private:telegram:{who}", limits_for_room("telegram", who, settings)  # their private chat
    return f"private:{room.platform}:{who}", [Limit(f"{room.platform}:ephemeral:{who}", 1.0, burst=5)]


def open_bot_line(message: OutboundMessage, hint: str) -> OutboundMessage:
    """The one short public line for someone whose private chat with the bot is not open."""
    who = message.ephemeral_to or ""
    return OutboundMessage(
        room=message.room,
        text=t("private.open_bot", message.lang, bot=("@" + hint) if hint else "the bot"),
        mentions=[Mention(user_id=who, name=message.ephemeral_name or who)] if who else [],
        priority="interactive",
        lang=message.lang,
    )
