"""FakeTelegram: an in-process imitation of the Telegram Bot API for tests.

Serves ``GET|POST /bot<token>/<method>`` (method names case-insensitive) and file
downloads at ``/file/bot<token>/<file_path>`` on 127.0.0.1. Parameters are read the way
python-telegram-bot 22 sends them: url-encoded or multipart form fields whose non-string
values are JSON-encoded (``reply_markup``, ``reply_parameters``, ``allowed_updates``,
``commands`` ...); JSON bodies are accepted too. Imitated documented behaviour:

* envelope ``{"ok": true, "result": ...}`` or
  ``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}``;
  wrong or revoked token -> 401 ``Unauthorized``; unknown method -> 404 ``Not Found``;
* ``sendMessage``: text 1-4096 after entity parsing (``message text is empty``,
  ``message is too long``), ``can't parse entities``, inline keyboard checks
  (``BUTTON_DATA_INVALID`` for callback_data outside 1-64 bytes), ``chat not found``
  (when the chats are configured), 403 ``bot was kicked from the group chat`` (and the
  supergroup / private variants), 403 ``bot can't initiate conversation with a user`` for a
  private chat whose user never started the bot (once ``started`` is a set), 400 ``group chat was upgraded to a supergroup chat`` with
  ``parameters.migrate_to_chat_id``, ``message to be replied not found``; message ids
  increase per chat;
* ``editMessageText`` / ``editMessageReplyMarkup`` (``message to edit not found``,
  ``message is not modified``; editing text without reply_markup removes the keyboard),
  ``deleteMessage`` (``message to delete not found``), ``answerCallbackQuery`` (a query can
  be answered once), ``sendPhoto`` / ``sendDocument`` (multipart upload, 50 MB -> 413
  ``Request Entity Too Large``, caption 1024 -> ``message caption is too long``),
  ``getFile`` (20 MB -> ``file is too big``) and file downloads, ``setWebhook`` (HTTPS
  and ports 80/88/443/8443, secret_token charset), ``deleteWebhook``, ``getWebhookInfo``,
  ``setMyCommands`` / ``getMyCommands``, ``getChat``, ``sendChatAction``, ``getMe``;
* ``getUpdates``: updates with ``update_id >= offset`` (those below are confirmed and
  dropped), ``limit``, ``timeout`` long polling, ``allowed_updates`` filtering (default:
  all but chat_member, message_reaction, message_reaction_count); 409 ``Conflict: can't use
  getUpdates method while webhook is active``; two concurrent polls -> 409
  ``Conflict: terminated by other getUpdates request`` (see ``conflict_policy``);
* rate limits (when on): per chat, per group a minute, overall a second -> 429
  ``Too Many Requests: retry after N`` with ``parameters.retry_after``.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from testing.fakes._base import Call, FakeServerBase, SlidingWindow, TokenBucket, read_form, retry_after_seconds
from testing.fakes.telegram_text import EntityParseError, keyboard_error, plain_text

__all__ = ["FakeTelegram", "TelegramRateLimits", "Call", "TgError"]

MB = 1024 * 1024
JSON_FIELDS = (
    "reply_markup",
    "reply_parameters",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
    "media",
)
INT_FIELDS = (
    "message_id",
    "offset",
    "limit",
    "timeout",
    "max_connections",
    "message_thread_id",
    "reply_to_message_id",
    "from_chat_id",
    "user_id",
)
BOOL_FIELDS = (
    "drop_pending_updates",
    "show_alert",
    "disable_notification",
    "protect_content",
    "allow_sending_without_reply",
    "disable_web_page_preview",
)
DEFAULT_EXCLUDED_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CONFLICT_OTHER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)


class TgError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def bad(description: str, **parameters: Any) -> TgError:
    return TgError(400, f"Bad Request: {description}", parameters or None)


@dataclass
class TelegramRateLimits:
    """The documented limits: per chat and overall a token bucket (rate per second, burst);
    per group (negative chat id) a sliding window (messages, seconds)."""

    per_chat: tuple[float, float] = (1.0, 3.0)  # "about 1 message a second" per chat
    per_group: tuple[int, float] = (20, 60.0)  # 20 messages in any minute in a group
    overall: tuple[float, float] = (30.0, 30.0)  # 30 messages a second overall


class _Poll:
    def __init__(self) -> None:
        self.terminated: str | None = None


def chat_type_for(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


class FakeTelegram(FakeServerBase):
    """Fake Telegram Bot API server.

    Args:
        token: the bot token (``<bot id>:<secret>``) calls must carry in the URL.
        chats: ``None`` accepts any chat id (type guessed from the id); otherwise the
            known chats, ``{chat_id: {"type": ..., "title": ...}}`` or an iterable of ids.
        rate_limit: ``False`` (default), ``True`` (``TelegramRateLimits()``) or a
            ``TelegramRateLimits``. Counted on sendMessage/sendPhoto/sendDocument.
        conflict_policy: ``"terminate_previous"`` (the real server: a new getUpdates ends a
            pending long poll with 409) or ``"reject_new"`` (the newcomer gets the 409).
        strict_replies: answer ``message to be replied not found`` for replies to messages
            the fake never saw (default: only for messages it knows were deleted).
        require_https_webhook: refuse non-HTTPS webhooks and odd ports, as Telegram does.
        max_upload_bytes / max_download_bytes: 50 MB and 20 MB, lower them in tests.
    """

    name = "FakeTelegram"

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        chats: dict[int, dict] | Any = None,
        rate_limit: bool | TelegramRateLimits = False,
        conflict_policy: str = "terminate_previous",
        strict_replies: bool = False,
        require_https_webhook: bool = True,
        max_upload_bytes: int = 50 * MB,
        max_download_bytes: int = 20 * MB,
        clock: Callable[[], float] | None = None,
        bot_username: str = "blm_test_bot",
        bot_first_name: str = "BLM Bot",
    ):
        super().__init__(clock=clock, client_max_size=max(max_upload_bytes, 50 * MB) + 10 * MB)
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.chats: dict[int, dict] | None = None
        if chats is not None:
            self.chats = {}
            items = chats.items() if isinstance(chats, dict) else ((c, {}) for c in chats)
            for cid, info in items:
                self.add_chat(cid, **info)
        if rate_limit is True:
            rate_limit = TelegramRateLimits()
        self.rate_limits: TelegramRateLimits | None = rate_limit or None
        self._buckets: dict[Any, Any] = {}
        self.conflict_policy = conflict_policy
        self.strict_replies = strict_replies
        self.require_https_webhook = require_https_webhook
        self.max_upload_bytes, self.max_download_bytes = max_upload_bytes, max_download_bytes
        self.kicked: set[int] = set()
        # Private chats: None = every user has started the bot; a set = only these have, and a
        # send to anyone else's private chat answers 403 "bot can't initiate conversation with a
        # user" (https://core.telegram.org/bots/faq: a bot cannot message a user first).
        self.started: set[int] | None = None
        self.migrated: dict[int, int] = {}
        self.messages: dict[int, list[dict]] = defaultdict(list)
        self._seen_ids: dict[int, set[int]] = defaultdict(set)
        self._message_ids: dict[int, int] = defaultdict(int)
        self.files: dict[str, dict] = {}
        self._file_counter = itertools.count(1)
        self.callback_answers: list[dict] = []
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.webhook: dict | None = None
        self.updates: list[dict] = []
        self._next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self._poll: _Poll | None = None
        self._updates_changed = asyncio.Event()

    # -- configuration -----------------------------------------------------------
    def add_chat(self, chat_id: int, type: str | None = None, title: str | None = None, **extra: Any) -> None:  # noqa: A002
        if self.chats is None:
            self.chats = {}
        chat = {"id": chat_id, "type": type or chat_type_for(chat_id)}
        if chat["type"] == "private":
            chat["first_name"] = extra.pop("first_name", "User")
        else:
            chat["title"] = title or f"Chat {chat_id}"
        chat.update(extra)
        self.chats[chat_id] = chat

    def start_bot(self, user_id: int) -> None:
        """The user opened a private chat with the bot (pressed Start): the bot may write there."""
        if self.started is None:
            self.started = set()
        self.started.add(user_id)

    def kick_bot(self, chat_id: int) -> None:
        """The bot is removed from the chat (or blocked by the user): sends answer 403."""
        self.kicked.add(chat_id)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: sends to the old id answer 400 with migrate_to_chat_id."""
        self.migrated[old_chat_id] = new_chat_id
        if self.chats is not None and new_chat_id not in self.chats:
            old = self.chats.get(old_chat_id, {})
            self.add_chat(new_chat_id, type="supergroup", title=old.get("title"))

    def register_file(
        self, data: bytes = b"", *, file_id: str | None = None, file_path: str | None = None, size: int | None = None
    ) -> str:
        """A file getFile can describe and /file/bot<token>/<path> can serve. ``size``
        overrides the announced size (to test the 20 MB limit without the bytes)."""
        n = next(self._file_counter)
        file_id = file_id or f"FILE{n:06d}"
        self.files[file_id] = {
            "file_id": file_id,
            "file_unique_id": f"U{n:06d}",
            "data": data,
            "file_size": len(data) if size is None else size,
            "file_path": file_path or f"documents/file_{n}",
        }
        return file_id

    @property
    def api_root(self) -> str:
        """Server root: the bot calls ``{api_root}/bot{token}/{method}``."""
        return self.root

    # -- updates -------------------------------------------------------------------
    def push_update(self, update: dict) -> dict:
        """Queue an update for getUpdates (update_id assigned when missing)."""
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        self.updates.append(update)
        self.updates.sort(key=lambda u: u["update_id"])
        self.note_incoming(update)
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()
        self._notify()
        return update

    def note_incoming(self, update: dict) -> None:
        """Remember a user's message (so later message ids and replies stay consistent)."""
        for key in ("message", "edited_message", "channel_post"):
            msg = update.get(key)
            if msg and "chat" in msg and "message_id" in msg:
                cid = msg["chat"]["id"]
                self._seen_ids[cid].add(msg["message_id"])
                self._message_ids[cid] = max(self._message_ids[cid], msg["message_id"])

    @property
    def pending_update_count(self) -> int:
        return len(self.updates)

    def sent(self, chat_id: int, include_deleted: bool = False) -> list[dict]:
        return [m for m in self.messages.get(chat_id, []) if include_deleted or not m["deleted"]]

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in self.sent(chat_id)]

    # -- HTTP ----------------------------------------------------------------------
    def _setup_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/{tail:.*}", self._dispatch)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return await self._download(request, path[len("/file/bot") :])
        m = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if not m:
            return _envelope_error(TgError(404, "Not Found"))
        token, method = m.group(1), m.group(2)
        canonical, handler = self._handlers().get(method.lower(), (method, None))
        try:
            params, read_error = await self._read_params(request), None
        except TgError as exc:
            params, read_error = {}, exc
        call = self._record(canonical, params, request.headers)
        await self._apply_delay(canonical)
        try:
            failure = self._take_failure(canonical)
            if failure is not None:
                raise _injected(failure)
            if token != self.token or self.token_revoked:
                raise TgError(401, "Unauthorized")
            if handler is None:
                raise TgError(404, "Not Found")
            if read_error is not None:
                raise read_error
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            body, status = {"ok": True, "result": result}, 200
            response = web.json_response(body)
        except TgError as exc:
            response = _envelope_error(exc)
            body, status = json.loads(response.text), exc.status
        call.status, call.ok, call.response = status, body["ok"], body
        call.error = body.get("description")
        self._notify()
        return response

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    params.update(await request.json())
                except ValueError:
                    raise bad("can't parse JSON object") from None
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    params.update(await read_form(request))
                except web.HTTPRequestEntityTooLarge:
                    raise TgError(413, "Request Entity Too Large") from None
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    raise bad(f"can't parse {key} JSON object") from None
        for key in INT_FIELDS:
            if isinstance(params.get(key), str):
                try:
                    params[key] = int(params[key])
                except ValueError:
                    raise bad(f"invalid {key} specified") from None
        if isinstance(params.get("chat_id"), str) and re.fullmatch(r"-?\d+", params["chat_id"]):
            params["chat_id"] = int(params["chat_id"])
        for key in BOOL_FIELDS:
            if isinstance(params.get(key), str):
                params[key] = params[key].lower() in ("true", "1")
        return params

    def _handlers(self) -> dict[str, tuple[str, Callable]]:
        table = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "deleteMessage": self._delete,
            "answerCallbackQuery": self._answer_callback,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info,
            "setMyCommands": self._set_commands,
            "getMyCommands": self._get_commands,
            "getUpdates": self._get_updates,
            "getChat": self._get_chat,
            "sendChatAction": self._chat_action,
        }
        return {name.lower(): (name, fn) for name, fn in table.items()}

    # -- checks ----------------------------------------------------------------------
    def _chat(self, params: dict) -> dict:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise bad("chat_id is empty")
        if chat_id in self.migrated:
            raise bad("group chat was upgraded to a supergroup chat", migrate_to_chat_id=self.migrated[chat_id])
        if self.chats is not None:
            chat = self.chats.get(chat_id)
            if chat is None:
                raise bad("chat not found")
        elif isinstance(chat_id, int):
            chat = {"id": chat_id, "type": chat_type_for(chat_id)}
            chat["first_name" if chat["type"] == "private" else "title"] = f"Chat {chat_id}"
        else:
            raise bad("chat not found")
        if chat["type"] == "private" and self.started is not None and chat_id not in self.started:
            raise TgError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat_id in self.kicked:
            kind = chat["type"]
            if kind == "private":
                raise TgError(403, "Forbidden: bot was blocked by the user")
            raise TgError(403, f"Forbidden: bot was kicked from the {kind} chat")
        return chat

    def _rate_check(self, chat_id: int) -> None:
        limits = self.rate_limits
        if not limits:
            return
        keys = [("chat", chat_id, TokenBucket, limits.per_chat), ("all", None, TokenBucket, limits.overall)]
        if chat_id < 0:
            keys.append(("group", chat_id, SlidingWindow, limits.per_group))
        buckets = []
        for kind, key, factory, args in keys:
            bucket = self._buckets.get((kind, key))
            if bucket is None:
                bucket = self._buckets[(kind, key)] = factory(*args, clock=self.clock)
            buckets.append(bucket)
        wait = max(b.wait_time() for b in buckets)
        if wait > 0:
            n = retry_after_seconds(wait)
            raise TgError(429, f"Too Many Requests: retry after {n}", {"retry_after": n})
        for b in buckets:
            b.take()

    def _text(self, text: Any, parse_mode: Any, *, caption: bool = False) -> str:
        try:
            plain = plain_text("" if text is None else str(text), parse_mode)
        except EntityParseError as exc:
            raise bad(f"can't parse entities: {exc}") from None
        if caption:
            if len(plain) > 1024:
                raise bad("message caption is too long")
        else:
            if not plain:
                raise bad("message text is empty")
            if len(plain) > 4096:
                raise bad("message is too long")
        return plain

    def _markup(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        error = keyboard_error(markup)
        if error:
            raise bad(error)
        return markup

    def _reply_to(self, chat_id: int, params: dict) -> dict | None:
        reply = params.get("reply_parameters") or {}
        mid = reply.get("message_id", params.get("reply_to_message_id"))
        if not mid:
            return None
        allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
        own = self._find(chat_id, mid)
        deleted = own is not None and own["deleted"]
        unknown = own is None and mid not in self._seen_ids[chat_id]
        if deleted or (unknown and self.strict_replies):
            if allow:
                return None
            raise bad("message to be replied not found")
        if own is not None:
            return self.view(own)
        # a message the fake never saw (a person's, sent to the webhook directly): as much of it as
        # the Bot API would give, with the chat's type (PTB cannot parse a chat without one)
        return {"message_id": mid, "chat": {"id": chat_id, "type": chat_type_for(chat_id)}, "date": int(time.time())}

    def _find(self, chat_id: int, message_id: Any) -> dict | None:
        for m in self.messages.get(chat_id, []):
            if m["message_id"] == message_id:
                return m
        return None

    def _existing(self, params: dict, what: str) -> dict:
        chat = self._chat(params)
        msg = self._find(chat["id"], params.get("message_id"))
        if msg is None or msg["deleted"]:
            raise bad(f"message to {what} not found")
        return msg

    @staticmethod
    def view(msg: dict) -> dict:
        """The Message object as the Bot API returns it."""
        hidden = {"raw_text", "parse_mode", "history", "deleted"}
        return {k: v for k, v in msg.items() if k not in hidden and v is not None}

    def _new_message(self, chat: dict, params: dict, **content: Any) -> dict:
        cid = chat["id"]
        reply = self._reply_to(cid, params)
        self._message_ids[cid] += 1
        markup = params.get("reply_markup")
        msg = {
            "message_id": self._message_ids[cid],
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            **content,
            "reply_markup": markup if markup and "inline_keyboard" in markup else None,
            "reply_to_message": reply,
            "message_thread_id": params.get("message_thread_id"),
            "parse_mode": params.get("parse_mode"),
            "history": [],
            "deleted": False,
            "edit_date": None,
        }
        self.messages[cid].append(msg)
        return msg

    # -- methods -------------------------------------------------------------------
    def _get_me(self, params: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _send_message(self, params: dict) -> dict:
        chat = self._chat(params)
        self._rate_check(chat["id"])
        text = self._text(params.get("text"), params.get("parse_mode"))
        self._markup(params)
        msg = self._new_message(chat, params, text=text, raw_text=params.get("text"))
        return self.view(msg)

    def _edit_text(self, params: dict) -> Any:
        if params.get("inline_message_id"):
            return True
        msg = self._existing(params, "edit")
        if "text" not in msg:
            raise bad("there is no text in the message to edit")
        text = self._text(params.get("text"), params.get("parse_mode"))
        markup = self._markup(params)
        if text == msg["text"] and markup == msg.get("reply_markup"):
            raise bad(NOT_MODIFIED)
        msg["history"].append({"text": msg["text"], "reply_markup": msg.get("reply_markup")})
        msg.update(
            text=text,
            raw_text=params.get("text"),
            reply_markup=markup,
            edit_date=int(time.time()),
            parse_mode=params.get("parse_mode"),
        )
        return self.view(msg)

    def _edit_markup(self, params: dict) -> Any:
        if params.get("inline_message_id"):
            return True
        msg = self._existing(params, "edit")
        markup = self._markup(params)
        if markup == msg.get("reply_markup"):
            raise bad(NOT_MODIFIED)
        msg["history"].append({"text": msg.get("text"), "reply_markup": msg.get("reply_markup")})
        msg.update(reply_markup=markup, edit_date=int(time.time()))
        return self.view(msg)

    def _delete(self, params: dict) -> bool:
        msg = self._existing(params, "delete")
        msg["deleted"] = True
        return True

    def _answer_callback(self, params: dict) -> bool:
        qid = params.get("callback_query_id")
        if not qid or any(a["callback_query_id"] == qid for a in self.callback_answers):
            raise bad("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self.callback_answers.append(dict(params))
        return True

    def _media(self, params: dict, field: str, kind: str) -> dict:
        value = params.get(field)
        if isinstance(value, dict) and "content" in value:
            data = value["content"]
            if len(data) > self.max_upload_bytes:
                raise TgError(413, "Request Entity Too Large")
            ext = (value.get("filename") or "").rpartition(".")[2] or "bin"
            file_id = self.register_file(data, file_path=f"{kind}/file_{len(self.files)}.{ext}")
            record = self.files[file_id]
            record["file_name"], record["mime_type"] = value.get("filename"), value.get("content_type")
            return record
        if isinstance(value, str) and value:
            if value in self.files:
                return self.files[value]
            if value.startswith(("http://", "https://")):
                return self.files[self.register_file(b"", file_path=f"{kind}/remote_{len(self.files)}")]
        raise bad("wrong file identifier/HTTP URL specified")

    def _send_file(self, params: dict, field: str, kind: str) -> dict:
        chat = self._chat(params)
        self._rate_check(chat["id"])
        caption = self._text(params.get("caption"), params.get("parse_mode"), caption=True)
        self._markup(params)
        record = self._media(params, field, kind)
        base = {
            "file_id": record["file_id"],
            "file_unique_id": record["file_unique_id"],
            "file_size": record["file_size"],
        }
        if field == "photo":
            content = {"photo": [{**base, "width": 90, "height": 90}, {**base, "width": 800, "height": 800}]}
        else:
            content = {"document": {**base, "file_name": record.get("file_name"), "mime_type": record.get("mime_type")}}
        msg = self._new_message(chat, params, caption=caption or None, raw_text=params.get("caption"), **content)
        return self.view(msg)

    def _send_photo(self, params: dict) -> dict:
        return self._send_file(params, "photo", "photos")

    def _send_document(self, params: dict) -> dict:
        return self._send_file(params, "document", "documents")

    def _get_file(self, params: dict) -> dict:
        record = self.files.get(params.get("file_id"))
        if record is None:
            raise bad("invalid file_id")
        if record["file_size"] > self.max_download_bytes:
            raise bad("file is too big")
        return {k: record[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    async def _download(self, request: web.Request, rest: str) -> web.Response:
        token, _, file_path = rest.partition("/")
        call = self._record("file", {"file_path": file_path}, request.headers)
        record = next((f for f in self.files.values() if f["file_path"] == file_path), None)
        ok = token == self.token and not self.token_revoked and record is not None
        call.status, call.ok = (200, True) if ok else (404, False)
        self._notify()
        if not ok:
            return _envelope_error(TgError(404, "Not Found"))
        return web.Response(body=record["data"], content_type="application/octet-stream")

    def _set_webhook(self, params: dict) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._delete_webhook(params)
        if self.require_https_webhook:
            parts = urlsplit(url)
            if parts.scheme != "https":
                raise bad("bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in (80, 88, 443, 8443):
                raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad("secret token contains unallowed characters")
        max_conn = params.get("max_connections", 40)
        if not 1 <= int(max_conn) <= 100:
            raise bad("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self.updates.clear()
        if self._poll is not None:
            self._poll.terminated = "Conflict: terminated by setWebhook request"
            self._wake_polls()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": int(max_conn),
            "allowed_updates": params.get("allowed_updates"),
            "drop_pending_updates": bool(params.get("drop_pending_updates")),
        }
        if params.get("allowed_updates") is not None:
            self.allowed_updates = params["allowed_updates"]
        return True

    def _delete_webhook(self, params: dict) -> bool:
        if params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = None
        return True

    def _webhook_info(self, params: dict) -> dict:
        info = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self.updates)}
        if self.webhook:
            info.update(url=self.webhook["url"], max_connections=self.webhook["max_connections"])
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _scope_key(params: dict) -> tuple[str, str]:
        return json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True), params.get("language_code") or ""

    def _set_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = commands
        return True

    def _get_commands(self, params: dict) -> list:
        return self.commands.get(self._scope_key(params), [])

    def _get_chat(self, params: dict) -> dict:
        chat = self._chat(params)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}

    def _chat_action(self, params: dict) -> bool:
        self._chat(params)
        return True

    # -- getUpdates ----------------------------------------------------------------
    def _wake_polls(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _wanted(self, update: dict) -> bool:
        kinds = [k for k in update if k != "update_id"]
        allowed = self.allowed_updates
        if allowed:
            return any(k in allowed for k in kinds)
        return not any(k in DEFAULT_EXCLUDED_UPDATES for k in kinds)

    def _select(self, offset: int | None, limit: int) -> list[dict]:
        if offset is not None:
            if offset < 0:
                del self.updates[: max(0, len(self.updates) + offset)]
            else:
                self.updates[:] = [u for u in self.updates if u["update_id"] >= offset]
        self.updates[:] = [u for u in self.updates if self._wanted(u)]  # unwanted ones are dropped
        return self.updates[:limit]

    _closing = False

    async def stop(self) -> None:
        # A pending long poll answers at once (empty), as the real server does on shutdown,
        # so stopping never waits for a poll's timeout.
        self._closing = True
        self._wake_polls()
        self._updates_changed.set()
        await super().stop()
        self._closing = False

    async def _get_updates(self, params: dict) -> list[dict]:
        if self.webhook:
            raise TgError(409, CONFLICT_WEBHOOK)
        limit = params.get("limit") or 100
        if not 1 <= limit <= 100:
            limit = 100
        timeout = max(0, params.get("timeout") or 0)
        if params.get("allowed_updates") is not None:
            self.allowed_updates = params["allowed_updates"]
        if self._poll is not None:
            if self.conflict_policy == "reject_new":
                raise TgError(409, CONFLICT_OTHER)
            self._poll.terminated = CONFLICT_OTHER
            self._wake_polls()
        poll = self._poll = _Poll()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        offset = params.get("offset")
        try:
            while True:
                if poll.terminated:
                    raise TgError(409, poll.terminated)
                selected = self._select(offset, limit)
                remaining = deadline - loop.time()
                if selected or remaining <= 0 or self._closing:
                    return selected
                event = self._updates_changed
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    pass
        finally:
            if self._poll is poll:
                self._poll = None


def _injected(failure) -> TgError:
    if failure.status == 429:
        n = failure.retry_after
        return TgError(429, failure.error or f"Too Many Requests: retry after {n}", {"retry_after": n})
    defaults = {
        400: "Bad Request: injected failure",
        401: "Unauthorized",
        403: "Forbidden: injected failure",
        409: CONFLICT_OTHER,
        500: "Internal Server Error",
        502: "Bad Gateway",
        504: "Gateway Timeout",
    }
    return TgError(failure.status, failure.error or defaults.get(failure.status, "Internal Server Error"))


def _envelope_error(exc: TgError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.status)
