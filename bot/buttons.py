"""Button payloads that cannot be forged or replayed elsewhere.

A button carries only a random token (`b:` + 16 url-safe characters, well under Telegram's
64-byte callback_data); what the button does (action, incident, item, the room it was posted in,
the role it needs) stays in Redis. A click is honoured only from that room, by someone with that
role, while the token lives; anything else is refused and recorded.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from bot.model import Button, Role, RoomRef
from bot.store import keys

PREFIX = "b:"
TTL_SECONDS = 30 * 86400


def button_key(token: str) -> str:
    return f"{keys.NS}btn:{token}"


@dataclass
class ButtonAction:
    action: str  # e.g. "ack", "check", "answer"
    args: dict
    rooms: list[str]  # room keys where the button is posted
    role: int

    def allowed_in(self, room: RoomRef) -> bool:
        return room.key in self.rooms


def make_button(
    effects,
    label: str,
    action: str,
    args: dict,
    rooms: list[RoomRef],
    role: Role = Role.liaison,
    style: str = "default",
) -> Button:
    """A button whose click comes back as `action` with `args`; its record commits with `effects`."""
    token = secrets.token_urlsafe(12)
    record = json.dumps({"action": action, "args": args, "rooms": [r.key for r in rooms], "role": int(role)})
    key = button_key(token)
    effects.also(lambda pipe: pipe.set(key, record, ex=TTL_SECONDS))
    return Button(label=label, data=PREFIX + token, style=style)  # type: ignore[arg-type]


async def resolve_button(redis, data: str | None) -> ButtonAction | None:
    if not data or not data.startswith(PREFIX) or len(data) > 64:
        return None
    raw = await redis.get(button_key(data[len(PREFIX) :]))
    if not raw:
        return None
    rec = json.loads(raw)
    return ButtonAction(rec["action"], rec["args"], rec["rooms"], rec["role"])
