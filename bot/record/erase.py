"""Erasure after the retention period: each timeline entry keeps its hash and loses its content.

Incidents hold personal data (callers, migrants, officers' names), kept for the deployment's
`retention_days` after their last entry. Then the eraser rewrites the timeline: every entry keeps
its number, time, content hash and hash (so the chain still verifies and shows where something was),
loses everything else, and one more entry, `erasure`, records when and how much was erased. The
incident's run state, which holds the same personal data, is deleted with it.
"""

from __future__ import annotations

import asyncio
import json
import logging

from redis.exceptions import WatchError

from bot.clock import Clock
from bot.record import chain
from bot.store import keys

log = logging.getLogger(__name__)

KEEP_KINDS = ("anchor", "erasure")  # written by the bot, no personal data: they stay readable
BATCH = 50


class RecordEraser:
    """The worker loop that erases incidents whose retention period is over."""

    def __init__(self, redis, clock: Clock, retention_days: int, poll_seconds: float = 3600.0):
        self.redis = redis
        self.clock = clock
        self.retention_days = int(retention_days)
        self.poll_seconds = poll_seconds

    async def run(self) -> None:
        while True:
            try:
                await self.erase_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: the next pass does it
                log.warning("erasing timelines failed; trying again later", exc_info=True)
            await asyncio.sleep(self.poll_seconds)

    async def erase_due(self) -> int:
        """Erase every incident due now; how many were erased."""
        done = 0
        while True:
            due = await self.redis.zrangebyscore(keys.RECORD_ERASE, "-inf", self.clock.now(), start=0, num=BATCH)
            handled = [incident_id for incident_id in due if await self.erase(incident_id)]
            done += len(handled)
            if not handled:  # nothing due, or only incidents busy right now: the next pass
                return done

    async def erase(self, incident_id: str) -> bool:
        """Erase one incident's content if its retention period is over (checked again under WATCH).
        True when it was erased (and taken off the schedule)."""
        timeline = keys.incident_timeline(incident_id)
        for _ in range(20):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(timeline)
                    due = await pipe.zscore(keys.RECORD_ERASE, incident_id)
                    now = self.clock.now()
                    if due is not None and due > now:
                        await pipe.unwatch()
                        return False
                    elements = [json.loads(raw) for raw in await pipe.lrange(timeline, 0, -1)]
                    kept, count = [], 0
                    for element in elements:
                        content = chain.content_of(element)
                        if content is None or content.get("kind") in KEEP_KINDS:
                            kept.append(element)
                        else:
                            kept.append(chain.erased(element))
                            count += 1
                    pipe.multi()
                    pipe.zrem(keys.RECORD_ERASE, incident_id)
                    pipe.delete(keys.incident(incident_id))
                    if count:
                        head = chain.Head(kept[-1]["n"], kept[-1]["hash"])
                        note = {
                            "at": now,
                            "kind": "erasure",
                            "who": "bot",
                            "step": None,
                            "detail": {"entries": count, "retention_days": self.retention_days},
                        }
                        appended, _ = chain.chain(incident_id, head, [note])
                        pipe.delete(timeline)
                        pipe.rpush(timeline, *[json.dumps(e, ensure_ascii=False) for e in kept], *appended)
                    await pipe.execute()
                    log.info("%s: content of %d timeline entries erased after retention", incident_id, count)
                    return True
                except WatchError:
                    continue
        log.warning("%s kept changing while being erased; the next pass tries again", incident_id)
        return False
