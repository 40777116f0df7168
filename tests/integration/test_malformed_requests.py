"""Malformed requests through the real HTTP front: never a 5xx, never a traceback per request, and
nothing a stranger types grows /metrics. Shapes: what a hostile client can put on the wire (bodies
that are not UTF-8, JSON nested past Python's parser, form bodies whose `payload` is such JSON),
with Slack's v0 signing as documented (https://api.slack.com/authentication/verifying-requests-from-slack)."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

from testing.fakes.builders import sign_slack_request, tg_message_update, tg_webhook_headers
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
DEEP = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError well before this depth
INVALID_UTF8 = b'{"type": "event_callback", "event": {"text": "\xff\xfe\xc3"}}'


def _no_tracebacks(caplog) -> None:
    with_traces = [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]
    assert not with_traces, [r.getMessage() for r in with_traces]


async def test_slack_malformed_bodies_get_4xx_without_tracebacks(redis_url, fake_slack, fake_telegram, caplog):
    caplog.set_level(logging.WARNING)
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        # A wrong signature on a body that is not UTF-8: refused as unsigned (slack-sdk's verifier
        # decoded the body first and raised: 500).
        bad = {**sign_slack_request("another-secret", INVALID_UTF8), "Content-Type": "application/json"}
        assert (await bot.post("/slack/events", INVALID_UTF8, bad)).status == 401
        # A non-ASCII signature header (compare_digest on such str raises TypeError)
        odd = {**sign_slack_request(SIGNING_SECRET, b"{}"), "Content-Type": "application/json"}
        odd["X-Slack-Signature"] = "v0=é" + "0" * 63
        assert (await bot.post("/slack/events", b"{}", odd)).status == 401
        # Correctly signed, but not UTF-8 / nested past the parser, as JSON and as an interactivity form
        cases = [
            (INVALID_UTF8, "application/json"),
            (DEEP.encode(), "application/json"),
            (('{"a":' * 50_000 + "1" + "}" * 50_000).encode(), "application/json"),
            (("payload=" + quote(DEEP)).encode(), "application/x-www-form-urlencoded"),
        ]
        for body, ctype in cases:
            headers = {**sign_slack_request(SIGNING_SECRET, body), "Content-Type": ctype}
            resp = await bot.post("/slack/events", body, headers)
            assert resp.status == 400, (body[:40], resp.status)
    _no_tracebacks(caplog)


async def test_telegram_malformed_bodies_get_4xx_without_tracebacks(redis_url, fake_slack, fake_telegram, caplog):
    caplog.set_level(logging.WARNING)
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        headers = tg_webhook_headers(TG_SECRET)
        for body in (DEEP.encode(), b'{"update_id": 1, "message": ' + DEEP.encode() + b"}", b"\xff\xfe"):
            assert (await bot.post("/telegram/webhook", body, headers)).status == 400
        # Readable JSON of shapes Telegram does not send: taken (200) or refused (400), never 5xx
        for update in (
            {"update_id": 7, "message": {"message_id": "x", "date": 1, "chat": {"id": TG_CHAT, "type": "group"}}},
            {"update_id": 8, "message": {"message_id": 1, "date": 1, "chat": {"id": [], "type": 5}, "text": 3}},
            {"update_id": 9, "callback_query": {"id": "1", "from": {"id": "x"}, "message": []}},
        ):
            resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), headers)
            assert resp.status in (200, 400), (update, resp.status)
        # wrong secret on garbage: 401 before anything is read
        assert (await bot.post("/telegram/webhook", b"\xff", tg_webhook_headers("nope"))).status == 401
    _no_tracebacks(caplog)


async def test_made_up_commands_do_not_grow_metrics_labels(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        for i in range(30):
            update = tg_message_update(880_000 + i, TG_CHAT, 5550001, f"/madeup{i} x")
            assert (
                await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
            ).status == 200
        await bot.runtime.runner.drain_until_idle()
        async with bot.session.get(bot.url + "/metrics") as resp:
            text = await resp.text()
        labels = set(re.findall(r'blm_commands_total\{command="([^"]*)"', text))
        assert not any(label.startswith("/madeup") for label in labels), labels
        assert "other" in labels  # the refusals are still counted
