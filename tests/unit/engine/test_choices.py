"""Choice answers in both languages: "EUA", "lado mexicano", "ambos", "sí", "no" and the English
codes all work; a refusal lists the choices in the person's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeredis import FakeAsyncRedis, FakeServer

from bot.engine.loader import load_file
from bot.engine.runs import resolve_params
from bot.engine.state import Transition
from bot.engine.steps import StepRefused, advance, match_choice, on_answer, on_timer, scope
from bot.i18n import t
from bot.store import keys
from testing.engine import MX, US, Outbox, command, event, handle, make_core
from testing.playbooks import T0, new_state

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks"


def pb(name):
    return load_file(PLAYBOOKS / f"{name}.yaml").playbook


@pytest.mark.parametrize(
    "typed,value",
    [
        ("EUA", "us"),
        ("eua", "us"),
        ("Estados Unidos", "us"),
        ("us", "us"),
        ("US port of entry (CBP)", "us"),
        ("Puerto de entrada de EUA (CBP)", "us"),
        ("lado mexicano", "mx"),
        ("Lado Mexicano.", "mx"),
        ("México", "mx"),
        ("mx", "mx"),
        ("ambos", "both"),
        ("AMBOS", "both"),
        ("both", "both"),
    ],
)
def test_bomb_threat_side_in_either_language(typed, value):
    assert match_choice(pb("bomb-threat").step("side"), typed) == value


@pytest.mark.parametrize(
    "typed,value",
    [
        ("sí", "yes"),
        ("si", "yes"),
        ("Sí", "yes"),
        ("yes", "yes"),
        ("no", "no"),
        ("No", "no"),
        ("se desconoce", "unknown"),
    ],
)
def test_yes_no_in_either_language(typed, value):
    assert match_choice(pb("cross-border-pursuit").step("at-risk"), typed) == value


def test_bilingual_values_and_label_words():
    heat = pb("heat-wave")
    assert match_choice(heat.step("decide-patrols"), "sí") == "yes/sí"
    assert match_choice(heat.step("decide-patrols"), "yes") == "yes/sí"
    assert match_choice(heat.step("decide-patrols"), "no") == "no"
    assert match_choice(heat.step("decide-shelters"), "por ahora no") == "not now/por ahora no"
    bomb = pb("bomb-threat")
    assert match_choice(bomb.step("decision"), "evacuar") == "evacuate"
    assert match_choice(bomb.step("decision"), "Resguardo en sitio") == "shelter"
    assert match_choice(bomb.step("decision"), "revisión") == "search"  # the label's head
    assert match_choice(bomb.step("closure"), "algunos carriles") == "lanes"  # the label's first words
    assert match_choice(bomb.step("closure"), "todo el cruce") == "port"
    assert match_choice(bomb.step("decision"), "quizá") is None


def test_every_choice_matches_its_own_value_and_both_labels():
    for path in sorted(PLAYBOOKS.glob("*.yaml")):
        for step in load_file(path).playbook.steps:
            for choice in getattr(step, "choices", None) or []:
                for typed in (choice.value, choice.label.en, choice.label.es):
                    assert match_choice(step, typed) == choice.value, (path.name, step.id, typed)


def test_a_refusal_lists_the_choices_in_each_language():
    bomb = pb("bomb-threat")
    state = new_state(bomb, params={"received": "written"})
    tr = advance(bomb, Transition(state=state), "need-side", T0)
    assert tr.state.waiting.step == "side"
    with pytest.raises(StepRefused) as exc:
        on_answer(bomb, tr.state, "side", "quizá", "Ana", T0 + 5)
    es = t(exc.value.key, "es", **exc.value.values)
    en = t(exc.value.key, "en", **exc.value.values)
    assert es == (
        "Responda con una de estas opciones: Puerto de entrada de EUA (CBP); Lado mexicano (garita, aduana); "
        "Ambos / aún no está claro."
    )
    assert en == "Answer with one of: US port of entry (CBP); Mexican side (garita, aduana); Both / not clear yet."
    answered = on_answer(bomb, tr.state, "side", "lado mexicano", "Ana", T0 + 6)
    assert answered.state.answers["side"] == "mx"


def test_choice_parameters_take_spanish_words():
    bomb = pb("bomb-threat")
    params = resolve_params(bomb, {"side": "EUA", "received": "teléfono"})
    assert params["side"] == "us" and params["received"] == "phone"
    assert resolve_params(bomb, {"side": "lado mexicano", "received": "correo"})["side"] == "mx"
    pursuit = pb("cross-border-pursuit")
    assert resolve_params(pursuit, {"pursuing": "méxico"})["pursuing"] == "mx"
    assert bomb.param("side").label.es.endswith("(eua, mx)")
    assert bomb.param("received").label.es.endswith("(teléfono, escrito, correo, otro)")


def test_a_timed_out_free_text_answer_reads_in_each_language():
    bomb = pb("bomb-threat")
    state = new_state(bomb, params={"received": "phone", "side": "us", "crossing": "DeConcini"})
    tr = advance(bomb, Transition(state=state), "caller-words", T0)
    assert tr.state.waiting.step == "caller-words"
    tr2 = on_timer(bomb, tr.state, "NOG-0001:caller-words:ask", T0 + 15 * 60)
    assert tr2.state.answers["caller-words"] == "not recorded" and "caller-words" in tr2.state.timed_out
    assert scope(tr2.state, "es")["answers"]["caller-words"] == "sin registro"
    assert scope(tr2.state, "en")["answers"]["caller-words"] == "not recorded"
    edit = next(p for p in tr2.posts if p.op == "edit")
    assert edit.lines["es"] == ["Sin respuesta a tiempo; se continúa con: sin registro"]
    assert edit.lines["en"] == ["No answer in time; going on with: not recorded"]


@pytest.fixture
async def redis():
    r = FakeAsyncRedis(server=FakeServer(version=(7, 0)), decode_responses=True)
    yield r
    await r.aclose()


async def test_a_spanish_reply_answers_and_a_bad_one_is_refused_in_spanish(redis):
    """Through the command layer: a Mexican liaison replies 'sí' to the drill's yes/no question."""
    core = make_core(redis)
    out = Outbox(redis)
    await handle(core, command(MX, "501", "/lang es"))
    await handle(core, command(US, "UANA", "/playbook run drill-basic"))
    await out.drain()
    engine = core.engine.engine
    await redis.set(keys.msgmap(MX.key, "inc:NOG-0001:ask:where"), '["77"]')
    await handle(core, event("message", MX, "501", text="carril 3", reply_to="77"))
    await redis.set(keys.msgmap(MX.key, "inc:NOG-0001:ask:evacuate"), '["78"]')
    await handle(core, event("message", MX, "501", text="tal vez", reply_to="78"))
    await out.drain()
    assert any("Responda con una de estas opciones: Sí; No." in text for text in out.texts(MX))
    await handle(core, event("message", MX, "501", text="sí", reply_to="78"))
    await out.drain()
    state = await engine.get("NOG-0001")
    assert state.answers["evacuate"] == "yes"
