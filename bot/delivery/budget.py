"""Every queue entry's retry budget: after so many failed tries, or so long since its first
failure, it goes to the dead-letter stream and its queue moves on.

Failures are counted per entry in the group's in-flight hash (`{entry_id}:failed`, and the time of
the first one in `{entry_id}:first`), not by `attempts`, which also counts every head read (rate
limit waits, 429 blocks): waiting is not failing. The defaults outlast a platform's usual short
outages (the back-off doubles from 1 s to 5 min: ten failures are about 20 minutes) yet no entry
can hold a room for longer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.i18n import t
from bot.model import OutboundMessage, OutboundOp
from bot.store import keys

MAX_FAILURES = 10
MAX_SECONDS = 30 * 60.0
NOTICE_KEY = "notice:set-aside"  # the room's notice itself: never noticed again when it fails
NOTICE_EVERY_SECONDS = 15 * 60  # a room hears about set-aside entries at most this often


@dataclass(frozen=True)
class RetryBudget:
    max_failures: int = MAX_FAILURES
    max_seconds: float = MAX_SECONDS

    def exhausted(self, failures: int, first_failed_at: float, now: float) -> bool:
        return failures >= self.max_failures or now - first_failed_at >= self.max_seconds

    def describe(self, failures: int, first_failed_at: float, now: float) -> str:
        return f"gave up after {failures} failed tries over {max(0.0, now - first_failed_at) / 60:.0f} min"


def failures_field(entry_id: str) -> str:
    return f"{entry_id}:failed"


def first_field(entry_id: str) -> str:
    return f"{entry_id}:first"


async def note_failure(redis, group: str, entry_id: str, now: float) -> tuple[int, float]:
    """Count one failure of the entry; returns (failures so far, when the first one was)."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(keys.inflight(group), failures_field(entry_id), 1)
        pipe.hsetnx(keys.inflight(group), first_field(entry_id), repr(now))
        pipe.hget(keys.inflight(group), first_field(entry_id))
        failures, _, first = await pipe.execute()
    return int(failures), float(first or now)


def dead_letter(pipe, room: str, reason: str, payload: dict) -> None:
    pipe.xadd(keys.DEAD, {"room": room, "reason": reason, "op": json.dumps(payload)}, maxlen=10_000, approximate=True)


def notice_for(op: OutboundOp, reason: str) -> OutboundMessage:
    """What the room is told when one of its entries is set aside."""
    m = op.message
    who = f" ({m.attribution})" if m.attribution else ""
    return OutboundMessage(
        room=m.room,
        text=t("notice.set_aside", m.lang, who=who, reason=reason[:200]),
        priority="interactive",
        lang=m.lang,
        key=NOTICE_KEY,
    )
