"""Fixtures shared by the integration tests."""

import pytest

from testing.fakes.nws_api import FakeNWS


@pytest.fixture
async def nws():
    """A fake NWS alerts API on loopback."""
    fake = await FakeNWS().start()
    yield fake
    await fake.stop()
