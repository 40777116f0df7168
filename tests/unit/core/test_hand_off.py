"""A process running both the web side and a queue runner: what the web side queues, it leases
for its own runner in the same round trip (HandOff), with the sender's /lang read along."""

import asyncio

from bot.model import InboundEvent, RoomRef, Sender
from bot.store import keys
from handlers.console.sender import ConsoleSender
from testing.bot import build_bot
from testing.deployments import NOGALES_EL_PASO
from testing.waiting import wait_for as wait_until

SLACK_ROOM = RoomRef(platform="slack", chat_id="C0NOGALES")
TG_ROOM = RoomRef(platform="telegram", chat_id="-1001000000003")


def message(room: RoomRef, user: str, text: str, event_id: str, **kw) -> InboundEvent:
    return InboundEvent(
        kind=kw.pop("kind", "message"),
        platform=room.platform,
        event_id=event_id,
        room=room,
        sender=Sender(user_id=user, display_name=user),
        text=text,
        message_id=kw.pop("message_id", event_id),
        **kw,
    )


async def wake_ups(rt) -> tuple[list, asyncio.Task]:
    """Every QUEUE_WAKE message published from now on, collected as it comes."""
    got: list = []
    pubsub = rt.redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(keys.QUEUE_WAKE)

    async def collect():
        try:
            while True:
                message = await pubsub.get_message(timeout=1.0)
                if message is not None:
                    got.append(message)
        finally:
            await pubsub.aclose()

    return got, asyncio.create_task(collect())


def bot_with_console_senders():
    senders = {"slack": ConsoleSender("slack", echo=None), "telegram": ConsoleSender("telegram", echo=None)}
    return build_bot(NOGALES_EL_PASO, senders=senders), senders


async def test_a_relayed_message_needs_no_pass_over_ready_and_wakes_no_other_process():
    rt, senders = bot_with_console_senders()
    passes = 0
    due_groups = rt.runner._due_groups

    async def first_pass_only():
        # after its first pass the runner finds nothing in `ready`: what it relays, it got handed
        nonlocal passes
        passes += 1
        return await due_groups() if passes == 1 else []

    rt.runner._due_groups = first_pass_only
    woken, collector = await wake_ups(rt)
    task = asyncio.create_task(rt.runner.run())
    try:
        await wait_until(lambda: rt.core.hand_off.running and passes, timeout=5, what="the runner's first pass")
        assert await rt.core.accept(message(SLACK_ROOM, "U0BOB", "hello across", "Ev1"))
        await wait_until(lambda: senders["telegram"].received.get(TG_ROOM.key), timeout=5, what="the relayed post")
        assert "hello across" in senders["telegram"].received[TG_ROOM.key][0]["text"]
        await wait_until(lambda: rt.runner._tasks == set(), timeout=5, what="both drains ending")
        assert await rt.redis.zcard(keys.READY) == 0  # both groups retired, both leases released
        assert woken == []  # nobody else was woken for groups this process had leased
    finally:
        await rt.runner.stop()
        task.cancel()
        collector.cancel()
        await asyncio.gather(task, collector, return_exceptions=True)


async def test_without_a_running_runner_nothing_is_leased_and_other_processes_are_woken():
    rt, _ = bot_with_console_senders()
    woken, collector = await wake_ups(rt)
    try:
        assert await rt.core.accept(message(SLACK_ROOM, "U0BOB", "to the worker", "Ev2"))
        assert not await rt.redis.exists(keys.lease("in:slack:C0NOGALES"))
        assert rt.core.hand_off.take_handed() == []
        await wait_until(lambda: woken, timeout=5, what="the wake-up for worker processes")
    finally:
        collector.cancel()
        await asyncio.gather(collector, return_exceptions=True)


async def test_the_senders_lang_is_read_along_only_when_the_head_is_that_very_event():
    rt, _ = bot_with_console_senders()
    await rt.redis.set(keys.person_lang("telegram", "5550001"), "en")
    rt.core.hand_off.running = True  # as a running runner keeps it (nothing drains here)
    assert await rt.core.accept(message(TG_ROOM, "5550001", "primero", "101"))
    [(group, _, first)] = rt.core.hand_off.take_handed()
    assert group == "in:telegram:-1001000000003"
    assert first.read_along == {keys.person_lang("telegram", "5550001"): "en"}
    # the group is now leased (as by a runner still handling "primero"): a second event queues
    # behind it, is not handed over, and nothing is read along for it
    assert await rt.core.accept(message(TG_ROOM, "5550001", "segundo", "102"))
    assert rt.core.hand_off.take_handed() == []
    await rt.redis.delete(keys.lease(group))
    # the lease free again but "primero" still at the head: the handed entry is "primero", whose
    # /lang value (read now, after "segundo" was queued) must not be used for it
    assert await rt.core.accept(message(TG_ROOM, "5550001", "tercero", "103"))
    [(_, _, head)] = rt.core.hand_off.take_handed()
    assert head.payload["text"] == "primero" and head.read_along == {}


async def test_a_handed_over_command_answers_in_the_read_along_language_without_reading_it_again():
    rt, senders = bot_with_console_senders()
    await rt.redis.set(keys.person_lang("telegram", "5550001"), "en")  # Ana's Telegram default is es
    gets = []
    get = rt.redis.get

    async def recorded(key, *a, **kw):
        gets.append(key)
        return await get(key, *a, **kw)

    rt.redis.get = recorded
    task = asyncio.create_task(rt.runner.run())
    try:
        await wait_until(lambda: rt.core.hand_off.running, timeout=5, what="the runner")
        event = message(TG_ROOM, "5550001", "", "104", kind="command", command="help")
        assert await rt.core.accept(event)
        await wait_until(lambda: senders["telegram"].received, timeout=5, what="the answer")
        text = " ".join(p["text"] for posts in senders["telegram"].received.values() for p in posts)
        assert "What you can do here" in text
        assert keys.person_lang("telegram", "5550001") not in gets
    finally:
        await rt.runner.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
