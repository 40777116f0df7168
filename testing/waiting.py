"""Waiting in tests: on a condition, with a deadline, and saying what was waited on.

* `wait_for(condition, timeout, what=...)`: until `condition()` (sync or async) is truthy; the
  TimeoutError names `what` and the last value seen.
* `bounded(awaitable, timeout, what=...)`: one awaitable (a shutdown step, a fake's answer) with a
  deadline; the TimeoutError names it. A shutdown that hangs must cost seconds, not the suite's
  120 s timeout, and say which step it was.
* `asyncio_tasks_report()`: every pending task of the running loop and the line it waits at, for
  the timeout hook in tests/conftest.py (a hung asyncio test shows the select() call otherwise).
"""

from __future__ import annotations

import asyncio
import inspect
import io
from collections.abc import Awaitable, Callable
from typing import Any

POLL_SECONDS = 0.01  # how often a condition without a change event is evaluated again


async def wait_for(condition: Callable[[], Any], timeout: float = 5.0, *, what: str) -> Any:
    """The first truthy value of `condition()`, re-evaluated every POLL_SECONDS."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Any = None
    while True:
        last = condition()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if loop.time() >= deadline:
            raise TimeoutError(f"waited {timeout}s for {what}; the condition last gave {last!r}")
        await asyncio.sleep(POLL_SECONDS)  # polling the condition, with the deadline above


async def bounded(awaitable: Awaitable[Any], timeout: float, *, what: str) -> Any:
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except TimeoutError:
        raise TimeoutError(f"{what} did not finish within {timeout}s") from None


def asyncio_tasks_report(loop: asyncio.AbstractEventLoop | None = None, limit: int = 40) -> str:
    """Each pending task of `loop` (default: the running one) with where it is waiting."""
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return "(no running event loop)"
    out = io.StringIO()
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    out.write(f"{len(tasks)} pending asyncio task(s):\n")
    for task in tasks[:limit]:
        out.write(f"- {task.get_name()}: {task.get_coro()!r}\n")
        for frame in task.get_stack(limit=8):
            out.write(f"    {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}\n")
    return out.getvalue()
