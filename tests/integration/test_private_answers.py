"""Answers meant for one person stay with that person and never spend a room's send budget.

Shapes: Telegram callback_query updates (https://core.telegram.org/bots/api#callbackquery) answered
with answerCallbackQuery `text` (0-200 characters, the only private answer to a tap in a group,
https://core.telegram.org/bots/api#answercallbackquery); a private chat the user never opened answers
403 "Forbidden: bot can't initiate conversation with a user" (https://core.telegram.org/bots/faq).
The fake Telegram enforces the documented 20 messages a minute per group."""

from __future__ import annotations

import json

from testing.checklists import (
    SLACK_ROOM,
    TG_ROOM,
    click_tg,
    settings,
    start_drill_basic,
    tg_buttons,
)
from testing.fakes.builders import slack_message_event, slack_signed, tg_message_update, tg_webhook_headers
from testing.fakes.telegram_api import TelegramRateLimits
from testing.harness import SIGNING_SECRET, TG_SECRET, running_bot, tg_command

STRANGER, LIAISON = 7770001, 5550003  # not in the config; Rosa Díaz, liaison in nogales


def group_sends(fake_telegram) -> list:
    return [c for c in fake_telegram.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(TG_ROOM)]


def real_limits(redis_url, fake_slack, fake_telegram):
    s = settings(redis_url, fake_slack, fake_telegram)
    s.telegram_group_msgs_per_min, s.telegram_msgs_per_sec = 20, 30
    return s


async def test_a_stranger_tapping_twenty_times_does_not_delay_the_room(redis_url, fake_slack, fake_telegram):
    fake_telegram.rate_limits = TelegramRateLimits()
    async with running_bot(real_limits(redis_url, fake_slack, fake_telegram)) as bot:
        _, tg_post = await start_drill_basic(bot, fake_slack, fake_telegram)
        await bot.runtime.runner.drain_until_idle()
        item = tg_buttons(tg_post)[0]["callback_data"]
        msg_id = tg_post.response["result"]["message_id"]
        before = len(group_sends(fake_telegram))
        for i in range(20):
            await click_tg(bot, 50_000 + i, STRANGER, item, msg_id)
        await fake_telegram.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) == 20, what="20 tap answers")
        answers = [c.params.get("text") or "" for c in fake_telegram.calls_to("answerCallbackQuery")]
        assert all("integrante" in a or "member" in a for a in answers), answers  # the refusal, to the tapper
        # The next relayed message reaches the group as soon as the group's own budget allows: the
        # drill's posts used its burst, so ~2 s, measured the same with and without the 20 taps
        # (the taps spend none of it, asserted below). 5 s leaves room for a loaded machine.
        data, headers = slack_signed(SIGNING_SECRET, slack_message_event(SLACK_ROOM, "U0BOB", "gate 3 open"))
        assert (await bot.post("/slack/events", data, headers)).status == 200
        await fake_telegram.wait_for(
            lambda f: any("gate 3 open" in t for t in f.texts(TG_ROOM)), timeout=5, what="relayed"
        )
        # the group's budget went to the room's own posts only: no refusal reached it
        assert not [c for c in group_sends(fake_telegram)[before:] if answers[0] in c.params["text"]]
        assert not [c for c in fake_telegram.calls_to("sendMessage") if c.status == 429]


async def test_twenty_presses_of_a_ticked_item_answer_only_the_presser(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        _, tg_post = await start_drill_basic(bot, fake_slack, fake_telegram)
        await bot.runtime.runner.drain_until_idle()
        item = tg_buttons(tg_post)[0]["callback_data"]
        msg_id = tg_post.response["result"]["message_id"]
        before = len(group_sends(fake_telegram))
        for i in range(20):
            await click_tg(bot, 51_000 + i, LIAISON, item, msg_id)
        await fake_telegram.wait_for(lambda f: len(f.calls_to("answerCallbackQuery")) == 20, what="20 answers")
        await bot.runtime.runner.drain_until_idle()
        texts = [c.params.get("text") or "" for c in fake_telegram.calls_to("answerCallbackQuery")]
        assert sum(t.startswith("Ya lo marcó") for t in texts) == 19  # the first tick: no text, the edit
        assert not [c for c in group_sends(fake_telegram)[before:] if "Ya lo marcó" in c.params["text"]]


async def test_a_report_asked_in_the_group_goes_privately_or_as_one_short_line(redis_url, fake_slack, fake_telegram):
    fake_telegram.started = set()  # nobody has opened a private chat with the bot yet
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        await start_drill_basic(bot, fake_slack, fake_telegram)
        for i in range(3):
            await tg_command(bot, 52_000 + i, TG_ROOM, LIAISON, "/incident report")

        def private_tries(f):
            return [c for c in f.calls_to("sendMessage") if c.params.get("chat_id") == LIAISON]

        def open_bot_lines(f):
            return [c for c in group_sends(f) if "@blm_test_bot" in c.params["text"]]

        await fake_telegram.wait_for(lambda f: len(private_tries(f)) == 3 and open_bot_lines(f), what="3 tries, a line")
        await bot.runtime.runner.drain_until_idle()
        assert all(c.status == 403 for c in private_tries(fake_telegram))
        [line] = [c.params["text"] for c in open_bot_lines(fake_telegram)]  # one short line, not three
        assert len(line) < 300 and f"tg://user?id={LIAISON}" in line  # addressed to the person who asked
        assert not [c for c in group_sends(fake_telegram) if "Informe" in c.params["text"]]  # no report there
        # once they press Start, the report arrives in their private chat and not in the group
        fake_telegram.start_bot(LIAISON)
        await tg_command(bot, 52_010, TG_ROOM, LIAISON, "/incident report")
        await fake_telegram.wait_for(lambda f: f.texts(LIAISON), what="private report")
        assert "NOG-0001" in "\n".join(fake_telegram.texts(LIAISON))
        assert len(open_bot_lines(fake_telegram)) == 1
        assert not [c for c in group_sends(fake_telegram) if "Informe" in c.params["text"]]


async def test_help_typed_in_the_group_answers_in_the_private_chat(redis_url, fake_slack, fake_telegram):
    fake_telegram.started = {LIAISON}
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        update = tg_message_update(53_000, TG_ROOM, LIAISON, "/help")
        resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        assert resp.status == 200
        await fake_telegram.wait_for(lambda f: f.texts(LIAISON), what="private help")
        await bot.runtime.runner.drain_until_idle()
        assert group_sends(fake_telegram) == []
