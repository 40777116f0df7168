"""Puts the core's messages on Telegram through python-telegram-bot's Bot, mapping its errors to
the delivery layer's outcomes. No PTB rate limiter: the send rates are kept in Redis."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InputFile, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import limits
from bot.markup import telegram_html_to_plain as html_to_plain
from bot.model import (
    OutboundMessage,
    PermanentError,
    PersonUnreachable,
    RateLimited,
    RoomRef,
    SendResult,
    TransientError,
)
from handlers.files import FileFetchers, FileTooBig, FileUnavailable, notice_for
from handlers.telegram.render import esc, keyboard, render_parts

CAPTION_LIMIT = limits.TELEGRAM_CAPTION_CHARS
UPLOAD_LIMIT = limits.TELEGRAM_UPLOAD_BYTES
PHOTO_LIMIT = limits.TELEGRAM_PHOTO_BYTES

TAP_TEXT_LIMIT = 200  # answerCallbackQuery text: 0-200 characters
# Telegram's 403s when a private chat cannot be written to: never opened, blocked, account gone.
UNREACHABLE = ("can't initiate conversation", "bot was blocked by the user", "user is deactivated", "chat not found")

log = logging.getLogger(__name__)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut + "…"


class TelegramSender:
    platform = "telegram"

    def __init__(self, bot: Bot, on_migrated=None, files: FileFetchers | None = None):
        self.bot = bot
        self.files = files  # fetches a relayed file from the platform it came from
        self.on_migrated = on_migrated  # async (old_chat_id, new_chat_id) -> None
        self.migrated: dict[str, str] = {}

    def _chat(self, room: RoomRef) -> int:
        return int(self.migrated.get(room.chat_id, room.chat_id))

    async def post(self, message: OutboundMessage) -> SendResult:
        if message.tap_answer:
            return await self._answer_tap(message)
        if message.ephemeral_to and message.ephemeral_to != message.room.chat_id:
            return await self._post_privately(message)
        if message.attachments:
            return await self._post_files(message)
        parts = render_parts(message)
        ids: list[str] = []
        for i, text in enumerate(parts):
            last = i == len(parts) - 1
            reply = (
                ReplyParameters(message_id=int(message.reply_to), allow_sending_without_reply=True)
                if (message.reply_to and i == 0 and message.reply_to.isdigit())
                else None
            )
            sent = await self._call(
                message.room,
                self.bot.send_message,
                text=text,
                parse_mode="HTML",
                reply_parameters=reply,
                reply_markup=keyboard(message) if last else None,
                link_preview_options=None,
                disable_notification=False,
            )
            ids.append(str(sent.message_id))
        return SendResult(message_ids=ids)

    async def _answer_tap(self, message: OutboundMessage) -> SendResult:
        """The answer to a button tap: answerCallbackQuery text, seen by the tapper alone (an alert
        when there is something to read). Too late for that (the query expired), a private post."""
        text = html_to_plain("\n".join(render_parts(message.model_copy(update={"tap_answer": None})))).strip()
        text = "" if text == "·" else text
        try:
            await self.bot.answer_callback_query(
                message.tap_answer or "", text=_shorten(text, TAP_TEXT_LIMIT) or None, show_alert=bool(text)
            )
        except BadRequest as exc:
            if not text:
                return SendResult(message_ids=[])
            log.info("telegram: tap answer failed (%s); answering privately", exc.message)
            return await self._post_privately(message.model_copy(update={"tap_answer": None}))
        except RetryAfter as exc:
            ra = exc.retry_after
            raise RateLimited(ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra), "telegram") from None
        except (TimedOut, NetworkError) as exc:
            raise TransientError(f"telegram: {exc.message}") from None
        if len(text) > TAP_TEXT_LIMIT:  # the rest, where it can be read whole
            return await self._post_privately(message.model_copy(update={"tap_answer": None}))
        return SendResult(message_ids=[])

    async def _post_privately(self, message: OutboundMessage) -> SendResult:
        """An answer for one person, in their private chat with the bot (user id = chat id)."""
        if not (message.ephemeral_to or "").isdigit():  # nobody to answer (an update without `from`)
            return SendResult(message_ids=[])
        private = message.model_copy(
            update={"room": RoomRef(platform="telegram", chat_id=message.ephemeral_to or ""), "ephemeral_to": None}
        )
        try:
            return await self.post(private)
        except PermanentError as exc:
            if any(sign in exc.reason for sign in UNREACHABLE):
                raise PersonUnreachable(exc.reason, hint=self._username()) from None
            raise

    def _username(self) -> str:
        try:
            return self.bot.username or ""
        except RuntimeError:  # not initialised (getMe failed at start)
            return ""

    async def _post_files(self, message: OutboundMessage) -> SendResult:
        """A relayed file: the attribution (and text) as its caption when short enough; over a
        limit or unavailable, a notice in its place, never silence."""
        ids: list[str] = []
        text_only = message.model_copy(update={"attachments": []})
        caption = render_parts(text_only)
        use_caption = len(caption) == 1 and len(html_to_plain(caption[0])) <= CAPTION_LIMIT
        for att in message.attachments:
            try:
                if self.files is None:
                    raise FileUnavailable("no file access")
                data = await self.files.fetch(att)
                if len(data) > UPLOAD_LIMIT:
                    raise FileTooBig(len(data), UPLOAD_LIMIT, "telegram")
            except (FileTooBig, FileUnavailable) as exc:
                note = notice_for(exc, att, message.lang)
                rich = "\n".join(x for x in [message.rich_text, esc(note)] if x)
                ids += (await self.post(text_only.model_copy(update={"rich_text": rich}))).message_ids
                continue
            if not use_caption:
                ids += (await self.post(text_only)).message_ids
            reply = (
                ReplyParameters(message_id=int(message.reply_to), allow_sending_without_reply=True)
                if (message.reply_to and message.reply_to.isdigit())
                else None
            )
            name = att.name or "file"
            cap = caption[0] if use_caption else None
            if att.kind == "photo" and len(data) <= PHOTO_LIMIT:
                sent = await self._call(
                    message.room,
                    self.bot.send_photo,
                    photo=data,
                    caption=cap,
                    parse_mode="HTML",
                    reply_parameters=reply,
                )
            else:
                sent = await self._call(
                    message.room,
                    self.bot.send_document,
                    document=InputFile(data, filename=name),
                    caption=cap,
                    parse_mode="HTML",
                    reply_parameters=reply,
                )
            ids.append(str(sent.message_id))
            use_caption = False  # the caption goes with the first file only
        return SendResult(message_ids=ids)

    async def edit(self, room: RoomRef, message_ids: list[str], message: OutboundMessage) -> SendResult:
        parts = render_parts(message)
        for i, (mid, text) in enumerate(zip(message_ids, parts, strict=False)):
            markup = keyboard(message) if i == len(parts) - 1 else None
            try:
                await self._call(
                    room,
                    self.bot.edit_message_text,
                    message_id=int(mid),
                    text=text,
                    parse_mode="HTML",
                    reply_markup=markup,
                )
            except PermanentError as exc:
                if "not modified" in exc.reason or "message to edit not found" in exc.reason:
                    continue
                raise
        return SendResult(message_ids=message_ids)

    async def delete(self, room: RoomRef, message_ids: list[str]) -> None:
        for mid in message_ids:
            try:
                await self._call(room, self.bot.delete_message, message_id=int(mid))
            except PermanentError as exc:
                if "not found" in exc.reason or "can't be deleted" in exc.reason:
                    continue
                raise

    async def _call(self, room: RoomRef, method: Callable[..., Awaitable[Any]], **params: Any) -> Any:
        """`method(chat_id=..., **params)`, once more on the new id if the group became a supergroup."""
        try:
            try:
                return await method(chat_id=self._chat(room), **params)
            except ChatMigrated as exc:
                new_id = str(exc.new_chat_id)
                log.warning("telegram: chat %s became supergroup %s", room.chat_id, new_id)
                self.migrated[room.chat_id] = new_id
                if self.on_migrated:
                    await self.on_migrated(room.chat_id, new_id)
                return await method(chat_id=int(new_id), **params)
        except RetryAfter as exc:
            ra = exc.retry_after
            seconds = ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)
            raise RateLimited(seconds, "telegram") from None
        except InvalidToken as exc:
            raise PermanentError(f"telegram: {exc.message}", credentials=True) from None
        except Forbidden as exc:
            raise PermanentError(f"telegram: {exc.message}") from None
        except BadRequest as exc:
            raise PermanentError(f"telegram: {exc.message}") from None
        except (TimedOut, NetworkError) as exc:
            raise TransientError(f"telegram: {exc.message}") from None
        except TelegramError as exc:
            raise PermanentError(f"telegram: {exc.message}") from None
