"""Names and impostors: people not in the config are named by their platform and visibly marked;
the attribution is drawn apart from the body, so no typed text can imitate it (single and combined
posts, both platforms).

Shapes: Slack users.info `user.profile.display_name` / `real_name` (https://api.slack.com/methods/users.info)
and the `user_change` event carrying the whole user object (https://api.slack.com/events/user_change);
Telegram `from` with first_name / last_name (https://core.telegram.org/bots/api#user) and bold text
arriving as a `bold` entity (PTB gives it as <b> in text_html)."""

from __future__ import annotations

import json
import re

from testing.fakes.builders import slack_message_event, slack_signed, tg_message_update, tg_webhook_headers
from testing.fakes.slack_api import FakeSlack
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
REAL_ANA = "Ana Ruiz (MX · Protección Civil)"  # the configured coordinator, as the config names her
_ids = iter(range(1_100_000, 1_200_000))


async def slack(bot, body):
    data, headers = slack_signed(SIGNING_SECRET, body)
    assert (await bot.post("/slack/events", data, headers)).status == 200


async def tg(bot, update):
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200


def tg_headers(html_text: str) -> list[str]:
    """The bold lines the bot drew: everything outside the blockquotes people's text sits in."""
    outside = re.sub(r"<blockquote>.*?</blockquote>", "", html_text, flags=re.S)
    return re.findall(r"<b>(.*?)</b>", outside, flags=re.S)


def slack_attributions(call) -> list[str]:
    blocks = call.params.get("blocks") or []
    return [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


def slack_sections(call) -> str:
    return "\n".join(b["text"]["text"] for b in call.params.get("blocks") or [] if b["type"] == "section")


def user_change(user_id: str, display_name: str) -> dict:
    return {
        "token": "legacy",
        "team_id": "T0TEAM",
        "api_app_id": "A0FAKEAPP",
        "type": "event_callback",
        "event_id": f"EvUC{next(_ids)}",
        "event_time": 1_700_000_000,
        "event": {
            "type": "user_change",
            "user": {
                "id": user_id,
                "team_id": "T0TEAM",
                "name": "maria",
                "real_name": "Maria Lopez",
                "profile": {"display_name": display_name, "real_name": "Maria Lopez"},
                "is_bot": False,
            },
            "cache_ts": 1_700_000_000,
            "event_ts": "1700000000.000100",
        },
    }


async def test_a_slack_member_not_in_the_config_is_named_by_users_info_cached_and_refreshed(redis_url, fake_telegram):
    fake_slack = FakeSlack(users={"U0MEMBER": {"real_name": "Maria Lopez", "display_name": "maria.l"}})
    await fake_slack.start()
    try:
        async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
            for word in ("one", "two"):
                await slack(bot, slack_message_event(SLACK_CH, "U0MEMBER", f"message {word}"))
            await fake_telegram.wait_for(lambda f: len(f.texts(TG_CHAT)) == 2, what="both relayed")
            for sent in fake_telegram.calls_to("sendMessage"):
                [header] = tg_headers(sent.params["text"])
                assert header.startswith("maria.l · ⚠️") and "directorio" in header and "U0MEMBER" not in header
            assert len(fake_slack.calls_to("users.info")) == 1  # cached in Redis
            await slack(bot, user_change("U0MEMBER", "Maria L. (Sheriff)"))
            await slack(bot, slack_message_event(SLACK_CH, "U0MEMBER", "message three"))
            await fake_telegram.wait_for(lambda f: len(f.texts(TG_CHAT)) == 3, what="third")
            assert tg_headers(fake_telegram.calls_to("sendMessage")[-1].params["text"])[0].startswith(
                "Maria L. (Sheriff) · ⚠️"
            )
            assert len(fake_slack.calls_to("users.info")) == 1
    finally:
        await fake_slack.stop()


async def test_a_telegram_stranger_using_a_configured_name_is_marked(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550001, "real Ana", first_name="Ana"))
        impostor = tg_message_update(next(_ids), TG_CHAT, 7770009, "fake Ana", first_name="Ana")
        impostor["message"]["from"]["last_name"] = "Ruiz"
        await tg(bot, impostor)
        await fake_slack.wait_for(lambda f: len(f.texts(SLACK_CH)) == 2, what="both relayed")
        real, fake = fake_slack.calls_to("chat.postMessage")
        assert slack_attributions(real) == [f"*{REAL_ANA}*"]
        [marked] = slack_attributions(fake)
        assert marked.startswith("*Ana Ruiz · ⚠️ not in the directory") and marked != f"*{REAL_ANA}*"


async def test_typed_text_cannot_draw_an_attribution_on_either_side(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        # Slack: bold mrkdwn and a line break, shaped like the bot's header for the coordinator
        await slack(bot, slack_message_event(SLACK_CH, "U0JO", f"ok\n*{REAL_ANA}*\nevacuate the port now"))
        await fake_telegram.wait_for(lambda f: f.texts(TG_CHAT), what="relayed to Telegram")
        html_text = fake_telegram.calls_to("sendMessage")[-1].params["text"]
        assert tg_headers(html_text) == ["Jo Kim (US)"]  # the only header outside the quote
        assert f"<b>{REAL_ANA}</b>" in html_text.split("<blockquote>", 1)[1]  # kept, but inside it
        # Telegram: a bold entity shaped like the header of a configured Slack person
        update = tg_message_update(next(_ids), TG_CHAT, 7770010, "Bob Carter (US · CBP)\nstand down", first_name="X")
        update["message"]["entities"] = [{"type": "bold", "offset": 0, "length": 21}]
        await tg(bot, update)
        await fake_slack.wait_for(lambda f: f.texts(SLACK_CH), what="relayed to Slack")
        call = fake_slack.calls_to("chat.postMessage")[-1]
        [who] = slack_attributions(call)
        assert "not in the directory" in who and "Bob Carter" not in who
        assert "*Bob Carter (US · CBP)*" in slack_sections(call)  # in a section, never a context block


async def test_combined_posts_keep_each_attribution_apart_from_its_body(redis_url, fake_slack, fake_telegram):
    settings = make_settings(redis_url, fake_slack, fake_telegram, slack_channel_msgs_per_sec=0.5)
    async with running_bot(settings) as bot:
        fake_header = f"*{REAL_ANA}*"
        for i in range(5):
            uid, name = (5550001, "Ana") if i % 2 == 0 else (7770011, "Eve")
            text = f"msg {i}" if i % 2 == 0 else f"<b>{REAL_ANA}</b>\nmsg {i}"
            update = tg_message_update(
                next(_ids), TG_CHAT, uid, text.replace("<b>", "").replace("</b>", ""), first_name=name
            )
            if i % 2:
                update["message"]["entities"] = [{"type": "bold", "offset": 0, "length": len(REAL_ANA)}]
            await tg(bot, update)
        await fake_slack.wait_for(lambda f: "msg 4" in "\n".join(f.texts(SLACK_CH)), timeout=15, what="all five")
        combined = [c for c in fake_slack.calls_to("chat.postMessage") if len(slack_attributions(c)) > 1]
        assert combined, "the backlog was combined"
        for call in combined:
            for who in slack_attributions(call):
                assert who == f"*{REAL_ANA}*" or "not in the directory" in who
            blocks = call.params["blocks"]
            # every body section follows its own attribution; the typed header stays a section
            assert [b["type"] for b in blocks if b["type"] == "context"] and fake_header in slack_sections(call)
            assert sum(who == f"*{REAL_ANA}*" for who in slack_attributions(call)) == sum(
                f"msg {i}" in slack_sections(call) for i in (0, 2, 4)
            )


async def test_combined_telegram_posts_draw_every_header_outside_the_quotes(redis_url, fake_slack, fake_telegram):
    settings = make_settings(redis_url, fake_slack, fake_telegram, telegram_group_msgs_per_min=30)
    async with running_bot(settings) as bot:
        for i in range(9):
            user, text = ("U0JO", f"msg {i}") if i % 2 == 0 else ("U0STRANGER", f"*{REAL_ANA}*\nmsg {i}")
            await slack(bot, slack_message_event(SLACK_CH, user, text))
        await fake_telegram.wait_for(lambda f: "msg 8" in "\n".join(f.texts(TG_CHAT)), timeout=20, what="all nine")
        sent = [c.params["text"] for c in fake_telegram.calls_to("sendMessage") if c.ok]
        combined = [text for text in sent if len(tg_headers(text)) > 1]
        assert combined, "the backlog was combined"
        for text in combined:
            for header in tg_headers(text):
                assert header == "Jo Kim (US)" or ("not in the directory" in header or "directorio" in header)
            assert f"<b>{REAL_ANA}</b>" not in re.sub(r"<blockquote>.*?</blockquote>", "", text, flags=re.S)


async def test_a_relayed_file_carries_its_attribution_as_a_context_block(redis_url, fake_slack, fake_telegram):
    from testing.fakes.builders import tg_photo_update

    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        data = b"\x89PNG x" * 10
        fake_telegram.register_file(data, file_id="PH-ATTR")
        photo = tg_photo_update(
            next(_ids), TG_CHAT, 7770012, file_id="PH-ATTR", file_size=len(data), caption=f"{REAL_ANA}: ok"
        )
        photo["message"]["caption_entities"] = [{"type": "bold", "offset": 0, "length": len(REAL_ANA)}]
        await tg(bot, photo)
        await fake_slack.wait_for(lambda f: any(m.get("files") for m in f.messages[SLACK_CH]), what="file message")
        [msg] = [m for m in fake_slack.messages[SLACK_CH] if m.get("files")]
        contexts = [e["text"] for b in msg["blocks"] if b["type"] == "context" for e in b["elements"]]
        assert len(contexts) == 1 and "not in the directory" in contexts[0]
        # the caption (its own post, before the file) keeps its bold, in a section under its context
        [caption] = [c for c in fake_slack.calls_to("chat.postMessage") if ": ok" in c.params["text"]]
        assert slack_attributions(caption) == contexts and f"*{REAL_ANA}*: ok" in slack_sections(caption)
