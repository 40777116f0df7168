"""Button clicks (block_actions) -> InboundEvent(kind="action")."""

from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from bot.model import InboundEvent, RoomRef, Sender

log = logging.getLogger(__name__)


def action_to_inbound(body: dict) -> InboundEvent | None:
    """The event, or None for a payload of a shape Slack does not send (logged, acknowledged, dropped:
    answering 500 would only make Slack send it again)."""
    try:
        return _action_to_inbound(body)
    except (ValidationError, TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        log.warning("slack: %s payload of an unexpected shape dropped (%s)", "actions", type(exc).__name__)
        return None


def _action_to_inbound(body: dict) -> InboundEvent | None:
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    message = body.get("message") or {}
    user = body.get("user") or {}
    return InboundEvent(
        kind="action",
        platform="slack",
        event_id="act:" + (action.get("action_ts") or body.get("trigger_id") or ""),
        room=RoomRef(platform="slack", chat_id=channel),
        private=channel.startswith("D"),
        sender=Sender(user_id=user.get("id", ""), display_name=user.get("name") or user.get("username") or ""),
        action=action.get("value") or (action.get("selected_option") or {}).get("value") or "",
        message_id=message.get("ts") or (body.get("container") or {}).get("message_ts"),
        thread_root=message.get("thread_ts"),
    )


def register(app, core, identity) -> None:
    @app.action(re.compile(r".*"))
    async def on_action(ack, body):
        inbound = action_to_inbound(body)
        if inbound is not None:
            await core.accept(inbound)
        await ack()
