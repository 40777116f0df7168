"""The call plan of one `call: true` acknowledgement, as pure steps: (plan, facts, now) -> Decision.

A plan rings one person at a time, in the config's order: first the people of the role that must
acknowledge (when the step is first overdue), then, once the step escalates, the escalation role's
people. A call ends answered-and-acknowledged, or it moves on (no answer, busy, failed, answered
without pressing 1, or no word from Twilio by its deadline). Nothing here touches Redis, a clock or
Twilio: the service (service.py) applies a Decision in one Redis transaction, then performs its
actions (place the call, send the SMS) once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

Level = Literal["role", "escalation"]
LEVELS: tuple[Level, ...] = ("role", "escalation")
TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")

RING_SECONDS = 25  # Twilio's `Timeout`: how long a phone rings before it counts as no answer
CALL_LIMIT_SECONDS = 180  # Twilio's `TimeLimit`: the longest a call may last
GRACE_SECONDS = 60  # then, with no word from Twilio, the call is taken as lost and the plan moves on
# A call with no word at all from Twilio (not even "initiated": a worker died before placing it, or
# Twilio never got it) is lost sooner; once Twilio reports it, it may last its whole time limit.
FIRST_WORD_SECONDS = RING_SECONDS + GRACE_SECONDS
FULL_CALL_SECONDS = RING_SECONDS + CALL_LIMIT_SECONDS + GRACE_SECONDS
MAX_CALLS_PER_INCIDENT = 12
MAX_CALLS_PER_PERSON_HOUR = 4


class Callee(BaseModel):
    name: str
    phone: str
    lang: Literal["en", "es"]
    level: Level


class Attempt(BaseModel):
    token: str  # the server-side token in the call's callback URLs
    callee: int  # index into CallPlan.queue
    placed_at: float
    deadline: float
    status: str = "dialing"  # dialing, ringing, in-progress, then one of TERMINAL, or "lost"
    answered: bool = False


class CallPlan(BaseModel):
    id: str  # "{incident}:{step}"
    incident: str
    step: str
    queue: list[Callee] = Field(default_factory=list)
    levels: list[Level] = Field(default_factory=list)  # levels whose people are queued
    next: int = 0  # the next callee to consider
    current: Attempt | None = None
    history: list[Attempt] = Field(default_factory=list)
    texted: list[str] = Field(default_factory=list)  # numbers already sent the SMS (one each)
    done: bool = False
    outcome: str | None = None  # acknowledged, closed, capped
    rev: int = 0


@dataclass
class Facts:
    """What the plan needs to know of the world, read in the same transaction."""

    incident_open: bool
    acked_by: str | None
    drill: bool
    drill_calls: bool
    levels: set[str]  # levels the engine has opened
    people: dict[str, list[Callee]]  # level -> the people with a phone, config order
    incident_calls: int  # calls placed for this incident so far
    person_calls: dict[str, int]  # phone -> calls placed to it this hour
    max_per_incident: int = MAX_CALLS_PER_INCIDENT
    max_per_person_hour: int = MAX_CALLS_PER_PERSON_HOUR


@dataclass
class PlaceCall:
    token: str
    callee: Callee
    sms: bool = True  # the first call to this number in this plan also sends the SMS


@dataclass
class Note:
    """A timeline entry (engine Event kind) and its detail."""

    kind: str
    who: str
    detail: dict


@dataclass
class Decision:
    plan: CallPlan
    calls: list[PlaceCall] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    wake_at: float | None = None  # when to look again (None: only when something happens)
    drill_skipped: list[Callee] = field(default_factory=list)  # a drill without calls: who it would ring


def _end_current(d: Decision, status: str) -> None:
    plan = d.plan
    if plan.current is None:
        return
    attempt = plan.current
    attempt.status = status
    callee = plan.queue[attempt.callee]
    plan.history.append(attempt)
    plan.current = None
    d.notes.append(Note("call_result", "bot", {"person": callee.name, "level": callee.level, "result": status}))


def advance(plan: CallPlan, facts: Facts, now: float, new_token: Callable[[], str]) -> Decision:
    """Look at the plan now: stop it, wait for the call in progress, or ring the next person."""
    d = Decision(plan=plan.model_copy(deep=True))
    p = d.plan
    if p.done:
        return d
    if facts.acked_by is not None or not facts.incident_open:
        if p.current is not None:  # a ringing phone is left to ring out; its callbacks change nothing
            p.history.append(p.current)
            p.current = None
        p.done = True
        p.outcome = "acknowledged" if facts.acked_by is not None else "closed"
        return d
    for level in LEVELS:
        if level in facts.levels and level not in p.levels:
            p.levels.append(level)
            queued = {(c.phone, c.level) for c in p.queue}
            p.queue += [c for c in facts.people.get(level, []) if (c.phone, level) not in queued]
    if p.current is not None:
        if now < p.current.deadline:
            d.wake_at = p.current.deadline
            return d
        _end_current(d, "lost")  # no final word from Twilio in time: move on
    calls = facts.incident_calls
    while p.next < len(p.queue):
        callee = p.queue[p.next]
        if facts.drill and not facts.drill_calls:
            d.drill_skipped.append(callee)
            d.notes.append(Note("call_skipped", "bot", {"person": callee.name, "level": callee.level, "why": "drill"}))
            p.next += 1
            continue
        if calls >= facts.max_per_incident:
            d.notes.append(Note("call_skipped", "bot", {"person": callee.name, "level": callee.level, "why": "cap"}))
            p.done, p.outcome = True, "capped"
            return d
        if facts.person_calls.get(callee.phone, 0) >= facts.max_per_person_hour:
            d.notes.append(
                Note("call_skipped", "bot", {"person": callee.name, "level": callee.level, "why": "person_cap"})
            )
            p.next += 1
            continue
        token = new_token()
        p.current = Attempt(
            token=token,
            callee=p.next,
            placed_at=now,
            deadline=now + FIRST_WORD_SECONDS,
        )
        p.next += 1
        first_to_number = callee.phone not in p.texted
        if first_to_number:
            p.texted.append(callee.phone)
        d.calls.append(PlaceCall(token=token, callee=callee, sms=first_to_number))
        d.notes.append(Note("call", "bot", {"person": callee.name, "level": callee.level}))
        d.wake_at = p.current.deadline
        return d
    return d  # nobody left to ring at this level: the escalation (if any) wakes the plan again


def on_status(plan: CallPlan, token: str, status: str) -> Decision:
    """A call's status from Twilio. Only the current call's status counts: a late or replayed one
    changes nothing. A final status ends the call (the caller then advances the plan)."""
    d = Decision(plan=plan.model_copy(deep=True))
    p = d.plan
    if p.done or p.current is None or p.current.token != token:
        return d
    if status in TERMINAL:
        _end_current(d, status)
    else:
        p.current.status = status
        p.current.deadline = max(p.current.deadline, p.current.placed_at + FULL_CALL_SECONDS)
        if status == "in-progress":
            p.current.answered = True
    return d


def on_failed_to_place(plan: CallPlan, token: str, reason: str) -> Decision:
    """Twilio refused the call (a bad number, a suspended account): the plan moves on at once."""
    d = on_status(plan, token, "failed")
    if d.notes:
        d.notes[-1].detail["reason"] = reason[:200]
    return d
