"""OutboundMessage -> Slack Block Kit, within Slack's limits, with nothing that can ping a channel.

All text is escaped (`&`, `<`, `>`), so `<!channel>` typed by anyone arrives as harmless text; the
only mentions rendered are the explicit `Mention`s the core asked for.
"""

from __future__ import annotations

from bot.i18n import t
from bot.markup import mark_parts, split_mrkdwn, split_text
from bot.markup import slack_escape as escape
from bot.model import OutboundMessage

SECTION_LIMIT = 3000
BLOCKS_PER_POST = 48  # Slack allows 50
BUTTONS_PER_ACTIONS = 25
BUTTON_TEXT = 75
TEXT_LIMIT = 40_000


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _chunks(message: OutboundMessage) -> list[str]:
    """mrkdwn pieces in order, each within a section's limit."""
    pieces: list[str] = []
    if message.exercise:
        pieces.append(f":rotating_light: *{t('exercise.banner', message.lang)}*")
    if message.title:
        pieces.append(f"*{escape(message.title)}*")
    body = message.rich_text if message.rich_text is not None else escape(message.text)
    if message.attribution:
        body = f"*{escape(message.attribution)}*\n{body}" if body else f"*{escape(message.attribution)}*"
    if body:
        # rich_text is already mrkdwn (converted by the bridge): split without cutting a <link>
        pieces += (
            split_mrkdwn(body, SECTION_LIMIT) if message.rich_text is not None else split_text(body, SECTION_LIMIT)
        )
    if message.lines:
        pieces += split_text("\n".join(escape(line) for line in message.lines), SECTION_LIMIT)
    if message.mentions:
        pieces.append(" ".join(f"<@{m.user_id}>" for m in message.mentions))
    return pieces


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
    pieces = _chunks(message)
    button_blocks = _buttons(message)
    posts: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        if len(posts[-1]) >= BLOCKS_PER_POST - len(button_blocks) or size + len(piece) > TEXT_LIMIT - 1000:
            posts.append([])
            size = 0
        posts[-1].append(piece)
        size += len(piece)
    if len(posts) > 1:
        marked = mark_parts(["\n".join(p) for p in posts])
        posts = [[m[: m.index(" ") + 1] + p[0]] + p[1:] for m, p in zip(marked, posts, strict=False)]
    out = []
    for i, post in enumerate(posts):
        blocks = [_section(piece) for piece in post if piece]
        if i == len(posts) - 1:
            blocks += button_blocks
        fallback = "\n".join(post)[:3000] or " "
        out.append({"text": fallback, "blocks": blocks})
    return out
