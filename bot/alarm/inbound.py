"""Twilio's callbacks, queued durably before the edge answers (like every inbound event).

The edge checks the signature; then `CallbackInbox` ties the callback to a call by the token in
its URL (unknown token: refused), drops a replay (the same callback seen before), and queues it on
the call plan's group in one Redis script, so an answered callback is never lost and is handled
once, by whichever worker drains the queue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from bot.alarm.service import callback_digest, callback_group
from bot.clock import Clock
from bot.store import keys

SEEN_SECONDS = 7 * 86400
TOKEN = re.compile(r"[0-9a-f]{32}")
# What the alarm reads of a callback; the rest of Twilio's form is not kept.
KEPT = ("CallSid", "CallStatus", "Digits", "ErrorCode", "SequenceNumber", "AnsweredBy")

_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'p', ARGV[2])
  redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
  return 1
end
return 0
"""


class CallbackInbox:
    def __init__(self, redis, clock: Clock, on_enqueue: Callable[[], None] | None = None):
        self.redis = redis
        self.clock = clock
        self.on_enqueue = on_enqueue
        self._accept = redis.register_script(_ACCEPT)

    async def call(self, token: str) -> dict | None:
        """The call a callback's token names, or None (a made-up or expired token)."""
        if not TOKEN.fullmatch(token or ""):
            return None
        record = await self.redis.hgetall(keys.alarm_call(token))
        return record or None

    async def plan_done(self, pid: str) -> bool:
        raw = await self.redis.get(keys.alarm_plan(pid))
        return bool(raw) and bool(json.loads(raw).get("done"))

    async def accept(self, kind: str, token: str, record: dict, params: dict) -> bool:
        """Queue the callback; False when it was queued before (a replay or Twilio's retry)."""
        kept = {k: str(params[k])[:64] for k in KEPT if k in params}
        group = callback_group(record["plan"])
        payload = json.dumps({"kind": kind, "token": token, "params": kept}, separators=(",", ":"))
        queued = await self._accept(
            keys=[keys.alarm_seen(callback_digest(kind, token, kept)), keys.queue(group), keys.READY],
            args=[SEEN_SECONDS, payload, self.clock.now(), group],
        )
        if queued and self.on_enqueue:
            self.on_enqueue()
        return bool(queued)
