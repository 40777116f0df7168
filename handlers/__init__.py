"""The platform edges. Only the process entry (bot.cli) builds them; the core never imports them."""

from __future__ import annotations

from bot.config import Settings
from bot.core import Core
from bot.edges import Edge
from handlers.files import FileFetchers
from handlers.slack import SlackEdge
from handlers.telegram import TelegramEdge


def build_edges(settings: Settings, core: Core) -> list[Edge]:
    """The configured edges. Files relayed between platforms: each edge fetches its own, the
    other's sender uploads them, through one FileFetchers given to every sender."""
    fetchers = FileFetchers()
    edges: list[Edge] = []
    if settings.slack_enabled:
        edges.append(SlackEdge(settings, core, fetchers))
    if settings.telegram_enabled:
        edges.append(TelegramEdge(settings, core, fetchers))
    for edge in edges:
        fetchers.register(edge.name, edge.fetch_file)
    return edges
