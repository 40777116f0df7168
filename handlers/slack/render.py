"""OutboundMessage -> Slack Block Kit, within Slack's limits, with nothing that can ping a channel.

All text is escaped (`&`, `<`, `>`), so `<!channel>` typed by anyone arrives as harmless text; the
only mentions rendered are the explicit `Mention`s the core asked for.
"""

from __future__ import annotations

import json

from bot.i18n import t
from bot.markup import mark_parts, split_mrkdwn, split_text
from bot.markup import slack_escape as escape
from bot.model import OutboundMessage

SECTION_LIMIT = 3000
BLOCKS_PER_POST = 48  # Slack allows 50
BUTTONS_PER_ACTIONS = 25
BUTTON_TEXT = 75
TEXT_LIMIT = 40_000
ATTRIBUTION_LIMIT = 300  # well inside a context element's text limit


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn[:ATTRIBUTION_LIMIT]}]}


def _attribution(who: str) -> dict:
    """Who wrote a relayed message: a context block the bot draws. People's text only ever goes
    in section blocks, so nothing anyone types can look like this line."""
    return _context(f"*{escape(who)}*")


def _body(rich_text: str | None, text: str) -> list[dict]:
    body = rich_text if rich_text is not None else escape(text)
    if not body:
        return []
    # rich_text is already mrkdwn (converted by the bridge): split without cutting a <link>
    pieces = split_mrkdwn(body, SECTION_LIMIT) if rich_text is not None else split_text(body, SECTION_LIMIT)
    return [_section(piece) for piece in pieces if piece]


def _content(message: OutboundMessage) -> list[dict]:
    """The message's blocks in order, each within Slack's limits."""
    blocks: list[dict] = []
    if message.exercise:
        blocks.append(_section(f":rotating_light: *{t('exercise.banner', message.lang)}*"))
    if message.title:
        blocks.append(_section(f"*{escape(message.title)}*"))
    if message.attribution:
        blocks.append(_attribution(message.attribution))
    blocks += _body(message.rich_text, message.text)
    for part in message.relayed:  # a combined post: each message under its own attribution
        blocks.append(_attribution(part.attribution))
        blocks += _body(part.rich_text, "")
    if message.lines:
        blocks += [_section(p) for p in split_text("\n".join(escape(line) for line in message.lines), SECTION_LIMIT)]
    if message.mentions:
        blocks.append(_section(" ".join(f"<@{m.user_id}>" for m in message.mentions)))
    return blocks


def _text_of(block: dict) -> str:
    if block["type"] == "context":
        return block["elements"][0]["text"]
    return block["text"]["text"]


def _prefix(block: dict, marker: str) -> dict:
    block = json.loads(json.dumps(block))
    if block["type"] == "context":
        block["elements"][0]["text"] = marker + block["elements"][0]["text"]
    else:
        block["text"]["text"] = marker + block["text"]["text"]
    return block


def _buttons(message: OutboundMessage) -> list[dict]:
    blocks = []
    for start in range(0, len(message.buttons), BUTTONS_PER_ACTIONS):
        elements = []
        for i, button in enumerate(message.buttons[start : start + BUTTONS_PER_ACTIONS], start):
            element = {
                "type": "button",
                "action_id": f"blm_btn_{i}",
                "value": button.data,
                "text": {"type": "plain_text", "text": button.label[:BUTTON_TEXT] or "·", "emoji": True},
            }
            if button.style != "default":
                element["style"] = button.style
            elements.append(element)
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def render_posts(message: OutboundMessage) -> list[dict]:
    """Keyword arguments for one chat.postMessage per part (usually one)."""
    content = _content(message)
    button_blocks = _buttons(message)
    posts: list[list[dict]] = [[]]
    size = 0
    for block in content:
        length = len(_text_of(block))
        if len(posts[-1]) >= BLOCKS_PER_POST - len(button_blocks) or size + length > TEXT_LIMIT - 1000:
            posts.append([])
            size = 0
        posts[-1].append(block)
        size += length
    if len(posts) > 1:
        marked = mark_parts(["\n".join(_text_of(b) for b in p) for p in posts])
        posts = [[_prefix(p[0], m[: m.index(" ") + 1])] + p[1:] for m, p in zip(marked, posts, strict=True)]
    out = []
    for i, post in enumerate(posts):
        blocks = list(post)
        if i == len(posts) - 1:
            blocks += button_blocks
        fallback = "\n".join(_text_of(b) for b in post)[:3000] or " "
        out.append({"text": fallback, "blocks": blocks})
    return out
