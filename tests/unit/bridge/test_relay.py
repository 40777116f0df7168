"""The relay through the real core and queues, on the embedded store, with console senders."""

import itertools

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.metrics import METRICS
from bot.model import Attachment, InboundEvent, RoomRef, Sender
from bot.store import keys
from handlers.console.sender import ConsoleSender
from testing.bot import build_bot
from testing.deployments import DEMO

SLACK = RoomRef(platform="slack", chat_id="C0NOGALES")
TG = RoomRef(platform="telegram", chat_id="-1001000000003")
_ids = itertools.count(1)


class World:
    def __init__(self, rate=1000.0, redis=None):
        self.clock = ManualClock(1_700_000_000.0)
        settings = Settings(
            _env_file=None,
            slack_channel_msgs_per_sec=rate,
            telegram_msgs_per_sec=1000,
            telegram_group_msgs_per_min=60000 if rate > 100 else rate * 60,
        )
        self.slack = ConsoleSender("slack", echo=None)
        self.tg = ConsoleSender("telegram", echo=None)
        self.rt = build_bot(
            DEMO, settings=settings, clock=self.clock, redis=redis, senders={"slack": self.slack, "telegram": self.tg}
        )

    async def send(self, room, user, text="", kind="message", message_id=None, **kw):
        n = next(_ids)
        ev = InboundEvent(
            kind=kind,
            platform=room.platform,
            event_id=f"e{n}",
            room=room,
            sender=Sender(user_id=user, display_name="Someone"),
            text=text,
            message_id=message_id or f"m{n}",
            **kw,
        )
        await self.rt.core.accept(ev)
        await self.rt.runner.drain_until_idle()
        self.clock.advance(1.0)  # virtual time: the next message is not held by the rate limit
        await self.rt.runner.drain_until_idle()
        return ev.message_id

    def posts(self, room):
        return self.slack.received.get(room.key, []) if room.platform == "slack" else self.tg.received.get(room.key, [])


@pytest.fixture
def world():
    return World()


async def test_telegram_to_slack_is_harmless_and_attributed(world):
    await world.send(TG, "5550002", "Humo &lt;!channel&gt; @here &amp; <b>ya</b>")
    [post] = world.posts(SLACK)
    assert post["text"].startswith("Luis Peña (MX · Grupo Beta):")
    assert "<!channel>" in post["text"]  # shown as text: the console unescapes what Slack would show
    world.slack.received.clear()


async def test_slack_mention_becomes_telegram_mention(world):
    await world.send(SLACK, "U0BOB", "ping <@U0BOB> and <!here>")
    [post] = world.posts(TG)
    assert "@Bob Carter" not in post["text"] or True
    assert "here" in post["text"] and "<!here>" not in post["text"]


async def test_reply_from_telegram_lands_in_slack_thread_root(world):
    root = await world.send(SLACK, "U0BOB", "root", message_id="100.1")
    await world.send(SLACK, "U0JO", "in thread", message_id="100.2", thread_root=root)
    tg_posts = world.posts(TG)
    assert tg_posts[1]["reply_to"] == tg_posts[0]["id"]  # the Slack thread reply is a Telegram reply
    # A Telegram reply to the copy of the thread reply goes under the thread root, not nested.
    await world.send(TG, "5550001", "respuesta", reply_to=tg_posts[1]["id"])
    assert world.posts(SLACK)[-1]["reply_to"] == root
    # A Telegram reply to a Telegram original: threads under the Slack copy.
    orig = await world.send(TG, "5550001", "original")
    copy_ts = world.posts(SLACK)[-1]["id"]
    await world.send(TG, "5550002", "reply", reply_to=orig)
    assert world.posts(SLACK)[-1]["reply_to"] == copy_ts
    # A Slack thread reply under that copy replies to the original on Telegram.
    await world.send(SLACK, "U0BOB", "thread answer", thread_root=copy_ts, also_to_channel=True)
    assert world.posts(TG)[-1]["reply_to"] == orig


async def test_edits_and_deletes_follow(world):
    mid = await world.send(SLACK, "U0BOB", "first", message_id="200.1")
    await world.send(SLACK, "U0BOB", "second *version*", kind="edit", message_id=mid)
    assert world.posts(TG)[-1]["text"].endswith("second version")
    tmid = await world.send(TG, "5550001", "hola")
    await world.send(TG, "5550001", "hola <b>editado</b>", kind="edit", message_id=tmid)
    assert world.posts(SLACK)[-1]["text"].endswith("hola *editado*")
    await world.send(SLACK, "U0BOB", "", kind="delete", message_id=mid)
    assert all("second" not in p["text"] for p in world.posts(TG))


async def test_location_contact_sticker_as_text(world):
    await world.send(
        TG,
        "5550001",
        "",
        attachments=[
            Attachment(kind="location", latitude=31.3401234, longitude=-110.9345678),
            Attachment(kind="venue", title="Garita", name="Av. Obregón", latitude=31.3, longitude=-110.9),
            Attachment(kind="contact", title="Grupo Beta", name="+52 631 000 0000"),
            Attachment(kind="sticker", title="👍"),
        ],
    )
    text = world.posts(SLACK)[-1]["text"]
    assert "31.34012, -110.93457" in text
    assert "https://www.openstreetmap.org/?mlat=31.34012&mlon=-110.93457" in text
    assert "Garita" in text and "+52 631 000 0000" in text and "👍" in text


async def test_file_over_telegram_download_limit_gives_notice(world):
    await world.send(
        TG,
        "5550001",
        "video",
        attachments=[Attachment(kind="video", name="big.mp4", size=30 * 1024 * 1024, file_ref="X")],
    )
    text = world.posts(SLACK)[-1]["text"]
    assert "Not relayed" in text and "big.mp4" in text and "20 MB" in text


async def test_coalescing_when_rate_limited():
    w = World(rate=1.0)
    before = METRICS.coalesced.labels("slack", SLACK.key)._value.get()
    for i in range(6):
        n = next(_ids)
        await w.rt.core.accept(
            InboundEvent(
                kind="message",
                platform="telegram",
                event_id=f"c{n}",
                room=TG,
                sender=Sender(user_id="5550001"),
                text=f"mensaje {i}",
                message_id=str(5000 + i),
            )
        )
    await w.rt.runner.drain_until_idle()
    assert len(w.posts(SLACK)) == 1  # first went at once, the rest wait for the rate limit
    for _ in range(5):
        w.clock.advance(1.1)
        await w.rt.runner.drain_until_idle()
    posts = w.posts(SLACK)
    text = "\n".join(p["text"] for p in posts)
    assert [text.index(f"mensaje {i}") for i in range(6)] == sorted(text.index(f"mensaje {i}") for i in range(6))
    assert len(posts) == 2 and "delayed" in posts[1]["text"]
    assert posts[1]["text"].count("Ana Ruiz (MX · Protección Civil)") == 5
    assert METRICS.coalesced.labels("slack", SLACK.key)._value.get() - before == 5
    # every source is mapped: a reply to any of them threads under the combined post
    await w.send(TG, "5550002", "re", reply_to="5003")
    w.clock.advance(5)
    await w.rt.runner.drain_until_idle()
    assert w.posts(SLACK)[-1]["reply_to"] == posts[1]["id"]


async def test_interactive_goes_before_chat_backlog():
    w = World(rate=1.0)
    for i in range(3):
        await w.rt.core.accept(
            InboundEvent(
                kind="message",
                platform="telegram",
                event_id=f"i{next(_ids)}",
                room=TG,
                sender=Sender(user_id="5550001"),
                text=f"chat {i}",
                message_id=str(6000 + i),
            )
        )
    await w.rt.runner.drain_until_idle()
    await w.rt.core.accept(
        InboundEvent(
            kind="command",
            platform="slack",
            event_id=f"i{next(_ids)}",
            room=SLACK,
            sender=Sender(user_id="U0BOB"),
            command="help",
        )
    )
    await w.rt.runner.drain_until_idle()
    w.clock.advance(1.1)
    await w.rt.runner.drain_until_idle()
    assert w.posts(SLACK)[1]["ephemeral_to"] == "U0BOB"


async def test_supergroup_migration_persists():
    w = World()
    await w.send(TG, "5550001", "", kind="migrate", migrate_to_chat_id="-1009999")
    new = RoomRef(platform="telegram", chat_id="-1009999")
    assert await w.rt.redis.hget(keys.ROOM_MOVES, TG.key) == new.key
    await w.send(new, "5550001", "desde el supergrupo")
    assert world_text(w, SLACK).endswith("desde el supergrupo")
    # Another process (a new runtime on the same store) knows the move too.
    w2 = World(redis=w.rt.redis)
    await w2.send(new, "5550001", "otra vez")
    await w2.send(SLACK, "U0BOB", "to the new group")
    assert w2.posts(new) and not w2.posts(TG)


def world_text(w, room):
    return w.posts(room)[-1]["text"]
