"""What delivery asks the bridge about a relayed message, at send time (delivery itself knows
nothing of relaying; it calls these through its `SendHooks`).

- `prepare`: a relayed chat post in a room backed up against its rate limit is combined with the
  relayed posts queued right behind it (coalescing); a reply gets its target in the destination
  (the copy to reply to on Telegram, the thread root on Slack).
- `targets`: the copies in this room of the message a relayed edit or deletion is about.
- `change_coalesced`: an edit of a message that went out combined with others follows as a
  marked reply; its deletion is skipped (the copy holds other people's messages too).
- `recorded`: the relay map (`blm:relay:*`), written in the transaction that retires the send.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.bridge.relaymap import COALESCED, ORIGIN, THREAD, reply_target, split_source
from bot.delivery.queues import Entry, is_low_priority
from bot.delivery.senders import RoomSender
from bot.i18n import t
from bot.model import OutboundOp
from bot.store import keys

Coalesce = Callable[[list[OutboundOp], bool], OutboundOp | None]


class RelayHooks:
    def __init__(self, redis: Redis, coalesce: Coalesce, map_ttl_seconds: int, coalesce_max: int = 20) -> None:
        self.redis = redis
        self.coalesce = coalesce  # given the ops in order and whether to add the "delayed" notice
        self.map_ttl_seconds = map_ttl_seconds
        self.coalesce_max = coalesce_max

    async def prepare(self, op: OutboundOp, entry: Entry, backed_up: bool) -> tuple[OutboundOp, list[tuple[str, str]]]:
        """The post to send, and the (stream, entry id) of queued posts combined into it. Only a
        room backed up against its rate limit (the delivery gate says) combines."""
        extra: list[tuple[str, str]] = []
        if op.op != "post":
            return op, extra
        if backed_up and is_low_priority(entry.stream):
            op, extra = await self._coalesced(op, entry)
        room = op.message.room
        if op.reply_source and not op.message.reply_to:
            target = await reply_target(self.redis, op.reply_source, room)
            if target:
                op = op.model_copy(update={"message": op.message.model_copy(update={"reply_to": target})})
        return op, extra

    async def _coalesced(self, op: OutboundOp, entry: Entry) -> tuple[OutboundOp, list[tuple[str, str]]]:
        """The room is backed up against its rate limit: the relayed chat posts queued right behind
        this one are sent with it as one post (each still attributed, in order)."""
        room = op.message.room
        remembered_key = keys.combined(entry.stream, entry.entry_id)
        # A second head read may be a redo after a crash mid-send: the post then combines exactly
        # what it did (and may have been posted with), not everything queued since.
        remembered = await self.redis.get(remembered_key) if entry.attempts > 1 else None
        items = await self.redis.xrange(entry.stream, f"({entry.entry_id}", "+", count=self.coalesce_max - 1)
        if remembered is not None:
            again = set(json.loads(remembered))
            items = [(entry_id, fields) for entry_id, fields in items if entry_id in again]
        ops, extra = [op], []
        for entry_id, fields in items:
            nxt = OutboundOp.model_validate(json.loads(fields["p"]))
            if not coalescable(nxt, op):
                break
            ops.append(nxt)
            extra.append((entry.stream, entry_id))
        if len(ops) < 2 or not coalescable(op, op):
            return op, []
        first_notice = bool(await self.redis.set(keys.notice(f"delayed:{room.key}"), "1", nx=True, ex=900))
        combined = self.coalesce(ops, first_notice)
        if combined is None:
            return op, []
        # Keep only as many as the combiner took (it stops at the size limit).
        taken = max(1, len(combined.sources)) - 1
        extra = extra[:taken]
        if remembered is None:  # before the send: what a redo must combine again
            await self.redis.set(remembered_key, json.dumps([entry_id for _, entry_id in extra]), ex=86400)
        return combined, extra

    async def targets(self, op: OutboundOp) -> list[str]:
        if not op.source:
            return []
        raw = await self.redis.hget(keys.relay(*split_source(op.source)), op.message.room.key)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
        return json.loads(raw) if raw else []

    async def change_coalesced(self, sender: RoomSender, op: OutboundOp, ids: list[str]) -> bool:
        """True when the copy is a combined one and the change was handled here."""
        if not op.source:
            return False
        room = op.message.room
        combined = await self.redis.hget(keys.relay(room.key, ids[0]), COALESCED)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
        if not combined:
            return False
        if op.op == "edit":
            # The copy holds several people's messages: the edit follows as a reply, marked.
            marked = f"{op.message.attribution or ''} ({t('bridge.edited', op.message.lang)})".strip()
            await sender.post(op.message.model_copy(update={"reply_to": ids[0], "attribution": marked}))
        return True  # a delete of a combined copy is skipped: it holds other people's messages

    def recorded(self, pipe: Pipeline, op: OutboundOp, ids: list[str]) -> None:
        if op.op != "post" or not ids:
            return
        room = op.message.room
        value = json.dumps(ids)
        sources = op.sources or ([op.source] if op.source else [])
        maps: dict[str, dict[str, str]] = {}  # relay map key -> its fields
        for source in sources:
            maps.setdefault(keys.relay(*split_source(source)), {})[room.key] = value
        if sources:
            # and the way back: a reply to our copy finds the original
            for mid in ids:
                back = maps.setdefault(keys.relay(room.key, mid), {})
                back[ORIGIN] = sources[0]
                if len(sources) > 1:
                    back[COALESCED] = json.dumps(sources)
                if room.platform == "slack" and op.message.reply_to:
                    back[THREAD] = op.message.reply_to  # posted in that thread
        if maps:
            set_fields_with_ttl(pipe, maps, self.map_ttl_seconds)


# Several hashes' fields set and their expiry renewed in one command (a relayed post maps both ways:
# four commands otherwise). KEYS: the hashes. ARGV: ttl seconds, then for each hash its number of
# fields followed by field, value pairs.
_SET_FIELDS_WITH_TTL = """
local at = 2
for i = 1, #KEYS do
  local n = tonumber(ARGV[at])
  for j = 1, n do
    redis.call('HSET', KEYS[i], ARGV[at + 2 * j - 1], ARGV[at + 2 * j])
  end
  redis.call('EXPIRE', KEYS[i], ARGV[1])
  at = at + 1 + 2 * n
end
"""


def set_fields_with_ttl(pipe: Pipeline, maps: dict[str, dict[str, str]], ttl: int) -> None:
    """HSET each hash's fields and EXPIRE it, inside the caller's transaction, as one command."""
    args: list[str | int] = [ttl]
    for fields in maps.values():
        args.append(len(fields))
        for name, value in fields.items():
            args += [name, value]
    # EVAL with the source (not EVALSHA): inside MULTI a missing script could not be retried
    pipe.eval(_SET_FIELDS_WITH_TTL, len(maps), *maps, *args)


def coalescable(op: OutboundOp, head: OutboundOp) -> bool:
    """A relayed chat post (attributed, with a source) with nothing of its own to show."""
    m = op.message
    return (
        op.op == "post"
        and m.priority == "chat"
        and bool(m.attribution)
        and bool(op.source)
        and not m.attachments
        and not m.buttons
        and not m.ephemeral_to
        and not m.key
        and not m.title
        and not m.lines
        and not m.mentions
        and op.reply_source == head.reply_source
        and m.reply_to == head.message.reply_to
    )
