"""The local edge: rooms rendered as plain text, for `demo`, `console` and `simulate`.

A `ConsoleSender` stands in for Slack or Telegram (or both): it keeps what each room received and
prints it as a person in that room would read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.i18n import t
from bot.markup import slack_mrkdwn_to_plain, telegram_html_to_plain
from bot.model import OutboundMessage, RoomRef, SendResult


def _readable(message: OutboundMessage) -> str:
    """rich_text is in the room's platform markup: show it as a person there would read it."""
    if message.room.platform == "slack":
        return slack_mrkdwn_to_plain(message.rich_text or "")
    if message.room.platform == "telegram":
        return telegram_html_to_plain(message.rich_text or "")
    return message.rich_text or ""


def render_plain(message: OutboundMessage) -> str:
    out: list[str] = []
    if message.exercise:
        out.append(f"[{t('exercise.banner', message.lang)}]")
    if message.title:
        out.append(f"**{message.title}**")
    if message.attribution:
        out.append(f"{message.attribution}:")
    body = _readable(message) if message.rich_text is not None else message.text
    if body:
        out.append(body)
    for part in message.relayed:  # a combined post
        out.append(f"{part.attribution}:")
        out.append(_readable(message.model_copy(update={"rich_text": part.rich_text})))
    out += message.lines
    if message.mentions:
        out.append(" ".join("@" + m.name for m in message.mentions))
    if message.buttons:
        out.append(" ".join(f"[{b.label}]" for b in message.buttons))
    return "\n".join(out)


@dataclass
class ConsoleSender:
    platform: str
    echo: Callable[[str], None] | None = print
    names: dict[str, str] = field(default_factory=dict)  # room key -> readable name
    received: dict[str, list[dict]] = field(default_factory=dict)  # room key -> posts
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _show(self, room: RoomRef, head: str, body: str) -> None:
        if self.echo:
            name = self.names.get(room.key, room.key)
            indented = "\n".join("    " + line for line in body.splitlines())
            self.echo(f"[{name}] {head}\n{indented}")

    async def post(self, message: OutboundMessage) -> SendResult:
        mid = str(next(self._ids))
        body = render_plain(message)
        self.received.setdefault(message.room.key, []).append(
            {
                "id": mid,
                "text": body,
                "ephemeral_to": message.ephemeral_to,
                "reply_to": message.reply_to,
                "buttons": [b.model_dump() for b in message.buttons],
                "key": message.key,  # the bot's own incident posts have one; relayed messages not
            }
        )
        head = f"#{mid} (only {message.ephemeral_to} sees)" if message.ephemeral_to else f"#{mid} bot:"
        self._show(message.room, head, body)
        return SendResult(message_ids=[mid])

    async def edit(self, room: RoomRef, message_ids: list[str], message: OutboundMessage) -> SendResult:
        body = render_plain(message)
        for post in self.received.get(room.key, []):
            if post["id"] in message_ids:
                post["text"] = body
                post["buttons"] = [b.model_dump() for b in message.buttons]
        self._show(room, f"#{','.join(message_ids)} (edited)", body)
        return SendResult(message_ids=message_ids)

    def find(self, post_id: str) -> tuple[str, dict] | None:
        """(room key, post) of the post with this number, in any room of this platform."""
        for room_key, posts in self.received.items():
            for post in posts:
                if post["id"] == post_id:
                    return room_key, post
        return None

    async def delete(self, room: RoomRef, message_ids: list[str]) -> None:
        self.received[room.key] = [p for p in self.received.get(room.key, []) if p["id"] not in message_ids]
        self._show(room, f"#{','.join(message_ids)} (deleted)", "")

    def texts(self, room: RoomRef) -> list[str]:
        return [p["text"] for p in self.received.get(room.key, [])]
