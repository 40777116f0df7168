"""The security playbooks run end to end through the real bot: slack-bolt and python-telegram-bot
clients over HTTP against the platform fakes, a real redis-server. For each playbook: started from
Slack by a coordinator (answered by replies on both platforms, a checklist ticked on one side and
edited on the other, acknowledged), then started from Telegram in Spanish and left unacknowledged
until the escalation reaches the central room naming its people. Time moves on the engine's clock;
timers are fired directly, nothing sleeps."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from bot.clock import Clock
from bot.engine import TimerLoop
from testing.deployments import NOGALES_TWO_SIDES
from testing.fakes.builders import (
    slack_block_action,
    slack_message_event,
    slack_signed,
    slack_slash_command_form,
    tg_callback_query_update,
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

SLACK_ROOM, TG_ROOM = "C0NOGALES", -1001000000003
SLACK_CENTRAL, TG_CENTRAL = "C0CENTRAL", -1001000000000
BOB, ANA, CENTRAL_SLACK, CENTRAL_TG = "U0BOB", 5550001, "U0CEN", 5550009


class MovableClock(Clock):
    """Real time plus an offset the test moves forward: the whole bot (timers, queues, rate
    windows) sees the same time, so escalations fire without anyone sleeping."""

    def __init__(self):
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Ask:
    step: str
    platform: str  # where the reply is made
    find: str  # a piece of the question as that room reads it
    reply: str
    recorded: str


@dataclass
class Scenario:
    playbook: str
    slack_args: str
    alert_en: str
    alert_es: str
    central_alert: bool
    asks: list[Ask]
    tick: tuple[str, str, str]  # checklist step, item, platform where it is ticked
    ack_step: str
    ack_by: str  # "tg-command" | "tg-button" | "slack-command"
    escalation_en: str  # the unacknowledged run started from Telegram with no arguments


SCENARIOS = [
    Scenario(
        "bomb-threat",
        'crossing="DeConcini" side=us received=phone',
        "BOMB THREAT — DeConcini",
        "AMENAZA DE BOMBA — DeConcini",
        True,
        [
            Ask("decision", "telegram", "¿revisión, evacuación o resguardo", "Evacuar", "evacuate"),
            Ask(
                "caller-words",
                "slack",
                "caller's exact words",
                "It's in a white van in lane 4 and goes off at noon. Call 10:02-10:05",
                "",
            ),
        ],
        ("call-taker", "colleague-911", "telegram"),
        "ack-mx",
        "tg-command",
        "Both sides: confirm you have the bomb threat",
    ),
    Scenario(
        "cross-border-pursuit",
        "pursuing=us crossing=Mariposa",
        "PURSUIT TOWARD THE LINE — Mariposa",
        "PERSECUCIÓN HACIA LA LÍNEA — Mariposa",
        True,
        [
            Ask("vehicle", "slack", "Vehicle: make, model", "Grey Ford F-150, Arizona plates ABC1234", ""),
            Ask("intercept-mx", "telegram", "¿van a interceptar de su lado?", "Se intercepta", "intercept"),
        ],
        ("facts", "plates", "slack"),
        "ack-mx",
        "tg-button",
        "Both sides: confirm you have the pursuit alert",
    ),
    Scenario(
        "migrant-search-rescue",
        "people=3",
        "SEARCH AND RESCUE — Nogales",
        "BÚSQUEDA Y RESCATE — Nogales",
        False,
        [
            Ask("position", "telegram", "Última ubicación conocida", "31.300,-110.950 cerca de la baliza 12", ""),
            Ask("count", "slack", "How many people", "3 adults, 1 minor", ""),
        ],
        ("search", "beacons", "telegram"),
        "teams",
        "slack-command",
        "BORSTAR and Grupo Beta: confirm you are deploying",
    ),
]


class Bot:
    def __init__(self, bot, slack, tg):
        self.bot, self.slack, self.tg = bot, slack, tg
        self.update_id = 1000

    async def slash(self, text: str, channel: str = SLACK_ROOM, user: str = BOB, command: str = "/playbook"):
        form = slack_slash_command_form(command, text, channel, user)
        data, headers = slack_signed(SIGNING_SECRET, form if isinstance(form, bytes) else urlencode(form))
        assert (await self.bot.post("/slack/events", data, headers)).status == 200

    async def slack_event(self, body):
        data, headers = slack_signed(SIGNING_SECRET, body)
        assert (await self.bot.post("/slack/events", data, headers)).status == 200

    async def tg_update(self, update):
        resp = await self.bot.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))
        assert resp.status == 200

    def next_id(self) -> int:
        self.update_id += 1
        return self.update_id

    async def tg_text(self, text: str, chat: int = TG_ROOM, user: int = ANA, reply_to: int | None = None):
        await self.tg_update(
            tg_message_update(
                self.next_id(), chat, user, text, language_code="es", reply_to_message_id=reply_to, first_name="Ana"
            )
        )

    # what the rooms received
    def slack_msgs(self, channel=SLACK_ROOM):
        return [m for m in self.slack.messages.get(channel, []) if not m["deleted"]]

    def tg_msgs(self, chat=TG_ROOM):
        return self.tg.sent(chat)

    async def slack_has(self, piece: str, channel=SLACK_ROOM, what=None):
        return await self.slack.wait_for(
            lambda f: next((m for m in self.slack_msgs(channel) if piece in m["text"]), None), what=what or piece
        )

    async def tg_has(self, piece: str, chat=TG_ROOM, what=None):
        return await self.tg.wait_for(
            lambda f: next((m for m in self.tg_msgs(chat) if piece in m.get("text", "")), None), what=what or piece
        )


def slack_buttons(msg) -> list[dict]:
    return [e for b in (msg.get("blocks") or []) if b.get("type") == "actions" for e in b["elements"]]


def tg_buttons(msg) -> list[dict]:
    return [b for row in ((msg.get("reply_markup") or {}).get("inline_keyboard") or []) for b in row]


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.playbook for s in SCENARIOS])
async def test_security_playbook_end_to_end(sc: Scenario, redis_url, fake_slack, fake_telegram):
    clock = MovableClock()
    async with running_bot(
        make_settings(redis_url, fake_slack, fake_telegram), NOGALES_TWO_SIDES, clock=clock
    ) as running:
        b = Bot(running, fake_slack, fake_telegram)
        engine = running.runtime.engine.engine
        assert engine.clock is clock
        timers = TimerLoop(engine)

        # ---- 1. started from Slack by a coordinator, with optional parameters ----------------
        await b.slash(f"run {sc.playbook} {sc.slack_args}")
        slack_alert = await b.slack_has(sc.alert_en)
        tg_alert = await b.tg_has(sc.alert_es)
        assert sc.alert_es not in slack_alert["text"] and sc.alert_en not in tg_alert["text"]
        await b.slack_has("NOG-0001 started", channel=SLACK_CENTRAL)
        if sc.central_alert:
            await b.slack_has(sc.alert_en, channel=SLACK_CENTRAL)
            await b.tg_has(sc.alert_es, chat=TG_CENTRAL)
        else:
            assert not any(sc.alert_en in m["text"] for m in b.slack_msgs(SLACK_CENTRAL))
        state = await engine.get("NOG-0001")
        assert state.started_by == "Bob Carter" and state.params

        pb = engine.library.get(sc.playbook).playbook

        # ---- 2. asks answered by replying, on Telegram and on Slack ---------------------------
        for ask in sc.asks:
            if ask.platform == "telegram":
                msg = await b.tg_has(ask.find, what=f"question {ask.step} in Telegram")
                await b.tg_text(ask.reply, reply_to=msg["message_id"])
            else:
                msg = await b.slack_has(ask.find, what=f"question {ask.step} in Slack")
                await b.slack_event(slack_message_event(SLACK_ROOM, BOB, ask.reply, thread_ts=msg["ts"]))
            recorded = ask.recorded or ask.reply
            # a choice is shown by its label in each room's language; free text as written
            labels = {c.value: c.label for c in pb.step(ask.step).choices or []}
            shown_en = labels[recorded].en if recorded in labels else recorded
            shown_es = labels[recorded].es if recorded in labels else recorded
            if "blm" in pb.step(ask.step).to or "us" in pb.step(ask.step).to:
                await fake_slack.wait_for(
                    lambda f, shown_en=shown_en: any(f"Answer: {shown_en}" in m["text"] for m in b.slack_msgs()),
                    what=f"answer to {ask.step} shown in Slack",
                )
            await fake_telegram.wait_for(
                lambda f, shown_es=shown_es: any(f"Respuesta: {shown_es}" in m.get("text", "") for m in b.tg_msgs()),
                what=f"answer to {ask.step} shown in Telegram",
            )
            assert (await engine.get("NOG-0001")).answers[ask.step] == recorded

        # ---- 3. a checklist item ticked on one platform, edited on the other -----------------
        step, item, where = sc.tick
        pb = engine.library.get(sc.playbook).playbook
        chk = pb.step(step)
        label_en = next(i.text.en for i in chk.items if i.id == item)
        label_es = next(i.text.es for i in chk.items if i.id == item)
        slack_chk = await fake_slack.wait_for(
            lambda f: next((m for m in b.slack_msgs() if m["text"].startswith(f"*{chk.title.en}*\nNOG-0001")), None),
            what="checklist in Slack",
        )
        tg_chk = await fake_telegram.wait_for(
            lambda f: next(
                (
                    m
                    for m in b.tg_msgs()
                    if m.get("text", "").startswith(f"{chk.title.es}\nLista de verificación de NOG-0001")
                ),
                None,
            ),
            what="checklist in Telegram",
        )
        if where == "telegram":
            button = next(x for x in tg_buttons(tg_chk) if x["text"] == label_es[:64])
            await b.tg_update(
                tg_callback_query_update(b.next_id(), TG_ROOM, ANA, button["callback_data"], tg_chk["message_id"])
            )
            who = "Ana Ruiz"
        else:
            button = next(x for x in slack_buttons(slack_chk) if x["text"]["text"] == label_en)
            form = slack_block_action(
                button["action_id"], button["value"], user_id=BOB, channel_id=SLACK_ROOM, message_ts=slack_chk["ts"]
            )
            data, headers = slack_signed(SIGNING_SECRET, form)
            assert (await running.post("/slack/events", data, headers)).status == 200
            who = "Bob Carter"
        await fake_slack.wait_for(
            lambda f: f"☑ {label_en} — {who}" in (f.find_message(SLACK_ROOM, slack_chk["ts"]) or {}).get("text", ""),
            what="Slack checklist edited",
        )
        await fake_telegram.wait_for(
            lambda f: f"☑ {label_es} — {who}" in tg_chk.get("text", ""), what="Telegram checklist edited"
        )
        assert (await engine.get("NOG-0001")).checks[step][item].by == who

        # ---- 4. acknowledged by the counterpart ------------------------------------------------
        if sc.ack_by == "tg-command":
            await b.tg_text("/ack")
            who = "Ana Ruiz"
        elif sc.ack_by == "tg-button":
            ack_msg = await b.tg_has("confirmen la recepción en menos de 3 min")
            button = tg_buttons(ack_msg)[0]
            await b.tg_update(
                tg_callback_query_update(b.next_id(), TG_ROOM, ANA, button["callback_data"], ack_msg["message_id"])
            )
            who = "Ana Ruiz"
        else:
            await b.slash("", command="/ack")
            who = "Bob Carter"
        await fake_telegram.wait_for(
            lambda f: any(f"NOG-0001: confirmado por {who}" in m.get("text", "") for m in b.tg_msgs()),
            what="acknowledgement shown",
        )
        state = await engine.get("NOG-0001")
        assert state.acks[sc.ack_step].acked_by == who

        # ---- 5. started from Telegram in Spanish with no arguments, never acknowledged --------
        await b.tg_text(f"/playbook run {sc.playbook}")
        await b.tg_has("NOG-0002 iniciado")
        await b.slack_has("NOG-0002 started")
        await b.tg_has(sc.alert_es.split(" — ")[0] + " — ")
        for _ in range(60):  # one virtual minute at a time until the escalation fires
            clock.advance(60)
            await timers.fire_due()
            if "escalation" in [e.kind for e in await engine.timeline("NOG-0002")]:
                break
        events = await engine.timeline("NOG-0002")
        assert [e.kind for e in events].count("reminder") == 1
        esc = await fake_slack.wait_for(
            lambda f: next((m for m in b.slack_msgs(SLACK_CENTRAL) if "ESCALATION NOG-0002" in m["text"]), None),
            what="escalation in the central Slack room",
            timeout=30,
        )
        assert sc.escalation_en in esc["text"] and f"<@{CENTRAL_SLACK}>" in esc["text"]
        tg_esc = await fake_telegram.wait_for(
            lambda f: next((m for m in b.tg_msgs(TG_CENTRAL) if "ESCALAMIENTO NOG-0002" in m.get("text", "")), None),
            what="escalation in the central Telegram room",
            timeout=30,
        )
        assert f"tg://user?id={CENTRAL_TG}" in tg_esc["raw_text"]
        # the reminder named the BLM's liaisons before that, in each room
        reminder = await fake_slack.wait_for(
            lambda f: next((m for m in b.slack_msgs() if "NOG-0002: REMINDER 1/1" in m["text"]), None),
            what="reminder",
            timeout=30,
        )
        assert "<@U0LEE>" in reminder["text"]
        await fake_telegram.wait_for(
            lambda f: any(
                "NOG-0002: RECORDATORIO 1/1" in m.get("text", "") and "tg://user?id=5550004" in m.get("raw_text", "")
                for m in b.tg_msgs()
            ),
            what="recordatorio",
            timeout=30,
        )
        # and the central person is told in private too
        await fake_slack.wait_for(
            lambda f: any("ESCALATION NOG-0002" in m["text"] for m in b.slack_msgs(CENTRAL_SLACK)),
            what="escalation DM",
            timeout=30,
        )
