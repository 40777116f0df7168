"""Helpers for the board's tests: a bot with PUBLIC_URL set, and signing in the way a person does
(send /board in a private Telegram chat or Slack, take the link the fake recorded)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from testing.fakes._base import wait_for_fakes
from testing.fakes.builders import tg_message_update, tg_webhook_headers
from testing.harness import TG_SECRET, make_settings, slack_command

PLAYBOOKS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "playbooks"
LINK = re.compile(r"/board/link/[A-Za-z0-9_-]{43}")
SLACK_ROOM, TG_ROOM = "C0NOGALES", -1001000000003
ANA, LUIS = 5550001, 5550002  # Telegram: coordinator, member (Nogales)

_update_ids = iter(range(900_000, 10_000_000))


def board_settings(redis_url, fake_slack, fake_telegram, **extra):
    return make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=PLAYBOOKS, public_url="http://board.example.test", **extra
    )


def links_in(texts: list[str]) -> list[str]:
    return [m.group(0) for text in texts for m in LINK.finditer(text)]


async def telegram_link(bot, fake_telegram, user: int = ANA, lang: str = "es") -> str:
    """/board in the person's private chat; the path of the link the bot sent there."""
    before = len(links_in(fake_telegram.texts(user)))
    update = tg_message_update(next(_update_ids), user, user, "/board", chat_type="private", language_code=lang)
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200
    await wait_for_fakes(
        [fake_telegram], lambda: len(links_in(fake_telegram.texts(user))) > before, timeout=10, what="link sent"
    )
    return links_in(fake_telegram.texts(user))[-1]


async def slack_start(bot, fake_slack, fake_telegram, playbook: str = "drill-basic", user: str = "U0BOB") -> None:
    await slack_command(bot, "/playbook", f"run {playbook}", SLACK_ROOM, user)
