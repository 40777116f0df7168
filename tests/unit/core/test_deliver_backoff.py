"""Back-off after a 5xx counts failed sends only, not rate-limit waits."""

import fakeredis

from bot.clock import ManualClock
from bot.delivery.deliver import Deliverer
from bot.delivery.queues import Entry, RetryAt
from bot.model import OutboundMessage, OutboundOp, RoomRef, TransientError
from bot.store import keys


class _Settings:
    slack_channel_msgs_per_sec = 1000.0


class _Failing:
    platform = "slack"

    async def post(self, message):
        raise TransientError("slack 503")


async def test_a_first_5xx_after_many_rate_limit_waits_backs_off_briefly():
    redis = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(version=(7, 0)), decode_responses=True)
    clock = ManualClock(1000)
    d = Deliverer(redis, clock, _Settings(), {"slack": _Failing()})
    op = OutboundOp(message=OutboundMessage(room=RoomRef(platform="slack", chat_id="C1"), text="hola"))
    # read at the head 12 times already (each rate-limit wait or 429 block is a head read)
    entry = Entry("out:slack:C1", keys.queue("out:slack:C1:lo"), "1-0", op.model_dump(mode="json"), attempts=12)
    outcome = await d.handle(entry)
    assert isinstance(outcome, RetryAt) and outcome.when - clock.now() <= 1.0, outcome
    clock.advance(5)
    outcome = await d.handle(entry)
    assert isinstance(outcome, RetryAt) and outcome.when - clock.now() <= 2.0, outcome
