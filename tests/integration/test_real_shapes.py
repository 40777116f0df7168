"""Shapes real traffic has, through the HTTP front to the other side's fake.

Where each shape comes from:
* Slack forwarded / shared message: empty `text`, the content in `attachments[]` with `is_share`,
  `is_msg_unfurl`, `author_name`, `author_id`, `channel_id`, `channel_name`, `from_url`, `ts`, `text`,
  `fallback`, `files` (as Slack's clients send it; the fields typed in Slack's own @slack/types
  MessageAttachment). A link unfurl: an attachment with `original_url`, `service_name`, `title`.
* Slack `bot_message` (https://api.slack.com/events/message/bot_message): `bot_id`, `username`,
  `bot_profile`, no `user`.
* Enterprise Grid envelope: `enterprise_id` on the envelope and in `authorizations[]`, users `W…`,
  `user_team` / `source_team` on the event (https://api.slack.com/enterprise/grid).
* Slack Connect: `is_ext_shared_channel: true`, the author's `user_profile` on the event and
  `user_team` another team (https://api.slack.com/apis/channels-between-orgs).
* Housekeeping subtypes (https://api.slack.com/events/message#subtypes).
* Telegram: `sender_chat` with `from` GroupAnonymousBot (1087968824, an anonymous admin),
  Channel_Bot (136817688, posting as a channel) or the service account 777000 with
  `is_automatic_forward` (a linked channel's post in its discussion group), `author_signature`;
  `forward_origin` of type user / hidden_user / chat / channel (https://core.telegram.org/bots/api#messageorigin;
  the ids are python-telegram-bot's telegram.constants.ChatID)."""

from __future__ import annotations

import json

import pytest

from testing.fakes.builders import slack_message_event, slack_signed, slack_ts, tg_message_update, tg_webhook_headers
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
CHANNEL = {"id": -1001999000111, "type": "channel", "title": "Protección Civil Sonora", "username": "pcsonora"}
_ids = iter(range(1_300_000, 1_400_000))


async def slack(bot, body):
    data, headers = slack_signed(SIGNING_SECRET, body)
    assert (await bot.post("/slack/events", data, headers)).status == 200


async def tg(bot, update):
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200


def header(html_text: str) -> str:
    return html_text.split("\n", 1)[0]


def slack_who(call) -> str:
    return next(e["text"] for b in call.params["blocks"] if b["type"] == "context" for e in b["elements"])


async def test_slack_forwarded_message_is_relayed_with_its_content_and_origin(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        shared_ts = slack_ts()
        forward = slack_message_event(
            SLACK_CH,
            "U0BOB",
            "",
            attachments=[
                {
                    "ts": shared_ts,
                    "channel_id": "C0OPS",
                    "channel_name": "ops-sonora",
                    "is_msg_unfurl": True,
                    "is_share": True,
                    "message_blocks": [],
                    "id": 1,
                    "original_url": f"https://team.slack.com/archives/C0OPS/p{shared_ts.replace('.', '')}",
                    "fallback": "[December 1st, 2026 3:04 AM] pat: Bridge closed northbound",
                    "text": "Bridge closed *northbound*",
                    "author_id": "U0PAT",
                    "author_name": "Pat Lee",
                    "author_link": "https://team.slack.com/team/U0PAT",
                    "author_icon": "https://avatars.slack-edge.com/x.png",
                    "author_subname": "Pat Lee",
                    "mrkdwn_in": ["text"],
                    "footer": "Posted in #ops-sonora",
                }
            ],
        )
        await slack(bot, forward)
        await fake_telegram.wait_for(lambda f: f.texts(TG_CHAT), what="relayed forward")
        html_text = fake_telegram.calls_to("sendMessage")[-1].params["text"]
        assert "Bridge closed <b>northbound</b>" in html_text
        assert "Bob Carter (US · CBP)" in header(html_text) and "reenviado de Pat Lee #ops-sonora" in header(html_text)


async def test_link_unfurls_housekeeping_and_our_own_posts_are_not_relayed_but_other_apps_are(
    redis_url, fake_slack, fake_telegram
):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        unfurl = slack_message_event(
            SLACK_CH,
            "U0JO",
            "see <https://www.weather.gov/twc/>",
            attachments=[
                {
                    "from_url": "https://www.weather.gov/twc/",
                    "original_url": "https://www.weather.gov/twc/",
                    "service_name": "weather.gov",
                    "title": "UNFURL TITLE",
                    "text": "UNFURL PREVIEW TEXT",
                    "fallback": "weather.gov: UNFURL",
                    "id": 1,
                }
            ],
        )
        await slack(bot, unfurl)
        for subtype in ("channel_archive", "bot_add", "channel_convert_to_private", "message_replied"):
            await slack(bot, slack_message_event(SLACK_CH, "U0JO", f"housekeeping {subtype}", subtype=subtype))
        own = slack_message_event(SLACK_CH, "U0BOT", "our own post", subtype="bot_message", bot_id="B0BOT")
        await slack(bot, own)
        other_app = slack_message_event(SLACK_CH, "", "River gauge 12.4 ft", subtype="bot_message", bot_id="B0GAUGE")
        del other_app["event"]["user"]
        other_app["event"].update(username="RiverGauge", bot_profile={"id": "B0GAUGE", "name": "River Gauge"})
        await slack(bot, other_app)
        await slack(bot, slack_message_event(SLACK_CH, "U0JO", "last one"))
        await fake_telegram.wait_for(lambda f: any("last one" in t for t in f.texts(TG_CHAT)), what="last")
        texts = fake_telegram.texts(TG_CHAT)
        joined = "\n".join(texts)
        assert "UNFURL" not in joined and "housekeeping" not in joined and "our own post" not in joined
        # the unfurled message once, the other app, the last one (perhaps combined: the room is busy)
        assert [joined.count(x) for x in ("weather.gov/twc", "River gauge", "last one")] == [1, 1, 1]
        gauge = next(
            c.params["text"] for c in fake_telegram.calls_to("sendMessage") if "River gauge" in c.params["text"]
        )
        assert "<b>RiverGauge · ⚠️ no está en el directorio (Slack)</b>" in gauge


async def test_enterprise_grid_and_slack_connect_envelopes_relay(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        grid = slack_message_event(SLACK_CH, "W0GRIDUSER", "from the grid", user_team="T0TEAM", source_team="T0TEAM")
        grid["enterprise_id"] = "E0ORG"
        grid["authorizations"][0].update(enterprise_id="E0ORG", is_enterprise_install=True)
        grid["context_enterprise_id"] = "E0ORG"
        await slack(bot, grid)
        connect = slack_message_event(
            SLACK_CH,
            "U0PARTNER",
            "from the partner org",
            team="T0OTHER",
            user_team="T0OTHER",
            source_team="T0OTHER",
            user_profile={
                "avatar_hash": "g1",
                "image_72": "https://x.example/a.png",
                "first_name": "Pete",
                "real_name": "Pete Partner",
                "display_name": "pete.p",
                "team": "T0OTHER",
                "name": "pete",
                "is_restricted": False,
                "is_ultra_restricted": False,
            },
        )
        connect["is_ext_shared_channel"] = True
        await slack(bot, connect)
        await fake_telegram.wait_for(lambda f: len(f.texts(TG_CHAT)) == 2, what="both")
        grid_msg, connect_msg = (c.params["text"] for c in fake_telegram.calls_to("sendMessage"))
        assert "from the grid" in grid_msg and "W0GRIDUSER" in header(grid_msg)  # users.info has no name
        assert "pete.p · ⚠️" in header(connect_msg)  # the profile Slack Connect carries


def tg_group_message(text: str, **fields) -> dict:
    update = tg_message_update(next(_ids), TG_CHAT, 1, text, entities=[])
    update["message"].update(fields)
    return update


@pytest.mark.parametrize(
    ("case", "fields", "expected"),
    [
        (
            "anonymous admin",
            {
                "from": {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"},
                "sender_chat": {"id": TG_CHAT, "type": "supergroup", "title": "BLM Nogales"},
                "author_signature": "Comandante",
            },
            "BLM Nogales (Comandante) · ⚠️ not in the directory",
        ),
        (
            "posting as a channel",
            {
                "from": {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"},
                "sender_chat": CHANNEL,
            },
            "Protección Civil Sonora · ⚠️ not in the directory",
        ),
        (
            "automatic forward from the linked channel",
            {
                "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                "sender_chat": CHANNEL,
                "is_automatic_forward": True,
                "forward_origin": {"type": "channel", "chat": CHANNEL, "message_id": 41, "date": 1_700_000_000},
            },
            "Protección Civil Sonora · ⚠️ not in the directory",
        ),
    ],
)
async def test_telegram_chats_writing_are_people_not_bots(redis_url, fake_slack, fake_telegram, case, fields, expected):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await tg(bot, tg_group_message(f"aviso: {case}", **fields))
        await fake_slack.wait_for(lambda f: f.texts(SLACK_CH), what=case)
        call = fake_slack.calls_to("chat.postMessage")[-1]
        assert f"aviso: {case}" in call.params["text"]
        assert slack_who(call).strip("*").startswith(expected), slack_who(call)
        assert "forwarded" not in slack_who(call)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (
            {
                "type": "user",
                "date": 1,
                "sender_user": {"id": 42, "is_bot": False, "first_name": "Rosa", "last_name": "Q"},
            },
            "Rosa Q",
        ),
        ({"type": "hidden_user", "date": 1, "sender_user_name": "Privado Uno"}, "Privado Uno"),
        (
            {
                "type": "chat",
                "date": 1,
                "sender_chat": {"id": -100777, "type": "supergroup", "title": "Grupo X"},
                "author_signature": "Ana",
            },
            "Grupo X (Ana)",
        ),
        (
            {"type": "channel", "date": 1, "chat": CHANNEL, "message_id": 9, "author_signature": "Turno B"},
            "Protección Civil Sonora (Turno B)",
        ),
    ],
)
async def test_telegram_forwards_say_where_they_came_from(redis_url, fake_slack, fake_telegram, origin, expected):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        update = tg_message_update(next(_ids), TG_CHAT, 5550001, "evacuación en curso", entities=[])
        update["message"]["forward_origin"] = origin
        await tg(bot, update)
        await fake_slack.wait_for(lambda f: f.texts(SLACK_CH), what="forward")
        call = fake_slack.calls_to("chat.postMessage")[-1]
        assert "evacuación en curso" in call.params["text"]
        who = slack_who(call)
        assert who.startswith("*Ana Ruiz (MX · Protección Civil) · ↪ forwarded from ") and expected in who, who
