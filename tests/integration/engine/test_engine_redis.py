"""The engine on a real Redis: a full run, two workers, a restart, an ack racing an escalation."""

import asyncio

from redis.asyncio.client import Pipeline

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


async def test_timers_of_many_incidents_fire_in_one_transaction_each_linked_to_its_own_chain(redis_client, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from bot.engine.evidence import incident_bundle
    from bot.record import bundle

    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    engine = core.engine.engine
    ids = [(await core.engine.start_run("ack-only", "nogales", started_by="test")).id for _ in range(20)]
    clock.set(T0 + 301)
    commits = 0
    execute = Pipeline.execute

    async def counting(self, *args, **kwargs):
        nonlocal commits
        commits += 1
        return await execute(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counting)
    assert await TimerLoop(engine).fire_due() == 20
    assert commits == 2  # 20 firings: a batch of 16 and one of 4, one transaction each
    key = Ed25519PrivateKey.generate()
    for inc in ids:
        doc = await incident_bundle(engine, inc, key)
        assert bundle.verify(doc).ok, inc
        assert [e["content"]["kind"] for e in doc["entries"]].count("reminder") == 1


async def _fire_four_with_interference(redis_client, new_client, interfere):
    """Four incidents' reminders due; `interfere(engine_of_another_worker, other_redis, ids)` runs
    once, between the batch's read and its commit. Returns the engine and the incident ids."""
    clock = ManualClock(T0)
    core = make_core(redis_client, clock)
    engine = core.engine.engine
    ids = [(await core.engine.start_run("ack-only", "nogales", started_by="test")).id for _ in range(4)]
    other = new_client()
    elsewhere = make_core(other, clock).engine.engine
    clock.set(T0 + 301)
    real_playbook_for = engine.playbook_for
    interfered = False

    async def meanwhile(state):
        nonlocal interfered
        if not interfered:
            interfered = True
            await interfere(elsewhere, other, ids)
        return await real_playbook_for(state)

    engine.playbook_for = meanwhile
    fired = await TimerLoop(engine).fire_due()
    assert interfered
    return engine, ids, fired


async def _kinds_of_verified(engine, inc) -> list[str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from bot.engine.evidence import incident_bundle
    from bot.record import bundle

    doc = await incident_bundle(engine, inc, Ed25519PrivateKey.generate())
    result = bundle.verify(doc)
    assert result.ok, (inc, result.problem)
    return [e["content"]["kind"] for e in doc["entries"]]


async def test_an_ack_committing_during_a_batch_still_wins(redis_client, new_client):
    async def ack(elsewhere, other, ids):
        await elsewhere.ack(ids[1], None, "Bob")

    engine, ids, fired = await _fire_four_with_interference(redis_client, new_client, ack)
    assert fired == 3
    for inc in ids:
        kinds = await _kinds_of_verified(engine, inc)
        if inc == ids[1]:
            assert "ack" in kinds and "reminder" not in kinds
        else:
            assert kinds.count("reminder") == 1


async def test_a_timeline_entry_written_during_a_batch_is_linked_before_the_firing(redis_client, new_client):
    """A call note (bot/alarm) changes the timeline only, not the state: the batch WATCHes the
    timeline too, so its reminder links after the note instead of forking the chain."""
    from bot.engine.state import Event
    from bot.record import chain

    async def call_note(elsewhere, other, ids):
        timeline = keys.incident_timeline(ids[2])
        head = chain.head_of(await other.lindex(timeline, -1))
        note = Event(at=elsewhere.clock.now(), kind="call", who="bot", detail={"text": "ringing"})
        elements, _ = chain.chain(ids[2], head, [note.model_dump(mode="json")])
        await other.rpush(timeline, *elements)

    engine, ids, fired = await _fire_four_with_interference(redis_client, new_client, call_note)
    assert fired == 4
    for inc in ids:
        kinds = await _kinds_of_verified(engine, inc)
        assert kinds.count("reminder") == 1
        if inc == ids[2]:
            assert kinds.index("call") < kinds.index("reminder")
