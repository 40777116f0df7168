"""Each step kind as a pure transition: no Redis, no clock."""

import pytest
import yaml

from bot.engine import steps
from bot.engine.loader import playbook_from_data
from bot.engine.steps import StepRefused
from testing.playbooks import T0, new_state, pb_from

HEAD = """
id: t
version: 1
title: {en: T, es: T}
summary: {en: S, es: S}
severity: minor
parameters:
  - {name: crossing, label: {en: C, es: C}, default: Mariposa}
steps:
"""


def play(steps_yaml: str):
    return pb_from(HEAD + steps_yaml)


def unchecked(steps_yaml: str):
    """A playbook `validate` refuses (a template naming what a run lacks), to show what a run does
    if one gets through anyway (an older snapshot): the schema only, no load-time checks."""
    return playbook_from_data(yaml.safe_load(HEAD + steps_yaml))


def test_post_renders_both_languages_and_moves_on():
    pb = play("""
  - id: a
    kind: post
    to: [blm, central]
    text: {en: "At {{ params.crossing }}", es: "En {{ params.crossing }}"}
""")
    tr = steps.start(pb, new_state(pb), T0)
    post = [p for p in tr.posts if p.kind == "post"][0]
    assert post.text == {"en": "At Mariposa", "es": "En Mariposa"}
    assert post.audience == ["blm", "central"]
    assert tr.state.status == "completed"
    assert [e.kind for e in tr.events] == ["start", "post", "end"]


def test_drill_drops_central():
    pb = play("""
  - id: a
    kind: post
    to: [central]
    text: {en: x, es: x}
""")
    tr = steps.start(pb, new_state(pb, drill=True), T0)
    assert all("central" not in p.audience for p in tr.posts)


def test_template_error_posts_raw_text_and_records_problem():
    pb = unchecked("""
  - id: a
    kind: post
    text: {en: "Where: {{ answers.where }}", es: "Dónde: {{ answers.where }}"}
""")
    tr = steps.start(pb, new_state(pb), T0)
    post = [p for p in tr.posts if p.kind == "post"][0]
    assert post.text["en"] == "Where: {{ answers.where }}"
    assert tr.state.problems and tr.state.status == "completed"
    assert any(e.kind == "problem" for e in tr.events)


def test_checklist_posts_buttons_and_ticks_edit():
    pb = play("""
  - id: c
    kind: checklist
    title: {en: Do, es: Haga}
    items:
      - {id: one, text: {en: One, es: Uno}}
      - {id: two, text: {en: Two, es: Dos}, required: false}
""")
    tr = steps.start(pb, new_state(pb), T0)
    chk = [p for p in tr.posts if p.kind == "checklist"][0]
    assert chk.key == "inc:NOG-0001:chk:c"
    assert [b.action for b in chk.buttons] == ["check", "check"]
    assert chk.buttons[0].args == {"inc": "NOG-0001", "step": "c", "item": "one"}
    tr2 = steps.on_check(pb, tr.state, "c", "one", "Luis", T0 + 60)
    edit = tr2.posts[0]
    assert edit.op == "edit" and edit.key == chk.key
    assert "Luis" in edit.lines["en"][0] and "12:01 UTC" in edit.lines["en"][0]
    assert len(edit.buttons) == 1
    assert tr.state.checks["c"] == {}  # the input state is not changed
    with pytest.raises(StepRefused):
        steps.on_check(pb, tr2.state, "c", "one", "Ana", T0 + 90)


def test_ask_waits_then_answer_advances():
    pb = play("""
  - id: q
    kind: ask
    question: {en: "Where?", es: "¿Dónde?"}
  - id: p
    kind: post
    text: {en: "Got {{ answers.q }}", es: "Recibido {{ answers.q }}"}
""")
    tr = steps.start(pb, new_state(pb), T0)
    assert tr.state.waiting.kind == "ask" and tr.state.status == "running"
    tr2 = steps.on_answer(pb, tr.state, None, " lane 3 ", "Ana", T0 + 30)
    assert tr2.state.answers == {"q": "lane 3"}
    assert any(p.text.get("en") == "Got lane 3" for p in tr2.posts)
    assert tr2.state.status == "completed"


def test_ask_choices_and_timeout_default():
    pb = play("""
  - id: q
    kind: ask
    question: {en: "Evacuate?", es: "¿Evacuar?"}
    choices:
      - {value: "yes", label: {en: "Yes", es: "Sí"}}
      - {value: "no", label: {en: "No", es: "No"}}
    timeout: 10m
    default: "no"
""")
    tr = steps.start(pb, new_state(pb), T0)
    ask = [p for p in tr.posts if p.kind == "ask"][0]
    assert [b.args["value"] for b in ask.buttons] == ["yes", "no"]
    assert tr.set_timers[0].due == T0 + 600
    with pytest.raises(StepRefused):
        steps.on_answer(pb, tr.state, "q", "maybe", "Ana", T0)
    assert steps.on_answer(pb, tr.state, "q", "Sí", "Ana", T0).state.answers["q"] == "yes"
    timed = steps.on_timer(pb, tr.state, tr.set_timers[0].id, T0 + 600)
    assert timed.state.answers["q"] == "no" and timed.state.status == "completed"


def test_wait_sets_a_timer_and_fires_on_to_next():
    pb = play("""
  - id: w
    kind: wait
    duration: 15m
  - id: p
    kind: post
    text: {en: later, es: después}
""")
    tr = steps.start(pb, new_state(pb), T0)
    (timer,) = tr.set_timers
    assert timer.due == T0 + 900 and tr.state.waiting.kind == "wait"
    fired = steps.on_timer(pb, tr.state, timer.id, T0 + 900)
    assert fired.state.status == "completed"
    assert any(p.text.get("es") == "después" for p in fired.posts)
    # a stale timer does nothing
    assert steps.on_timer(pb, fired.state, timer.id, T0 + 901).posts == []


ACK = """
  - id: a
    kind: ack
    text: {en: Confirm, es: Confirme}
    within: 5m
    repeat: 2
    every: 2m
  - id: after
    kind: post
    text: {en: next, es: siguiente}
"""


def test_ack_escalates_repeatedly_then_central():
    pb = play(ACK)
    tr = steps.start(pb, new_state(pb), T0)
    assert tr.state.waiting.kind == "ack"
    t0 = tr.set_timers[0]
    assert t0.due == T0 + 300
    r1 = steps.on_timer(pb, tr.state, t0.id, t0.due)
    assert r1.posts[0].kind == "reminder" and r1.posts[0].mention_role == "liaison" and r1.posts[0].dm_role == "liaison"
    assert r1.set_timers[0].due == T0 + 420
    r2 = steps.on_timer(pb, r1.state, r1.set_timers[0].id, r1.set_timers[0].due)
    assert r2.posts[0].kind == "reminder"
    r3 = steps.on_timer(pb, r2.state, r2.set_timers[0].id, r2.set_timers[0].due)
    esc = r3.posts[0]
    assert esc.kind == "escalation" and esc.audience == ["central"] and esc.mention_role == "central"
    assert r3.set_timers == [] and r3.state.acks["a"].escalated
    done = steps.on_ack(pb, r3.state, None, "Ana", T0 + 900)
    assert done.state.status == "completed"
    assert any("central" in p.audience for p in done.posts if p.kind == "ack")


def test_ack_cancels_timer_and_later_firing_does_nothing():
    pb = play(ACK)
    tr = steps.start(pb, new_state(pb), T0)
    acked = steps.on_ack(pb, tr.state, None, "Ana", T0 + 10)
    assert acked.cancel_timers == [tr.set_timers[0].id] and acked.state.timers == {}
    late = steps.on_timer(pb, acked.state, tr.set_timers[0].id, T0 + 300)
    assert late.posts == [] and not any(e.kind == "escalation" for e in late.events)
    with pytest.raises(StepRefused):
        steps.on_ack(pb, acked.state, None, "Luis", T0 + 20)


def test_drill_escalation_stays_in_blm_rooms_without_dms():
    pb = play(ACK.replace("repeat: 2", "repeat: 0").replace("    every: 2m\n", ""))
    tr = steps.start(pb, new_state(pb, drill=True), T0)
    esc = steps.on_timer(pb, tr.state, tr.set_timers[0].id, T0 + 300).posts[0]
    assert esc.kind == "escalation" and esc.audience == ["blm"] and esc.dm_role is None


def test_branch_on_params_and_answers():
    pb = play("""
  - id: b
    kind: branch
    cases:
      - {when: "params.crossing == 'Mariposa'", goto: "yes"}
    otherwise: "no"
  - id: "no"
    kind: end
    text: {en: "no", es: "no"}
  - id: "yes"
    kind: end
    text: {en: "yes", es: sí}
""")
    tr = steps.start(pb, new_state(pb), T0)
    assert any(p.text.get("en") == "yes" for p in tr.posts)
    tr = steps.start(pb, new_state(pb, params={"crossing": "DeConcini"}), T0)
    assert any(p.text.get("en") == "no" for p in tr.posts)


def test_branch_condition_error_is_false_and_recorded():
    pb = unchecked("""
  - id: b
    kind: branch
    cases:
      - {when: "answers.nothing == 'x'", goto: e}
  - id: p
    kind: post
    text: {en: fell through, es: siguió}
  - id: e
    kind: end
""")
    tr = steps.start(pb, new_state(pb), T0)
    assert any(p.text.get("en") == "fell through" for p in tr.posts) and tr.state.problems


def test_branch_loop_is_stopped():
    pb = play("""
  - id: b
    kind: branch
    cases:
      - {when: "true", goto: b}
""")
    tr = steps.start(pb, new_state(pb), T0)
    assert tr.state.status == "completed" and "loop" in tr.state.problems[-1]


def test_abort_cancels_timers():
    pb = play(ACK)
    tr = steps.start(pb, new_state(pb), T0)
    ab = steps.on_end(pb, tr.state, "Ana", T0 + 5, abort=True, note="false alarm")
    assert ab.state.status == "aborted" and ab.cancel_timers and ab.state.timers == {}
    with pytest.raises(StepRefused):
        steps.on_ack(pb, ab.state, None, "Luis", T0 + 6)


def test_private_chats_follow_the_persons_lang_choice():
    from bot.config import PersonConfig
    from bot.engine.runs import private_chats

    ana = PersonConfig(name="Ana", slack_user="U1", telegram_user=5, role="liaison", blms=["nogales"])
    assert [lang for _, lang in private_chats(ana)] == ["en", "es"]
    assert [lang for _, lang in private_chats(ana, {"telegram:5": "en"})] == ["en", "en"]


def test_a_page_for_a_role_nobody_holds_names_the_next_role_up():
    from bot.engine.runs import Engine
    from bot.rooms import Rooms
    from testing.deployments import NOGALES_NO_LIAISON, deployment

    engine = Engine(None, None, Rooms(deployment(NOGALES_NO_LIAISON)), None)
    assert [p.name for p in engine.people_with_role("nogales", "liaison")] == ["Coord"]
    assert [p.name for p in engine.people_with_role("nogales", "member")] == ["Member"]
