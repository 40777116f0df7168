"""The board over plain HTTP: sign-in links, sessions, CSRF, headers, scoping, acting via the engine."""

import json
import re

import aiohttp

from testing.board import (
    ANA,
    LUIS,
    TG_ROOM,
    board_settings,
    links_in,
    slack_start,
    telegram_link,
)
from testing.fakes._base import wait_for_fakes
from testing.fakes.builders import tg_message_update, tg_webhook_headers
from testing.harness import TG_SECRET, running_bot, slack_command

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def sign_in(bot, fake_telegram, user=ANA) -> tuple[aiohttp.ClientSession, str]:
    path = await telegram_link(bot, fake_telegram, user)
    jar = aiohttp.CookieJar(unsafe=True)
    client = aiohttp.ClientSession(cookie_jar=jar)
    async with client.get(bot.url + path) as resp:
        assert resp.status == 200
        # in the person's language: Ana's Telegram default is Spanish, Luis's config says English
        assert ("Entrar" if user == ANA else "Sign in") in await resp.text()
    async with client.post(bot.url + path, allow_redirects=False) as resp:
        assert resp.status == 303
        cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # PUBLIC_URL is http:// here
    async with client.get(bot.url + "/board") as resp:
        page = await resp.text()
        assert resp.status == 200
    return client, CSRF.search(page).group(1)


async def test_link_is_single_use_and_bound_to_its_person(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        path = await telegram_link(bot, fake_telegram)
        assert "board.example.test" in fake_telegram.texts(ANA)[-1]
        async with aiohttp.ClientSession() as client:
            # opening (a link preview) does not use it up
            for _ in range(2):
                async with client.get(bot.url + path) as resp:
                    assert resp.status == 200
            async with client.post(bot.url + path, allow_redirects=False) as resp:
                assert resp.status == 303
            async with client.post(bot.url + path, allow_redirects=False) as resp:
                assert resp.status == 410
                assert "Set-Cookie" not in resp.headers
            async with client.get(bot.url + path) as resp:
                assert resp.status == 410


async def test_a_stranger_gets_no_link(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        stranger = 7770001
        update = tg_message_update(5, stranger, stranger, "/board", chat_type="private", language_code="en")
        await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        await fake_telegram.wait_for(lambda f: f.texts(stranger))
        assert "Only people in this deployment" in fake_telegram.texts(stranger)[-1]
        assert not links_in(fake_telegram.texts(stranger))


async def test_board_from_a_telegram_group_goes_to_the_private_chat(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        update = tg_message_update(6, TG_ROOM, ANA, "/board")
        await bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        await wait_for_fakes([fake_telegram], lambda: links_in(fake_telegram.texts(ANA)), what="link in private")
        assert not links_in(fake_telegram.texts(TG_ROOM))  # never the link itself in the group


async def test_board_from_slack_is_ephemeral(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_command(bot, "/board", "", "C0NOGALES", "U0BOB")
        await fake_slack.wait_for(lambda f: f.calls_to("chat.postEphemeral"))
        ephemeral = fake_slack.calls_to("chat.postEphemeral")
        assert any(links_in([json.dumps(c.params)]) for c in ephemeral)
        assert not any(links_in([json.dumps(c.params)]) for c in fake_slack.calls_to("chat.postMessage"))


async def test_without_a_session_nothing_is_shown(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        async with aiohttp.ClientSession() as client:
            async with client.get(bot.url + "/board", allow_redirects=False) as resp:
                assert resp.status == 303 and resp.headers["Location"] == "/board/sign-in"
            async with client.get(bot.url + "/board/incident/NOG-0001", allow_redirects=False) as resp:
                assert resp.status == 303
            async with client.get(bot.url + "/board/events") as resp:
                assert resp.status == 401
            forged = {"Cookie": "board_session=" + "A" * 43}
            async with client.get(bot.url + "/board", headers=forged, allow_redirects=False) as resp:
                assert resp.status == 303
            async with client.post(bot.url + "/board/incident/NOG-0001/close", headers=forged) as resp:
                assert resp.status == 401


async def test_headers_csrf_and_acting_through_the_engine(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await wait_for_fakes(
            [fake_slack, fake_telegram],
            lambda: any("Mantenga" in t for t in fake_telegram.texts(TG_ROOM)),
            timeout=10,
            what="checklist posted",
        )
        client, csrf = await sign_in(bot, fake_telegram)
        async with client:
            async with client.get(bot.url + "/board/incident/NOG-0001") as resp:
                page = await resp.text()
                assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
                assert "'unsafe-inline'" not in resp.headers["Content-Security-Policy"]
                assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
                assert resp.headers["X-Frame-Options"] == "DENY"
                assert resp.headers["Cache-Control"] == "no-store"
                assert "<script>" not in page and "onclick" not in page
            url = bot.url + "/board/incident/NOG-0001/check"
            form = {"step": "tasks", "item": "keep-talking", "done": "1"}
            # no token, a wrong token, another site's Origin: refused, nothing ticked
            for data, headers in (
                (form, {}),
                ({**form, "csrf": "x" * 43}, {}),
                ({**form, "csrf": csrf}, {"Origin": "https://evil.example"}),
            ):
                async with client.post(url, data=data, headers=headers, allow_redirects=False) as resp:
                    assert resp.status == 403
            state = await bot.runtime.engine.engine.get("NOG-0001")
            assert state.checks["tasks"] == {}
            # a GET never acts
            async with client.get(url, allow_redirects=False) as resp:
                assert resp.status == 405
            async with client.post(url, data={**form, "csrf": csrf}, allow_redirects=False) as resp:
                assert resp.status == 303
            state = await bot.runtime.engine.engine.get("NOG-0001")
            assert state.checks["tasks"]["keep-talking"].by == "Ana Ruiz"
            timeline = await bot.runtime.engine.engine.timeline("NOG-0001")
            assert [e.detail.get("via") for e in timeline if e.kind == "check"] == ["board"]
            # the Telegram checklist post is edited to show the tick
            await fake_telegram.wait_for(
                lambda f: any("Ana Ruiz" in c.params.get("text", "") for c in f.calls_to("editMessageText"))
            )
            # untick: the box sent without `done`
            async with client.post(url, data={**form, "csrf": csrf, "done": ""}, allow_redirects=False) as resp:
                assert resp.status == 303
            state = await bot.runtime.engine.engine.get("NOG-0001")
            assert state.checks["tasks"] == {}
            # a sitrep from the board: the /sitrep command's own path, to both central rooms
            async with client.post(
                bot.url + "/board/incident/NOG-0001/sitrep", data={"csrf": csrf, "text": "Puente cerrado"}
            ) as resp:
                assert "sala central" in await resp.text()
            await wait_for_fakes(
                [fake_slack, fake_telegram],
                lambda: (
                    any(
                        c.params.get("channel") == "C0CENTRAL" and "Puente cerrado" in json.dumps(c.params)
                        for c in fake_slack.calls_to("chat.postMessage")
                    )
                    and any("Puente cerrado" in t for t in fake_telegram.texts(-1001000000000))
                ),
                what="sitrep in both central rooms",
            )
            timeline = await bot.runtime.engine.engine.timeline("NOG-0001")
            assert [(e.who, e.detail.get("via")) for e in timeline if e.kind == "sitrep"] == [("Ana Ruiz", "board")]
            async with client.get(bot.url + "/board/incident/NOG-0001/report.json") as resp:
                assert resp.status == 200
                assert json.loads(await resp.text())


async def test_a_member_sees_but_cannot_act(redis_url, fake_slack, fake_telegram):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await wait_for_fakes(
            [fake_telegram], lambda: any("Mantenga" in t for t in fake_telegram.texts(TG_ROOM)), timeout=10
        )
        client, csrf = await sign_in(bot, fake_telegram, user=LUIS)
        async with client:
            async with client.get(bot.url + "/board/incident/NOG-0001") as resp:
                page = await resp.text()
                assert resp.status == 200
                assert "disabled" in page and "/sitrep" not in page
            for act, data in (
                ("check", {"step": "tasks", "item": "keep-talking", "done": "1"}),
                ("close", {"note": "x"}),
                ("sitrep", {"text": "all fine"}),
            ):
                async with client.post(
                    bot.url + f"/board/incident/NOG-0001/{act}", data={**data, "csrf": csrf}
                ) as resp:
                    assert resp.status == 200  # redirected back to the page, with the refusal
                    flash = re.search(r'class="flash"[^>]*>([^<]*)<', await resp.text()).group(1)
                    assert "yours here is member" in flash
            state = await bot.runtime.engine.engine.get("NOG-0001")
            assert state.checks["tasks"] == {} and state.is_open
            assert not [
                c
                for c in fake_slack.calls_to("chat.postMessage")
                if c.params.get("channel") == "C0CENTRAL" and "all fine" in json.dumps(c.params)
            ]
            async with client.get(bot.url + "/board/incident/NOG-0001/report.md") as resp:
                assert resp.status == 403
