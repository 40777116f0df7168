"""Builders of what Slack and Telegram send to the bot, shaped as documented.

Slack: request signing (``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``, as
``slack_sdk.signature.SignatureVerifier`` checks), Events API ``event_callback``
envelopes, slash-command forms and ``block_actions`` interactivity forms
(``payload=<json>``). Telegram: Update objects (message with ``bot_command`` entities,
edited message, callback query, location, photo, group-to-supergroup migration) and the
webhook headers (``X-Telegram-Bot-Api-Secret-Token``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0TEAM"
APP_ID = "A0FAKEAPP"
BOT_ID = 123456
_counter = itertools.count(1)
_tg_message_ids = itertools.count(10_000)  # far from the ids a FakeTelegram hands out


def _n() -> int:
    return next(_counter)


# -- Slack ---------------------------------------------------------------------------
def sign_slack_request(secret: str, body: bytes | str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack adds to a request: ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slack_signed(
    secret: str, body: bytes | str | dict, *, timestamp: int | None = None, retry_num: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """Body bytes and full headers (signature, Content-Type, retry headers) for a POST.
    A dict body is sent as JSON (Events API); bytes/str as a form."""
    if isinstance(body, dict):
        data, ctype = json.dumps(body).encode(), "application/json"
    else:
        data = body.encode() if isinstance(body, str) else body
        ctype = "application/x-www-form-urlencoded"
    headers = {"Content-Type": ctype, **sign_slack_request(secret, data, timestamp)}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return data, headers


def slack_ts(n: int | None = None) -> str:
    n = _n() if n is None else n
    return f"{1_690_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"


def slack_message_event(
    channel: str,
    user: str,
    text: str,
    *,
    ts: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    channel_type: str = "channel",
    subtype: str | None = None,
    bot_id: str | None = None,
    files: list | None = None,
    event_time: int | None = None,
    **event_extra: Any,
) -> dict:
    """An Events API ``event_callback`` envelope carrying a ``message`` event."""
    ts = ts or slack_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "team": team_id,
        "channel_type": channel_type,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if subtype:
        event["subtype"] = subtype
    if bot_id:
        event["bot_id"] = bot_id
    if files:
        event["files"] = files
    event.update(event_extra)
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{_n():010d}",
        "event_time": event_time or int(float(ts)),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-fake-{_n()}",
    }


def slack_url_verification(challenge: str = "challenge-token") -> dict:
    return {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}


def _response_url(response_url: Any, channel_id: str, kind: str) -> str:
    if response_url is None:
        return f"https://hooks.slack.com/{kind}/{TEAM_ID}/{_n()}/fake"  # unreachable on purpose
    if hasattr(response_url, "new_response_url"):  # a FakeSlack
        return response_url.new_response_url(channel_id=channel_id, kind=kind)
    return str(response_url)


def slack_slash_command_form(
    command: str,
    text: str,
    channel_id: str,
    user_id: str,
    *,
    user_name: str = "test.user",
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    team_domain: str = "test-team",
    api_app_id: str = APP_ID,
    trigger_id: str | None = None,
    response_url: Any = None,
) -> bytes:
    """The form body Slack POSTs for a slash command. ``response_url`` may be a URL or a
    FakeSlack (then a response URL on that fake is issued)."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": _response_url(response_url, channel_id, "commands"),
        "trigger_id": trigger_id or f"{_n()}.{_n()}.fake",
    }
    return urlencode(fields).encode()


def slack_block_action(
    action_id: str,
    value: str | None = None,
    *,
    user_id: str = "U0USER",
    channel_id: str = "C0CHANNEL",
    message_ts: str | None = None,
    block_id: str = "blk",
    action_type: str = "button",
    actions: list[dict] | None = None,
    message: dict | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    user_name: str = "test.user",
    trigger_id: str | None = None,
    response_url: Any = None,
    thread_ts: str | None = None,
) -> bytes:
    """The form body (``payload=<json>``) Slack POSTs when a user clicks a Block Kit element.
    ``actions`` replaces the single generated action (e.g. checkboxes with selected_options)."""
    message_ts = message_ts or slack_ts()
    action_ts = f"{time.time():.6f}"
    if actions is None:
        action = {"action_id": action_id, "block_id": block_id, "type": action_type, "action_ts": action_ts}
        if action_type == "button":
            action["text"] = {"type": "plain_text", "text": action_id, "emoji": True}
            if value is not None:
                action["value"] = value
        elif action_type == "checkboxes":
            action["selected_options"] = [
                {"text": {"type": "plain_text", "text": v}, "value": v} for v in (value.split(",") if value else [])
            ]
        elif value is not None:
            action["selected_option"] = {"text": {"type": "plain_text", "text": value}, "value": value}
        actions = [action]
    msg = message or {"type": "message", "ts": message_ts, "text": "", "user": "U0BOT", "bot_id": "B0BOT", "blocks": []}
    if thread_ts:
        msg.setdefault("thread_ts", thread_ts)
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False},
        "trigger_id": trigger_id or f"{_n()}.{_n()}.fake",
        "team": {"id": team_id, "domain": "test-team"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "message": msg,
        "state": {"values": {}},
        "response_url": _response_url(response_url, channel_id, "actions"),
        "actions": actions,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


# -- Telegram ------------------------------------------------------------------------
def tg_user(
    user_id: int,
    first_name: str = "Test",
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "es",
    is_bot: bool = False,
) -> dict:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def tg_chat(chat_id: int, chat_type: str = "supergroup", title: str | None = None) -> dict:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Test"}
    return {"id": chat_id, "type": chat_type, "title": title or f"Chat {chat_id}"}


def tg_command_entities(text: str) -> list[dict]:
    """A ``bot_command`` entity at offset 0 when the text starts with ``/command[@bot]``."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0]) if text.strip() else 0
    return [{"type": "bot_command", "offset": 0, "length": len(text[:length].encode("utf-16-le")) // 2}]


def _message(
    chat_id: int,
    user_id: int,
    *,
    chat_type: str,
    message_id: int | None,
    date: int | None,
    first_name: str,
    language_code: str | None,
    username: str | None,
    chat_title: str | None,
    reply_to_message_id: int | None,
    reply_to_from: dict | None,
    reply_to_text: str | None,
    message_thread_id: int | None,
) -> dict:
    msg: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_tg_message_ids),
        "from": tg_user(user_id, first_name, username=username, language_code=language_code),
        "chat": tg_chat(chat_id, chat_type, chat_title)
        if chat_type != "private"
        else {"id": chat_id, "type": "private", "first_name": first_name},
        "date": date or int(time.time()),
    }
    if message_thread_id is not None:
        msg["message_thread_id"] = message_thread_id
    if reply_to_message_id is not None:
        reply: dict[str, Any] = {"message_id": reply_to_message_id, "chat": msg["chat"], "date": msg["date"] - 1}
        reply["from"] = reply_to_from or {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "BLM Bot",
            "username": "blm_test_bot",
        }
        if reply_to_text is not None:
            reply["text"] = reply_to_text
        msg["reply_to_message"] = reply
    return msg


def tg_message_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    text: str,
    *,
    chat_type: str = "supergroup",
    message_id: int | None = None,
    reply_to_message_id: int | None = None,
    reply_to_from: dict | None = None,
    reply_to_text: str | None = None,
    first_name: str = "Test",
    language_code: str | None = "es",
    username: str | None = None,
    chat_title: str | None = None,
    date: int | None = None,
    message_thread_id: int | None = None,
    entities: list[dict] | None = None,
) -> dict:
    """An Update with a text message; commands get their ``bot_command`` entity."""
    msg = _message(
        chat_id,
        user_id,
        chat_type=chat_type,
        message_id=message_id,
        date=date,
        first_name=first_name,
        language_code=language_code,
        username=username,
        chat_title=chat_title,
        reply_to_message_id=reply_to_message_id,
        reply_to_from=reply_to_from,
        reply_to_text=reply_to_text,
        message_thread_id=message_thread_id,
    )
    msg["text"] = text
    ents = tg_command_entities(text) if entities is None else entities
    if ents:
        msg["entities"] = ents
    return {"update_id": update_id, "message": msg}


def tg_edited_message_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    text: str,
    message_id: int,
    *,
    edit_date: int | None = None,
    **kwargs: Any,
) -> dict:
    update = tg_message_update(update_id, chat_id, user_id, text, message_id=message_id, **kwargs)
    msg = update.pop("message")
    msg["edit_date"] = edit_date or msg["date"] + 60
    update["edited_message"] = msg
    return update


def tg_callback_query_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    data: str,
    message_id: int,
    *,
    callback_query_id: str | None = None,
    message_text: str = "",
    chat_type: str = "supergroup",
    first_name: str = "Test",
    language_code: str | None = "es",
    inline_keyboard: list | None = None,
) -> dict:
    """An Update with a callback query from a button on the bot's message ``message_id``."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()) - 5,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "BLM Bot", "username": "blm_test_bot"},
        "chat": tg_chat(chat_id, chat_type),
        "text": message_text,
    }
    if inline_keyboard is not None:
        message["reply_markup"] = {"inline_keyboard": inline_keyboard}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": callback_query_id or str(9_000_000_000 + _n()),
            "from": tg_user(user_id, first_name, language_code=language_code),
            "message": message,
            "chat_instance": str(-abs(chat_id) * 7),
            "data": data,
        },
    }


def tg_location_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    latitude: float,
    longitude: float,
    *,
    chat_type: str = "supergroup",
    message_id: int | None = None,
    horizontal_accuracy: float | None = None,
    **kwargs: Any,
) -> dict:
    update = tg_message_update(
        update_id, chat_id, user_id, "", chat_type=chat_type, message_id=message_id, entities=[], **kwargs
    )
    msg = update["message"]
    del msg["text"]
    msg["location"] = {"latitude": latitude, "longitude": longitude}
    if horizontal_accuracy is not None:
        msg["location"]["horizontal_accuracy"] = horizontal_accuracy
    return update


def tg_photo_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    *,
    file_id: str = "PHOTO-FILE-ID",
    caption: str | None = None,
    file_size: int = 12_345,
    width: int = 1280,
    height: int = 960,
    chat_type: str = "supergroup",
    message_id: int | None = None,
    **kwargs: Any,
) -> dict:
    """A photo message; the largest size carries ``file_id`` (register it on FakeTelegram to download)."""
    update = tg_message_update(
        update_id, chat_id, user_id, "", chat_type=chat_type, message_id=message_id, entities=[], **kwargs
    )
    msg = update["message"]
    del msg["text"]
    msg["photo"] = [
        {
            "file_id": f"{file_id}-small",
            "file_unique_id": f"{file_id}-s",
            "width": 90,
            "height": 68,
            "file_size": 1_200,
        },
        {
            "file_id": file_id,
            "file_unique_id": f"{file_id}-u",
            "width": width,
            "height": height,
            "file_size": file_size,
        },
    ]
    if caption is not None:
        msg["caption"] = caption
    return update


def tg_migrate_update(
    update_id: int,
    old_chat_id: int,
    new_chat_id: int,
    *,
    side: str = "old",
    user_id: int = 1,
    message_id: int | None = None,
) -> dict:
    """A group upgraded to a supergroup. ``side="old"``: the service message in the old group
    (``migrate_to_chat_id``); ``side="new"``: the one in the supergroup (``migrate_from_chat_id``)."""
    if side == "old":
        update = tg_message_update(
            update_id, old_chat_id, user_id, "", chat_type="group", message_id=message_id, entities=[]
        )
        update["message"]["migrate_to_chat_id"] = new_chat_id
    else:
        update = tg_message_update(
            update_id, new_chat_id, user_id, "", chat_type="supergroup", message_id=message_id, entities=[]
        )
        update["message"]["migrate_from_chat_id"] = old_chat_id
    del update["message"]["text"]
    return update


def tg_webhook_headers(secret: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return headers
