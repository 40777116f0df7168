"""The platforms' limits that the bot's behaviour depends on, in one place (each cites its source).

File sizes are checked twice: by the bridge before queueing (a notice instead of the file when the
size is known) and by the edges once they have the bytes.
"""

MB = 1024 * 1024

# Telegram Bot API (core.telegram.org/bots/api): getFile downloads up to 20 MB; sendDocument and
# friends upload up to 50 MB; sendPhoto takes photos up to 10 MB; a caption is 0-1024 characters.
TELEGRAM_DOWNLOAD_BYTES = 20 * MB
TELEGRAM_UPLOAD_BYTES = 50 * MB
TELEGRAM_PHOTO_BYTES = 10 * MB
TELEGRAM_CAPTION_CHARS = 1024

# What the bridge may move per platform (Slack's own limits are far higher than Telegram's).
DOWNLOAD_BYTES = {"telegram": TELEGRAM_DOWNLOAD_BYTES}
UPLOAD_BYTES = {"telegram": TELEGRAM_UPLOAD_BYTES}
