"""Events API messages -> InboundEvent. With process_before_response the HTTP answer waits for
this listener, which does one Redis call (accept), so Slack's 200 means 'durably queued'."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.markup import slack_mrkdwn_to_plain
from bot.model import Attachment, InboundEvent, RoomRef, Sender
from bot.names import slack_profile_name

# Channel housekeeping, not anything a person said (https://api.slack.com/events/message#subtypes).
IGNORED_SUBTYPES = {
    "channel_join",
    "channel_archive",
    "channel_unarchive",
    "channel_convert_to_private",
    "channel_posting_permissions",
    "group_archive",
    "group_unarchive",
    "group_topic",
    "group_purpose",
    "group_name",
    "bot_add",
    "bot_remove",
    "reminder_add",
    "message_replied",
    "huddle_thread",
    "sh_room_created",
    "assistant_app_thread",
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
        before = event.get("previous_message") or {}
        if before.get("text") == msg.get("text") and _shared_text(before) == _shared_text(msg):
            return None  # an unfurl or a reaction: nothing a reader would call an edit
    elif subtype == "message_deleted":
        kind, msg = "delete", event.get("previous_message") or {}
    user = msg.get("user") or event.get("user") or ""
    display_name = ""
    is_bot = _is_own(msg, subtype, user, identity)
    if not is_bot and (msg.get("bot_id") or subtype == "bot_message") and not user:
        # Another app's post (https://api.slack.com/events/message/bot_message): relayed under its
        # own name, marked as not in the directory like any stranger. Our own posts never are.
        user = msg.get("bot_id") or ""
        display_name = msg.get("username") or (msg.get("bot_profile") or {}).get("name") or ""
    profile = msg.get("user_profile") or {}  # Slack Connect: the author's profile rides along
    if isinstance(profile, dict) and not display_name:
        display_name = profile.get("display_name") or profile.get("real_name") or ""
    shared = _shared(msg)
    files = [_file(f) for f in [*(msg.get("files") or []), *[f for a in shared for f in a.get("files") or []]]]
    files = [f for f in files if f is not None]
    text = msg.get("text") or ""
    if shared:
        text = "\n".join(x for x in [text, _shared_text(msg)] if x)
    ts = event.get("deleted_ts") if kind == "delete" else msg.get("ts")
    thread_ts = msg.get("thread_ts")
    return InboundEvent(
        kind=kind,
        platform="slack",
        event_id=body.get("event_id") or f"{channel}:{event.get('event_ts')}",
        room=RoomRef(platform="slack", chat_id=channel),
        private=event.get("channel_type") == "im" or channel.startswith("D"),
        sender=Sender(user_id=user, display_name=display_name, is_bot=is_bot),
        text=text,
        typed_text=slack_mrkdwn_to_plain(text),  # Slack escapes & < > and writes links as <url|label>
        message_id=ts,
        thread_root=thread_ts if thread_ts and thread_ts != ts else None,
        also_to_channel=subtype == "thread_broadcast",
        attachments=files,
        forwarded_from=_shared_origin(shared),
    )


def _is_own(msg: dict, subtype: str | None, user: str, identity) -> bool:
    """The bot's own posts (never relayed: no loops). Until auth.test has said who we are, every
    app's post counts as ours."""
    if identity.user_id and user == identity.user_id:
        return True
    if msg.get("bot_id") or subtype == "bot_message":
        return identity.bot_id is None or msg.get("bot_id") == identity.bot_id
    return False


def _file(f) -> Attachment | None:
    if not isinstance(f, dict) or f.get("mode") == "tombstone":
        return None
    return Attachment(
        kind="file",
        name=f.get("name") or f.get("title") or "file",
        mime=f.get("mimetype", ""),
        size=f.get("size"),
        # A Slack Connect stub (file_access: check_file_info) has only its id: the edge looks it
        # up with files.info when it fetches the file.
        file_ref=f.get("url_private_download") or f.get("url_private") or f.get("id") or "",
    )


def _shared(msg: dict) -> list[dict]:
    """Forwarded / shared messages: attachments marked `is_share` (or a message unfurl standing in
    for an empty text); link unfurls (previews of a URL already in the text) are not content."""
    out = []
    for a in msg.get("attachments") or []:
        if isinstance(a, dict) and (a.get("is_share") or (a.get("is_msg_unfurl") and not msg.get("text"))):
            out.append(a)
    return out


def _shared_text(msg: dict) -> str:
    return "\n".join(str(a.get("text") or a.get("fallback") or "") for a in _shared(msg) if isinstance(a, dict))


def _shared_origin(shared: list[dict]) -> str | None:
    if not shared:
        return None
    a = shared[0]
    who = a.get("author_name") or a.get("author_subname") or ""
    where = f"#{a['channel_name']}" if a.get("channel_name") else ""
    return " ".join(x for x in (str(who), str(where)) if x) or "Slack"


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
