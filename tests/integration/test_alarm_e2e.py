"""The telephone alarm end to end: the real bot (slack-bolt, PTB, the twilio client) over HTTP to
the Slack, Telegram and Twilio fakes, a real redis-server, and the bot's clock jumped ahead instead of waiting."""

from __future__ import annotations

import json
import logging

import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.engine.evidence import incident_bundle
from bot.record import bundle
from bot.store import keys
from testing.alarm import (
    ANA,
    AUTH_TOKEN,
    BOB,
    PAT,
    PHONES,
    PUBLIC_URL,
    ROSA,
    JumpClock,
    new_fake_twilio,
    twilio_settings,
    write_playbook,
)
from testing.deployments import NOGALES_EL_PASO, with_phones
from testing.fakes._base import wait_for_fakes
from testing.fakes.twilio_api import spoken, twilio_signature
from testing.harness import make_settings, running_bot, slack_command

SLACK_ROOM, TG_ROOM = "C0NOGALES", -1001000000003


@pytest_asyncio.fixture
async def fake_twilio():
    fake = new_fake_twilio()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def ack_posts(slack, tg) -> tuple[str, str]:
    """The current text of the acknowledgement post in each room."""
    s = next(m for m in slack.messages.get(SLACK_ROOM, []) if "Suspicious package" in json.dumps(m))
    t = next(m for m in tg.sent(TG_ROOM) if "Paquete sospechoso" in m.get("text", ""))
    return json.dumps(s, ensure_ascii=False), t.get("text", "")


async def start_incident(bot, slack, tg) -> str:
    await slack_command(bot, "/playbook", "run ack-call", SLACK_ROOM, "U0BOB")
    await wait_for_fakes(
        [slack, tg],
        lambda: (
            any("Suspicious package" in json.dumps(m) for m in slack.messages.get(SLACK_ROOM, []))
            and any("Paquete sospechoso" in x for x in tg.texts(TG_ROOM))
        ),
        timeout=15,
        what="the acknowledgement posted in both rooms",
    )
    engine = bot.runtime.engine.engine
    (state,) = await engine.open_incidents("nogales")
    return state.id


async def test_overdue_ack_rings_the_liaisons_in_turn_and_a_keypress_acknowledges_in_both_rooms(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path
):
    write_playbook(tmp_path)
    fake_twilio.script(PAT, "no-answer")
    fake_twilio.script(ROSA, "answer:1")
    clock = JumpClock()
    settings = make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path, **twilio_settings(fake_twilio)
    )
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        fake_twilio.deliver_to = bot.url
        fakes = [fake_slack, fake_telegram, fake_twilio]
        incident = await start_incident(bot, fake_slack, fake_telegram)
        assert fake_twilio.placed == []  # nothing rings before the acknowledgement is overdue

        clock.advance(121)
        await wait_for_fakes(
            fakes,
            lambda: (
                "by phone" in ack_posts(fake_slack, fake_telegram)[0]
                and "por teléfono" in ack_posts(fake_slack, fake_telegram)[1]
            ),
            timeout=30,
            what="both acknowledgement posts edited: acknowledged by phone",
        )
        slack_post, tg_post = ack_posts(fake_slack, fake_telegram)
        assert "Rosa Díaz" in slack_post and "Rosa Díaz" in tg_post

        # Pat first (config order), no answer; then Rosa, who answered and pressed 1
        assert [(c.to, c.outcome) for c in fake_twilio.placed] == [(PAT, "no-answer"), (ROSA, "answer:1")]
        assert [m["to"] for m in fake_twilio.messages] == [PAT, ROSA]
        assert "Suspicious package" in fake_twilio.messages[0]["body"]  # Pat reads English (side us)
        assert "Paquete sospechoso" in fake_twilio.messages[1]["body"]  # Rosa, Spanish (side mx)
        said = spoken(fake_twilio.placed[1].twiml[0])
        assert {lang for lang, _ in said} == {"es-MX"}
        words = " ".join(text for _, text in said)
        assert "Paquete sospechoso en la garita de Nogales." in words
        assert ", ".join(incident.replace("-", "")) in words  # the incident id spelled out
        assert "Oprima 1 para confirmar" in words and "Oprima 2" in words
        assert "Confirmado" in " ".join(text for _, text in spoken(fake_twilio.placed[1].twiml[1]))

        engine = bot.runtime.engine.engine
        timeline = await engine.timeline(incident)
        acks = [e for e in timeline if e.kind == "ack"]
        assert [(e.who, e.detail.get("via")) for e in acks] == [("Rosa Díaz", "phone")]
        results = [(e.detail["person"], e.detail["result"]) for e in timeline if e.kind == "call_result"]
        assert results[0] == ("Pat Lee", "no-answer")
        state = await engine.get(incident)
        assert state.acks["confirm"].acked_by == "Rosa Díaz" and state.timers == {}

        # Later: past the escalation time and every call's deadline, nobody else is called.
        await fake_twilio.wait_for(lambda f: all(c.status == "completed" or c.status == "no-answer" for c in f.placed))
        for _ in range(3):
            clock.advance(400)
            await bot.runtime.alarm.fire_due()
        assert len(fake_twilio.placed) == 2
        assert await bot.runtime.redis.zcard(keys.ALARM_DUE) == 0
        assert not any(e.kind == "escalation" for e in await engine.timeline(incident))

        # The calls' notes are links of the incident's hash chain like every other entry.
        signed = await incident_bundle(engine, incident, Ed25519PrivateKey.generate())
        verified = bundle.verify(signed)
        assert verified.ok, verified


async def test_forged_and_replayed_callbacks_change_nothing(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path
):
    write_playbook(tmp_path)
    fake_twilio.script(PAT, "busy")
    fake_twilio.script(ROSA, "answer:hold")
    clock = JumpClock()
    settings = make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path, **twilio_settings(fake_twilio)
    )
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        fake_twilio.deliver_to = bot.url
        incident = await start_incident(bot, fake_slack, fake_telegram)
        clock.advance(121)
        rosa = await fake_twilio.wait_for(
            lambda f: next((c for c in f.placed if c.to == ROSA and c.twiml), None), timeout=30, what="Rosa answered"
        )
        engine = bot.runtime.engine.engine
        voice_url = rosa.url
        press = {
            "AccountSid": fake_twilio.account_sid,
            "CallSid": rosa.sid,
            "CallStatus": "in-progress",
            "Digits": "1",
            "From": rosa.from_,
            "To": rosa.to,
        }
        # forged: a wrong signature, no signature, the right signature over another URL
        for signature in ("bm90LWEtc2lnbmF0dXJl", ""):
            assert (await fake_twilio.send_signed(voice_url, press, signature=signature)).status == 403
        other_url = f"{PUBLIC_URL}/twilio/voice?t={'0' * 32}"
        assert (await fake_twilio.send_signed(other_url, press)).status == 403  # signed, but no such call
        moved = twilio_signature(AUTH_TOKEN, voice_url.replace("bot.example.org", "evil.example"), press)
        assert (await fake_twilio.send_signed(voice_url, press, signature=moved)).status == 403
        state = await engine.get(incident)
        assert state.acks["confirm"].acked_at is None

        # a replay of Pat's final "busy" status: the plan does not move on a second time
        busy = next(cb for cb in fake_twilio.callbacks if cb.params.get("CallStatus") == "busy")
        again = await fake_twilio.send_signed(busy.url, busy.params, signature=busy.signature)
        assert again.status == 200
        # Rosa presses 1; then the same signed request is replayed
        fake_twilio.press(rosa.sid, "1")
        await wait_for_fakes(
            [fake_slack, fake_telegram, fake_twilio],
            lambda: "by phone" in ack_posts(fake_slack, fake_telegram)[0],
            timeout=30,
            what="acknowledged by phone",
        )
        pressed = next(cb for cb in fake_twilio.callbacks if cb.params.get("Digits") == "1" and cb.status == 200)
        before = len(await engine.timeline(incident))
        replay = await fake_twilio.send_signed(pressed.url, pressed.params, signature=pressed.signature)
        assert replay.status == 200  # answered (Twilio retries otherwise), and dropped as seen
        await bot.runtime.runner.drain_once()
        after = await engine.timeline(incident)
        assert len(after) == before
        assert [e.who for e in after if e.kind == "ack"] == ["Rosa Díaz"]
        assert [c.to for c in fake_twilio.placed] == [PAT, ROSA]
        assert ANA not in [c.to for c in fake_twilio.placed] and BOB not in [c.to for c in fake_twilio.placed]


def exercise_posts(slack) -> list[str]:
    return [m["text"] for m in slack.messages.get(SLACK_ROOM, []) if "telephone alarm would now ring" in m["text"]]


async def test_a_drill_calls_nobody_and_says_whom_it_would_ring(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path
):
    write_playbook(tmp_path)
    clock = JumpClock()
    settings = make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path, **twilio_settings(fake_twilio)
    )
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        fake_twilio.deliver_to = bot.url
        await slack_command(bot, "/playbook", "drill ack-call", SLACK_ROOM, "U0BOB")
        await fake_slack.wait_for(lambda f: any("Suspicious" in json.dumps(m) for m in f.messages.get(SLACK_ROOM, [])))
        clock.advance(121)
        await wait_for_fakes(
            [fake_slack, fake_telegram],
            lambda: exercise_posts(fake_slack) and any("llamaría ahora a" in x for x in fake_telegram.texts(TG_ROOM)),
            timeout=30,
            what="the drill says whom it would ring",
        )
        (text,) = exercise_posts(fake_slack)
        assert "Pat Lee, Rosa Díaz" in text and "EXERCISE" in text
        await bot.runtime.alarm.fire_due()
        assert fake_twilio.placed == [] and fake_twilio.messages == []
        assert fake_twilio.calls == []  # not one request to Twilio


async def test_a_drill_started_with_calls_yes_rings_and_says_it_is_an_exercise_first(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path
):
    write_playbook(tmp_path)
    fake_twilio.script(PAT, "answer:1")
    clock = JumpClock()
    settings = make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path, **twilio_settings(fake_twilio)
    )
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        fake_twilio.deliver_to = bot.url
        await slack_command(bot, "/playbook", "drill ack-call calls=yes", SLACK_ROOM, "U0BOB")
        await fake_slack.wait_for(lambda f: any("Suspicious" in json.dumps(m) for m in f.messages.get(SLACK_ROOM, [])))
        clock.advance(121)
        call = await fake_twilio.wait_for(lambda f: next((c for c in f.placed if len(c.twiml) == 2), None), timeout=30)
        first_words = spoken(call.twiml[0])[0]
        assert first_words == ("en-US", "This is an exercise.")
        assert fake_twilio.messages[0]["body"].startswith("EXERCISE. ")
        await fake_slack.wait_for(
            lambda f: any("acknowledged by phone by Pat Lee" in json.dumps(m) for m in f.messages.get(SLACK_ROOM, [])),
            timeout=30,
        )
        assert exercise_posts(fake_slack) == []


async def test_alarm_off_without_twilio_settings_calls_nobody_and_help_says_so(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="bot.runtime")
    write_playbook(tmp_path)
    clock = JumpClock()
    settings = make_settings(redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path)
    assert not settings.alarm_enabled
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        assert "twilio" not in [e.name for e in bot.runtime.edges]
        assert any("Telephone alarm: off" in r.getMessage() for r in caplog.records)  # the start-up line
        await slack_command(bot, "/help", "", SLACK_ROOM, "U0PAT")
        help_post = await fake_slack.wait_for(
            lambda f: next(
                (c for c in f.calls_to("chat.postEphemeral") if "Telephone alarm" in json.dumps(c.params)), None
            )
        )
        assert "Telephone alarm: off" in json.dumps(help_post.params)
        incident = await start_incident(bot, fake_slack, fake_telegram)
        clock.advance(121)
        await fake_slack.wait_for(
            lambda f: any("REMINDER" in m["text"] for m in f.messages.get(SLACK_ROOM, [])), timeout=30
        )
        assert await bot.runtime.redis.exists(keys.alarm_plan(f"{incident}:confirm")) == 0
        assert fake_twilio.calls == []


async def test_twilio_refusals_reach_the_plan_with_twilio_error_codes(redis_url, fake_twilio):
    from bot.alarm import DialError
    from handlers.twilio import TwilioDialer

    settings = make_settings(redis_url, **twilio_settings(fake_twilio))
    dialer = TwilioDialer(settings)
    fake_twilio.invalid_numbers.add(PAT)
    try:
        try:
            await dialer.place_call(
                PAT, voice_url="https://x/v", status_url="https://x/s", ring_seconds=25, time_limit=60
            )
        except DialError as exc:
            assert exc.code == 21211 and "Invalid 'To' Phone Number" in exc.message
        else:
            raise AssertionError("an invalid number was accepted")
        sid = await dialer.send_sms(ROSA, "hello")
        assert sid.startswith("SM") and fake_twilio.messages[-1]["body"] == "hello"
    finally:
        await dialer.close()
    wrong = TwilioDialer(make_settings(redis_url, **{**twilio_settings(fake_twilio), "twilio_auth_token": "wrong"}))
    try:
        try:
            await wrong.send_sms(ROSA, "hello")
        except DialError as exc:
            assert exc.code == 20003
        else:
            raise AssertionError("a wrong auth token was accepted")
    finally:
        await wrong.close()
    assert [c.status for c in fake_twilio.calls] == [400, 201, 401]


async def test_an_ack_in_chat_during_a_call_cancels_the_later_calls_and_the_call_says_so(
    redis_url, fake_slack, fake_telegram, fake_twilio, tmp_path
):
    write_playbook(tmp_path)
    fake_twilio.script(PAT, "answer:hold")
    clock = JumpClock()
    settings = make_settings(
        redis_url, fake_slack, fake_telegram, playbooks_dir=tmp_path, **twilio_settings(fake_twilio)
    )
    async with running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES), clock=clock) as bot:
        fake_twilio.deliver_to = bot.url
        incident = await start_incident(bot, fake_slack, fake_telegram)
        clock.advance(121)
        pat = await fake_twilio.wait_for(lambda f: next((c for c in f.placed if c.twiml), None), timeout=30)
        await slack_command(bot, "/ack", "", SLACK_ROOM, "U0PAT")  # Pat acknowledges in Slack instead
        await fake_slack.wait_for(
            lambda f: any("acknowledged by Pat Lee" in json.dumps(m) for m in f.messages.get(SLACK_ROOM, [])),
            timeout=30,
        )
        engine = bot.runtime.engine.engine
        plan_key = keys.alarm_plan(f"{incident}:confirm")

        async def plan_done():
            raw = await bot.runtime.redis.get(plan_key)
            return raw and json.loads(raw)["done"]

        await bot.runtime.alarm.fire_due()  # the ack made the plan due now (whichever loop gets it)
        assert await plan_done()
        fake_twilio.press(pat.sid, "2")  # "hear it again": the alert is handled now
        await fake_twilio.wait_for(lambda f: pat.status == "completed", timeout=30)
        assert "needs no acknowledgement any more" in " ".join(t for _, t in spoken(pat.twiml[-1]))
        for _ in range(3):
            clock.advance(400)
            await bot.runtime.alarm.fire_due()
        assert [c.to for c in fake_twilio.placed] == [PAT]  # Rosa is never rung
        acks = [e for e in await engine.timeline(incident) if e.kind == "ack"]
        assert [(e.who, e.detail.get("via")) for e in acks] == [("Pat Lee", None)]
