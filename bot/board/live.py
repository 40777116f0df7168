"""Live updates: one Redis pub/sub subscription per process, fanned out to the open pages.

The engine publishes a small notice ({blm, inc}) on `keys.BOARD_EVENTS` inside the transaction that
changes an incident, so every web process behind a load balancer hears every change, whichever
process or worker made it. Each open page holds a server-sent event stream with a bounded queue;
when the subscription drops and comes back, pages are told to refresh (notices may have been
missed). Nothing is subscribed while no page is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from bot.store import keys

log = logging.getLogger(__name__)

QUEUE_SIZE = 64  # notices waiting for one slow page; beyond it the page is told to refresh
RESYNC = {"resync": True}


class LiveHub:
    def __init__(self, redis):
        self.redis = redis
        self._queues: set[asyncio.Queue] = set()
        self._task: asyncio.Task | None = None
        self.subscribed = asyncio.Event()  # set while the subscription is up (tests wait on it)

    def open(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="board-live")
        return queue

    def close(self, queue: asyncio.Queue) -> None:
        self._queues.discard(queue)
        if not self._queues and self._task is not None:
            self._task.cancel()
            self._task = None
            self.subscribed.clear()

    @property
    def open_pages(self) -> int:
        return len(self._queues)

    def _fan_out(self, notice: dict) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(notice)
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    while True:
                        queue.get_nowait()
                queue.put_nowait(RESYNC)

    async def _run(self) -> None:
        first = True
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(keys.BOARD_EVENTS)
                self.subscribed.set()
                if not first:
                    self._fan_out(RESYNC)  # notices sent while we were away are lost: refresh
                first = False
                confirmed = 0
                async for message in pubsub.listen():
                    if message.get("type") == "subscribe":
                        # redis-py re-subscribes by itself after a lost connection; the server's
                        # confirmation says notices may have been missed meanwhile
                        confirmed += 1
                        if confirmed > 1:
                            self._fan_out(RESYNC)
                        continue
                    if message.get("type") != "message":
                        continue
                    try:
                        notice = json.loads(message["data"])
                    except (TypeError, ValueError):
                        continue
                    if isinstance(notice, dict):
                        self._fan_out(notice)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: keep the pages, retry the subscription
                self.subscribed.clear()
                log.warning("board live updates: subscription lost (%s); retrying", type(exc).__name__)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


async def publish(redis, blm_id: str, incident_id: str | None = None) -> None:
    """Tell every process's open pages that something of `blm_id` changed."""
    await redis.publish(keys.BOARD_EVENTS, json.dumps({"blm": blm_id, "inc": incident_id}))
