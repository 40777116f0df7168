"""What an edge (Slack, Telegram, console) offers the process that runs it.

The core never imports an edge; the process entry (`bot.cli`) builds the edges and hands them in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from bot.delivery.senders import RoomSender
from bot.model import Attachment

if TYPE_CHECKING:
    from bot.runtime import Runtime


class Edge(Protocol):
    name: str

    @property
    def sender(self) -> RoomSender | None:
        """What puts the core's messages on this platform (None: this edge only receives)."""

    def add_routes(self, app: web.Application) -> None:
        """Mount inbound HTTP routes (webhooks) on the web app."""

    async def fetch_file(self, att: Attachment) -> bytes:
        """The bytes of a file posted on this edge's platform (for the other edge to upload)."""

    async def start(self, runtime: Runtime, *, receive: bool) -> None:
        """Check credentials, register webhooks; with `receive`, start polling / Socket Mode."""

    async def stop(self) -> None: ...
