"""The advisories' test bot: runtimes (testing.bot.build_bot, deployment `EL_PASO_LAREDO` unless
told) on one fake Redis server with console senders, a fake NWS, and a stub for the playbooks an
advisory starts."""

from __future__ import annotations

import fakeredis

from bot.config import Settings
from bot.runtime import Runtime
from handlers.console.sender import ConsoleSender
from testing.bot import build_bot
from testing.deployments import EL_PASO_LAREDO, Source
from testing.fakes.nws_api import FakeNWS

EP_SLACK, EP_TG = "slack:C0ELPASO", "telegram:-1001000000005"
LR_SLACK, LR_TG = "slack:C0LAREDO", "telegram:-1001000000008"


class PlaybookStub:
    def __init__(self):
        self.calls: list[tuple] = []

    def __call__(self, event_names, blm_id, chain_id, effects):
        self.calls.append((tuple(event_names), blm_id, chain_id))
        from bot.directory import get_blm

        return [f"{get_blm(blm_id).prefix}-{len(self.calls):04d}"] if any("Heat" in n for n in event_names) else []


class Harness:
    def __init__(self, nws: FakeNWS, server: fakeredis.FakeServer, clock, playbooks: PlaybookStub):
        self.nws, self.server, self.clock, self.playbooks = nws, server, clock, playbooks
        self.runtimes: list[Runtime] = []

    def runtime(
        self, *, cap_feeds: str = "", poll: float = 120, deployment: Source = EL_PASO_LAREDO, clock=None
    ) -> Runtime:
        settings = Settings(
            _env_file=None,
            redis_url=None,
            slack_bot_token=None,
            telegram_bot_token=None,
            slack_channel_msgs_per_sec=1000,
            telegram_msgs_per_sec=1000,
            telegram_group_msgs_per_min=60000,
            nws_api_url=self.nws.url,
            nws_user_agent=self.nws.user_agent,
            cap_feeds=cap_feeds,
            advisory_poll_seconds=poll,
        )
        redis = fakeredis.FakeAsyncRedis(server=self.server, decode_responses=True)
        rt = build_bot(
            deployment,
            settings=settings,
            redis=redis,
            clock=clock or self.clock,
            advisory_playbooks=self.playbooks,
            senders={"slack": ConsoleSender("slack", echo=None), "telegram": ConsoleSender("telegram", echo=None)},
        )
        self.runtimes.append(rt)
        return rt

    async def drain(self) -> None:
        for rt in self.runtimes:
            await rt.runner.drain_until_idle()

    def posts(self, room_key: str) -> list[str]:
        """Everything posted to a room by any runtime (their senders stand in for one platform)."""
        out = []
        for rt in self.runtimes:
            out += [p["text"] for p in rt.senders[room_key.split(":")[0]].received.get(room_key, [])]
        return out
