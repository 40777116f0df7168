"""The relay map: which platform message is a copy of which, read at send time.

`blm:relay:{room}:{msg_id}` (hash) for a message people wrote holds, per other room, the JSON list
of the copies' platform ids; for a copy the bot posted it holds `origin` (the source
"room:msg_id"). A Slack message in a thread (an original or a copy) also has `thread` (its root's
ts), so a reply from the other side lands under the thread root, never a nested thread.
"""

from __future__ import annotations

import json

from bot.model import RoomRef
from bot.store import keys

ORIGIN = "origin"
THREAD = "thread"
COALESCED = "coalesced"


def split_source(source: str) -> tuple[str, str]:
    """'slack:C1:1700.01' -> ('slack:C1', '1700.01')."""
    room_key, _, message_id = source.rpartition(":")
    return room_key, message_id


async def copy_in(redis, source: str, dest: RoomRef, depth: int = 0) -> str | None:
    """The id, in `dest`, of message `source` or of its copy there."""
    room_key, message_id = split_source(source)
    if room_key == dest.key:
        return message_id
    fields = await redis.hgetall(keys.relay(room_key, message_id))
    if dest.key in fields:
        ids = json.loads(fields[dest.key])
        return ids[0] if ids else None
    origin = fields.get(ORIGIN)
    if origin and depth < 2:
        return await copy_in(redis, origin, dest, depth + 1)
    return None


async def reply_target(redis, reply_source: str, dest: RoomRef) -> str | None:
    """Where a reply to `reply_source` goes in `dest`: the message to reply to (Telegram), or the
    thread root (Slack)."""
    target = await copy_in(redis, reply_source, dest)
    if target and dest.platform == "slack":
        root = await redis.hget(keys.relay(dest.key, target), THREAD)
        return root or target
    return target


def record_thread(pipe, room_key: str, message_id: str, root: str, ttl: int) -> None:
    key = keys.relay(room_key, message_id)
    pipe.hset(key, THREAD, root)
    pipe.expire(key, ttl)
