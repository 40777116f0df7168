"""Send rates kept in Redis, so every process together stays under the platforms' limits.

GCRA (the generic cell rate algorithm): one timestamp per limit. All limits of a send are checked
and taken together in one Lua call, so no process can take half a permit.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import keys

_GCRA = """
local now = tonumber(ARGV[1])
local wait = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local tol = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local w = tat - tol - now
  if w > wait then wait = w end
  tats[i] = tat
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local tat = tats[i] + interval
  redis.call('SET', key, tostring(tat), 'PX', math.ceil((tat - now) * 1000) + 1000)
end
return '0'
"""


@dataclass(frozen=True)
class Limit:
    name: str
    per_second: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval


class RateLimiter:
    def __init__(self, redis):
        self._script = redis.register_script(_GCRA)

    async def acquire(self, limits: list[Limit], now: float) -> float:
        """Take one permit from every limit, or none: returns 0, or the seconds to wait."""
        if not limits:
            return 0.0
        args: list[float] = [now]
        for limit in limits:
            args += [limit.interval, limit.tolerance]
        wait = await self._script(keys=[keys.rate(limit.name) for limit in limits], args=args)
        return float(wait)


def limits_for_room(platform: str, chat_id: str, settings) -> list[Limit]:
    """The platform limits that one post to this room counts against."""
    if platform == "slack":
        return [Limit(f"slack:{chat_id}", settings.slack_channel_msgs_per_sec)]
    if platform == "telegram":
        limits = [
            Limit("telegram:global", settings.telegram_msgs_per_sec, burst=5),
            Limit(f"telegram:{chat_id}", max(1.0, settings.telegram_group_msgs_per_min / 60.0)),
        ]
        if chat_id.startswith("-"):  # groups and supergroups
            limits.append(Limit(f"telegram:group:{chat_id}", settings.telegram_group_msgs_per_min / 60.0, burst=5))
        return limits
    return []
