"""The platform edges. Only the process entry (bot.cli) builds them; the core never imports them."""

from __future__ import annotations


def build_edges(settings, core) -> list:
    edges = []
    if settings.slack_enabled:
        from handlers.slack import SlackEdge

        edges.append(SlackEdge(settings, core))
    if settings.telegram_enabled:
        from handlers.telegram import TelegramEdge

        edges.append(TelegramEdge(settings, core))
    if settings.alarm_enabled:  # the telephone alarm (bot/alarm): calls and SMS out, callbacks in
        from handlers.twilio import TwilioEdge

        edges.append(TwilioEdge(settings, core))
    # Files relayed between platforms: each edge fetches its own, the other uploads them.
    from handlers.files import FileFetchers

    fetchers = FileFetchers()
    for edge in edges:
        if hasattr(edge, "fetch_file"):
            fetchers.register(edge.name, edge.fetch_file)
        if edge.sender is not None:
            edge.sender.files = fetchers
    return edges
