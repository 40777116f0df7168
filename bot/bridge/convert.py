"""Platform markup -> plain text that is safe anywhere (a first, conservative conversion)."""
from __future__ import annotations

import html
import re

_SLACK_SPECIAL = re.compile(r"<!(channel|here|everyone)(\|[^>]*)?>")
_SLACK_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_SLACK_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SLACK_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")
_SLACK_BARE = re.compile(r"<([^<>]+)>")
_TAG = re.compile(r"<[^>]+>")


def slack_to_plain(text: str, user_name=lambda uid: None) -> str:
    text = _SLACK_SPECIAL.sub(lambda m: "@\u200b" + m.group(1), text)  # never a broadcast
    text = _SLACK_SUBTEAM.sub(lambda m: "@\u200b" + (m.group(1) or "group").lstrip("@"), text)
    text = _SLACK_USER.sub(lambda m: "@" + (user_name(m.group(1)) or m.group(2) or m.group(1)), text)
    text = _SLACK_CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SLACK_LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _SLACK_BARE.sub(lambda m: m.group(1), text)
    return html.unescape(text)


def telegram_html_to_plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))
