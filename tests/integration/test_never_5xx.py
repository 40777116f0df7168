"""No request, however malformed, gets a 5xx from /slack/events or /telegram/webhook.

Real payloads (a Slack `event_callback` message, a `block_actions` form, a slash command form,
Telegram message and callback_query updates, as the builders shape them after the platforms' docs)
are mutated deterministically: keys dropped, values swapped for other JSON types, lists for
objects, deep nesting, truncation, stray bytes. Each is sent signed (Slack) / with the secret
(Telegram) and also unsigned; every answer must be below 500, and a good request still works."""

from __future__ import annotations

import json
import logging
import random
from urllib.parse import parse_qs, quote

from testing.fakes.builders import sign_slack_request as sign
from testing.fakes.builders import (
    slack_block_action,
    slack_message_event,
    slack_slash_command_form,
    tg_callback_query_update,
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
ODD_VALUES = [None, True, 0, -1, 1e308, "", "x" * 3000, [], {}, [[[]]], {"a": {"b": {}}}, "\u0000\ud7ff", "<!channel>"]


def mutate(value, rng: random.Random, depth: int = 0):
    """One random change somewhere in a JSON value."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.25:
            del out[key]
        elif roll < 0.6 or depth > 6:
            out[key] = rng.choice(ODD_VALUES)
        else:
            out[key] = mutate(value[key], rng, depth + 1)
        return out
    if isinstance(value, list) and value and rng.random() < 0.8:
        out = list(value)
        i = rng.randrange(len(out))
        out[i] = mutate(out[i], rng, depth + 1) if rng.random() < 0.5 else rng.choice(ODD_VALUES)
        return out
    return rng.choice(ODD_VALUES)


def slack_bodies(rng: random.Random) -> list[tuple[bytes, str]]:
    event = slack_message_event(SLACK_CH, "U0BOB", "hola")
    form_action = slack_block_action("blm_btn_0", "b:xyz", user_id="U0BOB", channel_id=SLACK_CH)
    command = slack_slash_command_form("/help", "", channel_id=SLACK_CH, user_id="U0BOB")
    out: list[tuple[bytes, str]] = []
    for _ in range(40):
        out.append((json.dumps(mutate(event, rng)).encode(), "application/json"))
    for _ in range(10):
        out.append((json.dumps(mutate(mutate(event, rng), rng))[: rng.randrange(1, 400)].encode(), "application/json"))
    raw_action = json.loads(_form_payload(form_action))
    for _ in range(20):
        out.append(
            (("payload=" + quote(json.dumps(mutate(raw_action, rng)))).encode(), "application/x-www-form-urlencoded")
        )
    for _ in range(10):
        cut = command[: rng.randrange(1, len(command))]
        out.append((cut + bytes([rng.randrange(128, 256)]), "application/x-www-form-urlencoded"))
    return out


def _form_payload(form: bytes) -> str:
    return parse_qs(form.decode())["payload"][0]


def tg_bodies(rng: random.Random) -> list[bytes]:
    message = tg_message_update(4242, TG_CHAT, 5550001, "hola")
    tap = tg_callback_query_update(4243, TG_CHAT, 5550001, "b:xyz", 77)
    out = []
    for _ in range(40):
        out.append(json.dumps(mutate(message, rng)).encode())
    for _ in range(20):
        out.append(json.dumps(mutate(tap, rng)).encode())
    for _ in range(10):
        out.append(json.dumps(mutate(message, rng))[: rng.randrange(1, 200)].encode() + b"\xff")
    return out


async def test_no_mutated_request_gets_a_5xx(redis_url, fake_slack, fake_telegram, caplog):
    caplog.set_level(logging.WARNING)
    rng = random.Random(13)
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        for body, ctype in slack_bodies(rng):
            for headers in (sign(SIGNING_SECRET, body), sign("wrong-secret", body), {}):
                resp = await bot.post("/slack/events", body, {**headers, "Content-Type": ctype})
                assert resp.status < 500, (resp.status, body[:200])
        for body in tg_bodies(rng):
            for secret in (TG_SECRET, "wrong", None):
                resp = await bot.post("/telegram/webhook", body, tg_webhook_headers(secret))
                assert resp.status < 500, (resp.status, body[:200])
        good = tg_message_update(999_999, TG_CHAT, 5550001, "still relayed")
        assert (
            await bot.post("/telegram/webhook", json.dumps(good).encode(), tg_webhook_headers(TG_SECRET))
        ).status == 200
        await fake_slack.wait_for(lambda f: any("still relayed" in t for t in f.texts(SLACK_CH)), what="good one")
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert not tracebacks, tracebacks[:3]  # a malformed request is a line in the log, not a traceback
