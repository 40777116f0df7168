"""Answers are recorded as the person typed them, not in a platform's markup.

Shapes: a Telegram reply (`reply_to_message`) whose text python-telegram-bot renders in `text_html`
with `'` as `&#x27;` and `&` as `&amp;`; a Slack thread reply whose `text` Slack itself sends with
`&`, `<`, `>` escaped as `&amp;`, `&lt;`, `&gt;` (https://api.slack.com/reference/surfaces/formatting#escaping)
and a link as `<url|label>`; a slash command's `text`, escaped the same way."""

from __future__ import annotations

import json

from testing.checklists import SLACK_ROOM, TG_ROOM, settings, start_drill_basic
from testing.fakes.builders import slack_message_event, slack_signed, tg_message_update, tg_webhook_headers
from testing.harness import SIGNING_SECRET, TG_SECRET, running_bot

CALLER = "Dijo: ''está en el puente'' & <carril 3> \"rojo\""


async def question_posts(bot, fake_slack, fake_telegram):
    tg_q = await fake_telegram.wait_for(
        lambda f: next((m for m in f.sent(TG_ROOM) if "¿Dónde está el artefacto?" in (m.get("text") or "")), None),
        what="question on Telegram",
    )
    slack_q = await fake_slack.wait_for(
        lambda f: next((m for m in f.messages[SLACK_ROOM] if "Where is the device?" in m["text"]), None),
        what="question on Slack",
    )
    return tg_q, slack_q


async def test_a_telegram_reply_is_recorded_as_typed(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        await start_drill_basic(bot, fake_slack, fake_telegram)
        tg_q, _ = await question_posts(bot, fake_slack, fake_telegram)
        update = tg_message_update(61_000, TG_ROOM, 5550003, CALLER, reply_to_message_id=tg_q["message_id"])
        resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        assert resp.status == 200
        engine = bot.runtime.engine.engine

        await fake_slack.wait_for(lambda f: any("Answer:" in t for t in f.texts(SLACK_ROOM)), what="answer shown")
        assert (await engine.get("NOG-0001")).answers["where"] == CALLER
        shown = next(t for t in fake_slack.texts(SLACK_ROOM) if "Answer:" in t)
        assert "''está en el puente'' &amp; &lt;carril 3&gt;" in shown  # escaped once, by the edge, for display


async def test_a_slack_thread_reply_is_recorded_as_typed(redis_url, fake_slack, fake_telegram):
    async with running_bot(settings(redis_url, fake_slack, fake_telegram)) as bot:
        await start_drill_basic(bot, fake_slack, fake_telegram)
        _, slack_q = await question_posts(bot, fake_slack, fake_telegram)
        as_slack_sends = "Gate 4 &amp; lane 2 &lt;north&gt; 'near <https://maps.example/x|the booth>'"
        body = slack_message_event(SLACK_ROOM, "U0PAT", as_slack_sends, thread_ts=slack_q["ts"])
        data, headers = slack_signed(SIGNING_SECRET, body)
        assert (await bot.post("/slack/events", data, headers)).status == 200
        await fake_telegram.wait_for(
            lambda f: any("Respuesta:" in (m.get("text") or "") for m in f.sent(TG_ROOM)), what="answer shown"
        )
        state = await bot.runtime.engine.engine.get("NOG-0001")
        assert state.answers["where"] == "Gate 4 & lane 2 <north> 'near the booth (https://maps.example/x)'"
