"""A write whose reply is lost (Redis killed after applying and fsyncing it, before answering) is
never sent again by the store's Redis client. The queues already make such a loss safe: the next
pass finds the entry done, or redoes it. A client that replays the transaction by itself (what
redis-py does with a `retry` policy, the default of `Redis(host=...)`) applies the handling's
writes twice: the relayed post queued twice, so sent twice."""

from __future__ import annotations

import pytest
import redis.exceptions

from bot.clock import ManualClock
from bot.delivery.queues import Done, QueueRunner, RetryAt, group_streams, push
from bot.store import keys
from bot.store.connection import connect_store
from testing.reply_cutter import ReplyCutter


@pytest.fixture
async def cutter(redis_url, redis_server):
    proxy = await ReplyCutter(redis_server.port).start()
    yield proxy
    await proxy.stop()


async def test_a_transaction_whose_reply_is_lost_is_applied_once_and_reported(cutter):
    store = connect_store(cutter.url)
    try:
        cutter.cut_next_reply_to(b"EXEC")
        async with store.pipeline(transaction=True) as pipe:
            pipe.incr("counter")
            with pytest.raises(redis.exceptions.ConnectionError):
                await pipe.execute()
        assert cutter.cut == 1
        assert await store.get("counter") == "1"  # applied by the server, once
    finally:
        await store.aclose()


async def test_a_handled_entry_whose_commit_reply_is_lost_queues_its_effects_once(cutter):
    store = connect_store(cutter.url)
    handled = []

    async def relay(entry):
        handled.append(entry.payload["n"])
        return Done(lambda pipe: push(pipe, "out:slack:C1", {"relayed": entry.payload["n"]}, 0))

    async def hold(entry):  # the relayed post stays queued, to be counted
        return RetryAt(10_000)

    try:
        async with store.pipeline(transaction=True) as pipe:
            push(pipe, "in:telegram:-1", {"n": 7}, 0)
            await pipe.execute()
        runner = QueueRunner(store, ManualClock(10), {"in:": relay, "out:": hold})
        cutter.cut_next_reply_to(b"EXEC")  # the commit that removes the entry and queues the relay
        await runner.drain_until_idle(timeout=5)
        assert cutter.cut == 1
        assert handled == [7]  # the commit was applied: the next pass found the entry done
        outbound = await store.xrange(group_streams("out:slack:C1")[-1])
        assert [f["p"] for _, f in outbound] == ['{"relayed":7}']
        assert not await store.xlen(keys.queue("in:telegram:-1"))
    finally:
        await store.aclose()
