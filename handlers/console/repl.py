"""`python -m bot console`: type as a Slack or a Telegram person of the local BLM, see both sides.

Lines look like `slack U0BOB: /help` or `tg 5550001: hola`; `who` lists the people, `quit` ends.
"""

from __future__ import annotations

import asyncio
import sys

from bot.config import ConfigError, load_deployment
from handlers.console.scenario import LocalBLM

HELP = """Type:  slack <user>: <text>   or   tg <user>: <text>
       (users: U0BOB coordinator, U0JO member on Slack; 5550001 coordinator, 5550002 liaison on Telegram)
       who   — list people;  quit — leave"""


async def run_console(settings) -> int:
    deployment = None
    if settings.deployment_path():
        try:
            deployment = load_deployment(settings.deployment_path())
        except ConfigError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            return 2
    local = LocalBLM.create(echo=print, deployment=deployment)
    print("Local BLM console. State is in memory only.\n" + HELP)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("quit", "exit"):
            break
        if line == "who":
            for p in local.runtime.deployment.people:
                print(f"  {p.name}: slack={p.slack_user} telegram={p.telegram_user} role={p.role.name}")
            continue
        head, sep, text = line.partition(":")
        parts = head.split()
        if not sep or len(parts) != 2 or parts[0] not in ("slack", "tg", "telegram"):
            print(HELP)
            continue
        platform = "slack" if parts[0] == "slack" else "telegram"
        await local.say(platform, parts[1], text.strip())
    await local.runtime.close()
    return 0
