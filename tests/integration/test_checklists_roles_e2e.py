"""Issue 5's must-shows through both fakes: shared checklists, unforgeable buttons, refusals by role."""

import json

from testing.checklists import (
    SLACK_ROOM,
    TG_ROOM,
    click_slack,
    click_tg,
    settings,
    slack_buttons,
    start_drill_basic,
    tg_buttons,
)
from testing.fakes.builders import (
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import TG_SECRET, running_bot, slack_command, tg_command


async def test_checklist_ticked_on_either_side_updates_both(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        slack_post, tg_post = await start_drill_basic(bot, fake_slack, fake_telegram)
        slack_ts = slack_post.response["ts"]
        tg_msg_id = tg_post.response["result"]["message_id"]
        tg_first = tg_buttons(tg_post)[0]["callback_data"]
        assert len(tg_first.encode()) <= 64

        # Rosa (liaison, Telegram) ticks the first item: the Slack checklist is edited with her name
        await click_tg(bot, 50001, 5550003, tg_first, tg_msg_id)
        update = await fake_slack.wait_for(
            lambda f: next((c for c in f.calls_to("chat.update") if c.params.get("ts") == slack_ts), None), timeout=10
        )
        assert "Rosa" in json.dumps(update.params, ensure_ascii=False)
        await fake_telegram.wait_for(
            lambda f: any(str(c.params.get("message_id")) == str(tg_msg_id) for c in f.calls_to("editMessageText")),
            timeout=10,
        )

        # Pat (liaison, Slack) ticks the second item: the Telegram checklist is edited with his name
        slack_second = slack_buttons(slack_post)[1]["value"]
        await click_slack(bot, "U0PAT", slack_second, slack_ts)
        await fake_telegram.wait_for(
            lambda f: any(
                str(c.params.get("message_id")) == str(tg_msg_id) and "Pat Lee" in c.params.get("text", "")
                for c in f.calls_to("editMessageText")
            ),
            timeout=10,
        )


async def test_forged_replayed_and_unauthorised_buttons_change_nothing(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        slack_post, tg_post = await start_drill_basic(bot, fake_slack, fake_telegram)
        await bot.runtime.runner.drain_until_idle()
        edits_before = len(fake_slack.calls_to("chat.update")) + len(fake_telegram.calls_to("editMessageText"))
        tg_msg_id = tg_post.response["result"]["message_id"]
        tg_first = tg_buttons(tg_post)[0]["callback_data"]

        await click_tg(bot, 60001, 5550003, "b:AAAAAAAAAAAAAAAA", tg_msg_id)  # forged token
        await click_tg(bot, 60002, 5550002, tg_first, tg_msg_id)  # Luis is a member: no role
        await click_slack(bot, "U0PAT", tg_first, slack_post.response["ts"])  # a Telegram token replayed in Slack
        await click_tg(bot, 60003, 5550003, "x" * 64, tg_msg_id)  # junk
        await fake_slack.wait_for(lambda f: len(f.calls_to("chat.postEphemeral")) >= 2, timeout=10)
        await bot.runtime.runner.drain_until_idle()

        edits_after = len(fake_slack.calls_to("chat.update")) + len(fake_telegram.calls_to("editMessageText"))
        assert edits_after == edits_before  # nothing ticked
        refusals = [r[1] for r in await bot.runtime.redis.xrange("blm:refusals")]
        reasons = {r["reason"] for r in refusals}
        assert {"button unknown or expired", "role", "button from another room"} <= reasons
        # The refusals answered the person who tapped alone (answerCallbackQuery text), never the group.
        tapped = {
            str(c.params.get("callback_query_id")): c.params.get("text")
            for c in fake_telegram.calls_to("answerCallbackQuery")
        }
        assert len(tapped) == 3  # each tap answered once (the junk one without text: nothing to say)
        assert sum(bool(text) for text in tapped.values()) == 2, tapped  # the forged and the role refusal
        group_texts = [
            c.params.get("text", "")
            for c in fake_telegram.calls_to("sendMessage")
            if str(c.params.get("chat_id")) == str(TG_ROOM)
        ]
        assert not [t for t in group_texts if any(answer and answer in t for answer in tapped.values())]


async def test_refusals_by_role_in_both_languages(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_command(bot, "/playbook", "run drill-basic", SLACK_ROOM, "U0JO")  # member
        await slack_command(bot, "/incident", "close", SLACK_ROOM, "U0PAT")  # liaison
        await slack_command(bot, "/playbook", "run drill-basik", SLACK_ROOM, "U0BOB")  # typo
        await fake_slack.wait_for(lambda f: len(f.calls_to("chat.postEphemeral")) == 3, timeout=10)
        by_user = {}
        for call in fake_slack.calls_to("chat.postEphemeral"):
            by_user.setdefault(call.params["user"], []).append(json.dumps(call.params, ensure_ascii=False))
        assert "coordinator" in by_user["U0JO"][0]
        assert "coordinator" in by_user["U0PAT"][0]
        assert "drill-basic" in by_user["U0BOB"][0]

        await tg_command(bot, 70001, TG_ROOM, 5550003, "/playbook run ack-onli")  # Rosa, liaison, Spanish
        await tg_command(bot, 70002, TG_ROOM, 5550001, "/playbook run ack-onli")  # Ana, coordinator
        await fake_telegram.wait_for(lambda f: len(f.calls_to("sendMessage")) >= 2, timeout=10)
        texts = [c.params["text"] for c in fake_telegram.calls_to("sendMessage")]
        assert any("coordinación" in t for t in texts)  # Rosa lacks the role, told in Spanish
        assert any("ack-only" in t for t in texts)  # Ana is told what would work
        assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == SLACK_ROOM]


async def test_command_in_an_unconfigured_chat_gets_one_notice(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        for uid in (80001, 80002):
            update = tg_message_update(uid, -1009999999999, 5550001, "/playbook run ack-only")
            resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
            assert resp.status == 200
        await fake_telegram.wait_for(lambda f: f.calls_to("sendMessage"), timeout=10)
        await bot.runtime.runner.drain_until_idle()
        sent = fake_telegram.calls_to("sendMessage")
        assert len(sent) == 1 and "no está configurado" in sent[0].params["text"]
        assert not await bot.runtime.redis.keys("blm:inc:*")  # nothing started
