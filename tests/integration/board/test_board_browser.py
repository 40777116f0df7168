"""The board in a real browser: Playwright driving Debian's Chromium against the bot in-process
(real aiohttp, real slack-bolt and PTB clients to the fakes, real Redis), and against two web
processes for the live updates across processes."""

from __future__ import annotations

import json
import time

import pytest
from aiohttp import web
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright, expect

from bot.board.links import token_hash
from bot.store import keys
from testing.board import (
    ANA,
    LUIS,
    SLACK_ROOM,
    TG_ROOM,
    board_settings,
    links_in,
    slack_start,
    telegram_link,
)
from testing.cluster import Cluster
from testing.deployments import slack_channel
from testing.fakes._base import wait_for_fakes
from testing.fakes.builders import slack_slash_command_form, tg_message_update
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram
from testing.harness import running_bot

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def browser():
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            await chromium.close()


async def signed_in_page(browser, bot_url: str, link_path: str, **context_args):
    context = await browser.new_context(**context_args)
    page = await context.new_page()
    await page.goto(bot_url + link_path)
    await page.get_by_role("button", name="Entrar").or_(page.get_by_role("button", name="Sign in")).click()
    await page.wait_for_url("**/board")
    return context, page


async def live(page) -> None:
    """The page's event stream is open (the server has subscribed to Redis for it)."""
    await expect(page.locator("body")).to_have_attribute("data-live", "on", timeout=5000)


async def checklist_ready(fake_slack, fake_telegram):
    await wait_for_fakes(
        [fake_slack, fake_telegram],
        lambda: (
            any("Mantenga" in t for t in fake_telegram.texts(TG_ROOM))
            and any("Keep the caller talking" in json.dumps(c.params) for c in fake_slack.calls_to("chat.postMessage"))
        ),
        timeout=10,
        what="checklist posted on both platforms",
    )


async def test_sign_in_from_telegram_and_a_slack_playbook_appears_within_2s(
    redis_url, fake_slack, fake_telegram, browser
):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        path = await telegram_link(bot, fake_telegram, ANA)
        context, page = await signed_in_page(browser, bot.url, path)
        await expect(page.get_by_role("heading", name="Panorama")).to_be_visible()
        await expect(page.get_by_text("Nogales")).not_to_have_count(0)
        await live(page)
        started = time.monotonic()
        await slack_start(bot, fake_slack, fake_telegram)
        await expect(page.get_by_role("link", name="NOG-0001")).to_be_visible(timeout=2000)
        assert time.monotonic() - started < 2.0
        # no inline script ran and none was refused: the CSP holds with the page working
        await context.close()


async def test_ticking_in_the_browser_edits_the_slack_and_telegram_posts(redis_url, fake_slack, fake_telegram, browser):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await checklist_ready(fake_slack, fake_telegram)
        context, page = await signed_in_page(browser, bot.url, await telegram_link(bot, fake_telegram, ANA))
        await page.get_by_role("link", name="NOG-0001").click()
        box = page.get_by_role("checkbox", name="Mantenga al interlocutor en la línea")
        await expect(box).not_to_be_checked()
        await box.check()
        await expect(page.get_by_role("status").filter(has_text="Marcado")).to_be_visible()
        await expect(page.get_by_role("checkbox", name="Mantenga al interlocutor en la línea")).to_be_checked()
        await wait_for_fakes(
            [fake_slack, fake_telegram],
            lambda: (
                any(
                    c.params.get("channel") == SLACK_ROOM and "Ana Ruiz" in json.dumps(c.params, ensure_ascii=False)
                    for c in fake_slack.calls_to("chat.update")
                )
                and any(
                    str(c.params.get("chat_id")) == str(TG_ROOM) and "Ana Ruiz" in c.params.get("text", "")
                    for c in fake_telegram.calls_to("editMessageText")
                )
            ),
            timeout=10,
            what="both checklist posts edited with Ana's tick",
        )
        # the timeline says it was done from the board
        await expect(page.get_by_role("cell", name="Ana Ruiz (desde el tablero)")).not_to_have_count(0)
        # answer a question and acknowledge with real controls
        await page.get_by_role("textbox", name="¿Dónde está el artefacto?").fill("Carril 3")
        await page.get_by_role("button", name="Responder").click()
        await expect(page.get_by_role("status").filter(has_text="Respuesta registrada")).to_be_visible()
        state = await bot.runtime.engine.engine.get("NOG-0001")
        assert state.answers["where"] == "Carril 3"
        await page.get_by_role("group", name="¿Evacuar el puerto?").get_by_role("radio", name="Sí").check()
        await page.get_by_role("button", name="Responder").click()
        # the playbook moves on to an acknowledgement: a button named for what it does
        await page.get_by_role("button", name="Confirmar").click()
        await expect(page.get_by_role("status").filter(has_text="Confirmado")).to_be_visible()
        state = await bot.runtime.engine.engine.get("NOG-0001")
        assert state.answers["evacuate"] == "yes" and state.acks["confirm"].acked_by == "Ana Ruiz"
        await context.close()


async def test_a_member_cannot_act(redis_url, fake_slack, fake_telegram, browser):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await checklist_ready(fake_slack, fake_telegram)
        context, page = await signed_in_page(browser, bot.url, await telegram_link(bot, fake_telegram, LUIS))
        await page.goto(bot.url + "/board/incident/NOG-0001")
        await expect(page.get_by_role("checkbox", name="Keep the caller talking")).to_be_disabled()
        await expect(page.get_by_role("button", name="Answer")).to_have_count(0)
        await expect(page.get_by_role("button", name="Close incident")).to_have_count(0)
        await expect(page.get_by_text("you can see this incident but not act on it")).to_be_visible()
        # forcing the form anyway (re-enabling the box) is refused by the server
        await page.evaluate("document.querySelectorAll('input[type=checkbox]').forEach(b => b.disabled = false)")
        # click, not check(): the refused form comes back with the box unticked and disabled, and
        # check() would keep retrying to see it ticked
        await page.get_by_role("checkbox", name="Keep the caller talking").click()
        await expect(page.get_by_role("status").filter(has_text="yours here is member")).to_be_visible()
        state = await bot.runtime.engine.engine.get("NOG-0001")
        assert state.checks["tasks"] == {}
        await context.close()


async def test_used_and_expired_links_forged_cookie_and_cross_site_post_are_refused(
    redis_url, fake_slack, fake_telegram, browser
):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await checklist_ready(fake_slack, fake_telegram)
        path = await telegram_link(bot, fake_telegram, ANA)
        context, page = await signed_in_page(browser, bot.url, path)
        # used: a second browser cannot sign in with it
        other = await browser.new_context()
        second = await other.new_page()
        response = await second.goto(bot.url + path)
        assert response.status == 410
        await expect(second.get_by_role("button", name="Entrar")).to_have_count(0)
        # expired: Redis let the link go after its 10 minutes (made to happen now)
        fresh = await telegram_link(bot, fake_telegram, ANA)
        await bot.runtime.redis.pexpire(keys.board_link(token_hash(fresh.rsplit("/", 1)[1])), 1)
        await wait_for_fakes([fake_telegram], lambda: True)
        response = await second.goto(bot.url + fresh)
        assert response.status == 410
        # forged session cookie: the sign-in page, nothing of the board
        await other.add_cookies([{"name": "board_session", "value": "A" * 43, "url": bot.url + "/board"}])
        await second.goto(bot.url + "/board")
        assert second.url.endswith("/board/sign-in")
        await expect(second.get_by_text("NOG-0001")).to_have_count(0)
        await other.close()

        # cross-site POST: a page on another site submits a form to the board in the signed-in browser
        evil = web.Application()
        target = bot.url + "/board/incident/NOG-0001/close"
        html = (
            f'<form id="f" method="post" action="{target}"><input name="note" value="pwned"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )

        async def evil_page(request):
            return web.Response(text=html, content_type="text/html")

        evil.router.add_get("/", evil_page)
        runner = web.AppRunner(evil)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            statuses = []
            page.on("response", lambda r: statuses.append(r.status) if r.url == target else None)
            await page.goto(f"http://localhost:{port}/")  # localhost and 127.0.0.1 are different sites
            await page.wait_for_url(target)
            assert statuses and statuses[-1] in (401, 403)
        finally:
            await runner.cleanup()
        state = await bot.runtime.engine.engine.get("NOG-0001")
        assert state.is_open
        await context.close()


async def test_accessibility_check_of_overview_and_incident(redis_url, fake_slack, fake_telegram, browser):
    """axe-core (shipped with axe-playwright-python) finds no violation on either page, both
    languages, desktop and phone width."""
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await slack_start(bot, fake_slack, fake_telegram)
        await checklist_ready(fake_slack, fake_telegram)
        context, page = await signed_in_page(browser, bot.url, await telegram_link(bot, fake_telegram, ANA))
        axe = Axe()
        for lang_button in ("Español", "English"):
            await page.get_by_role("button", name=lang_button).click()
            for size in ({"width": 1280, "height": 900}, PHONE):
                await page.set_viewport_size(size)
                for url in ("/board", "/board/incident/NOG-0001"):
                    await page.goto(bot.url + url)
                    results = await axe.run(page)
                    assert results.violations_count == 0, results.generate_report()
        await context.close()


@pytest.fixture
async def fakes():
    slack, tg = FakeSlack(), FakeTelegram()
    await slack.start()
    await tg.start()
    try:
        yield slack, tg
    finally:
        await slack.stop()
        await tg.stop()


async def test_a_second_web_processs_event_reaches_a_page_served_by_the_first(fakes, redis_url, tmp_path, browser):
    """Two `serve --no-worker` processes and a worker: the page on web 0 shows what web 1 did."""
    slack, tg = fakes
    cluster = Cluster(tmp_path, redis_url, slack, tg, extra_env={"PUBLIC_URL": "http://board.example.test"})
    try:
        await cluster.start(webs=2, workers=1)
        web0, web1 = cluster.webs
        update = tg_message_update(cluster.next_update_id(), ANA, ANA, "/board", chat_type="private")
        assert await cluster.tg_post(update, web0) == 200
        await wait_for_fakes([tg], lambda: links_in(tg.texts(ANA)), timeout=15, what="link sent")
        context, first = await signed_in_page(browser, web0.url, links_in(tg.texts(ANA))[-1])
        await live(first)
        # a playbook started through web 1 (its worker runs it) shows on web 0's page
        form = slack_slash_command_form("/playbook", "run drill-basic", slack_channel("nogales"), "U0BOB")
        assert (await cluster.slack_post(form, web1))[0] == 200
        await expect(first.get_by_role("link", name="NOG-0001")).to_be_visible(timeout=5000)
        await first.get_by_role("link", name="NOG-0001").click()
        await live(first)
        # a tick made on web 1's board (same browser, same session in Redis) reaches web 0's page
        second = await context.new_page()
        await second.goto(web1.url + "/board/incident/NOG-0001")
        await second.get_by_role("checkbox", name="Anote palabras exactas y hora").check()
        await expect(second.get_by_role("status").filter(has_text="Marcado")).to_be_visible()
        await expect(first.get_by_role("checkbox", name="Anote palabras exactas y hora")).to_be_checked(timeout=2000)
        await context.close()
    except Exception:
        print(cluster.logs())
        raise
    finally:
        await cluster.close()


async def test_a_page_reconnects_by_itself_and_keeps_updating(redis_url, fake_slack, fake_telegram, browser):
    async with running_bot(board_settings(redis_url, fake_slack, fake_telegram)) as bot:
        context, page = await signed_in_page(browser, bot.url, await telegram_link(bot, fake_telegram, ANA))
        await live(page)
        await bot.runtime.board.close()  # the server drops every open stream (as a restart would)
        await expect(page.locator("body")).to_have_attribute("data-live", "off", timeout=5000)
        await live(page)  # EventSource came back on its own
        await slack_start(bot, fake_slack, fake_telegram)
        await expect(page.get_by_role("link", name="NOG-0001")).to_be_visible(timeout=3000)
        await context.close()
