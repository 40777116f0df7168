"""Slack listeners, one module per kind of event; each only translates and queues durably."""

from handlers.slack.listeners import actions, commands, events


def register(app, core, identity) -> None:
    for module in (events, commands, actions):
        module.register(app, core, identity)
