"""Events API messages -> InboundEvent. With process_before_response the HTTP answer waits for
this listener, which does one Redis call (accept), so Slack's 200 means 'durably queued'."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.model import Attachment, InboundEvent, RoomRef, Sender
from bot.names import slack_profile_name

IGNORED_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "pinned_item",
    "unpinned_item",
    "ekm_access_denied",
    "group_join",
    "group_leave",
}

log = logging.getLogger(__name__)


def message_to_inbound(body: dict, identity) -> InboundEvent | None:
    """The event, or None for a payload of a shape Slack does not send (logged, acknowledged, dropped:
    answering 500 would only make Slack send it again)."""
    try:
        return _message_to_inbound(body, identity)
    except (ValidationError, TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        log.warning("slack: %s payload of an unexpected shape dropped (%s)", "events", type(exc).__name__)
        return None


def _message_to_inbound(body: dict, identity) -> InboundEvent | None:
    event = body.get("event") or {}
    subtype = event.get("subtype")
    if subtype in IGNORED_SUBTYPES:
        return None
    channel = event.get("channel", "")
    kind = "message"
    msg = event
    if subtype == "message_changed":
        kind, msg = "edit", event.get("message") or {}
        if (event.get("previous_message") or {}).get("text") == msg.get("text"):
            return None  # an unfurl or a reaction: nothing a reader would call an edit
    elif subtype == "message_deleted":
        kind, msg = "delete", event.get("previous_message") or {}
    user = msg.get("user") or event.get("user") or ""
    is_bot = bool(msg.get("bot_id") or subtype == "bot_message" or (identity.user_id and user == identity.user_id))
    files = [
        Attachment(
            kind="file",
            name=f.get("name") or f.get("title") or "file",
            mime=f.get("mimetype", ""),
            size=f.get("size"),
            # A Slack Connect stub (file_access: check_file_info) has only its id: the edge
            # looks it up with files.info when it fetches the file.
            file_ref=f.get("url_private_download") or f.get("url_private") or f.get("id") or "",
        )
        for f in msg.get("files") or []
        if isinstance(f, dict) and f.get("mode") != "tombstone"
    ]
    ts = event.get("deleted_ts") if kind == "delete" else msg.get("ts")
    thread_ts = msg.get("thread_ts")
    return InboundEvent(
        kind=kind,
        platform="slack",
        event_id=body.get("event_id") or f"{channel}:{event.get('event_ts')}",
        room=RoomRef(platform="slack", chat_id=channel),
        private=event.get("channel_type") == "im" or channel.startswith("D"),
        sender=Sender(user_id=user, is_bot=is_bot),
        text=msg.get("text") or "",
        message_id=ts,
        thread_root=thread_ts if thread_ts and thread_ts != ts else None,
        also_to_channel=subtype == "thread_broadcast",
        attachments=files,
    )


def register(app, core, identity) -> None:
    @app.event("message")
    async def on_message(body, logger):
        inbound = message_to_inbound(body, identity)
        if inbound is None or inbound.sender.is_bot:
            return
        await core.accept(inbound)

    @app.event("user_change")
    async def on_user_change(body):
        # https://api.slack.com/events/user_change: the whole user object; a cached name follows it.
        user = (body.get("event") or {}).get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            await core.names.remember("slack", user["id"], slack_profile_name(user), refresh_only=True)

    @app.event("app_mention")
    async def on_mention(body):
        return  # the same text arrives as a message event; nothing more to do
