"""Test-wide fixtures: the network guard, a real redis-server, and the platform fakes.

* The network guard is installed when pytest configures (before any fixture or import
  of the code under test runs): only loopback and unix sockets are reachable; anything
  else raises ``NetworkAccessDenied`` and fails the test, even if a library swallowed it.
* ``redis_server`` (session): a ``redis-server`` child process; ``redis_url`` (function):
  that server flushed, restarted first if a test stopped it.
* ``fake_slack`` / ``fake_telegram`` (function, async): started fakes with defaults.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from hypothesis import settings as hypothesis_settings

from testing.fakes import netguard
from testing.fakes.netguard import NetworkAccessDenied  # noqa: F401 - re-exported for tests
from testing.fakes.redis_server import RedisServer
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram

# Property tests run the same examples on every run and every machine (the suite is deterministic;
# a case one of them once found is kept as an explicit test beside it), and keep no example
# database in the checkout.
hypothesis_settings.register_profile("deterministic", derandomize=True, database=None)
hypothesis_settings.load_profile("deterministic")


def pytest_configure(config: pytest.Config) -> None:
    netguard.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    netguard.uninstall()


@pytest.fixture(autouse=True)
def _no_network_escape():
    """Fail a test whose code tried to leave loopback, even if the error was swallowed."""
    start = len(netguard.denials)
    yield
    escaped = netguard.denials[start:]
    del netguard.denials[start:]
    if escaped:
        pytest.fail("NetworkAccessDenied during the test:\n  " + "\n  ".join(escaped), pytrace=False)


@pytest.fixture(scope="session")
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    if not redis_server.running:
        redis_server.start()
    redis_server.flushall()
    return redis_server.url


@pytest_asyncio.fixture
async def fake_slack():
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest_asyncio.fixture
async def fake_telegram():
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_timeout_set_timer(item, settings):
    """A timed-out asyncio test shows what it waited on: before pytest-timeout's own report (the
    main thread's stack, which is only the event loop's select()), print every pending task and
    the line it waits at."""
    yield
    if settings.method != "signal":
        return
    import signal
    import sys

    from testing.waiting import asyncio_tasks_report

    original = signal.getsignal(signal.SIGALRM)

    def report_then_fail(signum, frame):
        print(f"\n{item.nodeid} timed out after {settings.timeout}s; it was waiting on:", file=sys.stderr)
        print(asyncio_tasks_report(), file=sys.stderr)
        if callable(original):
            original(signum, frame)

    signal.signal(signal.SIGALRM, report_then_fail)
