"""Attack and bad input through the real HTTP front (in-process bot, fakes, real redis-server):
refused requests cause no work; forged buttons and unauthorised commands are refused and recorded;
hostile and malformed payloads get a 4xx and the next good request still works; relayed text cannot
ping or inject markup."""

from __future__ import annotations

import json
import re
import time

import pytest

from bot.store import keys
from testing.cluster import FIXTURE_PLAYBOOKS
from testing.fakes.builders import (
    slack_block_action,
    slack_message_event,
    slack_signed,
    slack_slash_command_form,
    tg_callback_query_update,
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, running_bot
from testing.harness import make_settings as _make_settings


def make_settings(*args, **kw):
    return _make_settings(*args, playbooks_dir=FIXTURE_PLAYBOOKS, **kw)


SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
_ids = iter(range(700_000, 800_000))


async def queued_nothing(bot) -> bool:
    """No inbound event was queued and nothing is waiting to be sent."""
    return await bot.runtime.redis.zcard(keys.READY) == 0


async def tg(bot, update, secret=TG_SECRET):
    return await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(secret))


async def slack(bot, body, **kw):
    data, headers = slack_signed(SIGNING_SECRET, body, **kw)
    return await bot.post("/slack/events", data, headers)


async def good_request_still_works(bot, fake_slack, fake_telegram, word):
    resp = await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550001, word))
    assert resp.status == 200
    await fake_slack.wait_for(lambda f: any(word in t for t in f.texts(SLACK_CH)), what=f"{word} relayed")


# ---- refused before any work ---------------------------------------------------------------
@pytest.mark.parametrize("case", ["missing", "wrong", "empty", "prefix"])
async def test_telegram_webhook_without_the_secret_is_refused_with_no_work(redis_url, fake_slack, fake_telegram, case):
    secret = {"missing": None, "wrong": "tg-webhook-secret-124", "empty": "", "prefix": TG_SECRET[:-1]}[case]
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram), worker=False) as bot:
        resp = await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550001, "forged"), secret=secret)
        assert resp.status == 401
        assert await queued_nothing(bot)


@pytest.mark.parametrize("case", ["replayed-late", "timestamp-swapped", "future", "not-a-number", "body-changed"])
async def test_slack_replays_and_tampering_are_refused_with_no_work(redis_url, fake_slack, case):
    async with running_bot(make_settings(redis_url, fake_slack), worker=False) as bot:
        body = slack_message_event(SLACK_CH, "U0BOB", "captured")
        if case == "replayed-late":  # the same signed request sent again 5 minutes later
            data, headers = slack_signed(SIGNING_SECRET, body, timestamp=int(time.time()) - 301)
        elif case == "timestamp-swapped":  # an old signature with a fresh timestamp
            data, headers = slack_signed(SIGNING_SECRET, body, timestamp=int(time.time()) - 400)
            headers["X-Slack-Request-Timestamp"] = str(int(time.time()))
        elif case == "future":
            data, headers = slack_signed(SIGNING_SECRET, body, timestamp=int(time.time()) + 400)
        elif case == "not-a-number":
            data, headers = slack_signed(SIGNING_SECRET, body)
            headers["X-Slack-Request-Timestamp"] = "soon"
        else:
            data, headers = slack_signed(SIGNING_SECRET, body)
            data = data.replace(b"captured", b"forged!!")
        resp = await bot.post("/slack/events", data, headers)
        assert resp.status == 401
        assert await queued_nothing(bot)


async def test_slack_request_replayed_within_five_minutes_does_the_work_once(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        data, headers = slack_signed(
            SIGNING_SECRET, slack_slash_command_form("/sitrep", "replay me", SLACK_CH, "U0BOB")
        )
        for _ in range(3):
            assert (await bot.post("/slack/events", data, headers)).status == 200
        data, headers = slack_signed(SIGNING_SECRET, slack_message_event(SLACK_CH, "U0BOB", "relay once"))
        for _ in range(3):
            assert (await bot.post("/slack/events", data, headers)).status == 200
        await bot.runtime.runner.drain_until_idle()
        assert sum("relay once" in t for t in fake_telegram.texts(TG_CHAT)) == 1
        assert sum("replay me" in t for t in fake_telegram.texts(-1001000000000)) <= 1


# ---- forged and replayed buttons -----------------------------------------------------------
async def _checklist(bot, fake_slack):
    assert (await slack(bot, slack_slash_command_form("/playbook", "run drill-basic", SLACK_CH, "U0BOB"))).status == 200

    def found(f):
        for m in f.messages.get(SLACK_CH, []):
            values = re.findall(r'"value": "(b:[^"]+)"', json.dumps(m.get("blocks")))
            if len(values) >= 3:
                return m, values
        return None

    return await fake_slack.wait_for(found, timeout=10, what="checklist with buttons")


async def refusals(bot) -> list[dict]:
    return [fields for _, fields in await bot.runtime.redis.xrange(keys.REFUSALS)]


async def test_forged_and_misused_buttons_are_refused_and_recorded(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        msg, values = await _checklist(bot, fake_slack)
        await bot.runtime.runner.drain_until_idle()
        updates_before = len(fake_slack.calls_to("chat.update"))
        token = values[0]
        attempts = [
            # a random token
            ("U0BOB", SLACK_CH, "b:AAAAAAAAAAAAAAAA"),
            # a real token clicked from another BLM's room (El Paso)
            ("U0BOB", "C0ELPASO", token),
            # a real token clicked by a member without the liaison role
            ("U0JO", SLACK_CH, token),
            # someone not in the config at all
            ("U0STRANGER", SLACK_CH, token),
            # a token too long for any real button
            ("U0BOB", SLACK_CH, "b:" + "A" * 80),
        ]
        for user, channel, value in attempts:
            body = slack_block_action("x", value, user_id=user, channel_id=channel, message_ts=msg["ts"])
            assert (await slack(bot, body)).status == 200
        # the same token from Telegram, by a member of this BLM (Luis, a member) and from an unknown chat
        for chat, user in ((TG_CHAT, 5550002), (-1009999999999, 5550001)):
            resp = await tg(bot, tg_callback_query_update(next(_ids), chat, user, token, message_id=1))
            assert resp.status == 200
        await bot.runtime.runner.drain_until_idle()
        assert len(fake_slack.calls_to("chat.update")) == updates_before  # nothing ticked
        reasons = [r["reason"] for r in await refusals(bot)]
        assert reasons.count("button unknown or expired") >= 2, reasons
        assert "button from another room" in reasons and "role" in reasons, reasons
        assert len(reasons) >= len(attempts) + 1, reasons  # the unknown chat may be noted once
        # and the real click by the coordinator still works
        body = slack_block_action("x", token, user_id="U0BOB", channel_id=SLACK_CH, message_ts=msg["ts"])
        assert (await slack(bot, body)).status == 200
        await fake_slack.wait_for(lambda f: len(f.calls_to("chat.update")) > updates_before, what="ticked")


async def test_commands_from_unconfigured_chats_and_people_without_the_role_are_refused(
    redis_url, fake_slack, fake_telegram
):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        # Telegram: an unconfigured group, twice (one notice at most), and a member of Nogales
        for _ in range(2):
            await tg(bot, tg_message_update(next(_ids), -1009999999999, 5550001, "/playbook run drill-basic"))
        await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550002, "/playbook run drill-basic"))
        await tg(bot, tg_message_update(next(_ids), TG_CHAT, 4242, "/incident close"))  # not in the config
        # Slack: a member, an unknown person, and an unconfigured channel
        await slack(bot, slack_slash_command_form("/playbook", "run drill-basic", SLACK_CH, "U0JO"))
        await slack(bot, slack_slash_command_form("/advisory", "post evacuate now", SLACK_CH, "U0NOBODY"))
        await slack(bot, slack_slash_command_form("/playbook", "run drill-basic", "C0UNKNOWN", "U0BOB"))
        await bot.runtime.runner.drain_until_idle()
        assert not await bot.runtime.redis.keys(keys.NS + "inc*"), "an incident was started"
        assert not any("started" in t for t in fake_slack.texts(SLACK_CH) + fake_telegram.texts(TG_CHAT))
        assert len(fake_telegram.texts(-1009999999999)) <= 1
        reasons = [r["reason"] for r in await refusals(bot)]
        assert reasons.count("unconfigured room") == 3, reasons
        assert len(reasons) >= 7, reasons


# ---- oversized and malformed ---------------------------------------------------------------
async def test_oversized_and_malformed_payloads_get_4xx_and_the_next_good_one_works(
    redis_url, fake_slack, fake_telegram
):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        big = tg_message_update(next(_ids), TG_CHAT, 5550001, "x" * 1_100_000)
        resp = await tg(bot, big)
        assert resp.status == 413

        # the same without Content-Length (chunked): still refused, not read into memory whole
        async def chunks():
            data = json.dumps(big).encode()
            for i in range(0, len(data), 65536):
                yield data[i : i + 65536]

        async with bot.session.post(
            bot.url + "/telegram/webhook", data=chunks(), headers=tg_webhook_headers(TG_SECRET)
        ) as r:
            assert r.status == 413
        for raw in (
            b"{not json",
            b"[]",
            b"null",
            b'"text"',
            b'{"update_id": "x"}',
            b'{"update_id": 5, "message": 7}',
            b'{"update_id": 5, "message": {"chat": "x"}}',
            b'{"update_id": 6, "callback_query": {"id": 1, "from": null}}',
            "\udcff".encode("utf-8", "surrogatepass"),
        ):
            resp = await bot.post("/telegram/webhook", raw, tg_webhook_headers(TG_SECRET))
            # unreadable: 400; readable but nothing the bot handles: 200 (else Telegram resends it)
            assert resp.status in (200, 400), (raw, resp.status)
        assert raw and (await bot.post("/telegram/webhook", b"{not json", tg_webhook_headers(TG_SECRET))).status == 400
        # Slack: a signed but oversized body, and signed garbage
        resp = await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "y" * 1_100_000))
        assert 400 <= resp.status < 500, resp.status
        for body in (
            b"{not json",
            b"payload=%7Bnot-json",
            b"payload=" + b"[]",
            json.dumps({"type": "event_callback", "event": "nope"}).encode(),
            json.dumps(
                {
                    "type": "event_callback",
                    "event_id": 5,
                    "event": {"type": "message", "channel": 7, "user": ["x"], "text": {}},
                }
            ).encode(),
        ):
            data, headers = slack_signed(SIGNING_SECRET, body)
            headers["Content-Type"] = (
                "application/json" if body.startswith(b"{") else "application/x-www-form-urlencoded"
            )
            resp = await bot.post("/slack/events", data, headers)
            assert resp.status < 500, (body, resp.status)
        await good_request_still_works(bot, fake_slack, fake_telegram, "still-alive")


# ---- mention and markup injection through the bridge ---------------------------------------
HOSTILE = [
    '<!channel>',
    '<!here|here>',
    '<!everyone>',
    '<!subteam^S1>',
    '<!subteam^S1|@oncall>',
    '@everyone',
    '@channel',
    '<@U0BOB>',
    '<#C0CENTRAL>',
    '<https://evil.example|https://gov.example>',
    '<a href="tg://user?id=1">x</a>',
    '</b><script>alert(1)</script>',
    '&lt;!channel&gt;',
]


async def test_mention_and_markup_injection_is_harmless_on_arrival(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        for i, text in enumerate(HOSTILE):
            await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550002, f"T{i} {text}", entities=[]))
            await slack(bot, slack_message_event(SLACK_CH, "U0JO", f"S{i} {text}"))
        await bot.runtime.runner.drain_until_idle()
        n = len(HOSTILE)
        await fake_slack.wait_for(
            lambda f: all(f"T{i} " in "\n".join(f.texts(SLACK_CH)) for i in range(n)), what="relayed to slack"
        )
        await fake_telegram.wait_for(
            lambda f: all(f"S{i} " in "\n".join(f.texts(TG_CHAT)) for i in range(n)), what="relayed to telegram"
        )
        assert not fake_telegram.rejected and not fake_slack.rejected
        for call in fake_slack.calls_to("chat.postMessage"):
            wire = call.params.get("text", "") + json.dumps(call.params.get("blocks") or [])
            # nothing Slack would turn into a broadcast, a group ping, a person ping or a disguised link
            assert not re.search(r"<[!@#]", wire), wire
            assert not re.search(r"<https?://[^>|]*\|", wire), wire
            assert not re.search(r"(?<![\u200b\u200d])@(everyone|channel|here)\b", wire), wire
        for msg in fake_telegram.sent(TG_CHAT):
            for entity in msg.get("entities") or []:
                assert entity["type"] not in ("text_mention", "text_link", "mention"), (msg["text"], entity)
                assert "tg://" not in json.dumps(entity)
            assert "<script>" not in json.dumps(msg) or "&lt;script" in json.dumps(msg)
        await good_request_still_works(bot, fake_slack, fake_telegram, "after-injection")
