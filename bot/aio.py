"""Small asyncio helpers for the background loops."""

from __future__ import annotations

import asyncio


def cancel_requested() -> bool:
    """Whether the runtime has cancelled the current task. A loop checks it as its condition: a
    library that swallows the CancelledError (seen with redis-py mid-command) must not leave the
    loop running forever and the shutdown waiting on it."""
    task = asyncio.current_task()
    return bool(task is not None and task.cancelling())
