"""Checklist helpers for tests through both fakes: the drill-basic fixture playbook in the Nogales
rooms, its checklist posts, and clicks on their buttons."""

import json
from pathlib import Path

from testing.fakes._base import wait_for_fakes
from testing.fakes.builders import (
    slack_block_action,
    slack_signed,
    tg_callback_query_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, slack_command

PLAYBOOKS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "playbooks"
SLACK_ROOM, TG_ROOM = "C0NOGALES", -1001000000003


def settings(redis_url, fake_slack, fake_telegram):
    return make_settings(redis_url, fake_slack, fake_telegram, playbooks_dir=PLAYBOOKS)


def slack_buttons(call) -> list[dict]:
    blocks = call.params.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else (blocks or [])
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def tg_buttons(call) -> list[dict]:
    markup = call.params.get("reply_markup")
    markup = json.loads(markup) if isinstance(markup, str) else (markup or {})
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def checklist_posts(fake_slack, fake_telegram):
    slack = next(
        (
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.params.get("channel") == SLACK_ROOM and "Keep the caller talking" in json.dumps(c.params)
        ),
        None,
    )
    tg = next(
        (
            c
            for c in fake_telegram.calls_to("sendMessage")
            if str(c.params.get("chat_id")) == str(TG_ROOM) and "Mantenga al interlocutor" in c.params.get("text", "")
        ),
        None,
    )
    return slack, tg


async def click_tg(bot, update_id, user, data, message_id):
    update = tg_callback_query_update(update_id, TG_ROOM, user, data, message_id)
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200


async def click_slack(bot, user, value, ts, channel=SLACK_ROOM):
    body = slack_block_action("blm_btn_0", value, user_id=user, channel_id=channel, message_ts=ts)
    data, headers = slack_signed(SIGNING_SECRET, body)
    assert (await bot.post("/slack/events", data, headers)).status == 200


async def start_drill_basic(bot, fake_slack, fake_telegram):
    await slack_command(bot, "/playbook", "run drill-basic", SLACK_ROOM, "U0BOB")
    return await wait_for_fakes(
        [fake_slack, fake_telegram],
        lambda: all(checklist_posts(fake_slack, fake_telegram)) and checklist_posts(fake_slack, fake_telegram),
        timeout=10,
        what="checklists posted on both platforms",
    )
