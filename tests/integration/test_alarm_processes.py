"""The telephone alarm with real processes (`serve --no-worker` and `worker`) on a real
redis-server: a worker killed with SIGKILL between the call and the keypress. Slow: `-m slow`."""

from __future__ import annotations

import json

import pytest
import pytest_asyncio
import redis.asyncio as aioredis

from bot.alarm import plan_id
from bot.engine.state import Event, RunState
from bot.store import keys
from testing.alarm import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    PAT,
    PLAYBOOK,
    PUBLIC_URL,
    ROSA,
    new_fake_twilio,
)
from testing.cluster import BotProcess, Cluster, free_port, wait_until
from testing.deployments import ALL_TEN, data
from testing.fakes._base import wait_for_fakes
from testing.fakes.builders import slack_slash_command_form
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

SLACK_ROOM, TG_ROOM = "C0NOGALES", -1001000000003


@pytest_asyncio.fixture
async def fakes():
    slack, tg, twilio = FakeSlack(), FakeTelegram(), new_fake_twilio()
    for fake in (slack, tg, twilio):
        await fake.start()
    try:
        yield slack, tg, twilio
    finally:
        for fake in (slack, tg, twilio):
            await fake.stop()


def deployment() -> dict:
    d = data(ALL_TEN)
    d["people"] += [
        {"name": "Pat Lee", "slack_user": "U0PAT", "role": "liaison", "blms": ["nogales"], "side": "us", "phone": PAT},
        {
            "name": "Rosa Díaz",
            "telegram_user": 5550003,
            "role": "liaison",
            "blms": ["nogales"],
            "side": "mx",
            "phone": ROSA,
        },
    ]
    return d


async def test_a_worker_killed_between_the_call_and_the_keypress_loses_nothing_and_calls_once(
    fakes, redis_url, tmp_path
):
    slack, tg, twilio = fakes
    (tmp_path / "playbooks").mkdir()
    # due two seconds after it is posted (real processes, real time)
    (tmp_path / "playbooks" / "ack-call.yaml").write_text(
        PLAYBOOK.replace("within: 2m", "within: 2s").replace("every: 3m", "every: 1h"), encoding="utf-8"
    )
    cluster = Cluster(
        tmp_path,
        redis_url,
        slack,
        tg,
        deployment=deployment(),
        extra_env={
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_URL": twilio.url,
            "PUBLIC_URL": PUBLIC_URL,
        },
    )
    twilio.script(PAT, "answer:hold")
    store = aioredis.from_url(redis_url, decode_responses=True)
    try:
        await cluster.start(webs=1, workers=1)
        (web,), (worker,) = cluster.webs, cluster.workers
        twilio.deliver_to = web.url
        status, _ = await cluster.slack_post(slack_slash_command_form("/playbook", "run ack-call", SLACK_ROOM, "U0BOB"))
        assert status == 200

        call = await twilio.wait_for(
            lambda f: next((c for c in f.placed if c.to == PAT and c.twiml), None), timeout=60, what="Pat answered"
        )
        (incident,) = await store.zrange(keys.incidents_open("nogales"), 0, -1)
        worker.kill9()
        await worker.wait_exit()

        twilio.press(call.sid, "1")  # the web queues the keypress while no worker runs
        await twilio.wait_for(lambda f: any(c.params.get("Digits") == "1" for c in f.callbacks), timeout=30)
        pressed = next(c for c in twilio.callbacks if c.params.get("Digits") == "1")
        assert pressed.status == 200 and "Acknowledged" in pressed.body
        state = RunState.model_validate_json(await store.get(keys.incident(incident)))
        assert state.acks["confirm"].acked_at is None  # not handled yet: only queued

        replacement = BotProcess("worker", worker.env, tmp_path / "worker1.log", free_port())
        cluster.processes.append(replacement)
        await replacement.start()
        await replacement.wait_healthy(cluster.session)

        def acked_by_phone_in_both_rooms():
            slack_post = [m for m in slack.messages.get(SLACK_ROOM, []) if "Suspicious package" in json.dumps(m)]
            tg_post = [m for m in tg.sent(TG_ROOM) if "Paquete sospechoso" in m.get("text", "")]
            return (
                slack_post
                and "acknowledged by phone by Pat Lee" in json.dumps(slack_post[0], ensure_ascii=False)
                and tg_post
                and "confirmado por teléfono por Pat Lee" in tg_post[0]["text"]
            )

        await wait_for_fakes([slack, tg, twilio], acked_by_phone_in_both_rooms, timeout=60, what="acked by phone")

        async def plan_done():
            raw = await store.get(keys.alarm_plan(plan_id(incident, "confirm")))
            return raw and json.loads(raw)["done"]

        await wait_until(plan_done, 30, "the call plan done")
        await twilio.wait_for(lambda f: call.status == "completed", timeout=30)
        await wait_until(
            lambda: _zero(store.xlen(keys.queue(f"alarm:{incident}:confirm"))), 30, "callbacks all handled"
        )
        timeline = [Event.model_validate_json(e) for e in await store.lrange(keys.incident_timeline(incident), 0, -1)]
        assert [(e.who, e.detail.get("via")) for e in timeline if e.kind == "ack"] == [("Pat Lee", "phone")]
        assert [e.detail["person"] for e in timeline if e.kind == "call"] == ["Pat Lee"]
        assert [c.to for c in twilio.placed] == [PAT]  # no second call, to Pat or to Rosa
        assert [m["to"] for m in twilio.messages] == [PAT]
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await store.aclose()
        await cluster.close()


async def _zero(awaitable) -> bool:
    return (await awaitable) == 0
