"""A combined post redone after a crash mid-send (its entry read again at the head) combines
exactly the messages it did the first time, not everything queued since: what may already be
on the platform is repeated as it was, never mixed into a bigger post."""

import fakeredis

from bot.bridge.hooks import RelayHooks
from bot.bridge.relay import coalesce
from bot.delivery.queues import Entry, push
from bot.model import OutboundMessage, OutboundOp, RoomRef
from bot.store import keys

ROOM = RoomRef(platform="telegram", chat_id="-1001000000003")
GROUP = f"out:{ROOM.key}"
STREAM = keys.queue(GROUP + ":lo")


def relayed(n: int) -> dict:
    message = OutboundMessage(room=ROOM, rich_text=f"mensaje {n}", attribution="Bob Carter", priority="chat")
    return OutboundOp(op="post", message=message, source=f"slack:C0NOGALES:{n}").model_dump(mode="json")


async def queue(redis, numbers) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        for n in numbers:
            push(pipe, GROUP, relayed(n), 0)
        await pipe.execute()


def numbers_in(op: OutboundOp) -> list[int]:
    return [int(source.rsplit(":", 1)[1]) for source in op.sources]


async def test_a_redone_combined_post_combines_what_it_did_the_first_time():
    redis = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(version=(7, 0)), decode_responses=True)
    hooks = RelayHooks(redis, coalesce, map_ttl_seconds=3600)
    await queue(redis, range(6))
    [(head_id, fields)] = await redis.xrange(STREAM, count=1)
    head = OutboundOp.model_validate_json(fields["p"])

    first, extra = await hooks.prepare(head, Entry(GROUP, STREAM, head_id, {}, attempts=1), backed_up=True)
    assert numbers_in(first) == [0, 1, 2, 3, 4, 5] and len(extra) == 5
    # ...the process dies after posting it, before its commit; more is queued meanwhile
    await queue(redis, range(6, 12))

    again, extra_again = await hooks.prepare(head, Entry(GROUP, STREAM, head_id, {}, attempts=2), backed_up=True)
    assert numbers_in(again) == [0, 1, 2, 3, 4, 5]
    assert extra_again == extra


async def test_a_first_send_after_rate_limit_waits_combines_everything_queued():
    redis = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(version=(7, 0)), decode_responses=True)
    hooks = RelayHooks(redis, coalesce, map_ttl_seconds=3600)
    await queue(redis, range(8))
    [(head_id, fields)] = await redis.xrange(STREAM, count=1)
    head = OutboundOp.model_validate_json(fields["p"])
    # read at the head four times already (waiting on the rate limit), never sent
    post, extra = await hooks.prepare(head, Entry(GROUP, STREAM, head_id, {}, attempts=5), backed_up=True)
    assert numbers_in(post) == list(range(8)) and len(extra) == 7
