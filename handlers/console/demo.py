"""`python -m bot demo`: a scripted scenario on the embedded store, no tokens. Shows what the
Nogales BLM's Slack room and Telegram room each see."""

from __future__ import annotations

from handlers.console.scenario import ROOM_NAMES, LocalBLM

SCRIPT = [
    ("slack", "U0BOB", "/help", "Bob (CBP, coordinator) asks for help in Slack"),
    ("telegram", "5550001", "/help", "Ana (Protección Civil, coordinator) asks for help in Telegram"),
    (
        "telegram",
        "5550002",
        "Buenas noches, reporte de humo cerca de la garita Dennis DeConcini <!channel>",
        "Luis writes in Telegram (a broadcast ping attempt included)",
    ),
    (
        "slack",
        "U0BOB",
        "Copy that, checking with the port director. Smoke visible from Morley Gate too.",
        "Bob answers in Slack",
    ),
    ("slack", "U0JO", "/lang es", "Jo switches to Spanish"),
    ("slack", "U0JO", "/playbook run heat-wave", "Jo (a member) tries to run a playbook"),
    (
        "slack",
        "U0BOB",
        '/playbook run bomb-threat crossing="Dennis DeConcini"',
        "Bob (coordinator) starts the bomb-threat playbook",
    ),
    (
        "telegram",
        "5550002",
        "us",
        "Luis answers the bot's question by replying to it: the US port got the call",
        "pregunta",
    ),
    ("telegram", "5550002", "/ack", "Luis (liaison, Grupo Beta) acknowledges on the Mexican side"),
    (
        "telegram",
        "5550002",
        "/sitrep Carriles hacia el norte cerrados en DeConcini; desvío a Mariposa.",
        "Luis sends a situation report to the central room",
    ),
    (
        "slack",
        "U0BOB",
        '/advisory post en="Northbound lanes at DeConcini closed until further notice." '
        'es="Carriles hacia el norte en la garita DeConcini cerrados hasta nuevo aviso."',
        "Bob posts a people's advisory to both sides",
    ),
    ("slack", "U0BOB", "/incident show", "Bob checks the incident"),
]


async def run_demo() -> int:
    lines: list[str] = []
    local = LocalBLM.create(echo=lines.append)
    await local.runtime.redis.ping()  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
    print("Border Liaison bot demo: the Nogales BLM, Slack (US side) and Telegram (MX side).")
    print("State: embedded in-process store, lost on exit.\n")
    for platform, user, text, what, *reply_to in SCRIPT:
        lines.clear()
        target = local.last_post_with(platform, reply_to[0]) if reply_to else None
        print(f"▶ {what}:\n    {platform}> {text}" + (f"   (a reply to message {target})" if target else ""))
        await local.say(platform, user, text, reply_to=target)
        for line in lines:
            print("  " + line.replace("\n", "\n  "))
        print()
    print("=" * 72)
    for sender in (local.slack, local.telegram):
        for room_key, posts in sender.received.items():
            print(f"What {ROOM_NAMES.get(room_key, room_key)} saw ({len(posts)} posts, first line of each):")
            for post in posts:
                who = f" (only {post['ephemeral_to']})" if post["ephemeral_to"] else ""
                first = next((line for line in post["text"].splitlines() if line.strip()), "")
                print(f"  ─ bot{who}: {first[:110]}")
            print()
    await local.runtime.close()
    return 0
