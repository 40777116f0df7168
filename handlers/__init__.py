"""The platform edges. Only the process entry (bot.cli) builds them; the core never imports them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core import Core
from bot.edges import Edge
from handlers.files import FileFetchers
from handlers.slack import SlackEdge
from handlers.telegram import TelegramEdge

if TYPE_CHECKING:
    from handlers.twilio import TwilioDialer


def make_dialer(settings: Settings) -> TwilioDialer | None:
    """The telephone alarm's calls and SMS through Twilio, when it is configured (else None: the
    alarm places no calls). Made before the runtime, which gives it to the Alarm."""
    if not settings.alarm_enabled:
        return None
    from handlers.twilio import TwilioDialer  # why: the twilio client costs ~15 MB; only the alarm needs it

    return TwilioDialer(settings)


def build_edges(settings: Settings, core: Core, dialer: TwilioDialer | None = None) -> list[Edge]:
    """The configured edges. Files relayed between platforms: each edge fetches its own, the
    other's sender uploads them, through one FileFetchers given to every sender. With a `dialer`
    (the telephone alarm), the Twilio edge takes its signed callbacks."""
    fetchers = FileFetchers()
    edges: list[Edge] = []
    if settings.slack_enabled:
        edges.append(SlackEdge(settings, core, fetchers))
    if settings.telegram_enabled:
        edges.append(TelegramEdge(settings, core, fetchers))
    twilio = None
    if dialer is not None:
        from handlers.twilio import TwilioEdge  # why: only a process with the alarm configured needs it

        twilio = TwilioEdge(settings, core, dialer)
    for edge in edges:
        fetchers.register(edge.name, edge.fetch_file)
    if twilio is not None:
        edges.append(twilio)  # receives only: no files, no sender
    return edges
