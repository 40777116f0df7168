"""The bridge: each BLM's Slack channel and Telegram group (and the central room) as one
conversation. Registered with the core as a message listener; it also gives the Deliverer the
way to combine a backed-up room's relayed posts (coalescing)."""

from bot.bridge import messages  # noqa: F401  (registers the bridge's texts)
from bot.bridge.relay import coalesce, relay_message


def register(runtime) -> None:
    runtime.core.message_listeners.append(relay_message)
    if runtime.deliverer is not None:
        runtime.deliverer.coalesce = coalesce
