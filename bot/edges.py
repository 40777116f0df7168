"""What an edge (Slack, Telegram, console) offers the process that runs it.

The core never imports an edge; the process entry (`bot.cli`) builds the edges and hands them in.
"""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from bot.delivery.senders import RoomSender


class Edge(Protocol):
    name: str
    sender: RoomSender | None

    def add_routes(self, app: web.Application) -> None:
        """Mount inbound HTTP routes (webhooks) on the web app."""

    async def start(self, runtime, *, receive: bool) -> None:
        """Check credentials, register webhooks; with `receive`, start polling / Socket Mode."""

    async def stop(self) -> None: ...
