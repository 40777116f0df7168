"""Slash commands -> InboundEvent(kind="command"). The answer comes later as an ephemeral post."""

from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from bot.markup import slack_unescape
from bot.model import InboundEvent, RoomRef, Sender

log = logging.getLogger(__name__)


def command_to_inbound(command: dict) -> InboundEvent | None:
    """The event, or None for a payload of a shape Slack does not send (logged, acknowledged, dropped:
    answering 500 would only make Slack send it again)."""
    try:
        return _command_to_inbound(command)
    except (ValidationError, TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        log.warning("slack: %s payload of an unexpected shape dropped (%s)", "commands", type(exc).__name__)
        return None


def _command_to_inbound(command: dict) -> InboundEvent | None:
    channel = command.get("channel_id", "")
    return InboundEvent(
        kind="command",
        platform="slack",
        event_id="cmd:" + (command.get("trigger_id") or f"{channel}:{command.get('user_id')}:{command.get('text')}"),
        room=RoomRef(platform="slack", chat_id=channel),
        private=command.get("channel_name") == "directmessage" or channel.startswith("D"),
        sender=Sender(user_id=command.get("user_id", ""), display_name=command.get("user_name", "")),
        command=(command.get("command") or "/").lstrip("/").lower(),
        # Slack escapes &, < and > in a command's text: the command reads what the person typed
        text=slack_unescape(command.get("text") or ""),
    )


def register(app, core, identity) -> None:
    @app.command(re.compile(r"^/.+"))
    async def on_command(ack, command):
        inbound = command_to_inbound(command)
        if inbound is not None:
            await core.accept(inbound)
        await ack()  # empty 200: the answer is posted (ephemeral) once queued work runs
