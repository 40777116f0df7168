"""The fakes behave like the documented APIs, as seen through the real client libraries."""

from __future__ import annotations

import asyncio
import json
import socket
from urllib.parse import parse_qs

import pytest
import redis
import telegram
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from testing.fakes import builders as b
from testing.fakes import netguard
from testing.fakes.netguard import NetworkAccessDenied
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram

SLACK_TOKEN = "xoxb-test-token"
TG_TOKEN = "123456:TEST-token"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def slack(fake: FakeSlack, token: str = SLACK_TOKEN) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.url)


def tg_bot(fake: FakeTelegram, token: str = TG_TOKEN) -> telegram.Bot:
    return telegram.Bot(token, base_url=f"{fake.api_root}/bot", base_file_url=f"{fake.api_root}/file/bot")


# -- Slack ----------------------------------------------------------------------------
async def test_slack_post_update_delete(fake_slack):
    client = slack(fake_slack)
    auth = await client.auth_test()
    assert auth["user_id"] == "U0BOT" and auth["bot_id"] == "B0BOT" and auth["team_id"] == "T0TEAM"
    first = await client.chat_postMessage(channel="C1", text="hello")
    second = await client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    await client.chat_update(channel="C1", ts=first["ts"], text="edited")
    await client.chat_delete(channel="C1", ts=second["ts"])
    msgs = fake_slack.messages["C1"]
    assert msgs[0]["text"] == "edited" and msgs[0]["history"][0]["text"] == "hello"
    assert msgs[1]["thread_ts"] == first["ts"] and msgs[1]["deleted"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C1", ts="1.000000", text="x")
    assert err.value.response["error"] == "message_not_found"
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.params["text"] == "hello" and call.headers["Authorization"] == f"Bearer {SLACK_TOKEN}"


async def test_slack_form_body_with_token_field(fake_slack):
    client = AsyncWebClient(base_url=fake_slack.url)
    resp = await client.api_call("chat.postMessage", data={"token": SLACK_TOKEN, "channel": "C9", "text": "form"})
    assert resp["ok"] and fake_slack.texts("C9") == ["form"]


async def test_slack_errors(fake_slack):
    client = slack(fake_slack)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x" * 40_001)
    assert err.value.response["error"] == "msg_too_long"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="t", blocks=blocks)
    assert err.value.response["error"] == "invalid_blocks"
    too_many = [{"type": "divider"}] * 51
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="t", blocks=too_many)
    assert err.value.response["error"] == "invalid_blocks"
    checkboxes = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "checkboxes",
                    "action_id": "c",
                    "options": [{"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(11)],
                }
            ],
        }
    ]
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="t", blocks=checkboxes)
    with pytest.raises(SlackApiError) as err:
        await slack(fake_slack, "xoxb-wrong").chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "invalid_auth"
    assert len(fake_slack.rejected) == 5 and fake_slack.messages["C1"] == []


async def test_slack_channels_and_users():
    async with FakeSlack(
        channels={"C1": {"name": "central"}}, users={"U1": {"real_name": "Ana Ruiz", "display_name": "ana"}}
    ) as fake:
        fake.remove_bot_from("C2")
        client = slack(fake)
        for channel, error in (("C404", "channel_not_found"), ("C2", "not_in_channel")):
            with pytest.raises(SlackApiError) as err:
                await client.chat_postMessage(channel=channel, text="x")
            assert err.value.response["error"] == error
        user = (await client.users_info(user="U1"))["user"]
        assert user["real_name"] == "Ana Ruiz" and user["profile"]["display_name"] == "ana"
        assert (await client.conversations_info(channel="C1"))["channel"]["name"] == "central"
        eph = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
        assert eph["message_ts"] and fake.ephemeral["C1"][0]["user"] == "U1"


async def test_slack_rate_limit_429_with_retry_after():
    clock = ManualClock()
    async with FakeSlack(rate_limit=True, clock=clock) as fake:
        client = slack(fake)
        for _ in range(3):  # the burst
            await client.chat_postMessage(channel="C1", text="x")
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C1", text="x")
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] == "1"
        assert err.value.response["error"] == "ratelimited"
        await client.chat_postMessage(channel="C2", text="other channel is not limited")
        clock.now += 1.0
        await client.chat_postMessage(channel="C1", text="after a second")


async def test_slack_fault_injection_and_revocation(fake_slack):
    client = slack(fake_slack)
    fake_slack.fail_next("chat.postMessage", 1, status=429, retry_after=30)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429 and err.value.response.headers["Retry-After"] == "30"
    fake_slack.fail_next("chat.postMessage", 1, status=500)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 500
    await client.chat_postMessage(channel="C1", text="x")
    fake_slack.revoke_token()
    with pytest.raises(SlackApiError) as err:
        await client.auth_test()
    assert err.value.response["error"] == "token_revoked"


async def test_slack_files_upload_v2(fake_slack):
    client = slack(fake_slack)
    resp = await client.files_upload_v2(
        channel="C1", content=b"report", filename="r.md", title="Report", initial_comment="after action"
    )
    file_id = resp["file"]["id"]
    assert fake_slack.files[file_id]["content"] == b"report" and fake_slack.files[file_id]["channels"] == ["C1"]
    assert [c.method for c in fake_slack.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    assert fake_slack.messages["C1"][0]["text"] == "after action"


async def test_slack_wait_for_and_response_url(fake_slack):
    client = slack(fake_slack)
    url = fake_slack.new_response_url(channel_id="C1")
    task = asyncio.create_task(client.chat_postMessage(channel="C1", text="later"))
    assert await fake_slack.wait_for(lambda f: f.texts("C1") == ["later"])
    await task
    with pytest.raises(TimeoutError, match="never"):
        await fake_slack.wait_for(lambda f: False, timeout=0.05, what="never")
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"text": "done", "response_type": "in_channel"}) as r:
            assert r.status == 200 and await r.text() == "ok"
    assert fake_slack.responses[0]["payload"]["text"] == "done"
    assert fake_slack.texts("C1") == ["later", "done"]


def test_slack_signing_matches_sdk_verifier():
    body, headers = b.slack_signed("s3cret", b.slack_message_event("C1", "U1", "hi"))
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid_request(body, headers)


def test_slack_builders_shapes(fake_slack_url="http://127.0.0.1:1/commands/x"):
    env = b.slack_message_event("C1", "U1", "hi", thread_ts="1.2")
    assert env["type"] == "event_callback" and env["event"]["thread_ts"] == "1.2" and env["event_id"]
    form = parse_qs(b.slack_slash_command_form("/blm", "status", "C1", "U1", response_url=fake_slack_url).decode())
    assert form["command"] == ["/blm"] and form["response_url"] == [fake_slack_url] and form["trigger_id"]
    payload = json.loads(parse_qs(b.slack_block_action("ack", "inc-1", message_ts="1.5").decode())["payload"][0])
    assert payload["type"] == "block_actions" and payload["actions"][0]["value"] == "inc-1"
    assert payload["container"]["message_ts"] == "1.5"


# -- Telegram -------------------------------------------------------------------------
async def test_telegram_send_edit_delete(fake_telegram):
    async with tg_bot(fake_telegram) as bot:
        me = await bot.get_me()
        assert me.id == 123456 and me.is_bot
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("Ack", callback_data="ack:1")]])
        m1 = await bot.send_message(-100123, "<b>Flood</b> &amp; wind", parse_mode="HTML", reply_markup=kb)
        m2 = await bot.send_message(-100123, "second", reply_to_message_id=m1.message_id)
        assert (m1.message_id, m2.message_id) == (1, 2) and m1.text == "Flood & wind"
        assert m2.reply_to_message.message_id == 1
        await bot.edit_message_text("Flood over", chat_id=-100123, message_id=1)
        with pytest.raises(telegram.error.BadRequest, match="not modified"):
            await bot.edit_message_text("Flood over", chat_id=-100123, message_id=1)
        await bot.delete_message(-100123, 2)
        with pytest.raises(telegram.error.BadRequest, match="not found"):
            await bot.delete_message(-100123, 2)
    stored = fake_telegram.messages[-100123]
    assert stored[0]["text"] == "Flood over" and "reply_markup" not in FakeTelegram.view(stored[0])
    assert stored[1]["deleted"]


async def test_telegram_bad_requests(fake_telegram):
    async with tg_bot(fake_telegram) as bot:
        with pytest.raises(telegram.error.BadRequest, match="too long"):
            await bot.send_message(-100123, "x" * 4097)
        await bot.send_message(-100123, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # counted after parsing
        with pytest.raises(telegram.error.BadRequest, match="(?i)empty"):
            await bot.send_message(-100123, "<i> </i>", parse_mode="HTML")
        with pytest.raises(telegram.error.BadRequest, match="(?i)parse entities"):
            await bot.send_message(-100123, "a < b", parse_mode="HTML")
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])  # 66 bytes
        with pytest.raises(telegram.error.BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(-100123, "x", reply_markup=kb)
        with pytest.raises(telegram.error.BadRequest, match="(?i)caption is too long"):
            await bot.send_document(-100123, document=b"x", filename="a.txt", caption="c" * 1025)
    with pytest.raises(telegram.error.InvalidToken):
        async with tg_bot(fake_telegram, "123456:WRONG") as bot:
            pass


async def test_telegram_chats_kicked_migrated():
    async with FakeTelegram(chats={-1001: {}, -5: {"type": "group"}}) as fake:
        fake.kick_bot(-1001)
        fake.migrate_chat(-5, -1005)
        async with tg_bot(fake) as bot:
            with pytest.raises(telegram.error.Forbidden, match="kicked"):
                await bot.send_message(-1001, "x")
            with pytest.raises(telegram.error.ChatMigrated) as err:
                await bot.send_message(-5, "x")
            assert err.value.new_chat_id == -1005
            await bot.send_message(-1005, "to the supergroup")
            with pytest.raises(telegram.error.BadRequest, match="(?i)chat not found"):
                await bot.send_message(-999, "x")


async def test_telegram_rate_limit_and_injected_429():
    clock = ManualClock()
    async with FakeTelegram(rate_limit=True, clock=clock) as fake:
        async with tg_bot(fake) as bot:
            for _ in range(3):
                await bot.send_message(42, "x")
            with pytest.raises(telegram.error.RetryAfter):
                await bot.send_message(42, "x")
            assert fake.calls[-1].response["parameters"] == {"retry_after": 1}
            assert fake.calls[-1].response["description"] == "Too Many Requests: retry after 1"
            clock.now += 1
            await bot.send_message(42, "x")
            fake.fail_next("sendMessage", status=429, retry_after=9)
            with pytest.raises(telegram.error.RetryAfter):
                await bot.send_message(43, "x")
            assert fake.calls[-1].response["parameters"] == {"retry_after": 9}


async def test_telegram_group_minute_limit():
    clock = ManualClock()
    async with FakeTelegram(rate_limit=True, clock=clock) as fake:
        async with tg_bot(fake) as bot:
            for _ in range(20):
                await bot.send_message(-100777, "x")
                clock.now += 1.0  # keeps the per-chat limit happy
            with pytest.raises(telegram.error.RetryAfter):
                await bot.send_message(-100777, "x")
            assert fake.calls[-1].response["parameters"]["retry_after"] == 40  # the first leaves the window
            clock.now += 40
            await bot.send_message(-100777, "x")


async def test_telegram_files(fake_telegram):
    fake_telegram.max_download_bytes = 100
    big = fake_telegram.register_file(b"", size=101)
    async with tg_bot(fake_telegram) as bot:
        msg = await bot.send_document(-100123, document=b"hello", filename="h.txt", caption="doc")
        file = await bot.get_file(msg.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"hello"
        with pytest.raises(telegram.error.BadRequest, match="(?i)too big"):
            await bot.get_file(big)


async def test_telegram_get_updates_offsets_and_long_poll(fake_telegram):
    for i in range(3):
        fake_telegram.push_update(b.tg_message_update(i + 1, -100123, 7, f"m{i}"))
    async with tg_bot(fake_telegram) as bot:
        got = await bot.get_updates()
        assert [u.update_id for u in got] == [1, 2, 3]
        got = await bot.get_updates(offset=3)  # confirms 1 and 2
        assert [u.update_id for u in got] == [3] and fake_telegram.pending_update_count == 1
        assert [u.message.text for u in got] == ["m2"]
        poll = asyncio.create_task(bot.get_updates(offset=4, timeout=5))
        await fake_telegram.wait_for(lambda f: f.calls_to("getUpdates")[-1].params.get("offset") == 4)
        fake_telegram.push_update(b.tg_message_update(4, -100123, 7, "/status@blm_test_bot now"))
        got = await poll
        assert got[0].message.text.startswith("/status") and got[0].message.entities[0].type == "bot_command"
        assert got[0].message.entities[0].length == len("/status@blm_test_bot")


async def test_telegram_concurrent_get_updates_conflict(fake_telegram):
    # two Bot objects stand for two processes (one Bot serialises its own getUpdates calls)
    async with tg_bot(fake_telegram) as bot1, tg_bot(fake_telegram) as bot2:
        first = asyncio.create_task(bot1.get_updates(timeout=5))
        await fake_telegram.wait_for(lambda f: len(f.calls_to("getUpdates")) == 1)
        assert await bot2.get_updates(timeout=0) == ()
        with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates"):
            await first


async def test_telegram_conflict_reject_new_policy():
    async with FakeTelegram(conflict_policy="reject_new") as fake, tg_bot(fake) as bot1, tg_bot(fake) as bot2:
        first = asyncio.create_task(bot1.get_updates(timeout=5))
        await fake.wait_for(lambda f: len(f.calls_to("getUpdates")) == 1)
        with pytest.raises(telegram.error.Conflict):
            await bot2.get_updates()
        fake.push_update(b.tg_callback_query_update(1, -100123, 7, "ack:1", message_id=3))
        assert (await first)[0].callback_query.data == "ack:1"


async def test_telegram_webhook(fake_telegram):
    async with tg_bot(fake_telegram) as bot:
        with pytest.raises(telegram.error.BadRequest, match="(?i)https"):
            await bot.set_webhook("http://127.0.0.1:8080/telegram/webhook")
        await bot.set_webhook(
            "https://bot.example.org/telegram/webhook",
            secret_token="s3cr_et-1",
            max_connections=1,
            allowed_updates=["message", "edited_message", "callback_query"],
        )
        info = await bot.get_webhook_info()
        assert info.url.endswith("/telegram/webhook") and info.max_connections == 1
        assert fake_telegram.webhook["secret_token"] == "s3cr_et-1"
        with pytest.raises(telegram.error.Conflict, match="webhook is active"):
            await bot.get_updates()
        await bot.delete_webhook()
        assert await bot.get_updates() == ()
        await bot.set_my_commands([("status", "Show status"), ("ack", "Acknowledge")])
        assert [c["command"] for c in fake_telegram.commands[next(iter(fake_telegram.commands))]] == ["status", "ack"]


async def test_telegram_answer_callback_once(fake_telegram):
    async with tg_bot(fake_telegram) as bot:
        assert await bot.answer_callback_query("q1", text="ok")
        with pytest.raises(telegram.error.BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query("q1")


def test_telegram_update_builders_parse_with_ptb():
    bot = telegram.Bot(TG_TOKEN)
    for update in (
        b.tg_message_update(1, -100123, 7, "hola", reply_to_message_id=5),
        b.tg_edited_message_update(2, -100123, 7, "hola!", message_id=9),
        b.tg_callback_query_update(3, -100123, 7, "ack:1", message_id=4),
        b.tg_location_update(4, -100123, 7, 31.33, -110.94),
        b.tg_photo_update(5, -100123, 7, caption="river"),
        b.tg_migrate_update(6, -5, -1005),
    ):
        parsed = telegram.Update.de_json(update, bot)
        assert parsed.update_id == update["update_id"]
    assert telegram.Update.de_json(b.tg_migrate_update(7, -5, -1005), bot).message.migrate_to_chat_id == -1005


# -- network guard ------------------------------------------------------------------------
def test_network_guard_refuses_non_loopback():
    with netguard.denials_expected() as denied:
        with pytest.raises(NetworkAccessDenied, match="10.1.2.3"):
            socket.create_connection(("10.1.2.3", 80), timeout=1)
        sock = socket.socket()
        try:
            with pytest.raises(NetworkAccessDenied, match="10.1.2.3"):
                sock.connect(("10.1.2.3", 443))
        finally:
            sock.close()
        with pytest.raises(NetworkAccessDenied, match="slack.com"):
            socket.getaddrinfo("slack.com", 443)
    assert len(denied) == 3


async def test_network_guard_catches_library_calls():
    with netguard.denials_expected() as denied:
        with pytest.raises(Exception):  # noqa: B017  (whatever the library raises; the guard is what is checked)
            await AsyncWebClient(token="x", base_url="http://10.1.2.3/api/").auth_test()
    assert denied and "10.1.2.3" in denied[0]


def test_network_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        conn = socket.create_connection(server.getsockname(), timeout=2)
        conn.close()
        socket.getaddrinfo("localhost", 80)
    finally:
        server.close()


# -- redis-server -----------------------------------------------------------------------
def test_redis_server_outage_and_restart(redis_server, redis_url):
    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    client.set("k", "v")
    port, pid = redis_server.port, redis_server.pid
    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    redis_server.start()
    assert redis_server.port == port and redis_server.pid != pid
    assert client.ping() and client.get("k") is None  # no persistence
    client.close()


def test_redis_url_is_flushed(redis_url):
    client = redis.Redis.from_url(redis_url)
    assert client.dbsize() == 0
    client.set("left", "over")
    client.close()


async def test_delay_holds_the_answer(fake_slack):
    fake_slack.delay("chat.postMessage", 0.3)
    task = asyncio.create_task(slack(fake_slack).chat_postMessage(channel="C1", text="slow"))
    call = (await fake_slack.wait_for(lambda f: f.calls_to("chat.postMessage")))[0]
    assert call.ok is None and not task.done()  # received, not answered yet
    await asyncio.wait_for(task, 5)
    assert call.ok is True
