"""Runs the real bot in-process: real aiohttp server, real slack-bolt / python-telegram-bot clients
talking HTTP to the fakes, and a real redis-server."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.runtime import Runtime
from bot.web import build_web_app
from handlers import build_edges, make_dialer
from testing.bot import build_bot
from testing.deployments import NOGALES_EL_PASO, Source
from testing.fakes.builders import slack_signed, slack_slash_command_form, tg_message_update, tg_webhook_headers
from testing.waiting import bounded

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# aiohttp waits up to this for a request still being handled at shutdown, then as long again for
# the cancelled handler (default 60 s: two of them are a test's whole 120 s timeout).
SHUTDOWN_SECONDS = 5.0
TG_SECRET = "tg-webhook-secret-123"


@dataclass
class RunningBot:
    url: str
    runtime: Runtime
    session: aiohttp.ClientSession

    async def post(self, path: str, data: bytes, headers: dict) -> aiohttp.ClientResponse:
        async with self.session.post(self.url + path, data=data, headers=headers) as resp:
            await resp.read()
            return resp

    async def get(self, path: str) -> tuple[int, dict]:
        async with self.session.get(self.url + path) as resp:
            body = await resp.json() if resp.content_type == "application/json" else {}
            return resp.status, body


def make_settings(redis_url, fake_slack=None, fake_telegram=None, *, webhook=True, **overrides) -> Settings:
    values = dict(
        redis_url=redis_url,
        host="127.0.0.1",
        port=0,
        slack_channel_msgs_per_sec=100,
        telegram_msgs_per_sec=100,
        telegram_group_msgs_per_min=6000,
        advisory_poll_seconds=0,
    )
    if fake_slack is not None:
        values.update(
            slack_bot_token="xoxb-test-token", slack_signing_secret=SIGNING_SECRET, slack_api_url=fake_slack.url
        )
    if fake_telegram is not None:
        values.update(telegram_bot_token="123456:TEST-token", telegram_api_url=fake_telegram.api_root)
        if webhook:
            values.update(
                telegram_webhook_url="https://bot.example.org/telegram/webhook", telegram_webhook_secret=TG_SECRET
            )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(
    settings: Settings, deployment: Source | None = None, *, worker: bool = True, clock: Clock | None = None
):
    """The bot (testing.bot.build_bot) in-process, with its edges and web app; the deployment by
    name or data (default `NOGALES_EL_PASO`). Give a ManualClock-like `clock` to move the whole
    bot's time (timers, rate limits, back-off) without sleeping."""
    dialer = make_dialer(settings)  # the telephone alarm, when the settings name a (fake) Twilio
    rt = build_bot(
        deployment or NOGALES_EL_PASO,
        settings=settings,
        clock=clock,
        dialer=dialer,
        edges=lambda core: build_edges(settings, core, dialer),
    )
    runner = web.AppRunner(build_web_app(rt), handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    for edge in rt.edges:
        await edge.start(rt, receive=True)
    if worker:
        await rt.start_workers()
    session = aiohttp.ClientSession()
    try:
        yield RunningBot(f"http://127.0.0.1:{port}", rt, session)
    finally:
        # Each step bounded and named: a hang here fails in seconds and says where, instead of
        # using up the test's 120 s (aiohttp waits up to 2 x shutdown_timeout for a handler).
        await bounded(session.close(), SHUTDOWN_SECONDS, what="the test's HTTP client session closing")
        await bounded(rt.close(), 3 * SHUTDOWN_SECONDS, what="the bot's runtime closing (queues, loops, edges, Redis)")
        await bounded(runner.cleanup(), 3 * SHUTDOWN_SECONDS, what="the bot's web server shutting down")


# ---- commands over the web app, as the platforms send them ----------------------------------
def slash(command, text, channel, user):
    form = slack_slash_command_form(command, text, channel, user)
    return form if isinstance(form, (bytes, str)) else urlencode(form)


async def slack_command(bot, command, text, channel, user):
    data, headers = slack_signed(SIGNING_SECRET, slash(command, text, channel, user))
    resp = await bot.post("/slack/events", data, headers)
    assert resp.status == 200


async def tg_command(bot, update_id, chat, user, text, lang="es"):
    update = tg_message_update(update_id, chat, user, text, language_code=lang)
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200
