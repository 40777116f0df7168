"""Telegram Update -> InboundEvent (pure: no calls, so the webhook answers fast)."""

from __future__ import annotations

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.model import Attachment, InboundEvent, RoomRef, Sender


def _attachments(message: Message) -> list[Attachment]:
    out: list[Attachment] = []
    if message.photo:
        p = message.photo[-1]  # the largest size
        out.append(
            Attachment(
                kind="photo",
                name=f"photo_{message.message_id}.jpg",
                mime="image/jpeg",
                size=p.file_size,
                file_ref=p.file_id,
            )
        )
    for kind in ("document", "voice", "audio", "video", "animation", "video_note"):
        media = getattr(message, kind, None)
        if media is not None:
            out.append(
                Attachment(
                    kind=kind,
                    name=getattr(media, "file_name", None) or f"{kind}_{message.message_id}",
                    mime=getattr(media, "mime_type", None) or "",
                    size=media.file_size,
                    file_ref=media.file_id,
                )
            )
    if message.sticker:
        out.append(Attachment(kind="sticker", title=message.sticker.emoji or ""))
    if message.contact:
        c = message.contact
        out.append(
            Attachment(
                kind="contact", title=" ".join(x for x in (c.first_name, c.last_name) if x), name=c.phone_number or ""
            )
        )
    if message.venue:
        v = message.venue
        out.append(
            Attachment(
                kind="venue",
                title=v.title,
                name=v.address,
                latitude=v.location.latitude,
                longitude=v.location.longitude,
            )
        )
    elif message.location:
        out.append(
            Attachment(kind="location", latitude=message.location.latitude, longitude=message.location.longitude)
        )
    return out


def _message_sender(message: Message) -> Sender:
    """Who wrote a message. With `sender_chat` set a chat wrote it, not the bot in `from`: an
    anonymous group admin (`from` GroupAnonymousBot, sender_chat = the group), someone posting as
    a channel (`from` Channel_Bot), or a linked channel's post forwarded automatically into its
    discussion group (`is_automatic_forward`, `from` 777000). Each is a person's message, named
    by the chat's title and the author signature (https://core.telegram.org/bots/api#message)."""
    chat = message.sender_chat
    if chat is None:
        return _sender(message.from_user)
    name = chat.title or chat.username or str(chat.id)
    if message.author_signature:
        name = f"{name} ({message.author_signature})"
    return Sender(user_id=f"chat{chat.id}", display_name=name, is_bot=False)


def _forward_origin(message: Message) -> str | None:
    """Where a forwarded message came from, for each kind of `forward_origin`."""
    origin = message.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        return " ".join(x for x in (user.first_name, user.last_name) if x) or user.username or str(user.id)
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name or "?"
    if isinstance(origin, MessageOriginChat):
        chat, sig = origin.sender_chat, origin.author_signature
    elif isinstance(origin, MessageOriginChannel):
        chat, sig = origin.chat, origin.author_signature
    else:
        return "?"
    name = chat.title or chat.username or str(chat.id)
    return f"{name} ({sig})" if sig else name


def _sender(user) -> Sender:
    if user is None:
        return Sender(user_id="", is_bot=False)
    name = " ".join(x for x in (user.first_name, user.last_name) if x) or (user.username or "")
    return Sender(user_id=str(user.id), display_name=name, is_bot=user.is_bot, language_code=user.language_code)


def _command(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    """('help', 'args') for '/help@ThisBot args'; None for text or another bot's command."""
    text = message.text or ""
    entities = message.entities or ()
    if not text.startswith("/") or not any(e.type == "bot_command" and e.offset == 0 for e in entities):
        return None
    head, _, rest = text[1:].partition(" ")
    head, _, more = head.partition("\n")
    if more:
        rest = more + (" " + rest if rest else "")
    name, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), rest.strip()


def update_to_inbound(update: Update, bot_username: str | None = None) -> InboundEvent | None:
    uid = str(update.update_id)
    if update.callback_query is not None:
        q = update.callback_query
        msg = q.message
        if msg is None:
            return None
        return InboundEvent(
            kind="action",
            platform="telegram",
            event_id=uid,
            room=RoomRef(platform="telegram", chat_id=str(msg.chat.id)),
            private=msg.chat.type == "private",
            sender=_sender(q.from_user),
            action=q.data or "",
            message_id=str(msg.message_id),
            text=q.id,
        )
    message = update.message or update.edited_message
    if message is None:
        return None
    room = RoomRef(platform="telegram", chat_id=str(message.chat.id))
    private = message.chat.type == "private"
    sender = _message_sender(message)
    if message.migrate_to_chat_id:
        return InboundEvent(
            kind="migrate",
            platform="telegram",
            event_id=uid,
            room=room,
            sender=sender,
            migrate_to_chat_id=str(message.migrate_to_chat_id),
        )
    reply_to = str(message.reply_to_message.message_id) if message.reply_to_message else None
    if update.message is not None:
        cmd = _command(message, bot_username)
        if cmd is not None:
            return InboundEvent(
                kind="command",
                platform="telegram",
                event_id=uid,
                room=room,
                private=private,
                sender=sender,
                command=cmd[0],
                text=cmd[1],
                message_id=str(message.message_id),
                reply_to=reply_to,
            )
    if message.text is not None:
        text = message.text_html
    elif message.caption is not None:
        text = message.caption_html
    else:
        text = ""
    return InboundEvent(
        kind="edit" if update.edited_message is not None else "message",
        platform="telegram",
        event_id=uid,
        room=room,
        private=private,
        sender=sender,
        text=text,
        typed_text=message.text if message.text is not None else message.caption,
        message_id=str(message.message_id),
        reply_to=reply_to,
        attachments=_attachments(message),
        # an automatic forward is the linked channel's own post, not a forward by a person
        forwarded_from=None if message.is_automatic_forward else _forward_origin(message),
    )
