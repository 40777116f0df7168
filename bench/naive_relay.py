"""The naive relay of issue 15, the bench's baseline for CPU per relayed message: a slack-bolt
listener calling python-telegram-bot's `send_message`, and a PTB handler calling
`chat.postMessage`. No store, no queue, no ordering or retry promise. Run by the bench as its own
process (`python -m bench.naive_relay PORT`) with the same environment as the bot.

The room map is the bench deployment's (testing.deployments.ALL_TEN): each BLM's Slack channel <-> its Telegram group.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Bot, Update
from telegram.ext import Application, MessageHandler, filters

from testing.deployments import BLM_IDS, slack_channel, tg_chat  # the same rooms as the bot's run (ALL_TEN)


async def main(port: int) -> None:
    env = os.environ
    slack_client = AsyncWebClient(token=env["SLACK_BOT_TOKEN"], base_url=env["SLACK_API_URL"], retry_handlers=[])
    slack = AsyncApp(client=slack_client, signing_secret=env["SLACK_SIGNING_SECRET"])
    tg = Bot(env["TELEGRAM_BOT_TOKEN"], base_url=f"{env['TELEGRAM_API_URL']}/bot")
    ptb = Application.builder().bot(tg).updater(None).build()
    to_tg = {slack_channel(b): tg_chat(i) for i, b in enumerate(BLM_IDS)}
    to_slack = {chat: channel for channel, chat in to_tg.items()}

    @slack.event("message")
    async def on_slack_message(event):
        chat = to_tg.get(event.get("channel"))
        if chat is not None and not event.get("bot_id"):
            await tg.send_message(chat, f"{event.get('user')}\n{event.get('text', '')}")

    async def on_tg_message(update: Update, context) -> None:
        channel = to_slack.get(update.effective_chat.id)
        if channel is not None:
            name = update.effective_user.full_name if update.effective_user else "?"
            await slack_client.chat_postMessage(channel=channel, text=f"{name}\n{update.effective_message.text}")

    ptb.add_handler(MessageHandler(filters.TEXT, on_tg_message))
    await ptb.initialize()
    await ptb.start()

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await slack.async_dispatch(await to_bolt_request(request)))

    async def tg_webhook(request: web.Request) -> web.Response:
        update = Update.de_json(await request.json(), tg)
        asyncio.get_running_loop().create_task(ptb.process_update(update))
        return web.Response()

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    app.router.add_post("/telegram/webhook", tg_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
