"""`python -m bot console`: a real local room. Type as a Slack or a Telegram person of one BLM,
reply to the bot's posts, press their buttons, let time pass, and see what both sides see.

State is in memory only. The deployment is `BLM_CONFIG` / `blm.yaml` when there is one (its people
and rooms), else the demo's people; `--blm` chooses the BLM. No line typed here ends in a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time

from bot.clock import Clock
from bot.config import ConfigError, Deployment, load_deployment
from bot.directory import find_blm, get_blm
from handlers.console.scenario import LocalBLM

log = logging.getLogger(__name__)

HELP = """Console commands (one per line; <post> is the #number the bot shows on each post):
  slack <user>: <text>              say <text> in this BLM's Slack channel as <user>
  tg <user>: <text>                 say <text> in this BLM's Telegram group (also `telegram`)
  slack <user> re <post>: <text>    reply to post #<post> (a Slack thread reply, a Telegram reply)
  tg <user> press <post> [<n|word>] press button <n> (from 1) of post #<post>, or the one whose
                                    label contains <word>; without either, list its buttons
                                    <post> may also be `last` (the bot's latest post there; with buttons,
                                    for press) or /words/ (the latest post containing them)
  posts [slack|tg]                  the posts in this BLM's rooms, with numbers and buttons
  wait <duration>                   let time pass (e.g. 90s, 3m, 1h): due timers and escalations fire
  blm <id>                          switch to another configured BLM (state is kept)
  who                               the people you can type as
  help                              this text;  quit (or Ctrl-D) leaves
Anything after `:` is what the person types, slash commands included: `/help` lists the bot's."""

POST = r"#?(\d+|last|/[^/]+/)"  # a post: its number, `last`, or /words it contains/
LINE = re.compile(r"^(slack|tg|telegram)\s+(\S+?)(?:\s+(re|reply)\s+" + POST + r")?\s*:(.*)$", re.S)
PRESS = re.compile(r"^(slack|tg|telegram)\s+(\S+)\s+press\s+" + POST + r"(?:\s+(.+))?$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?$")
UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


class ConsoleClock(Clock):
    """Real time plus what `wait` has added: timers fall due without anyone sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


def _platform(word: str) -> str:
    return "slack" if word == "slack" else "telegram"


class Console:
    def __init__(self, local: LocalBLM, clock: ConsoleClock, out=print):
        self.local = local
        self.clock = clock
        self.out = out

    # ---- lines ---------------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the person wants to leave."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word = line.split()[0].lower()
        if word in ("quit", "exit"):
            return False
        if word in ("help", "?"):
            self.out(HELP)
        elif word == "who":
            self.who()
        elif word == "posts":
            self.posts(line.split()[1:])
        elif word == "wait":
            await self.wait(line[len(word) :].strip())
        elif word == "blm":
            self.switch(line[len(word) :].strip())
        elif press := PRESS.match(line):
            platform, user, post, which = press.groups()
            await self.press(_platform(platform), user, post, which)
        elif said := LINE.match(line):
            platform, user, _, reply_to, text = said.groups()
            await self.say(_platform(platform), user, text.strip(), reply_to)
        else:
            self.out(f"not understood: {line!r}. Type `help` for what works here.")
        return True

    def _post_id(self, platform: str, given: str, with_buttons: bool) -> str | None:
        """A post's number; `last` and `/words/` name the room's latest post of the bot's own
        (containing the words; with buttons, for `press`), never a relayed message."""
        if given != "last" and not given.startswith("/"):
            return given
        room = self.local.room_of(platform)
        posts = self.local.sender(platform).received.get(room.key, []) if room else []
        words = given.strip("/").lower() if given.startswith("/") else ""
        found = [
            p["id"]
            for p in posts
            if not p["ephemeral_to"]
            and (p.get("buttons") if with_buttons else p.get("key"))
            and words in p["text"].lower()
        ]
        return found[-1] if found else None

    async def say(self, platform: str, user: str, text: str, reply_to: str | None) -> None:
        if not text:
            self.out("nothing to say: write the text after the `:`")
            return
        if self.local.room_of(platform) is None:
            self.out(f"{self.local.blm_id} has no {platform} room in this deployment")
            return
        if reply_to:
            post_id = self._post_id(platform, reply_to, with_buttons=False)
            if post_id is None or self.local.sender(platform).find(post_id) is None:
                self.out(f"no {platform} post {reply_to}; `posts {platform}` lists them")
                return
            reply_to = post_id
        await self.local.say(platform, user, text, reply_to=reply_to)

    async def press(self, platform: str, user: str, given: str, which: str | None) -> None:
        post_id = self._post_id(platform, given, with_buttons=True)
        if post_id is None:
            self.out(f"no {platform} post {given} with buttons in this room")
            return
        if which is None:
            found = self.local.sender(platform).find(post_id)
            if found is None:
                self.out(f"no {platform} post #{post_id}")
                return
            buttons = found[1].get("buttons") or []
            self.out(" ".join(f"{i}=[{b['label']}]" for i, b in enumerate(buttons, 1)) or "no buttons")
            return
        problem = await self.local.press(platform, user, post_id, which.strip())
        if problem:
            self.out(problem)

    async def wait(self, given: str) -> None:
        found = DURATION.match(given.lower())
        if not found:
            self.out("wait takes a duration: 90s, 3m, 1h")
            return
        seconds = float(found.group(1)) * UNIT_SECONDS[found.group(2)]
        self.clock.offset += seconds
        self.out(f"({given} later)")
        timers = self.local.runtime.engine.timers  # the runtime's own timer loop, fired on demand
        for _ in range(100):  # a fired timer can set another that is due already
            await self.local.settle()
            if not await timers.fire_due():
                break
        await self.local.settle()

    def who(self) -> None:
        people = self.local.runtime.deployment.people
        blm = self.local.blm_id
        for p in people:
            if p.role.name != "central" and blm not in p.blms:
                continue
            ids = [f"slack {p.slack_user}" if p.slack_user else "", f"tg {p.telegram_user}" if p.telegram_user else ""]
            self.out(
                f"  {p.name} ({p.role.name}{', ' + p.agency if p.agency else ''}): {'  '.join(i for i in ids if i)}"
            )
        self.out("  anyone else typing here is a member")

    def posts(self, which: list[str]) -> None:
        platforms = [_platform(w) for w in which if w in ("slack", "tg", "telegram")] or ["slack", "telegram"]
        for platform in platforms:
            room = self.local.room_of(platform)
            if room is None:
                continue
            sender = self.local.sender(platform)
            self.out(f"[{sender.names.get(room.key, room.key)}]")
            for post in sender.received.get(room.key, [])[-30:]:
                first = next((ln for ln in post["text"].splitlines() if ln.strip()), "")
                buttons = " ".join(f"{i}=[{b['label']}]" for i, b in enumerate(post.get("buttons") or [], 1))
                only = f" (only {post['ephemeral_to']})" if post["ephemeral_to"] else ""
                self.out(f"  #{post['id']}{only} {first[:90]}" + (f"\n      buttons: {buttons}" if buttons else ""))

    def switch(self, name: str) -> None:
        configured = self.local.runtime.core.rooms.configured_blms()
        blm = find_blm(name) if name else None
        if blm is None or blm.id not in configured:
            self.out(f"BLMs here: {', '.join(configured) or 'none'}; `blm <id>` chooses one")
            return
        self.local.blm_id = blm.id
        self.out(f"now in {blm.name('en')}")


def choose_blm(deployment: Deployment | None, wanted: str | None) -> tuple[str | None, str | None]:
    """(blm id, None) or (None, the sentence that says why not)."""
    if wanted:
        blm = find_blm(wanted)
        if blm is None:
            return None, f"console: unknown BLM {wanted!r}; use an id or alias from the directory (e.g. nogales)"
        if deployment is not None and blm.id not in deployment.blms:
            known = ", ".join(deployment.blms) or "none"
            return None, f"console: {blm.id} is not in the deployment file; it configures: {known}"
        return blm.id, None
    if deployment is not None:
        return next(iter(deployment.blms)), None
    return "nogales", None


async def run_console(settings, blm: str | None = None, stdin=None, out=print) -> int:
    stdin = stdin or sys.stdin
    deployment = None
    path = settings.deployment_path()
    if path:
        try:
            deployment = load_deployment(path)
        except ConfigError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            print(f"console: {path} has problems (above); fix them or set BLM_CONFIG to another file", file=sys.stderr)
            return 2
        if not deployment.blms:
            out(f"{path} configures no BLM: using the demo's Nogales rooms and people instead.")
            deployment = None
    blm_id, problem = choose_blm(deployment, blm)
    if problem or blm_id is None:
        print(problem, file=sys.stderr)
        return 2
    clock = ConsoleClock()
    local = LocalBLM.create(echo=out, deployment=deployment, blm_id=blm_id, clock=clock)
    console = Console(local, clock, out)
    source = f"people and rooms from {path}" if deployment is not None else "the demo's people"
    out(f"Local console: {get_blm(blm_id).name('en')} ({source}). State is in memory only.")
    out(HELP)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            try:
                if not await console.handle(line):
                    break
            except Exception as exc:  # noqa: BLE001 - the console says what failed and goes on
                log.debug("console line failed", exc_info=True)
                out(f"that line failed: {type(exc).__name__}: {exc}")
    finally:
        await local.runtime.close()
    return 0
