"""The bridge: each BLM's Slack channel and Telegram group (and the central room) as one
conversation. The runtime builds `bot.bridge.domain.Bridge`."""
