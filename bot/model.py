"""The platform-neutral seam between the edges (Slack, Telegram, console) and the core.

An edge turns a platform event into an `InboundEvent`; the core answers with `OutboundMessage`s put
in the outbox of the room they go to; the worker hands them to the edge's `RoomSender`.
Everything here is plain data (pydantic), JSON-serialisable, so it can sit in a Redis stream.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

from pydantic import BaseModel, Field

Platform = Literal["slack", "telegram", "console"]
Lang = Literal["en", "es"]
Side = Literal["us", "mx"]


class Role(IntEnum):
    """Each role includes the ones before it."""

    member = 0
    liaison = 1
    coordinator = 2
    central = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        return cls[name.strip().lower()]


class RoomRef(BaseModel, frozen=True):
    """A chat on one platform: a Slack channel id, a Telegram chat id (as text), a console room."""

    platform: Platform
    chat_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}"

    @classmethod
    def from_key(cls, key: str) -> RoomRef:
        platform, chat_id = key.split(":", 1)
        return cls(platform=platform, chat_id=chat_id)  # type: ignore[arg-type]


class Attachment(BaseModel):
    kind: Literal[
        "photo",
        "file",
        "document",
        "voice",
        "audio",
        "video",
        "sticker",
        "contact",
        "location",
        "venue",
        "animation",
        "video_note",
    ] = "file"
    name: str = ""
    mime: str = ""
    size: int | None = None
    file_ref: str = ""  # platform file id or private download URL; fetched by the edge
    latitude: float | None = None
    longitude: float | None = None
    title: str = ""  # venue title, contact name, sticker emoji
    origin: Platform | None = None  # the platform file_ref belongs to (set by the bridge when relaying)


class Sender(BaseModel):
    user_id: str
    display_name: str = ""
    is_bot: bool = False
    language_code: str | None = None  # Telegram's hint


class InboundEvent(BaseModel):
    """Something a person did on a platform, already translated by the edge."""

    kind: Literal["message", "edit", "delete", "command", "action", "migrate", "membership"]
    platform: Platform
    event_id: str  # unique per platform event: Slack event_id / trigger, Telegram update_id
    room: RoomRef
    private: bool = False  # a DM / private chat with the person
    sender: Sender
    text: str = ""  # message text in the platform's own markup; for commands, the argument text
    typed_text: str | None = None  # the message exactly as the person typed it, without markup
    command: str | None = None  # "help", "lang", ... (no slash, no @botname)
    message_id: str | None = None  # the platform message this event is about
    reply_to: str | None = None  # platform message id this replies to (Telegram reply)
    thread_root: str | None = None  # Slack thread_ts
    also_to_channel: bool = False  # Slack "also send to channel"
    action: str | None = None  # button payload (action value / callback_data)
    attachments: list[Attachment] = Field(default_factory=list)
    migrate_to_chat_id: str | None = None
    forwarded_from: str | None = None  # a forwarded / shared message: where it came from (edge's words)
    received_at: float = 0.0  # unix seconds when the edge accepted it


class Button(BaseModel):
    label: str
    data: str  # opaque payload handed back in InboundEvent.action (kept ≤ 64 bytes for Telegram)
    style: Literal["default", "primary", "danger"] = "default"


class Mention(BaseModel):
    """A person to ping: rendered as <@U…> on Slack, a tg://user link on Telegram."""

    user_id: str
    name: str


class Relayed(BaseModel):
    """One relayed message inside a combined post: who (drawn by the edge) and what they wrote."""

    attribution: str
    rich_text: str = ""


class OutboundMessage(BaseModel):
    """What the core wants shown in one room. `text` is plain text: edges escape it, nothing in it
    is ever interpreted as markup or a mention. Structure comes from the other fields."""

    room: RoomRef
    text: str = ""
    title: str | None = None  # shown bold above the text
    lines: list[str] = Field(default_factory=list)  # extra plain lines (e.g. a checklist)
    buttons: list[Button] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)  # pinged, after the text
    attribution: str | None = None  # relayed messages: who said it, shown bold before the text
    rich_text: str | None = None  # relayed text already converted for the destination (bridge)
    relayed: list[Relayed] = Field(default_factory=list)  # a combined post: each message, in order
    reply_to: str | None = None  # platform message id in this room to reply / thread under
    ephemeral_to: str | None = None  # only this user sees it (Slack ephemeral; Telegram private chat)
    ephemeral_name: str | None = None  # their name, for the public line when the private chat is closed
    tap_answer: str | None = None  # Telegram callback query id: answered with answerCallbackQuery text
    key: str | None = None  # logical id so it can be edited or deleted later
    priority: Literal["interactive", "chat", "bulk"] = "chat"
    exercise: bool = False  # drills: marked EXERCISE / EJERCICIO by the edge
    lang: Lang = "en"  # the language the text is in (for the exercise banner)
    attachments: list[Attachment] = Field(default_factory=list)


class OutboundOp(BaseModel):
    """One queued operation on a room."""

    op: Literal["post", "edit", "delete"] = "post"
    message: OutboundMessage
    source: str | None = None  # e.g. "slack:C1:1700000000.0001" for relayed messages (message map)
    # Relayed replies: the platform message (as a source "room:msg_id") this one answers; the
    # Deliverer resolves it through the relay map at send time (Slack: the thread root).
    reply_source: str | None = None
    # Coalesced posts: every relayed message combined into this one, in order (message map).
    sources: list[str] = Field(default_factory=list)
    enqueued_at: float = 0.0


class SendResult(BaseModel):
    message_ids: list[str]  # platform ids of the posts made (several when split)


class DeliveryError(Exception):
    """Base of what a RoomSender raises."""


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float, detail: str = ""):
        super().__init__(f"rate limited, retry after {retry_after}s {detail}".strip())
        self.retry_after = retry_after


class TransientError(DeliveryError):
    """Network error or 5xx: retry with backoff."""


class PermanentError(DeliveryError):
    """The platform refused for good (bot removed, chat not found, token revoked)."""

    def __init__(self, reason: str, credentials: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.credentials = credentials  # the platform rejected the bot's token


class PersonUnreachable(PermanentError):
    """A private answer cannot reach the person (Telegram: they never started the bot, or blocked
    it). `hint` names where to open the private chat (the bot's @username)."""

    def __init__(self, reason: str, hint: str = ""):
        super().__init__(reason)
        self.hint = hint
