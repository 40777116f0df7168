"""One injectable clock: timers, rate windows and back-off read it, so tests need no sleeping."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime


class Clock:
    def now(self) -> float:
        return time.time()

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock(Clock):
    """A clock that moves only when told (simulations and tests)."""

    def __init__(self, start: float = 0.0):
        self._now = start
        self._changed = asyncio.Event()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def set(self, when: float) -> None:
        self._now = when

    async def sleep(self, seconds: float) -> None:
        # Yield so other tasks run; virtual time does not pass by itself.
        await asyncio.sleep(0)
