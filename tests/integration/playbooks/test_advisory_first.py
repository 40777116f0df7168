"""The advisory comes first in every room, before the posts of the playbook it starts: an NWS Extreme
Heat Warning (the captured samples' GeoJSON shape, tests/fakes/alerts.nws_feature) served by the fake
NWS at two BLMs' points, polled by the real advisory service, starting the real heat-wave playbook;
delivered through real slack-bolt / python-telegram-bot clients to the Slack and Telegram fakes at the
default send rates (1 post/s per Slack channel, Telegram 20/min per group), on a ManualClock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.advisories.source_nws import coordinate
from bot.clock import ManualClock
from bot.directory import get_blm
from bot.store import keys
from testing.deployments import EL_PASO_NOGALES_CENTRAL_ONLY, data
from testing.fakes.alerts import nws_feature
from testing.fakes.nws_api import FakeNWS
from testing.harness import make_settings, running_bot

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"
ROOMS = {  # blm: (Slack channel, Telegram group)
    blm: (rooms["slack_channel"], rooms["telegram_chat"])
    for blm, rooms in data(EL_PASO_NOGALES_CENTRAL_ONLY)["blms"].items()
}


def point(blm_id: str) -> str:
    blm = get_blm(blm_id)
    return f"{coordinate(blm.us_lat)},{coordinate(blm.us_lon)}"


async def test_the_advisory_is_the_first_post_in_every_room_then_the_playbook(redis_url, fake_slack, fake_telegram):
    nws = await FakeNWS().start()
    clock = ManualClock(float(int(time.time())))
    now = datetime.fromtimestamp(clock.now(), UTC)
    for blm_id in ROOMS:
        blm = get_blm(blm_id)
        nws.set_point(
            point(blm_id),
            [
                nws_feature(
                    f"urn:oid:2.49.0.1.840.0.first.{blm_id}",
                    "Extreme Heat Warning",
                    sent=now,
                    expires=now + timedelta(hours=12),
                    same=[blm.same],
                )
            ],
        )
    settings = make_settings(
        redis_url,
        fake_slack,
        fake_telegram,
        playbooks_dir=PLAYBOOKS,
        nws_api_url=nws.url,
        nws_user_agent=nws.user_agent,
        slack_channel_msgs_per_sec=1,
        telegram_msgs_per_sec=30,
        telegram_group_msgs_per_min=20,
    )
    try:
        async with running_bot(settings, EL_PASO_NOGALES_CENTRAL_ONLY, worker=False, clock=clock) as bot:
            rt = bot.runtime
            assert await rt.advisory_service.tick()
            # no virtual time has passed: each room's first send slot went to its advisory
            await rt.runner.drain_until_idle()
            for slack_channel, tg_chat in ROOMS.values():
                [us] = [m["text"] for m in fake_slack.messages.get(slack_channel, [])]
                [mx] = fake_telegram.texts(tg_chat)
                assert "Weather alert: Extreme Heat Warning" in us
                assert "Alerta meteorológica: Aviso de Calor Extremo" in mx
            # then the playbook's posts follow, each room at its own pace
            for _ in range(600):
                await rt.runner.drain_until_idle()
                if not await rt.redis.zcard(keys.READY):
                    break
                clock.advance(1)
            for slack_channel, tg_chat in ROOMS.values():
                us = [m["text"] for m in fake_slack.messages.get(slack_channel, [])]
                mx = fake_telegram.texts(tg_chat)
                assert len(us) > 2 and len(mx) > 2
                assert "Weather alert: Extreme Heat Warning" in us[0] and "Playbook started:" in us[0]
                assert "Alerta meteorológica" in mx[0] and "Protocolo iniciado:" in mx[0]
                assert any("HEAT WAVE" in t for t in us[1:]) and any("ONDA DE CALOR" in t for t in mx[1:])
                assert not any("Weather alert" in t for t in us[1:])  # posted once, first
            await rt.advisory_service.close()
    finally:
        await nws.stop()
