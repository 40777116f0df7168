"""Telegram -> Slack keeps update_id order per chat even when webhook requests overlap.

Shape: Telegram numbers updates with `update_id`, increasing ("update identifiers start from a
certain positive number and increase sequentially", https://core.telegram.org/bots/api#update);
webhook requests that overlap arrive in any order. Here the later updates arrive first."""

from __future__ import annotations

import asyncio
import json

from fakeredis import FakeAsyncRedis, FakeServer

from bot.core import Core
from bot.model import InboundEvent, RoomRef, Sender
from bot.rooms import Rooms
from bot.store import keys
from testing import deployments
from testing.fakes.builders import tg_message_update, tg_webhook_headers
from testing.harness import TG_SECRET, make_settings, running_bot

SLACK_CH, TG_CHAT, OTHER_CHAT = "C0NOGALES", -1001000000003, -1001000000005


async def post(bot, update):
    resp = await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
    assert resp.status == 200


def positions(texts: list[str], words: list[str]) -> list[int]:
    joined = "\n".join(texts)
    return [joined.index(w) for w in words]


async def test_updates_arriving_out_of_order_are_relayed_in_update_id_order(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram), worker=False) as bot:
        arrival = [5007, 5003, 5005, 5004, 5006, 5001, 5002]
        for uid in arrival:
            await post(bot, tg_message_update(uid, TG_CHAT, 5550001, f"upd-{uid}"))
        await post(bot, tg_message_update(5000, OTHER_CHAT, 5550001, "another chat"))  # its own order
        await bot.runtime.start_workers()  # all queued before any is handled
        await fake_slack.wait_for(lambda f: "upd-5007" in "\n".join(f.texts(SLACK_CH)), what="all relayed")
        words = [f"upd-{uid}" for uid in sorted(arrival)]
        got = positions(fake_slack.texts(SLACK_CH), words)
        assert got == sorted(got), [w for _, w in sorted(zip(got, words, strict=True))]


async def test_concurrent_webhook_requests_lose_and_double_nothing_with_the_worker_running(
    redis_url, fake_slack, fake_telegram
):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        for batch in range(5):
            ids = [6000 + batch * 10 + i for i in range(4)]
            # all four requests in flight at once, sent newest first
            await asyncio.gather(*(post(bot, tg_message_update(u, TG_CHAT, 5550001, f"c-{u}")) for u in reversed(ids)))
        last = "c-6043"
        await fake_slack.wait_for(lambda f: last in "\n".join(f.texts(SLACK_CH)), timeout=15, what="all relayed")
        await bot.runtime.runner.drain_until_idle()
        text = "\n".join(fake_slack.texts(SLACK_CH))
        for batch in range(5):
            ids = [6000 + batch * 10 + i for i in range(4)]
            assert all(text.count(f"c-{u}") == 1 for u in ids)  # nothing lost or doubled


async def test_the_entry_being_handled_is_never_moved_and_the_embedded_store_runs_the_script():
    redis = FakeAsyncRedis(server=FakeServer(version=(7, 0)), decode_responses=True)
    deployment = deployments.deployment(deployments.NOGALES_EL_PASO)
    core = Core(make_settings("redis://unused"), deployment, redis, rooms=Rooms(deployment))
    room = RoomRef(platform="telegram", chat_id=str(TG_CHAT))

    def ev(uid: int) -> InboundEvent:
        return InboundEvent(
            kind="message", platform="telegram", event_id=str(uid), room=room, sender=Sender(user_id="1"), text=str(uid)
        )

    stream = keys.queue(f"in:{room.key}")
    await core.accept(ev(9))
    await redis.set(keys.lease(f"in:{room.key}"), "someone")  # a worker is handling update 9 now
    for uid in (12, 10, 11):
        await core.accept(ev(uid))
    order = [json.loads(f["p"])["event_id"] for _, f in await redis.xrange(stream)]
    assert order == ["9", "10", "11", "12"]
    await redis.delete(stream)
    for uid in (20, 21):
        await core.accept(ev(uid))
    await core.accept(ev(19))  # arrives while 20 is being handled: 20 stays where it is
    order = [json.loads(f["p"])["event_id"] for _, f in await redis.xrange(stream)]
    assert order == ["20", "19", "21"]
    await redis.aclose()
