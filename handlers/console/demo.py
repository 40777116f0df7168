"""`python -m bot demo`: a scripted scenario on the embedded store, no tokens. Shows what the
Nogales BLM's Slack room and Telegram room each see."""
from __future__ import annotations

from handlers.console.scenario import ROOM_NAMES, LocalBLM

SCRIPT = [
    ("slack", "U0BOB", "/help", "Bob (CBP, coordinator) asks for help in Slack"),
    ("telegram", "5550001", "/help", "Ana (Protección Civil, coordinator) asks for help in Telegram"),
    ("telegram", "5550002", "Buenas noches, reporte de humo cerca de la garita Dennis DeConcini <!channel>",
     "Luis writes in Telegram (a broadcast ping attempt included)"),
    ("slack", "U0BOB", "Copy that, checking with the port director. Smoke visible from Morley Gate too.",
     "Bob answers in Slack"),
    ("slack", "U0JO", "/lang es", "Jo switches to Spanish"),
    ("slack", "U0JO", "/playbook run heat-wave", "Jo (a member) tries to run a playbook"),
]


async def run_demo() -> int:
    lines: list[str] = []
    local = LocalBLM.create(echo=lines.append)
    await local.runtime.redis.ping()
    print("Border Liaison bot demo: the Nogales BLM, Slack (US side) and Telegram (MX side).")
    print("State: embedded in-process store, lost on exit.\n")
    for platform, user, text, what in SCRIPT:
        lines.clear()
        print(f"▶ {what}:\n    {platform}> {text}")
        await local.say(platform, user, text)
        for line in lines:
            print("  " + line.replace("\n", "\n  "))
        print()
    print("=" * 72)
    for sender in (local.slack, local.telegram):
        for room_key, posts in sender.received.items():
            print(f"What {ROOM_NAMES.get(room_key, room_key)} saw ({len(posts)} posts):")
            for post in posts:
                who = f" (only {post['ephemeral_to']})" if post["ephemeral_to"] else ""
                print(f"  ─ bot{who}:")
                for line in post["text"].splitlines():
                    print("      " + line)
            print()
    await local.runtime.close()
    return 0
