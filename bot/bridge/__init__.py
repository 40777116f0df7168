"""The bridge: each BLM's Slack channel and Telegram group (and the central room) as one
conversation. Registered with the core as a message listener."""
from bot.bridge.relay import relay_message


def register(runtime) -> None:
    runtime.core.message_listeners.append(relay_message)
