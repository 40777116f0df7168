"""Logging as text or JSON, with secrets scrubbed from every record.

httpx logs request URLs at INFO and a Telegram URL carries the bot token, so tokens are masked in
every message, whatever library wrote it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

_TOKEN_PATTERNS = [
    re.compile(r"bot\d{3,}:[A-Za-z0-9_-]{20,}"),  # Telegram token in URLs
    re.compile(r"\b\d{6,}:[A-Za-z0-9_-]{30,}\b"),  # bare Telegram token
    re.compile(r"xox[abposr]-[A-Za-z0-9-]{8,}"),  # Slack tokens
    re.compile(r"xapp-[A-Za-z0-9-]{8,}"),
    re.compile(r"(redis://[^:/@\s]*:)[^@\s]+@"),  # password in a Redis URL
    re.compile(r"/board/link/[A-Za-z0-9_-]{43}"),  # an operations board sign-in link (bot/board)
]


class Scrubber(logging.Filter):
    def __init__(self, secrets: list[str] | None = None):
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 6]

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        for pattern in _TOKEN_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) + "***@") if m.lastindex else "***", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.scrub(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: list[str] | None = None) -> Scrubber:
    handler = logging.StreamHandler(sys.stderr)
    scrubber = Scrubber(secrets)
    handler.addFilter(scrubber)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for noisy in ("httpx", "httpcore", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return scrubber
