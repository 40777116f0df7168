"""Slash commands -> InboundEvent(kind="command"). The answer comes later as an ephemeral post."""
from __future__ import annotations

import re

from bot.model import InboundEvent, RoomRef, Sender


def command_to_inbound(command: dict) -> InboundEvent:
    channel = command.get("channel_id", "")
    return InboundEvent(
        kind="command", platform="slack",
        event_id="cmd:" + (command.get("trigger_id") or f"{channel}:{command.get('user_id')}:{command.get('text')}"),
        room=RoomRef(platform="slack", chat_id=channel),
        private=command.get("channel_name") == "directmessage" or channel.startswith("D"),
        sender=Sender(user_id=command.get("user_id", ""), display_name=command.get("user_name", "")),
        command=(command.get("command") or "/").lstrip("/").lower(),
        text=command.get("text") or "",
    )


def register(app, core, identity) -> None:
    @app.command(re.compile(r"^/.+"))
    async def on_command(ack, command):
        await core.accept(command_to_inbound(command))
        await ack()  # empty 200: the answer is posted (ephemeral) once queued work runs
