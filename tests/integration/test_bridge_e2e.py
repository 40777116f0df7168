"""End to end: the real slack-sdk/bolt and python-telegram-bot clients against the fakes over
HTTP, a real redis-server, our web app in front."""

import json

import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web import build_web_app
from handlers import build_edges
from testing.bot import build_bot
from testing.deployments import DEMO
from testing.fakes.builders import slack_message_event, slack_signed, slack_ts, tg_message_update
from testing.fakes.slack_api import FakeSlack

SECRET = "signing-secret"
TG_SECRET = "tg-secret"
SLACK_CH = "C0NOGALES"
TG_CHAT = -1001000000003


class Bridge:
    def __init__(self, redis_url, slack, tg):
        self.redis_url, self.slack, self.tg = redis_url, slack, tg
        self.rt = None
        self.client = None
        self._update_id = 1000

    async def start(self):
        settings = Settings(
            _env_file=None,
            redis_url=self.redis_url,
            slack_bot_token=self.slack.token,
            slack_signing_secret=SECRET,
            slack_api_url=self.slack.url,
            telegram_bot_token=self.tg.token,
            telegram_api_url=self.tg.api_root,
            telegram_webhook_url="https://bot.example.org/telegram/webhook",
            telegram_webhook_secret=TG_SECRET,
            advisory_poll_seconds=0,
        )
        self.rt = build_bot(DEMO, settings=settings, edges=lambda core: build_edges(settings, core))
        for edge in self.rt.edges:
            await edge.start(self.rt, receive=False)
        self.client = TestClient(TestServer(build_web_app(self.rt)))
        await self.client.start_server()
        await self.rt.start_workers()

    async def stop(self):
        await self.client.close()
        await self.rt.close()

    async def slack_event(self, body, retry_num=None):
        data, headers = slack_signed(SECRET, body, retry_num=retry_num)
        resp = await self.client.post("/slack/events", data=data, headers=headers)
        assert resp.status == 200, await resp.text()

    async def tg_update(self, update):
        resp = await self.client.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
        )
        assert resp.status == 200

    def next_update(self):
        self._update_id += 1
        return self._update_id


@pytest_asyncio.fixture
async def bridge(redis_url, fake_telegram):
    slack = FakeSlack(token="xoxb-test-token")
    await slack.start()
    b = Bridge(redis_url, slack, fake_telegram)
    await b.start()
    try:
        yield b
    finally:
        await b.stop()
        await slack.stop()


async def test_telegram_broadcast_attempt_arrives_harmless_and_readable(bridge):
    await bridge.tg_update(
        tg_message_update(bridge.next_update(), TG_CHAT, 5550002, "Humo <!channel> & <b> > @here", first_name="Luis")
    )
    await bridge.slack.wait_for(lambda f: f.texts(SLACK_CH), what="relayed post")
    call = bridge.slack.calls_to("chat.postMessage")[-1]
    blocks_text = json.dumps(call.params.get("blocks"), ensure_ascii=False)
    assert "<!channel>" not in blocks_text and "<!channel>" not in call.params["text"]
    assert "&lt;!channel&gt; &amp; &lt;b&gt; &gt; @\u200dhere" in call.params["text"]
    assert "Luis Peña (MX · Grupo Beta)" in call.params["text"]


async def test_retried_slack_event_posts_once(bridge):
    body = slack_message_event(SLACK_CH, "U0BOB", "once only", event_id="EvONCE1")
    await bridge.slack_event(body)
    await bridge.slack_event(body, retry_num=1)
    await bridge.slack_event(body, retry_num=2)
    await bridge.tg.wait_for(lambda f: f.texts(TG_CHAT), what="relayed")
    await bridge.rt.runner.drain_until_idle()  # everything queued has been sent
    assert sum("once only" in t for t in bridge.tg.texts(TG_CHAT)) == 1


async def test_reply_maps_to_thread_after_restart(bridge):
    root = slack_ts()
    await bridge.slack_event(slack_message_event(SLACK_CH, "U0BOB", "root message", ts=root))
    reply_ts = slack_ts()
    await bridge.slack_event(slack_message_event(SLACK_CH, "U0JO", "thread reply", ts=reply_ts, thread_ts=root))
    await bridge.tg.wait_for(lambda f: len(f.texts(TG_CHAT)) >= 2, what="both relayed")
    sent = bridge.tg.sent(TG_CHAT)
    assert (sent[1].get("reply_to_message") or {}).get("message_id") == sent[0]["message_id"]
    # restart: a new Runtime on the same Redis
    await bridge.stop()
    await bridge.start()
    await bridge.tg_update(
        tg_message_update(
            bridge.next_update(), TG_CHAT, 5550001, "respuesta", reply_to_message_id=sent[1]["message_id"]
        )
    )
    await bridge.slack.wait_for(lambda f: f.thread(SLACK_CH, root), what="reply in thread")
    [msg] = bridge.slack.thread(SLACK_CH, root)
    assert "respuesta" in msg["text"]


async def test_429_burst_loses_and_duplicates_nothing(redis_url, fake_telegram):
    slack = FakeSlack(token="xoxb-test-token", rate_limit=(1.0, 1))
    await slack.start()
    b = Bridge(redis_url, slack, fake_telegram)
    await b.start()
    try:
        # Our own limiter believes we may send 1000/s: the fake's 429s must hold the room.
        b.rt.settings.slack_channel_msgs_per_sec = 1000
        for i in range(8):
            await b.tg_update(tg_message_update(b.next_update(), TG_CHAT, 5550001, f"burst {i:02d}"))
        await slack.wait_for(lambda f: "burst 07" in "\n".join(f.texts(SLACK_CH)), timeout=30, what="all")
        text = "\n".join(slack.texts(SLACK_CH))
        positions = [text.index(f"burst {i:02d}") for i in range(8)]
        assert positions == sorted(positions)
        assert all(text.count(f"burst {i:02d}") == 1 for i in range(8))
        assert any(c.status == 429 for c in slack.calls_to("chat.postMessage"))
    finally:
        await b.stop()
        await slack.stop()


async def test_edits_and_deletes_propagate(bridge):
    ts = slack_ts()
    await bridge.slack_event(slack_message_event(SLACK_CH, "U0BOB", "first text", ts=ts))
    await bridge.tg.wait_for(lambda f: f.texts(TG_CHAT), what="relayed")
    edit = slack_message_event(
        SLACK_CH,
        "U0BOB",
        "",
        subtype="message_changed",
        message={"type": "message", "user": "U0BOB", "text": "second *text*", "ts": ts},
        previous_message={"type": "message", "user": "U0BOB", "text": "first text", "ts": ts},
    )
    await bridge.slack_event(edit)
    await bridge.tg.wait_for(lambda f: any("second text" in t for t in f.texts(TG_CHAT)), what="edited")
    assert len(bridge.tg.texts(TG_CHAT)) == 1
    delete = slack_message_event(
        SLACK_CH,
        "U0BOB",
        "",
        subtype="message_deleted",
        deleted_ts=ts,
        previous_message={"type": "message", "user": "U0BOB", "text": "second", "ts": ts},
    )
    await bridge.slack_event(delete)
    await bridge.tg.wait_for(lambda f: not f.texts(TG_CHAT), what="deleted")
    # Telegram edits come back to Slack as chat.update
    await bridge.tg_update(tg_message_update(bridge.next_update(), TG_CHAT, 5550001, "hola", message_id=77))
    await bridge.slack.wait_for(lambda f: f.texts(SLACK_CH), what="relayed")
    from testing.fakes.builders import tg_edited_message_update

    await bridge.tg_update(tg_edited_message_update(bridge.next_update(), TG_CHAT, 5550001, "hola editado", 77))
    await bridge.slack.wait_for(lambda f: any("hola editado" in t for t in f.texts(SLACK_CH)), what="edit")


async def test_telegram_photo_arrives_in_slack_as_a_file_and_oversize_gives_notice(bridge):
    from testing.fakes.builders import tg_photo_update

    data = b"\x89PNG fake image bytes" * 100
    bridge.tg.register_file(data, file_id="PHOTO-OK")
    await bridge.tg_update(
        tg_photo_update(
            bridge.next_update(), TG_CHAT, 5550001, file_id="PHOTO-OK", file_size=len(data), caption="foto del humo"
        )
    )
    await bridge.slack.wait_for(lambda f: any(r["completed"] for r in f.files.values()), what="file uploaded")
    [record] = [r for r in bridge.slack.files.values() if r["completed"]]
    assert record["content"] == data and SLACK_CH in record["channels"]
    bridge.tg.register_file(b"", file_id="PHOTO-BIG", size=25 * 1024 * 1024)
    await bridge.tg_update(
        tg_photo_update(bridge.next_update(), TG_CHAT, 5550001, file_id="PHOTO-BIG", file_size=None or 25 * 1024 * 1024)
    )
    await bridge.slack.wait_for(lambda f: any("Not relayed" in t for t in f.texts(SLACK_CH)), what="notice")
