"""The interface every edge implements to put the core's messages on its platform."""

from __future__ import annotations

from typing import Protocol

from bot.model import OutboundMessage, RoomRef, SendResult


class RoomSender(Protocol):
    platform: str

    async def post(self, message: OutboundMessage) -> SendResult:
        """Post; raise RateLimited, TransientError or PermanentError from bot.model."""

    async def edit(self, room: RoomRef, message_ids: list[str], message: OutboundMessage) -> SendResult:
        """Replace the text (and buttons) of the posts made for one message."""

    async def delete(self, room: RoomRef, message_ids: list[str]) -> None: ...
