"""Send rates kept in Redis, so every process together stays under the platforms' limits.

Two kinds of limit, checked and taken together in one Lua call, so no process takes half a permit:
- a pace (GCRA, the generic cell rate algorithm: one timestamp per limit), with a small burst;
- a sliding window (at most N sends in any W seconds, one sorted set of send times), for limits
  the platform counts that way: Telegram's 20 messages a minute in a group. A pace with a burst
  alone admits burst + N in some window and earns a 429 (measured: 1 × 429, 14.8 s delay in a
  120-message burst); the window makes the cap exact.

The window is kept a little longer than the platform's (`WINDOW_MARGIN`): the platform stamps a
message when it arrives, a few milliseconds after we stamp it, so an exact copy of its window would
sometimes be one message over.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.store import keys

WINDOW_MARGIN = 1.0  # seconds added to a sliding window, for the network between us and them

_ACQUIRE = """
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local wait = 0
local tats = {}
for i = 1, n do
  local kind = ARGV[3 + 3 * (i - 1)]
  local a = tonumber(ARGV[4 + 3 * (i - 1)])
  local b = tonumber(ARGV[5 + 3 * (i - 1)])
  local key = KEYS[i]
  if kind == 'p' then
    -- a: interval, b: tolerance
    local tat = tonumber(redis.call('GET', key) or now)
    if tat < now then tat = now end
    local w = tat - b - now
    if w > wait then wait = w end
    tats[i] = tat
  else
    -- a: count, b: window seconds
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - b)
    if redis.call('ZCARD', key) >= a then
      local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      local w = tonumber(oldest[2]) + b - now
      if w > wait then wait = w end
    end
  end
end
if wait > 0 then return tostring(wait) end
for i = 1, n do
  local kind = ARGV[3 + 3 * (i - 1)]
  local a = tonumber(ARGV[4 + 3 * (i - 1)])
  local b = tonumber(ARGV[5 + 3 * (i - 1)])
  local key = KEYS[i]
  if kind == 'p' then
    local tat = tats[i] + a
    redis.call('SET', key, tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
  else
    redis.call('ZADD', key, now, ARGV[3 + 3 * n] .. ':' .. i)
    redis.call('PEXPIRE', key, math.ceil(b * 1000) + 1000)
  end
end
return '0'
"""


# The outbound drain's whole check before a send, in one round trip. KEYS: the limits' keys, then
# the room's 429 block and its backlog flag. Blocked (a 429's retry-after not over): {'b', until}.
# Else one permit from every limit or none (as _ACQUIRE); when it must wait, the room is marked
# backed up (its next posts are combined). {'w', wait, backed_up}.
_GATE = (
    """
local blocked = tonumber(redis.call('GET', KEYS[#KEYS - 1]) or '0')
if blocked > tonumber(ARGV[1]) then return {'b', tostring(blocked)} end
local function acquire()
"""
    + _ACQUIRE
    + """
end
local wait = acquire()
if wait ~= '0' then
  redis.call('SET', KEYS[#KEYS], '1', 'EX', ARGV[#ARGV])
  return {'w', wait, 1}
end
return {'w', wait, redis.call('EXISTS', KEYS[#KEYS])}
"""
)


@dataclass(frozen=True)
class Limit:
    """A pace: `per_second` on average, `burst` sends at once after a quiet spell."""

    name: str
    per_second: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval

    def script_args(self) -> list[object]:
        return ["p", self.interval, self.tolerance]


@dataclass(frozen=True)
class Window:
    """At most `count` sends in any `seconds` (plus WINDOW_MARGIN)."""

    name: str
    count: int
    seconds: float

    def script_args(self) -> list[object]:
        return ["w", self.count, self.seconds + WINDOW_MARGIN]


class RateLimiter:
    def __init__(self, redis):
        self._script = redis.register_script(_ACQUIRE)
        self._gate = redis.register_script(_GATE)

    async def acquire(self, limits: list[Limit | Window], now: float) -> float:
        """Take one permit from every limit, or none: returns 0, or the seconds to wait."""
        if not limits:
            return 0.0
        args: list[object] = [repr(now), len(limits)]
        for limit in limits:
            args += limit.script_args()
        args.append(f"{now!r}:{secrets.token_hex(4)}")  # a unique member per send in the windows
        wait = await self._script(keys=[keys.rate(limit.name) for limit in limits], args=args)
        return float(wait)

    async def gate(
        self, limits: list[Limit | Window], now: float, blocked_key: str, backlog_key: str, backlog_ttl: int
    ) -> tuple[float | None, float, bool]:
        """`acquire` behind a room's 429 block, marking the room backed up when it must wait, in
        one round trip: (blocked until or None, seconds to wait or 0, backed up)."""
        args: list[object] = [repr(now), len(limits)]
        for limit in limits:
            args += limit.script_args()
        args.append(f"{now!r}:{secrets.token_hex(4)}")
        args.append(backlog_ttl)
        got = await self._gate(keys=[*(keys.rate(limit.name) for limit in limits), blocked_key, backlog_key], args=args)
        if got[0] == "b":
            return float(got[1]), 0.0, True
        return None, float(got[1]), bool(int(got[2]))


def limits_for_room(platform: str, chat_id: str, settings) -> list[Limit | Window]:
    """The platform limits that one post to this room counts against."""
    if platform == "slack":
        return [Limit(f"slack:{chat_id}", settings.slack_channel_msgs_per_sec)]
    if platform == "telegram":
        limits: list[Limit | Window] = [
            Limit("telegram:global", settings.telegram_msgs_per_sec, burst=5),
            Limit(f"telegram:{chat_id}", max(1.0, settings.telegram_group_msgs_per_min / 60.0)),
        ]
        if chat_id.startswith("-"):  # groups and supergroups
            per_min = settings.telegram_group_msgs_per_min
            # The window caps the minute exactly. The pace spreads it, so a backlog is sent every
            # few seconds (combined posts) instead of 20 at once and then nothing for a minute:
            # with a burst of 3 the pace must be 60/17.x s for the window never to stall it, and
            # the longest gap between two posts stays under 4 s.
            limits.append(Window(f"telegram:group:{chat_id}", int(per_min), 60.0))
            limits.append(Limit(f"telegram:pace:{chat_id}", per_min / 60.0 * GROUP_PACE_FACTOR, burst=3))
        return limits
    return []


# 3 sent at once, then one every 60 / (20 × 0.9) = 3.33 s: the window fills only after
# 3 + 17 × 3.33 = 59.7 s, so the pace (not the window) sets every gap after a burst.
GROUP_PACE_FACTOR = 0.9
