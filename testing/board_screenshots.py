"""Screenshots of the board for the README: `python -m testing.board_screenshots`.

Runs the bot in-process with all ten BLMs against the fakes and a private redis-server, opens an
incident and a drill from Slack, ticks and answers a little, posts an advisory, signs the central
desk in through the link the bot sent it, and photographs the overview and the incident page in
English and Spanish at desktop and phone width into docs/board/.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from playwright.async_api import async_playwright

from testing.board import board_settings, links_in
from testing.deployments import ALL_TEN, slack_channel
from testing.fakes._base import wait_for_fakes
from testing.fakes.redis_server import RedisServer
from testing.fakes.slack_api import FakeSlack
from testing.fakes.telegram_api import FakeTelegram
from testing.harness import running_bot, slack_command

OUT = Path(__file__).resolve().parents[1] / "docs" / "board"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


async def main() -> None:
    redis = RedisServer()
    redis.start()
    slack, telegram = FakeSlack(), FakeTelegram()
    await slack.start()
    await telegram.start()
    try:
        async with running_bot(board_settings(redis.url, slack, telegram), ALL_TEN) as bot:
            await slack_command(
                bot, "/playbook", "run drill-basic crossing=Mariposa", slack_channel("nogales"), "U0BOB"
            )
            await slack_command(bot, "/playbook", "drill drill-basic", slack_channel("el-paso"), "U0BOB")
            await slack_command(
                bot,
                "/advisory",
                'post en="Extreme heat: cooling centres open" es="Calor extremo: refugios abiertos"',
                slack_channel("laredo"),
                "U0BOB",
            )
            engine = bot.runtime.engine.engine
            await wait_for_fakes(
                [slack, telegram],
                lambda: (
                    len([c for c in slack.calls_to("chat.postMessage") if "Keep the caller" in json.dumps(c.params)])
                    >= 2
                ),
                timeout=15,
                what="both checklists posted",
            )
            await engine.check("NOG-0001", "tasks", "keep-talking", "Ana Ruiz", via="board")
            await engine.check("NOG-0001", "tasks", "call-911", "Bob Carter")
            await engine.answer("NOG-0001", "where", "North lanes, booth 4", "Bob Carter")
            await slack_command(bot, "/board", "", "C0CENTRAL", "U0CEN")
            await wait_for_fakes(
                [slack], lambda: links_in([json.dumps(c.params) for c in slack.calls_to("chat.postEphemeral")])
            )
            link = links_in([json.dumps(c.params) for c in slack.calls_to("chat.postEphemeral")])[-1]
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
                page = await (await browser.new_context()).new_page()
                await page.goto(bot.url + link)
                await page.get_by_role("button", name="Sign in").click()
                await page.wait_for_url("**/board")
                OUT.mkdir(parents=True, exist_ok=True)
                for lang, button in (("en", "English"), ("es", "Español")):
                    await page.get_by_role("button", name=button).click()
                    for size_name, size in SIZES.items():
                        await page.set_viewport_size(size)
                        for name, url in (("overview", "/board"), ("incident", "/board/incident/NOG-0001")):
                            await page.goto(bot.url + url)
                            await page.locator('body[data-live="on"]').wait_for()
                            path = OUT / f"{name}-{lang}-{size_name}.png"
                            await page.screenshot(path=str(path), full_page=True)
                            print("wrote", path)
                await browser.close()
    finally:
        await slack.stop()
        await telegram.stop()
        redis.stop()


if __name__ == "__main__":
    asyncio.run(main())
