"""Each weather playbook end to end through the platform fakes: real slack-bolt and
python-telegram-bot clients over HTTP, a real redis-server, the real engine. Time is a ManualClock
moved by the test; timers are fired with the engine's TimerLoop (no sleeping)."""

from __future__ import annotations

import itertools
import json
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.engine import TimerLoop
from bot.engine.report import build_report
from testing.deployments import EL_PASO_TWO_SIDES
from testing.fakes.builders import (
    slack_block_action,
    slack_signed,
    slack_slash_command_form,
    tg_callback_query_update,
    tg_message_update,
    tg_webhook_headers,
)
from testing.harness import SIGNING_SECRET, TG_SECRET, make_settings, running_bot

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"
ELP_SLACK, ELP_TG = "C0ELPASO", -1001000000005
CEN_SLACK, CEN_TG = "C0CENTRAL", -1001000000000


# per playbook: the alert titles, each side's own post, a checklist item to tick (Spanish), the answers
# in order (a Telegram reply to a free-text question, or a Slack button of a choice), and the central notice
SPEC = {
    "heat-wave": dict(
        title=("HEAT WAVE – El Paso", "ONDA DE CALOR – Ciudad Juárez"),
        tick="Grupo Beta alertado (INM)",
        ticked_en="Grupo Beta alerted (INM)",
        answers=[("reply", "41 °C en Anapra"), ("button", "Danger 103–124 °F (39–51 °C)")],
        notice=("heat in the danger range", "calor en rango de peligro"),
        facts_en=["Caution: 80–90 °F (27–32 °C)", "Extreme Danger: 125 °F and above (52 °C and above)"],
        facts_es=["Peligro: 103–124 °F (39–51 °C)", "HeatRisk: 0 poco o nulo · 1 menor"],
    ),
    "wildfire": dict(
        title=("WILDFIRE – El Paso", "INCENDIO FORESTAL – Ciudad Juárez"),
        tick="Respiradores N95 al personal en exteriores (cubrebocas de tela no protegen)",
        ticked_en="N95 respirators for staff outdoors (cloth or surgical masks do not protect)",
        answers=[("reply", "800 ha, avanza al norte, a 3 km de la línea"), ("button", "3 – Go: leave now")],
        notice=("evacuations near the line", "evacuaciones cerca de la línea"),
        facts_en=["Level 1 – READY: prepare", "Level 3 – GO: leave now."],
        facts_es=["Nivel 2 – ESTÉ LISTO PARA SALIR: peligro importante", "Nivel 3 – ¡SALGA YA!: evacúe de inmediato"],
    ),
    "snow-storm": dict(
        title=("SNOW STORM – El Paso", "TORMENTA INVERNAL – Ciudad Juárez"),
        tick="Albergues de migrantes revisados: calefacción, cobijas, cupo",
        ticked_en="Migrant shelters checked: heating, blankets, capacity",
        answers=[
            ("reply", "-8 °C, nieve y hielo; cerrada la carretera a Chihuahua"),
            ("reply", "14 viajeros varados en el puente Zaragoza"),
            ("button", "Yes"),
        ],
        notice=("people stranded in the cold", "personas varadas por el frío"),
        facts_en=["Expect road and crossing closures"],
        facts_es=["riesgo de hipotermia"],
    ),
    "rainstorm-flood": dict(
        title=("RAINSTORM AND FLOOD – El Paso", "LLUVIAS INTENSAS E INUNDACIÓN – Ciudad Juárez"),
        tick="Desfogues de presas y compuertas confirmados con CILA/IBWC y CONAGUA",
        ticked_en="Dam and gate releases confirmed with IBWC/CILA and CONAGUA",
        answers=[
            ("reply", "el río sube 30 cm por hora; vados bajo el agua"),
            ("reply", "una familia atrapada en el arroyo"),
            ("button", "Yes"),
        ],
        notice=("swift-water rescue", "rescate en aguas rápidas"),
        facts_en=["Turn around, don't drown."],
        facts_es=["No cruce corrientes de agua: dé la vuelta."],
    ),
}

_updates = itertools.count(100)


class Bot:
    def __init__(self, rt, session, url, clock, fake_slack, fake_telegram):
        self.rt, self.session, self.url, self.clock = rt, session, url, clock
        self.slack, self.tg = fake_slack, fake_telegram
        self.timers = TimerLoop(rt.engine.engine)

    async def settle(self):
        """Let the queues run dry: inbound events handled, outbound posts sent to the fakes. Posts held
        back by a room's send rate wait for virtual time: it moves a second at a time until none is left."""
        from bot.store import keys

        for _ in range(600):
            await self.rt.runner.drain_until_idle()
            if not await self.rt.redis.zcard(keys.READY):
                return
            self.clock.advance(1)
        raise AssertionError("outbound queues never drained")

    async def post(self, path, data, headers):
        async with self.session.post(self.url + path, data=data, headers=headers) as resp:
            await resp.read()
            assert resp.status == 200, path
        await self.settle()

    async def slack_command(self, command, text, user, channel=ELP_SLACK):
        await self.post(
            "/slack/events",
            *slack_signed(
                SIGNING_SECRET, slack_slash_command_form(command, text, channel, user, response_url=self.slack)
            ),
        )

    async def tg_command(self, text, user, chat=ELP_TG):
        update = tg_message_update(next(_updates), chat, user, text, language_code="es")
        await self.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))

    async def tg_reply(self, message_id, text, user):
        update = tg_message_update(next(_updates), ELP_TG, user, text, reply_to_message_id=message_id)
        await self.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))

    async def tg_click(self, label, user):
        msg, button = tg_button(self.tg, label)
        update = tg_callback_query_update(next(_updates), ELP_TG, user, button["callback_data"], msg["message_id"])
        await self.post("/telegram/webhook", json.dumps(update).encode(), tg_webhook_headers(TG_SECRET))

    async def slack_click(self, label, user):
        msg, button = slack_button(self.slack, label)
        body = slack_block_action(
            button["action_id"], button["value"], user_id=user, channel_id=ELP_SLACK, message_ts=msg["ts"]
        )
        await self.post("/slack/events", *slack_signed(SIGNING_SECRET, body))

    async def at(self, minutes):
        """Move virtual time to `minutes` after the start and fire what is due."""
        self.clock.set(self.t0 + minutes * 60)
        while await self.timers.fire_due():
            pass
        await self.settle()


def tg_button(fake, label):
    for msg in reversed(fake.sent(ELP_TG)):
        for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []):
            for b in row:
                if b["text"] == label or (len(label) > 60 and b["text"][:60] == label[:60]):  # Telegram cuts at 64
                    return msg, b
    raise AssertionError(f"no Telegram button {label!r}")


def slack_button(fake, label):
    for msg in reversed(fake.messages[ELP_SLACK]):
        for block in msg.get("blocks") or []:
            for el in block.get("elements", []) if block.get("type") == "actions" else []:
                if el["text"]["text"] == label:
                    return msg, el
    raise AssertionError(f"no Slack button {label!r}")


def tg_message(fake, needle, chat=ELP_TG):
    found = [m for m in fake.sent(chat) if needle in m.get("text", "")]
    assert found, f"no Telegram message with {needle!r}"
    return found[-1]


def slack_texts(fake, channel):
    return [m["text"] for m in fake.messages.get(channel, []) if not m["deleted"]]


def tg_texts(fake, chat):
    return fake.texts(chat)


@asynccontextmanager
async def weather_bot(redis_url, fake_slack, fake_telegram):
    clock = ManualClock(float(int(time.time())))
    settings = make_settings(redis_url, fake_slack, fake_telegram, playbooks_dir=PLAYBOOKS)
    async with running_bot(settings, EL_PASO_TWO_SIDES, worker=False, clock=clock) as running:
        bot = Bot(running.runtime, running.session, running.url, clock, fake_slack, fake_telegram)
        bot.t0 = clock.now()
        yield bot


async def answer_in_order(bot, answers, tg_user=5550002):
    for how, value in answers:
        if how == "reply":
            ask = [
                m
                for m in bot.tg.sent(ELP_TG)
                if "pregunta" in m.get("text", "")
                and "Respuesta:" not in m.get("text", "")
                and "Sin respuesta" not in m.get("text", "")
            ]
            assert ask, "no open question in Telegram"
            await bot.tg_reply(ask[-1]["message_id"], value, tg_user)
        else:
            await bot.slack_click(value, "U0BOB")  # a coordinator: some facts (evacuation levels) are theirs


@pytest.mark.parametrize("name", list(SPEC))
async def test_run_from_slack_in_english(name, redis_url, fake_slack, fake_telegram):
    spec = SPEC[name]
    async with weather_bot(redis_url, fake_slack, fake_telegram) as bot:
        await bot.slack_command("/playbook", f"run {name}", "U0BOB")
        us, mx = slack_texts(fake_slack, ELP_SLACK), tg_texts(fake_telegram, ELP_TG)
        # each room its own language; each side its own "now" orders
        assert any(spec["title"][0] in t for t in us) and any(spec["title"][1] in t for t in mx)
        assert any("US side – now" in t for t in us) and not any("Mexican side – now" in t for t in us)
        assert any("Lado mexicano – ahora" in t for t in mx) and not any("Lado de EUA – ahora" in t for t in mx)
        for fact in spec["facts_en"]:
            assert any(fact in t for t in us), fact
        for fact in spec["facts_es"]:
            assert any(fact in t for t in mx), fact
        # the central room hears of it (a real run), in each language
        assert any("ELP-0001 started" in t for t in slack_texts(fake_slack, CEN_SLACK))
        assert any("ELP-0001 iniciado" in t for t in tg_texts(fake_telegram, CEN_TG))
        assert not any("EXERCISE" in t for t in us)

        # a Mexican liaison ticks an item: the checklist is edited on both sides
        await bot.tg_click(spec["tick"], 5550002)
        assert f"☑ {spec['tick']} — Luis Peña" in tg_message(fake_telegram, spec["tick"])["text"]
        assert any(f"☑ {spec['ticked_en']} — Luis Peña" in t for t in slack_texts(fake_slack, ELP_SLACK))

        # the Mexican side acknowledges with its button; the US side does not
        await bot.tg_click("Confirmar recepción", 5550002)
        assert "confirmado por Luis Peña" in tg_message(fake_telegram, "Lado mexicano: confirme")["text"]

        # facts asked and answered: a reply in Telegram, a button in Slack
        await answer_in_order(bot, spec["answers"])
        state = (await bot.rt.engine.engine.open_incidents("el-paso"))[0]
        assert len(state.answers) == len(spec["answers"])
        assert spec["answers"][0][1] in state.answers.values()

        # 15 min: a reminder to the US side only; 25 min: the central room, naming the central people
        await bot.at(15.1)
        assert any("REMINDER 1/1" in t and "US side:" in t for t in slack_texts(fake_slack, ELP_SLACK))
        assert not any("RECORDATORIO" in t for t in tg_texts(fake_telegram, ELP_TG))
        await bot.at(25.1)
        central = slack_texts(fake_slack, CEN_SLACK)
        escalation = [t for t in central if "ESCALATION ELP-0001" in t]
        assert len(escalation) == 1 and "US side:" in escalation[0] and "<@U0CEN>" in escalation[0]
        assert any("ESCALAMIENTO ELP-0001" in t and "Lado de EUA" in t for t in tg_texts(fake_telegram, CEN_TG))
        assert not any("Mexican side:" in t for t in escalation)

        # the rest of the questions time out; the severity notice reaches central; then the close-out
        for minutes in range(30, 301, 30):
            await bot.at(minutes + 0.5)
        assert any(spec["notice"][0] in t for t in slack_texts(fake_slack, CEN_SLACK))
        assert any(spec["notice"][1] in t for t in tg_texts(fake_telegram, CEN_TG))
        state = (await bot.rt.engine.engine.open_incidents("el-paso"))[0]
        assert state.waiting and state.waiting.step == "closeout"
        assert all(v == "pending/pendiente" for k, v in state.answers.items() if k.startswith("decide-"))
        # the close-out belongs to a coordinator
        await answer_in_order(bot, [("reply", "Sin decesos; 3 rescates; mejorar radios")], tg_user=5550001)
        state = await bot.rt.engine.engine.get(state.id)
        assert state.status == "completed" and state.answers["closeout"].startswith("Sin decesos")
        engine = bot.rt.engine.engine
        report = build_report(state, await engine.timeline(state.id), await engine.playbook_for(state), "md", "en")
        assert "Sin decesos" in report and "Luis Peña" in report and "ESCALATION" not in report.split("Activity log")[0]


@pytest.mark.parametrize("name", list(SPEC))
async def test_drill_from_telegram_in_spanish(name, redis_url, fake_slack, fake_telegram):
    spec = SPEC[name]
    async with weather_bot(redis_url, fake_slack, fake_telegram) as bot:
        await bot.tg_command(f"/playbook drill {name}", 5550001)
        mx, us = fake_telegram.sent(ELP_TG), fake_slack.messages[ELP_SLACK]
        assert any(spec["title"][1] in m["text"] for m in mx) and any(spec["title"][0] in m["text"] for m in us)
        assert any("simulacro iniciado" in m["text"] for m in mx)

        await bot.tg_click(spec["tick"], 5550002)
        await bot.tg_click("Confirmar recepción", 5550002)
        await answer_in_order(bot, spec["answers"][:1])
        await bot.at(15.1)
        await bot.at(25.1)
        for minutes in range(30, 301, 30):
            await bot.at(minutes + 0.5)
        # the US side's missed acknowledgement escalates inside the BLM's rooms only, marked
        assert any("ESCALATION ELP-0001" in m["text"] for m in fake_slack.messages[ELP_SLACK])
        assert any("ESCALAMIENTO ELP-0001" in m["text"] for m in fake_telegram.sent(ELP_TG))
        # every post the bot made in the BLM's rooms is marked as an exercise
        for m in fake_telegram.sent(ELP_TG):
            if m.get("reply_to_message"):  # the answer to Ana's command, addressed to her
                assert m["reply_to_message"]["message_id"] not in [x["message_id"] for x in fake_telegram.sent(ELP_TG)]
                continue
            assert "SIMULACRO" in m["text"], m["text"][:120]
        for m in fake_slack.messages[ELP_SLACK]:
            if m["text"].startswith("*Luis Peña (MX · Grupo Beta)*"):  # his reply, relayed as written
                continue
            assert "EXERCISE" in m["text"], m["text"][:120]
        # nothing at all reached the central room, on either platform, nor anyone's private chat
        assert fake_slack.messages.get(CEN_SLACK, []) == [] and fake_telegram.sent(CEN_TG) == []
        assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == "U0CEN"]
        state = (await bot.rt.engine.engine.open_incidents("el-paso"))[0]
        assert state.drill and state.waiting.step == "closeout"
