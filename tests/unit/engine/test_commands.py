"""Commands and buttons on the embedded store (fakeredis 7.0)."""

import pytest
from fakeredis import FakeAsyncRedis, FakeServer

from bot.delivery.outbox import Effects
from bot.store import keys
from testing.engine import CENTRAL_US, MX, US, Outbox, command, event, handle, make_core


@pytest.fixture
async def redis():
    r = FakeAsyncRedis(server=FakeServer(version=(7, 0)), decode_responses=True)
    yield r
    await r.aclose()


@pytest.fixture
async def core(redis):
    return make_core(redis)


async def test_list_run_and_incident_ids(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UBOB", "/playbook list"))
    await out.drain()
    assert "drill-basic" in out.texts(US)[0]
    await handle(core, command(US, "UANA", "/playbook run drill-basic crossing=Mariposa"))
    await out.drain()
    state = await core.engine.engine.get("NOG-0001")
    assert state.params == {"crossing": "Mariposa", "lanes": 2} and state.started_by == "Ana Coord"
    assert any("Mariposa" in t for t in out.texts(MX))
    assert any("NOG-0001" in t for t in out.texts(CENTRAL_US))
    await handle(core, command(MX, "501", "/ack"))  # nothing waits yet: refused, recorded
    assert await redis.xlen(keys.REFUSALS) == 1
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    assert (await core.engine.engine.get("NOG-0002")).params["crossing"] == "DeConcini"


async def test_unknown_playbook_suggests(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook run drill-basik"))
    await out.drain()
    (op,) = out.ops(US)
    assert "drill-basic?" in op.message.text and op.message.ephemeral_to == "UANA"
    await handle(core, command(MX, "501", "/playbook run drill-basic"))  # a liaison may not
    await out.drain()
    assert "coordinación" in out.texts(MX)[0]
    await handle(core, command(US, "UANA", "/playbook run drill-basic lanes=many"))
    await out.drain()
    assert "whole number" in out.texts(US)[-1]


async def test_central_room_needs_blm(core, redis):
    out = Outbox(redis)
    await handle(core, command(CENTRAL_US, "UCEN", "/playbook run drill-basic"))
    await out.drain()
    assert "blm=" in out.texts(CENTRAL_US)[0]
    await handle(core, command(CENTRAL_US, "UCEN", "/playbook run drill-basic blm=nogales"))
    assert (await core.engine.engine.get("NOG-0001")).blm_id == "nogales"


async def _click(core, room, user, op, label_part=None, index=0):
    buttons = op.message.buttons
    button = next(b for b in buttons if label_part in b.label) if label_part else buttons[index]
    return await handle(core, event("action", room, user, action=button.data))


async def test_checklist_buttons_edit_both_rooms(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    await out.drain()
    chk_mx = next(o for o in out.ops(MX) if o.message.key == "inc:NOG-0001:chk:tasks")
    chk_us = next(o for o in out.ops(US) if o.message.key == "inc:NOG-0001:chk:tasks")
    assert len(chk_mx.message.buttons) == 3 and all(len(b.data) <= 64 for b in chk_mx.message.buttons)
    await _click(core, MX, "501", chk_mx, "911")
    new = await out.drain()
    edits = {room: [o for o in ops if o.op == "edit"] for room, ops in new.items()}
    assert set(edits) == {US.key, MX.key}
    assert "Luis Enlace" in " ".join(edits[US.key][0].message.lines)
    assert len(edits[MX.key][0].message.buttons) == 2
    # the Slack room's token does not work from Telegram
    await _click(core, MX, "501", chk_us, index=0)
    await out.drain()
    assert "sala donde se publicó" in out.texts(MX)[-1]
    # a member may not tick
    await _click(core, MX, "502", chk_mx, index=0)
    assert (await redis.xlen(keys.REFUSALS)) == 2
    await out.drain()  # (each person's answers have their own queue: read them in turn)
    # an unknown token
    await handle(core, event("action", MX, "501", action="b:doesnotexist0000"))
    await out.drain()
    assert "caducó" in out.texts(MX)[-1]
    # /checklist posts it again
    await handle(core, command(MX, "502", "/checklist"))
    new = await out.drain()
    assert [o.message.key for o in new[MX.key]] == ["inc:NOG-0001:chk:tasks"]


async def test_ask_answer_by_button_and_reply_then_ack(core, redis):
    out = Outbox(redis)
    engine = core.engine.engine
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    await out.drain()
    # the delivery layer records the platform ids of the question; a reply to it answers it
    await redis.set(keys.msgmap(MX.key, "inc:NOG-0001:ask:where"), '["77"]')
    await handle(core, event("message", MX, "501", text="carril 3", reply_to="77"))
    await out.drain()
    state = await engine.get("NOG-0001")
    assert state.answers == {"where": "carril 3"}
    ask = next(o for o in out.ops(US) if o.message.key == "inc:NOG-0001:ask:evacuate" and o.op == "post")
    await _click(core, US, "UBOB", ask, "Yes")
    await out.drain()
    state = await engine.get("NOG-0001")
    assert state.answers["evacuate"] == "yes" and state.waiting.kind == "ack"
    await handle(core, command(US, "UBOB", "/ack"))
    await out.drain()
    state = await engine.get("NOG-0001")
    assert state.acks["confirm"].acked_by == "Bob Liaison" and state.waiting.kind == "wait"
    assert await redis.zcard(keys.TIMERS) == 1  # the escalation timer is gone, the wait's remains


async def test_drill_is_marked_and_stays_out_of_central(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook drill drill-basic"))
    await out.drain()
    assert CENTRAL_US.key not in out.got
    room_posts = [o for o in out.ops(US) + out.ops(MX) if o.message.ephemeral_to is None]
    assert room_posts and all(o.message.exercise for o in room_posts)


async def test_abort_close_report(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    await handle(core, command(US, "UANA", '/incident close NOG-0001 "all clear"'))
    state = await core.engine.engine.get("NOG-0001")
    assert state.status == "closed" and state.note == "all clear"
    assert await redis.zcard(keys.TIMERS) == 0 and not await redis.zcard(keys.incidents_open("nogales"))
    md = await core.engine.incident_report("NOG-0001", "md", "es")
    assert "Informe posterior NOG-0001" in md and "Cerró el incidente" in md and "all clear" in md
    assert "MST" in md
    await out.drain()
    await handle(core, command(US, "UANA", "/playbook abort"))
    await out.drain()
    assert "No open incident" in out.texts(US)[-1]
    await handle(core, command(MX, "501", "/incident report NOG-0001"))
    await out.drain()
    assert "Registro de actividades" in out.texts(MX)[-1]


async def test_start_for_advisory_once_per_chain(core, redis):
    effects = Effects(core.clock.now())
    ids = await core.engine.start_for_advisory(["Aviso de Onda de Calor"], "nogales", "chain-1", effects)
    await effects.commit(redis)
    assert ids == ["NOG-0001"]
    assert await core.engine.start_for_advisory(["Extreme Heat Warning"], "nogales", "chain-1", Effects(0)) == []
    assert await core.engine.start_for_advisory(["Flood Warning"], "nogales", "chain-2", Effects(0)) == []


async def test_redelivered_event_changes_nothing_twice(core, redis):
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    engine = core.engine.engine
    first = await engine.end("NOG-0001", "Ana", abort=True, dedupe=keys.engine_done("slack", "ev-1"))
    assert first is not None
    tl_before = await redis.llen(keys.incident_timeline("NOG-0001"))
    # the same event again, as after a crash before its removal from the queue: a quiet no-op
    assert await engine.end("NOG-0001", "Ana", abort=True, dedupe=keys.engine_done("slack", "ev-1")) is None
    assert await redis.llen(keys.incident_timeline("NOG-0001")) == tl_before


async def test_the_report_function_does_not_shadow_the_report_module(core, redis):
    import importlib

    import bot.engine

    module = importlib.import_module("bot.engine.report")
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    assert bot.engine.report is module and callable(bot.engine.incident_report)
    assert "NOG-0001" in await bot.engine.incident_report(core.engine.engine, "NOG-0001")


def test_ack_picks_the_step_asked_of_this_rooms_side():
    from types import SimpleNamespace

    from bot.commands.incidents import _ack_step_for_room

    steps = {"ack-us": SimpleNamespace(to=["us"]), "ack-mx": SimpleNamespace(to=["mx"])}
    pb = SimpleNamespace(step=lambda sid: steps[sid])
    state = SimpleNamespace(pending_acks=lambda: ["ack-us", "ack-mx"])
    telegram_room = SimpleNamespace(is_central=False, side="mx")
    slack_room = SimpleNamespace(is_central=False, side="us")
    central_room = SimpleNamespace(is_central=True, side="us")
    assert _ack_step_for_room(SimpleNamespace(room=telegram_room), state, pb) == "ack-mx"
    assert _ack_step_for_room(SimpleNamespace(room=slack_room), state, pb) == "ack-us"
    assert _ack_step_for_room(SimpleNamespace(room=central_room), state, pb) is None  # central: the oldest


async def test_a_drill_never_takes_a_real_incidents_place(core, redis):
    """A real incident opened before a drill: /ack and /sitrep without an id go to the real one,
    and the sitrep reaches central unmarked; two real incidents open: the command asks which."""
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))  # NOG-0001, real
    await handle(core, command(US, "UANA", "/playbook drill drill-basic"))  # NOG-0002, a drill
    await out.drain()
    engine = core.engine.engine
    assert (await engine.get("NOG-0002")).drill and not (await engine.get("NOG-0001")).drill
    await handle(core, command(MX, "501", "/sitrep Carriles cerrados"))
    await out.drain()
    sitrep = next(o for o in out.ops(CENTRAL_US) if "Carriles cerrados" in (o.message.text or ""))
    assert "NOG-0001" in sitrep.message.title and not sitrep.message.exercise
    assert [e.kind for e in await engine.timeline("NOG-0002")].count("sitrep") == 0
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))  # NOG-0003, real too
    await out.drain()
    await handle(core, command(MX, "501", "/ack"))
    await out.drain()
    asked = out.texts(MX)[-1]
    assert "NOG-0003" in asked and "NOG-0001" in asked and "NOG-0002" not in asked
    await handle(core, command(MX, "501", "/sitrep otra cosa"))
    await out.drain()
    assert "NOG-0003" in out.texts(MX)[-1] and not any("otra cosa" in t for t in out.texts(CENTRAL_US))
    await handle(core, command(MX, "501", "/sitrep NOG-0001 ya despejado"))
    await out.drain()
    named = next(o for o in out.ops(CENTRAL_US) if "ya despejado" in (o.message.text or ""))
    assert "NOG-0001" in named.message.title and named.message.text == "ya despejado"


async def test_only_drills_open_ack_goes_to_the_drill(core, redis):
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook drill drill-basic"))
    await out.drain()
    await handle(core, command(US, "UANA", "/incident show"))
    await out.drain()
    assert "NOG-0001" in out.texts(US)[-1]


async def test_closing_or_aborting_without_an_id_never_guesses(core, redis):
    """With a real incident and a drill open, `/incident close` must not end the wrong one."""
    out = Outbox(redis)
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    await handle(core, command(US, "UANA", "/playbook drill drill-basic"))
    await out.drain()
    await handle(core, command(US, "UANA", "/incident close all clear"))
    await out.drain()
    asked = out.texts(US)[-1]
    assert "NOG-0001" in asked and "NOG-0002" in asked
    engine = core.engine.engine
    assert (await engine.get("NOG-0001")).is_open and (await engine.get("NOG-0002")).is_open
    await handle(core, command(US, "UANA", "/playbook abort NOG-0002"))
    await handle(core, command(US, "UANA", "/incident close"))  # one open now: no question
    assert not (await engine.get("NOG-0001")).is_open and not (await engine.get("NOG-0002")).is_open
