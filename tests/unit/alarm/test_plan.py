"""The call plan's pure steps: who is rung, in what order, and when it stops."""

from __future__ import annotations

import itertools

from bot.alarm.plan import (
    FIRST_WORD_SECONDS,
    FULL_CALL_SECONDS,
    Callee,
    CallPlan,
    Facts,
    advance,
    on_failed_to_place,
    on_status,
)

PAT = Callee(name="Pat Lee", phone="+15205550101", lang="en", level="role")
ROSA = Callee(name="Rosa Díaz", phone="+526315550102", lang="es", level="role")
ANA = Callee(name="Ana Ruiz", phone="+526315550103", lang="es", level="escalation")


def facts(levels=("role",), **over) -> Facts:
    values = dict(
        incident_open=True,
        acked_by=None,
        drill=False,
        drill_calls=False,
        levels=set(levels),
        people={"role": [PAT, ROSA], "escalation": [ANA]},
        incident_calls=0,
        person_calls={},
    )
    values.update(over)
    return Facts(**values)


def tokens():
    counter = itertools.count(1)
    return lambda: f"t{next(counter)}"


def new_plan() -> CallPlan:
    return CallPlan(id="NOG-0001:confirm", incident="NOG-0001", step="confirm")


def test_rings_the_role_one_at_a_time_in_config_order_and_moves_on_when_nobody_answers():
    tok = tokens()
    d = advance(new_plan(), facts(), 100.0, tok)
    assert [c.callee.name for c in d.calls] == ["Pat Lee"]
    assert d.wake_at == 100.0 + FIRST_WORD_SECONDS
    # nothing more while Pat's phone rings
    again = advance(d.plan, facts(), 110.0, tok)
    assert again.calls == [] and again.wake_at == d.wake_at
    for status, nxt in (("no-answer", "Rosa Díaz"), ("busy", "Rosa Díaz"), ("failed", "Rosa Díaz")):
        ended = on_status(d.plan, "t1", status)
        assert ended.plan.current is None and ended.notes[0].detail["result"] == status
        following = advance(ended.plan, facts(), 130.0, tokens())
        assert [c.callee.name for c in following.calls] == [nxt]


def test_escalation_people_only_once_the_step_escalates():
    d = advance(new_plan(), facts(), 0.0, tokens())
    d = advance(on_status(d.plan, "t1", "no-answer").plan, facts(), 30.0, tokens())
    d = advance(on_status(d.plan, d.calls[0].token, "no-answer").plan, facts(), 60.0, tokens())
    assert d.calls == [] and d.wake_at is None  # both liaisons rung: wait for the escalation
    d = advance(d.plan, facts(levels=("role", "escalation")), 300.0, tokens())
    assert [c.callee.name for c in d.calls] == ["Ana Ruiz"]


def test_an_acknowledgement_or_a_closed_incident_stops_the_plan_and_cancels_later_calls():
    d = advance(new_plan(), facts(), 0.0, tokens())
    stopped = advance(d.plan, facts(acked_by="Rosa Díaz"), 10.0, tokens())
    assert stopped.plan.done and stopped.plan.outcome == "acknowledged" and stopped.calls == []
    later = advance(on_status(stopped.plan, "t1", "no-answer").plan, facts(levels=("role", "escalation")), 99, tokens())
    assert later.calls == []
    closed = advance(d.plan, facts(incident_open=False), 10.0, tokens())
    assert closed.plan.done and closed.plan.outcome == "closed"


def test_a_status_for_another_or_an_old_call_changes_nothing():
    tok = tokens()
    d = advance(new_plan(), facts(), 0.0, tok)
    assert on_status(d.plan, "forged-token", "no-answer").plan == d.plan
    moved = advance(on_status(d.plan, "t1", "busy").plan, facts(), 5.0, tok)
    assert moved.plan.current.token == "t2"
    replay = on_status(moved.plan, "t1", "busy")
    assert replay.plan == moved.plan and replay.notes == []


def test_no_word_from_twilio_by_the_deadline_moves_on():
    d = advance(new_plan(), facts(), 0.0, tokens())
    late = advance(d.plan, facts(), FIRST_WORD_SECONDS + 1, tokens())
    assert late.notes[0].detail["result"] == "lost"
    assert [c.callee.name for c in late.calls] == ["Rosa Díaz"]


def test_a_call_twilio_reported_may_last_its_time_limit():
    d = advance(new_plan(), facts(), 0.0, tokens())
    talking = advance(on_status(d.plan, "t1", "in-progress").plan, facts(), FIRST_WORD_SECONDS + 1, tokens())
    assert talking.calls == [] and talking.plan.current.answered
    assert talking.wake_at == FULL_CALL_SECONDS
    over = advance(talking.plan, facts(), FULL_CALL_SECONDS + 1, tokens())
    assert over.notes[0].detail["result"] == "lost" and [c.callee.name for c in over.calls] == ["Rosa Díaz"]


def test_refused_by_twilio_moves_on_at_once_with_the_reason():
    d = advance(new_plan(), facts(), 0.0, tokens())
    failed = on_failed_to_place(d.plan, "t1", "Invalid 'To' Phone Number")
    assert failed.notes[0].detail == {
        "person": "Pat Lee",
        "level": "role",
        "result": "failed",
        "reason": "Invalid 'To' Phone Number",
    }


def test_caps_per_incident_and_per_person_hour():
    capped = advance(new_plan(), facts(incident_calls=12, max_per_incident=12), 0.0, tokens())
    assert capped.calls == [] and capped.plan.done and capped.plan.outcome == "capped"
    tired = advance(new_plan(), facts(person_calls={PAT.phone: 4}, max_per_person_hour=4), 0.0, tokens())
    assert [c.callee.name for c in tired.calls] == ["Rosa Díaz"]
    assert tired.notes[0].detail["why"] == "person_cap"


def test_a_drill_calls_nobody_unless_it_asks_and_says_whom_it_would_ring():
    quiet = advance(new_plan(), facts(drill=True), 0.0, tokens())
    assert quiet.calls == [] and [c.name for c in quiet.drill_skipped] == ["Pat Lee", "Rosa Díaz"]
    assert {n.detail["why"] for n in quiet.notes} == {"drill"}
    asked = advance(new_plan(), facts(drill=True, drill_calls=True), 0.0, tokens())
    assert [c.callee.name for c in asked.calls] == ["Pat Lee"]


def test_a_person_in_both_levels_is_rung_at_each():
    both = facts(
        levels=("role", "escalation"),
        people={"role": [PAT], "escalation": [PAT.model_copy(update={"level": "escalation"})]},
    )
    d = advance(new_plan(), both, 0.0, tokens())
    d = advance(on_status(d.plan, d.calls[0].token, "no-answer").plan, both, 30.0, tokens())
    assert [(c.callee.name, c.callee.level) for c in d.calls] == [("Pat Lee", "escalation")]
    assert d.calls[0].sms is False  # one SMS to each person, not one per call
