"""Fixtures of the advisories' integration tests (the helpers are in `testing.advisories`)."""

from __future__ import annotations

import fakeredis
import pytest

from bot.clock import ManualClock
from testing.advisories import Harness, PlaybookStub
from testing.fakes.alerts import T0


@pytest.fixture
async def harness(nws):
    h = Harness(nws, fakeredis.FakeServer(version=(7, 0)), ManualClock(T0.timestamp()), PlaybookStub())
    yield h
    for rt in h.runtimes:
        await rt.advisory_service.close()
        await rt.close()
