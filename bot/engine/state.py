"""A run's state (kept as one JSON document in Redis) and the data steps produce.

Everything here is plain data. Step functions (steps.py) take a `RunState` and return a
`Transition`: the new state, what to post or edit, timers to set or cancel, timeline events.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["running", "completed", "aborted", "closed"]
OPEN_STATUSES = ("running", "completed")


class AckState(BaseModel):
    posted_at: float
    attempt: int = 0  # reminders sent so far
    escalated: bool = False  # reached the central room (or, in a drill, its stand-in)
    acked_by: str | None = None
    acked_at: float | None = None


class Tick(BaseModel):
    by: str
    at: float


class Waiting(BaseModel):
    kind: Literal["ask", "ack", "wait"]
    step: str


class RunState(BaseModel):
    id: str  # NOG-0142
    blm_id: str
    playbook_id: str
    playbook_version: str
    sha: str  # content hash of the playbook snapshot (blm:pb:{sha})
    drill: bool = False
    drill_calls: bool = False  # a drill that asked for real calls (`/playbook drill ID calls=yes`)
    params: dict = Field(default_factory=dict)
    answers: dict[str, str] = Field(default_factory=dict)
    timed_out: list[str] = Field(default_factory=list)  # ask steps that went on with their default
    answer_texts: dict[str, dict[str, str]] = Field(default_factory=dict)  # step -> lang -> per-language default
    status: Status = "running"
    cursor: str | None = None  # the step being run or waited on
    waiting: Waiting | None = None
    acks: dict[str, AckState] = Field(default_factory=dict)  # ack step id -> state
    checks: dict[str, dict[str, Tick]] = Field(default_factory=dict)  # checklist step -> item -> tick
    timers: dict[str, str] = Field(default_factory=dict)  # pending timer id -> step id
    asked: list[str] = Field(default_factory=list)  # ask steps posted (answerable)
    started_at: float
    started_by: str
    ended_at: float | None = None
    ended_by: str | None = None
    note: str | None = None
    problems: list[str] = Field(default_factory=list)  # template problems met at run time
    rev: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def pending_acks(self) -> list[str]:
        """Ack steps still waiting, oldest first."""
        waiting = [(a.posted_at, sid) for sid, a in self.acks.items() if a.acked_at is None]
        return [sid for _, sid in sorted(waiting)]


class ButtonSpec(BaseModel):
    action: Literal["ack", "check", "answer"]
    args: dict
    label: dict[str, str]  # lang -> text
    role: int
    style: Literal["default", "primary", "danger"] = "default"


class Post(BaseModel):
    """Something to show: rendered in both languages, each room gets its own."""

    op: Literal["post", "edit"] = "post"
    audience: list[str]  # blm | central | us | mx | role:<name>
    text: dict[str, str]  # lang -> text
    title: dict[str, str] | None = None
    lines: dict[str, list[str]] = Field(default_factory=dict)
    key: str | None = None
    buttons: list[ButtonSpec] = Field(default_factory=list)
    mention_role: str | None = None  # name the people of this role (Slack/Telegram mentions)
    dm_role: str | None = None  # and tell them in their private chat
    priority: Literal["interactive", "chat", "bulk"] = "interactive"
    kind: str = "post"  # for the simulator's print-out: post, checklist, ask, ack, reminder, escalation, ...


class TimerSpec(BaseModel):
    id: str
    step: str
    kind: Literal["ack", "wait", "ask_timeout"]
    due: float


class Event(BaseModel):
    """One timeline entry: who did what when. `what` is a catalogue key (engine messages)."""

    at: float
    kind: str  # start, post, ack, check, answer, escalation, reminder, abort, close, end, problem, drill
    who: str = ""  # person name, or "bot"
    step: str | None = None
    detail: dict = Field(default_factory=dict)


class CallRequest(BaseModel):
    """An overdue `call: true` acknowledgement: the telephone alarm rings this level's people."""

    step: str
    level: Literal["role", "escalation"]
    role: str


class Transition(BaseModel):
    state: RunState
    posts: list[Post] = Field(default_factory=list)
    set_timers: list[TimerSpec] = Field(default_factory=list)
    cancel_timers: list[str] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    calls: list[CallRequest] = Field(default_factory=list)  # for the telephone alarm (bot/alarm)
