"""The event stream: a signed-in page hears its own BLMs' changes, not another BLM's."""

import asyncio
import json

import aiohttp

from bot.board.sessions import COOKIE
from bot.board.views import MAP_H, MAP_W, border_map
from bot.directory import BLMS
from testing.board import board_settings
from testing.harness import running_bot


async def read_event(resp) -> dict:
    while True:
        line = (await resp.content.readline()).decode()
        if line.startswith("data: "):
            return json.loads(line[6:])


async def test_a_page_hears_only_its_own_blms(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        board = bot.runtime.board
        cookie = await board.sessions.create("telegram:5550001", "es")  # Ana: Nogales only
        async with aiohttp.ClientSession(cookies={COOKIE: cookie}) as client:
            async with client.get(bot.url + "/board/events") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("text/event-stream")
                assert resp.headers["Cache-Control"] == "no-store"
                await resp.content.readline()  # retry: the stream is open
                await board.hub.subscribed.wait()
                await bot.runtime.engine.start_run("drill-basic", "el-paso", drill=True)
                await bot.runtime.engine.start_run("drill-basic", "nogales", drill=True)
                first = await read_event(resp)
                assert first["blm"] == "nogales" and first["inc"] == "NOG-0001"
        # the stream's queue is given back when the page goes away
        assert board.hub.open_pages <= 1


def test_the_map_places_all_ten_blms_inside_the_drawing():
    drawn = border_map({"nogales": "incident"}, "es")
    assert {p["id"] for p in drawn["points"]} == {b.id for b in BLMS}
    for p in drawn["points"]:
        assert 0 < p["x"] < MAP_W and 0 < p["y"] < MAP_H
    xs = [p["x"] for p in drawn["points"]]
    assert xs == sorted(xs)  # west to east along the border
    assert next(p for p in drawn["points"] if p["id"] == "nogales")["status"] == "incident"


def test_sign_in_links_never_reach_the_logs():
    from bot.logs import Scrubber

    line = "send failed: Your sign-in link: http://board.example.test/board/link/" + "Ab3_-" * 8 + "xyz"
    assert "Ab3_-" not in Scrubber().scrub(line)


async def test_pages_are_told_to_refresh_after_redis_comes_back(redis_url, redis_server, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        board = bot.runtime.board
        cookie = await board.sessions.create("telegram:5550001", "es")
        async with aiohttp.ClientSession(cookies={COOKIE: cookie}) as client:
            async with client.get(bot.url + "/board/events") as resp:
                await resp.content.readline()
                await board.hub.subscribed.wait()
                redis_server.stop()
                redis_server.start()
                # notices published while the subscription was down are lost: the page refreshes
                assert await asyncio.wait_for(read_event(resp), timeout=15) == {"resync": True}
