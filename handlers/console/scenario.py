"""A local BLM (Nogales unless told) wired to console rooms: the demo and the console share it."""

from __future__ import annotations

import copy
import html
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.clock import Clock
from bot.config import Deployment, Settings
from bot.directory import get_blm
from bot.model import InboundEvent, RoomRef, Sender
from bot.rooms import CENTRAL, Rooms
from bot.runtime import Runtime
from handlers.console.sender import ConsoleSender

DEMO_DEPLOYMENT: dict[str, Any] = {
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


def demo_deployment(blm_id: str = "nogales") -> dict:
    """The demo's rooms and people, for any BLM of the directory (the console's `--blm`)."""
    if blm_id == "nogales":
        return DEMO_DEPLOYMENT
    blm = get_blm(blm_id)
    people = copy.deepcopy(DEMO_DEPLOYMENT["people"])
    for person in people:
        person["blms"] = [blm.id]
    return {
        "central": DEMO_DEPLOYMENT["central"],
        "blms": {blm.id: {"slack_channel": f"C0{blm.prefix}", "telegram_chat": -1001000000100}},
        "people": people,
    }


def room_names(rooms: Rooms) -> dict[str, str]:
    """Readable names of the deployment's rooms, e.g. `Slack #blm-nogales`."""
    names = {}
    for info in [i for owner in [CENTRAL, *rooms.configured_blms()] for i in rooms.rooms_of(owner)]:
        slug = info.blm.id if info.blm else "central"
        title = info.blm.name("en") if info.blm else "Central"
        names[info.room.key] = (
            f"Slack #blm-{slug}" if info.room.platform == "slack" else f"Telegram «BLM {title.split(',')[0]}»"
        )
    for person in rooms.deployment.people:  # the bot writes to people in their own chat too
        if person.slack_user:
            names[f"slack:{person.slack_user}"] = f"Slack DM with {person.name}"
        if person.telegram_user is not None:
            names[f"telegram:{person.telegram_user}"] = f"Telegram private chat with {person.name}"
    return names


@dataclass
class LocalBLM:
    runtime: Runtime
    slack: ConsoleSender
    telegram: ConsoleSender
    blm_id: str = "nogales"
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    @classmethod
    def create(
        cls, echo=print, deployment: Deployment | None = None, blm_id: str = "nogales", clock: Clock | None = None
    ) -> LocalBLM:
        settings = Settings(
            _env_file=None,
            redis_url=None,
            slack_bot_token=None,
            telegram_bot_token=None,
            slack_channel_msgs_per_sec=1000,
            telegram_msgs_per_sec=1000,
            telegram_group_msgs_per_min=60000,
        )
        deployment = deployment or Deployment.model_validate(demo_deployment(blm_id))
        names = {**ROOM_NAMES, **room_names(Rooms(deployment))}
        numbers = itertools.count(1)  # one numbering over both platforms: `#12` names one post
        slack = ConsoleSender("slack", echo=echo, names=names, _ids=numbers)
        telegram = ConsoleSender("telegram", echo=echo, names=names, _ids=numbers)
        runtime = Runtime.build(
            settings, deployment=deployment, clock=clock or Clock(), senders={"slack": slack, "telegram": telegram}
        )
        return cls(runtime, slack, telegram, blm_id)

    def sender(self, platform: str) -> ConsoleSender:
        return self.slack if platform == "slack" else self.telegram

    def room_of(self, platform: str) -> RoomRef | None:
        """This BLM's room on a platform, None when the deployment gives it none."""
        rooms = self.runtime.core.rooms.rooms_of(self.blm_id)
        return next((r.room for r in rooms if r.room.platform == platform), None)

    def person_event(
        self,
        platform: str,
        user_id: str,
        text: str,
        chat_id: str | None = None,
        language_code: str | None = None,
        private: bool = False,
        reply_to: str | None = None,
        action: str | None = None,
    ) -> InboundEvent:
        if chat_id is None:
            room = self.room_of(platform)
            if room is None:
                raise LookupError(f"{self.blm_id} has no {platform} room in this deployment")
            chat_id = room.chat_id
        person = self.runtime.core.rooms.person(platform, user_id)
        n = next(self._ids)
        stripped = text.strip()
        command = None
        args = text
        if stripped.startswith("/") and action is None:
            head, _, args = stripped[1:].partition(" ")
            command = head.split("@")[0].lower()
        kind: Literal["action", "command", "message"] = (
            "action" if action is not None else "command" if command else "message"
        )
        return InboundEvent(
            kind=kind,
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
            # a Telegram reply names the message; a Slack reply is in the post's thread
            reply_to=reply_to if platform == "telegram" else None,
            thread_root=reply_to if platform == "slack" else None,
            action=action,
        )

    def last_post_with(self, platform: str, needle: str) -> str | None:
        """The id of the bot's latest post in this platform's BLM room containing `needle`."""
        room = self.room_of(platform)
        if room is None:
            return None
        found = [p["id"] for p in self.sender(platform).received.get(room.key, []) if needle in p["text"]]
        return found[-1] if found else None

    async def settle(self) -> None:
        """Until every queued message is delivered to the console rooms."""
        assert self.runtime.runner is not None
        await self.runtime.runner.drain_until_idle()

    async def say(self, platform: str, user_id: str, text: str, **kw) -> None:
        event = self.person_event(platform, user_id, text, **kw)
        await self.runtime.core.accept(event)
        await self.settle()

    async def press(self, platform: str, user_id: str, post_id: str, which: str) -> str | None:
        """Press a button of post `#post_id` (by its number from 1, or a word of its label).
        None when done, else what was wrong (no such post or button)."""
        found = self.sender(platform).find(post_id)
        if found is None:
            return f"no {platform} post #{post_id}"
        room_key, post = found
        buttons = post.get("buttons") or []
        if not buttons:
            return f"post #{post_id} has no buttons"
        chosen = None
        if which.isdigit() and 1 <= int(which) <= len(buttons):
            chosen = buttons[int(which) - 1]
        else:
            chosen = next((b for b in buttons if which.lower() in b["label"].lower()), None)
        if chosen is None:
            labels = ", ".join(f"{i}={b['label']}" for i, b in enumerate(buttons, 1))
            return f"post #{post_id} has no button {which!r}; it has {labels}"
        chat_id = room_key.split(":", 1)[1]
        event = self.person_event(platform, user_id, "", chat_id=chat_id, action=chosen["data"])
        await self.runtime.core.accept(event.model_copy(update={"message_id": post_id}))
        await self.settle()
        return None
