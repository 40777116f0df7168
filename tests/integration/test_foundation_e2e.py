"""Issue 2's must-shows, end to end through the fakes, on a real redis-server."""

import json
import time
from urllib.parse import urlencode

import pytest

from testing.fakes.builders import (
    slack_message_event,
    slack_signed,
    slack_slash_command_form,
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot


def slash(command, text, channel, user):
    form = slack_slash_command_form(command, text, channel, user)
    return form if isinstance(form, (bytes, str)) else urlencode(form)


async def test_signed_slack_help_is_answered_ephemerally(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        data, headers = slack_signed(SIGNING_SECRET, slash("/help", "", "C0NOGALES", "U0BOB"))
        started = time.monotonic()
        resp = await bot.post("/slack/events", data, headers)
        assert resp.status == 200
        assert time.monotonic() - started < 3  # Slack's acknowledgement deadline
        call = await fake_slack.wait_for(lambda f: next(iter(f.calls_to("chat.postEphemeral")), None))
        assert call.params["user"] == "U0BOB" and call.params["channel"] == "C0NOGALES"
        blocks = json.dumps(call.params.get("blocks"))
        assert "What you can do here" in blocks
        assert "/lang" in blocks and "coordinator" in blocks


async def test_slack_help_in_spanish_after_lang(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        for text in ("/lang", "/help"):
            body = slash(text, "es" if text == "/lang" else "", "C0NOGALES", "U0JO")
            data, headers = slack_signed(SIGNING_SECRET, body)
            assert (await bot.post("/slack/events", data, headers)).status == 200
        await fake_slack.wait_for(lambda f: len(f.calls_to("chat.postEphemeral")) == 2)
        lang_reply, help_reply = fake_slack.calls_to("chat.postEphemeral")
        assert "español" in json.dumps(lang_reply.params, ensure_ascii=False)
        text = json.dumps(help_reply.params, ensure_ascii=False)
        assert "Lo que puede hacer aquí" in text and "integrante" in text


@pytest.mark.parametrize("case", ["bad", "stale", "unsigned"])
async def test_bad_or_stale_slack_signatures_are_refused(redis_url, fake_slack, case):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        body = slash("/help", "", "C0NOGALES", "U0BOB")
        if case == "bad":
            data, headers = slack_signed("not-the-secret-000000000000000000", body)
        elif case == "stale":
            data, headers = slack_signed(SIGNING_SECRET, body, timestamp=int(time.time()) - 301)
        else:
            data = body if isinstance(body, bytes) else body.encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        before = len(fake_slack.calls)
        resp = await bot.post("/slack/events", data, headers)
        assert resp.status == 401
        await bot.runtime.runner.drain_until_idle()
        assert len(fake_slack.calls) == before  # no API call at all
        assert await bot.runtime.redis.zcard("blm:q:ready") == 0


async def test_retried_slack_event_is_queued_once(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack), worker=False) as bot:
        event = slack_message_event("C0NOGALES", "U0BOB", "hello", event_id="Ev0RETRY1")
        for retry in (None, 1, 2):
            data, headers = slack_signed(SIGNING_SECRET, event, retry_num=retry)
            assert (await bot.post("/slack/events", data, headers)).status == 200
        assert await bot.runtime.redis.xlen("blm:q:in:slack:C0NOGALES") == 1


async def test_telegram_help_by_webhook(redis_url, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_telegram=fake_telegram)) as bot:
        webhook = fake_telegram.webhook
        assert (
            webhook
            and webhook.get("secret_token") == TG_SECRET
            and webhook.get("url", "").endswith("/telegram/webhook")
        )
        update = tg_message_update(1001, -1001000000003, 5550001, "/help", language_code="es")
        resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        assert resp.status == 200
        call = await fake_telegram.wait_for(lambda f: next(iter(f.calls_to("sendMessage")), None))
        assert str(call.params["chat_id"]) == "5550001"  # a private answer: the person's private chat
        assert "Lo que puede hacer aquí" in call.params["text"]
        assert "/playbook" not in call.params["text"] or "coordinación" in call.params["text"]


async def test_telegram_help_by_long_polling(redis_url, fake_telegram):
    settings = make_settings(redis_url, fake_telegram=fake_telegram, webhook=False)
    async with running_bot(settings) as bot:
        fake_telegram.push_update(
            tg_message_update(
                2001, -1001000000003, 5550002, "/help@" + (bot.runtime.edges[0].username or "x"), language_code="es"
            )
        )
        call = await fake_telegram.wait_for(lambda f: next(iter(f.calls_to("sendMessage")), None), timeout=10)
        # Luis has lang: en in the config, which beats Telegram's language_code
        assert "What you can do here" in call.params["text"]
        assert await bot.runtime.redis.get("blm:tg:offset") == "2002"


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
async def test_wrong_telegram_secret_is_refused(redis_url, fake_telegram, secret):
    async with running_bot(make_settings(redis_url, fake_telegram=fake_telegram)) as bot:
        before = len(fake_telegram.calls)
        update = tg_message_update(3001, -1001000000003, 5550001, "/help")
        resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(secret))
        assert resp.status == 401
        await bot.runtime.runner.drain_until_idle()
        assert len(fake_telegram.calls) == before
        assert await bot.runtime.redis.zcard("blm:q:ready") == 0


async def test_unconfigured_chat_gets_nothing_relayed(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        stranger = tg_message_update(4001, -1009999999999, 777, "hola a todos")
        assert (
            await bot.post("/telegram/webhook", json.dumps(stranger).encode(), tg_webhook_headers(TG_SECRET))
        ).status == 200
        # a configured message after it proves the queue ran past the stranger's
        known = tg_message_update(4002, -1001000000003, 5550001, "mensaje real")
        assert (
            await bot.post("/telegram/webhook", json.dumps(known).encode(), tg_webhook_headers(TG_SECRET))
        ).status == 200
        await fake_slack.wait_for(lambda f: f.calls_to("chat.postMessage"))
        await bot.runtime.runner.drain_until_idle()
        posts = fake_slack.calls_to("chat.postMessage")
        assert len(posts) == 1 and "mensaje real" in json.dumps(posts[0].params, ensure_ascii=False)
        assert "hola a todos" not in json.dumps([c.params for c in fake_slack.calls], ensure_ascii=False)
        assert not fake_telegram.calls_to("sendMessage")


async def test_readyz_follows_redis(redis_server, redis_url):
    async with running_bot(make_settings(redis_url), worker=False) as bot:
        status, _ = await bot.get("/readyz")
        assert status == 200
        redis_server.stop()
        try:
            status, body = await bot.get("/readyz")
            assert status == 503 and "redis" in json.dumps(body)
            status, _ = await bot.get("/healthz")
            assert status == 200
        finally:
            redis_server.start()
        status, _ = await bot.get("/readyz")
        assert status == 200


async def test_readyz_reports_rejected_credentials(redis_url, fake_slack):
    fake_slack.revoke_token()
    async with running_bot(make_settings(redis_url, fake_slack), worker=False) as bot:
        status, body = await bot.get("/readyz")
        assert status == 503 and "slack" in json.dumps(body)


async def test_metrics_are_served(redis_url):
    async with running_bot(make_settings(redis_url), worker=False) as bot:
        async with bot.session.get(bot.url + "/metrics") as resp:
            text = await resp.text()
        assert resp.status == 200 and "blm_inbound_events_total" in text


async def test_help_shows_only_what_the_role_may_do(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        for user in ("U0JO", "U0BOB"):
            data, headers = slack_signed(SIGNING_SECRET, slash("/help", "", "C0NOGALES", user))
            assert (await bot.post("/slack/events", data, headers)).status == 200
            await fake_slack.wait_for(
                lambda f, u=user: any(c.params.get("user") == u for c in f.calls_to("chat.postEphemeral"))
            )
        by_user = {
            c.params["user"]: json.dumps(c.params.get("blocks")) for c in fake_slack.calls_to("chat.postEphemeral")
        }
        assert "/sitrep" not in by_user["U0JO"] and "/contacts" in by_user["U0JO"]
        assert "/sitrep" in by_user["U0BOB"]
