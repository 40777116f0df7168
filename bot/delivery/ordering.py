"""Inbound events that carry their platform's sequence number are queued in that order.

Telegram numbers updates (`update_id`, increasing); two webhook requests that overlap (a retry
after a timeout, several connections) can arrive the wrong way round. Queueing by arrival would
relay them out of order, so an event queued after a later one of the same chat is put back in
front of it: in one Lua call, the entries at the tail with a higher number are taken off and
queued again after it. The entry being handled right now (the head, while a process holds the
group's lease) is never moved: what is already being sent stays sent.
"""

from __future__ import annotations

# KEYS: dedupe, stream, ready, lease; ARGV: dedupe ttl, payload, now, group, sequence number, wake channel
ACCEPT_IN_ORDER = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local unpack_ = table.unpack or unpack  -- Redis runs Lua 5.1; an embedded store may run 5.4
local seq = tonumber(ARGV[5])
local keep = nil
if redis.call('EXISTS', KEYS[4]) == 1 then
  local head = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
  if head[1] then keep = head[1][1] end
end
local later = {}
local tail = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 100)
for _, entry in ipairs(tail) do
  local id, fields = entry[1], entry[2]
  if id == keep then break end
  local s = nil
  for i = 1, #fields, 2 do
    if fields[i] == 's' then s = tonumber(fields[i + 1]) end
  end
  if s == nil or s <= seq then break end
  table.insert(later, 1, fields)
  redis.call('XDEL', KEYS[2], id)
end
redis.call('XADD', KEYS[2], '*', 'p', ARGV[2], 's', ARGV[5])
for _, fields in ipairs(later) do
  redis.call('XADD', KEYS[2], '*', unpack_(fields))
end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[6], '1') end  -- wakes idle runners elsewhere ('': none)
return 1 + #later
"""


def sequence_of(platform: str, event_id: str) -> int | None:
    """The platform's own order of an event, where it has one (Telegram's update_id)."""
    if platform == "telegram" and event_id.isdigit():
        return int(event_id)
    return None
