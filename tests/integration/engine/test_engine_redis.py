"""The engine on a real Redis: a full run, two workers, a restart, an ack racing an escalation."""

import asyncio

from bot.clock import ManualClock
from bot.engine import TimerLoop
from bot.store import keys
from testing.engine import CENTRAL_US, MX, US, Outbox, command, event, handle, make_core
from testing.playbooks import T0


async def test_full_run_checklist_ask_ack_escalation(redis_client):
    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    engine = core.engine.engine
    loop = TimerLoop(engine)
    out = Outbox(redis_client)

    await handle(core, command(US, "UANA", "/playbook run drill-basic crossing=Mariposa"))
    await out.drain()
    chk = next(o for o in out.ops(MX) if o.message.key == "inc:NOG-0001:chk:tasks")
    await handle(core, event("action", MX, "501", action=chk.message.buttons[0].data))
    new = await out.drain()
    assert {r for r, ops in new.items() if any(o.op == "edit" for o in ops)} == {US.key, MX.key}

    await redis_client.set(keys.msgmap(US.key, "inc:NOG-0001:ask:where"), '["1700.1"]')
    await handle(core, event("message", US, "UBOB", text="north lanes", thread_root="1700.1"))
    ask = next(o for o in (await out.drain())[MX.key] if o.message.key == "inc:NOG-0001:ask:evacuate")
    await handle(core, event("action", MX, "501", action=ask.message.buttons[1].data))  # "No"
    await out.drain()
    assert any("Resguardo en el lugar en Mariposa" in t for t in out.texts(MX))

    # nobody acknowledges: two reminders in the BLM's rooms, then the central room
    for minutes in (5, 7, 9):
        clock.set(T0 + minutes * 60 + 1)
        assert await loop.fire_due() == 1
    await out.drain()
    reminders = [o for o in out.ops(US) if "REMINDER" in (o.message.title or "")]
    assert len(reminders) == 2 and [m.user_id for m in reminders[0].message.mentions] == ["UBOB"]
    assert [
        m.user_id for m in next(o for o in out.ops(MX) if "RECORDATORIO" in (o.message.title or "")).message.mentions
    ] == ["501"]
    escalation = [o for o in out.ops(CENTRAL_US) if "ESCALATION" in (o.message.title or "")]
    assert len(escalation) == 1 and [m.user_id for m in escalation[0].message.mentions] == ["UCEN"]
    assert any("ESCALATION" in t for t in out.texts(RoomRef_dm("UCEN")))  # told in private too
    assert any("RECORDATORIO" in t for t in out.texts(RoomRef_dm("501", "telegram")))

    await handle(core, command(CENTRAL_US, "UCEN", "/ack blm=nogales"))
    state = await engine.get("NOG-0001")
    assert state.acks["confirm"].acked_by == "Carla Central" and state.waiting.kind == "wait"
    clock.set(T0 + 30 * 60)
    assert await loop.fire_due() == 1
    state = await engine.get("NOG-0001")
    assert state.status == "completed" and state.answers == {"where": "north lanes", "evacuate": "no"}
    await out.drain()
    assert any("Pasos completos: north lanes." in t for t in out.texts(MX))
    kinds = [e.kind for e in await engine.timeline("NOG-0001")]
    for kind in (
        "start",
        "post",
        "checklist",
        "check",
        "ask",
        "answer",
        "ack_request",
        "reminder",
        "escalation",
        "ack",
        "end",
    ):
        assert kind in kinds
    assert await redis_client.zcard(keys.TIMERS) == 0
    assert len(await redis_client.keys(keys.playbook_snapshot("*"))) == 1


def RoomRef_dm(user, platform="slack"):
    from bot.model import RoomRef

    return RoomRef(platform=platform, chat_id=user)


async def test_two_workers_fire_each_timer_once(redis_client, new_client):
    clock = ManualClock(T0)
    core_a = make_core(redis_client, clock)
    core_b = make_core(new_client(), clock)
    for _ in range(25):
        await core_a.engine.start_run("ack-only", "nogales", started_by="test")
    assert await redis_client.zcard(keys.TIMERS) == 25
    clock.set(T0 + 301)
    loop_a, loop_b = TimerLoop(core_a.engine.engine), TimerLoop(core_b.engine.engine)
    fired = await asyncio.gather(loop_a.fire_due(), loop_b.fire_due(), loop_a.fire_due(), loop_b.fire_due())
    assert sum(fired) == 25
    engine = core_a.engine.engine
    for n in range(1, 26):
        kinds = [e.kind for e in await engine.timeline(f"NOG-{n:04d}")]
        assert kinds.count("reminder") == 1


async def test_overdue_timer_fires_after_restart(redis_client, new_client):
    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    state = await core.engine.start_run("ack-only", "nogales", started_by="test")
    del core  # the process goes away; Redis keeps the timer
    clock.set(T0 + 3600)  # long overdue
    fresh = make_core(new_client(), clock)
    from bot.metrics import METRICS

    late_before = METRICS.timer_lateness._sum.get()
    assert await TimerLoop(fresh.engine.engine).fire_due() == 1
    assert "reminder" in [e.kind for e in await fresh.engine.engine.timeline(state.id)]
    # the metric says how late it fired: the hour overdue, less the ack window (5 min)
    assert METRICS.timer_lateness._sum.get() - late_before >= 3000


async def test_a_claimed_timer_of_a_dead_worker_fires_after_its_lease(redis_client, new_client):
    from bot.engine.timers import LEASE_SECONDS

    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    state = await core.engine.start_run("ack-only", "nogales", started_by="test")
    dead = TimerLoop(core.engine.engine)
    (tid,) = await redis_client.zrange(keys.TIMERS, 0, -1)
    clock.set(T0 + 301)
    assert await dead.claim(tid, clock.now())  # claimed, then the worker "dies" before firing
    other = TimerLoop(make_core(new_client(), clock).engine.engine)
    assert await other.fire_due() == 0
    clock.set(T0 + 302 + LEASE_SECONDS)
    assert await other.fire_due() == 1
    assert [e.kind for e in await core.engine.engine.timeline(state.id)].count("reminder") == 1


async def test_ack_racing_a_due_escalation_never_pages_after_the_ack(redis_client, new_client):
    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    worker = TimerLoop(make_core(new_client(), clock).engine.engine)
    acker = make_core(new_client(), clock).engine.engine
    ids = []
    for n in range(40):
        # one incident at a time, its escalation due exactly when the ack comes in
        clock.set(T0 + n * 1000)
        inc = (await core.engine.start_run("ack-only", "nogales", started_by="test")).id
        ids.append(inc)
        clock.set(T0 + n * 1000 + 301)

        async def ack(delay=n * 2, inc=inc):
            for _ in range(delay):
                await asyncio.sleep(0)  # vary who gets ahead (scheduling, not timing)
            await acker.ack(inc, None, "Bob")

        await asyncio.gather(worker.fire_due(), ack())
        clock.set(T0 + n * 1000 + 900)
        await worker.fire_due()  # anything left over must not page anyone either
    engine = core.engine.engine
    paged_first = 0
    for inc in ids:
        kinds = [e.kind for e in await engine.timeline(inc)]
        assert kinds.count("ack") == 1
        paged_first += "reminder" in kinds
        after_ack = kinds[kinds.index("ack") :]
        assert "reminder" not in after_ack and "escalation" not in after_ack
    assert await redis_client.zcard(keys.TIMERS) == 0
    print(f"{paged_first} of {len(ids)} reminders went out before their ack")
