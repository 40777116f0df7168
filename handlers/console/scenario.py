"""A local BLM (Nogales) wired to console rooms: the demo and the console share it."""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Deployment, Settings
from bot.model import InboundEvent, RoomRef, Sender
from bot.runtime import Runtime
from handlers.console.sender import ConsoleSender

DEMO_DEPLOYMENT = {
    "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
    "blms": {"nogales": {"slack_channel": "C0NOGALES", "telegram_chat": -1001000000003}},
    "people": [
        {
            "name": "Ana Ruiz",
            "telegram_user": 5550001,
            "role": "coordinator",
            "blms": ["nogales"],
            "side": "mx",
            "agency": "Protección Civil",
        },
        {
            "name": "Luis Peña",
            "telegram_user": 5550002,
            "role": "liaison",
            "blms": ["nogales"],
            "side": "mx",
            "agency": "Grupo Beta",
        },
        {
            "name": "Bob Carter",
            "slack_user": "U0BOB",
            "role": "coordinator",
            "blms": ["nogales"],
            "side": "us",
            "agency": "CBP",
        },
        {
            "name": "Jo Kim",
            "slack_user": "U0JO",
            "role": "member",
            "blms": ["nogales"],
            "side": "us",
            "agency": "US Consulate",
        },
    ],
}

ROOM_NAMES = {
    "slack:C0NOGALES": "Slack #blm-nogales",
    "telegram:-1001000000003": "Telegram «BLM Nogales»",
    "slack:C0CENTRAL": "Slack #blm-central",
    "telegram:-1001000000000": "Telegram «BLM Central»",
}


@dataclass
class LocalBLM:
    runtime: Runtime
    slack: ConsoleSender
    telegram: ConsoleSender
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    @classmethod
    def create(cls, echo=print, deployment: Deployment | None = None) -> LocalBLM:
        settings = Settings(
            _env_file=None,
            redis_url=None,
            slack_bot_token=None,
            telegram_bot_token=None,
            slack_channel_msgs_per_sec=1000,
            telegram_msgs_per_sec=1000,
            telegram_group_msgs_per_min=60000,
        )
        deployment = deployment or Deployment.model_validate(DEMO_DEPLOYMENT)
        runtime = Runtime.build(settings, deployment=deployment, clock=Clock())
        slack = ConsoleSender("slack", echo=echo, names=ROOM_NAMES)
        telegram = ConsoleSender("telegram", echo=echo, names=ROOM_NAMES)
        runtime.senders.update({"slack": slack, "telegram": telegram})
        return cls(runtime, slack, telegram)

    def person_event(
        self,
        platform: str,
        user_id: str,
        text: str,
        chat_id: str | None = None,
        language_code: str | None = None,
        private: bool = False,
        reply_to: str | None = None,
    ) -> InboundEvent:
        if chat_id is None:
            rooms = self.runtime.core.rooms.rooms_of("nogales")
            chat_id = next(r.room.chat_id for r in rooms if r.room.platform == platform)
        person = self.runtime.core.rooms.person(platform, user_id)
        n = next(self._ids)
        stripped = text.strip()
        command = None
        args = text
        if stripped.startswith("/"):
            head, _, args = stripped[1:].partition(" ")
            command = head.split("@")[0].lower()
        return InboundEvent(
            kind="command" if command else "message",
            platform=platform,
            event_id=f"local-{n}",
            room=RoomRef(platform=platform, chat_id=chat_id),
            private=private,
            sender=Sender(
                user_id=user_id, display_name=person.name if person else user_id, language_code=language_code
            ),
            # Telegram hands the bot HTML (text_html): the local edge does the same.
            text=args.strip() if command else (html.escape(text, quote=False) if platform == "telegram" else text),
            command=command,
            message_id=str(n),
            reply_to=reply_to,
        )

    def last_post_with(self, platform: str, needle: str) -> str | None:
        """The id of the bot's latest post in this platform's BLM room containing `needle`."""
        sender = self.slack if platform == "slack" else self.telegram
        room = next(r.room for r in self.runtime.core.rooms.rooms_of("nogales") if r.room.platform == platform)
        found = [p["id"] for p in sender.received.get(room.key, []) if needle in p["text"]]
        return found[-1] if found else None

    async def say(self, platform: str, user_id: str, text: str, **kw) -> None:
        event = self.person_event(platform, user_id, text, **kw)
        await self.runtime.core.accept(event)
        await self.runtime.runner.drain_until_idle()
