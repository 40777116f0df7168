"""Files can never hold a room, and the bot's token goes only to its platform's own file hosts.

Shapes: the Slack `file_share` message and file object (url_private / url_private_download on
files.slack.com) from https://api.slack.com/events/message/file_share; the Slack Connect stub
(`mode: file_access`, `file_access: check_file_info`, details only through files.info) from
https://api.slack.com/apis/channels-between-orgs; files_upload_v2 answering with the file and
files.info `shares.public.<channel>[].ts` naming the message (https://api.slack.com/types/file)."""

from __future__ import annotations

import json
import time

from aiohttp import web

from bot.clock import ManualClock
from bot.delivery import budget
from bot.store import keys
from testing.fakes.builders import slack_message_event, slack_signed, slack_ts, tg_message_update, tg_photo_update
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT = "C0NOGALES", -1001000000003
_ids = iter(range(900_000, 1_000_000))


async def slack(bot, body):
    data, headers = slack_signed(SIGNING_SECRET, body)
    resp = await bot.post("/slack/events", data, headers)
    assert resp.status == 200


async def tg(bot, update):
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"}
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), headers)
    assert resp.status == 200


class OtherHost:
    """A web server that is not Slack, on loopback: records every request's headers."""

    def __init__(self):
        self.seen: list[dict] = []

    async def start(self) -> str:
        app = web.Application()

        async def anything(request):
            self.seen.append(dict(request.headers))
            return web.Response(body=b"not slack")

        app.router.add_get("/{rest:.*}", anything)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    async def stop(self):
        await self.runner.cleanup()


async def test_a_file_url_off_slacks_hosts_is_never_fetched_and_the_room_moves_on(redis_url, fake_slack, fake_telegram):
    other = OtherHost()
    root = await other.start()
    try:
        async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
            good = fake_slack.add_file(b"real bytes", "ok.pdf")
            for url in (f"{root}/files-pri/T0TEAM-F1/x.pdf", "https://files.slack.com.evil.example/x", "ftp://x/y"):
                forged = {**good, "url_private": url, "url_private_download": url}
                await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "", files=[forged], subtype="file_share"))
            moved = fake_slack.add_file(b"moved", "moved.pdf")  # Slack's own host redirects off-Slack
            fake_slack.files[moved["id"]]["redirect"] = f"{root}/elsewhere/moved.pdf"
            await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "", files=[moved], subtype="file_share"))
            await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "after the forged files"))
            await fake_telegram.wait_for(
                lambda f: any("after the forged files" in t for t in f.texts(TG_CHAT)), what="next message"
            )
            texts = fake_telegram.texts(TG_CHAT)
            assert sum("could not be fetched" in t or "no se pudo obtener" in t for t in texts) == 4, texts
            assert other.seen == []  # no request at all, so no token
            # one try each: a bad URL is a permanent failure, not retried
            assert await bot.runtime.redis.xlen(keys.DEAD) == 0
    finally:
        await other.stop()


async def test_a_slack_connect_stub_is_looked_up_with_files_info(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        stub = fake_slack.add_file(b"%PDF shared from a partner org", "parte.pdf", stub=True)
        assert "url_private" not in stub and stub["file_access"] == "check_file_info"
        await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "parte", files=[stub], subtype="file_share"))
        await fake_telegram.wait_for(lambda f: any(m.get("document") for m in f.sent(TG_CHAT)), what="document")
        assert [c.params.get("file") for c in fake_slack.calls_to("files.info")] == [stub["id"]]
        [download] = fake_slack.calls_to("file_download")
        assert download.headers.get("Authorization") == f"Bearer {fake_slack.token}"


async def test_a_head_entry_that_keeps_failing_moves_on_within_the_budget_with_one_notice(
    redis_url, fake_slack, fake_telegram
):
    clock = ManualClock(time.time())
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram), clock=clock, worker=False) as bot:
        runner = bot.runtime.runner
        fake_slack.fail_next("file_download", 1000, status=503)  # the file host keeps failing
        doomed = fake_slack.add_file(b"never arrives", "doomed.pdf")
        await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "", files=[doomed], subtype="file_share"))
        await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "the next message"))
        started = clock.now()
        while not any("the next message" in t for t in fake_telegram.texts(TG_CHAT)):
            assert clock.now() - started <= budget.MAX_SECONDS + 600, "the room never moved on"
            await runner.drain_until_idle()
            clock.advance(60)
        texts = fake_telegram.texts(TG_CHAT)
        notices = [t for t in texts if "set aside" in t or "apartado" in t]
        assert len(notices) == 1, texts
        assert texts.index(notices[0]) < texts.index(next(t for t in texts if "the next message" in t))
        tries = len(fake_slack.calls_to("file_download"))
        assert tries == budget.MAX_FAILURES, tries  # bounded: no more tries than the budget
        [(_, dead)] = await bot.runtime.redis.xrange(keys.DEAD)
        assert dead["room"] == f"telegram:{TG_CHAT}" and "gave up after" in dead["reason"]


async def test_a_telegram_photo_in_slack_has_a_message_id_so_replies_map(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        data = b"\x89PNG smoke" * 50
        fake_telegram.register_file(data, file_id="PHOTO-MAP")
        photo = tg_photo_update(next(_ids), TG_CHAT, 5550001, file_id="PHOTO-MAP", file_size=len(data), message_id=4242)
        await tg(bot, photo)
        await fake_slack.wait_for(lambda f: any(m.get("files") for m in f.messages[SLACK_CH]), what="file message")
        [file_msg] = [m for m in fake_slack.messages[SLACK_CH] if m.get("files")]
        # a Telegram reply to the photo lands in the file message's thread on Slack
        await tg(bot, tg_message_update(next(_ids), TG_CHAT, 5550003, "¿dónde es?", reply_to_message_id=4242))
        await fake_slack.wait_for(lambda f: f.thread(SLACK_CH, file_msg["ts"]), what="threaded reply")
        # and a Slack thread reply under the file message answers the photo on Telegram
        await slack(bot, slack_message_event(SLACK_CH, "U0BOB", "north gate", ts=slack_ts(), thread_ts=file_msg["ts"]))
        await fake_telegram.wait_for(
            lambda f: any("north gate" in (m.get("text") or "") for m in f.sent(TG_CHAT)), what="reply on Telegram"
        )
        [answer] = [m for m in fake_telegram.sent(TG_CHAT) if "north gate" in (m.get("text") or "")]
        assert (answer.get("reply_to_message") or {}).get("message_id") == 4242
