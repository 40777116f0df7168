"""Steps as pure transitions: (playbook, run state, event, now) -> Transition.

Nothing here touches Redis, a clock or a platform: it is all data in, data out, so every step kind
can be tested on its own. runs.py applies a Transition (state, posts, timers, timeline) in one
Redis transaction.
"""

from __future__ import annotations

import logging

from bot.directory import get_blm
from bot.engine import choices, templates
from bot.engine.schema import (
    MAX_ITEM_CHARS,
    AckStep,
    AskStep,
    BranchStep,
    ChecklistStep,
    EndStep,
    Playbook,
    PostStep,
    Text,
    WaitStep,
)
from bot.engine.state import (
    AckState,
    ButtonSpec,
    CallRequest,
    Event,
    Post,
    RunState,
    Tick,
    TimerSpec,
    Transition,
    Waiting,
)
from bot.engine.times import short
from bot.i18n import t
from bot.model import Role

log = logging.getLogger(__name__)

LANGS = ("en", "es")
MAX_STEPS_PER_ADVANCE = 500  # a branch loop without a wait cannot spin forever


class StepRefused(Exception):
    """A person's action that cannot be done now; `key` is an engine message for them."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


# ---- helpers ------------------------------------------------------------------------------
def message_key(state: RunState, kind: str, step: str) -> str:
    return f"inc:{state.id}:{kind}:{step}"


ADVISORY_STARTER = "advisory "  # started_by of a run an advisory started: this, then the event names


def starter(started_by: str, lang: str) -> str:
    """Who started a run, as a reader sees it: a person's name, or "the advisory …" in their
    language (the event name stays as its issuer wrote it)."""
    if started_by.startswith(ADVISORY_STARTER):
        return t("engine.run.by_advisory", lang, event=started_by[len(ADVISORY_STARTER) :])
    return started_by


def blm_scope(blm, lang: str) -> dict:
    """What templates may read of a BLM (`blm.*`): also what `validate` checks names against."""
    return {
        "id": blm.id,
        "name": blm.name(lang),
        "us_city": blm.us_city,
        "mx_city": blm.mx_city,
        "prefix": blm.prefix,
        "fips": blm.fips,  # state + county: '06…' is California
        # "the US Consulate General in Tijuana" / "el Consulado …"; to_*: "al Consulado …", "a la Agencia …"
        "us_consulate": blm.us_consulate_name(lang),
        "mx_consulate": blm.mx_consulate_name(lang),
        "to_us_consulate": blm.us_consulate_name(lang, "to"),
        "to_mx_consulate": blm.mx_consulate_name(lang, "to"),
    }


def scope(state: RunState, lang: str) -> dict:
    blm = get_blm(state.blm_id)
    answers = dict(state.answers)
    for sid, shown in state.answer_texts.items():  # timeout defaults, in the reader's language
        if sid in answers:
            answers[sid] = shown.get(lang, answers[sid])
    return {
        "blm": blm_scope(blm, lang),
        "incident": {
            "id": state.id,
            "drill": state.drill,
            "playbook": state.playbook_id,
            "started_at": state.started_at,
        },
        "params": dict(state.params),
        "answers": answers,
        # ask steps that went on with their default: templates leave such answers out of sentences
        "timed_out": list(state.timed_out),
        "lang": lang,
    }


def render_text(tr: Transition, text: Text, step: str | None, now: float) -> dict[str, str]:
    """Both languages of a text; a failing template posts its raw text and records the problem."""
    out = {}
    for lang in LANGS:
        rendered, problem = templates.render_safe(text.get(lang), scope(tr.state, lang))
        out[lang] = rendered
        if problem:
            note = f"{step or '-'} ({lang}): {problem}"
            tr.state.problems.append(note)
            tr.events.append(Event(at=now, kind="problem", who="bot", step=step, detail={"problem": note}))
    return out


def audience(state: RunState, to: list[str]) -> list[str]:
    """Drills post nothing to the central room."""
    return [a for a in to if not (state.drill and a == "central")]


def _copy(state: RunState) -> Transition:
    # a dump and re-validation in pydantic-core is a deep copy ~4x cheaper than model_copy(deep=True)
    # (copy.deepcopy in Python), and every timer firing and tap makes one
    return Transition(state=RunState.model_validate(state.model_dump()))


def role_value(name: str) -> int:
    return int(Role[name])


def _tmsg(key: str, **values) -> dict[str, str]:
    return {lang: t(key, lang, **values) for lang in LANGS}


# ---- posts of each kind -------------------------------------------------------------------
def checklist_post(
    pb: Playbook, state: RunState, step: ChecklistStep, now: float, op: str = "post", tr: Transition | None = None
) -> Post:
    tr = tr or _copy(state)
    ticks = state.checks.get(step.id, {})
    lines: dict[str, list[str]] = {lang: [] for lang in LANGS}
    buttons = []
    for item in step.items:
        texts = render_text(tr, item.text, step.id, now)
        for lang in LANGS:
            label = texts[lang]
            if len(label) > MAX_ITEM_CHARS:
                label = label[: MAX_ITEM_CHARS - 1] + "…"
            texts[lang] = label
            tick = ticks.get(item.id)
            if tick:
                line = t("engine.chk.done", lang, text=label, who=tick.by, when=short(tick.at, state.blm_id))
            else:
                extra = []
                if item.owner:
                    extra.append(t(f"role.{item.owner}", lang))
                if not item.required:
                    extra.append(t("engine.chk.optional", lang))
                line = t("engine.chk.todo", lang, text=label) + (f" ({', '.join(extra)})" if extra else "")
            lines[lang].append(line)
        if item.id not in ticks and state.is_open:
            buttons.append(
                ButtonSpec(
                    action="check",
                    args={"inc": state.id, "step": step.id, "item": item.id},
                    label=texts,
                    role=role_value(step.role),
                )
            )
    done = sum(1 for i in step.items if i.id in ticks)
    title = render_text(tr, step.title, step.id, now)
    return Post(
        op=op,
        audience=audience(state, step.to),
        kind="checklist",
        title=title,
        text=_tmsg("engine.chk.progress", done=done, total=len(step.items), incident=state.id),
        lines=lines,
        buttons=buttons,
        key=message_key(state, "chk", step.id),
    )


def _ack_button(state: RunState, step: AckStep) -> ButtonSpec:
    return ButtonSpec(
        action="ack",
        args={"inc": state.id, "step": step.id},
        label=_tmsg("engine.ack.button"),
        role=role_value(step.role),
        style="primary",
    )


def shown_answer(step: AskStep, answered: str | None, lang: str, timed_out: bool = False) -> str | None:
    """A choice's label in the reader's language; a free-text default in that language; free
    text as written."""
    for choice in step.choices or []:
        if choice.value == answered:
            return choice.label.get(lang)
    if timed_out and isinstance(step.default, Text):
        return step.default.get(lang)
    return answered


def _ask_post(
    state: RunState,
    step: AskStep,
    question: dict[str, str],
    op: str = "post",
    answered: str | None = None,
    who: str | None = None,
    now: float = 0.0,
) -> Post:
    buttons = []
    if answered is None and step.choices:
        for choice in step.choices:
            buttons.append(
                ButtonSpec(
                    action="answer",
                    args={"inc": state.id, "step": step.id, "value": choice.value},
                    label={lang: choice.label.get(lang)[:75] for lang in LANGS},
                    role=role_value(step.role),
                )
            )
    if answered is None:
        hint = _tmsg("engine.ask.hint_choices" if step.choices else "engine.ask.hint")
    elif who:
        hint = {
            lang: t(
                "engine.ask.answered",
                lang,
                answer=shown_answer(step, answered, lang),
                who=who,
                when=short(now, state.blm_id),
            )
            for lang in LANGS
        }
    else:
        hint = {
            lang: t("engine.ask.timed_out", lang, answer=shown_answer(step, answered, lang, timed_out=True) or "—")
            for lang in LANGS
        }
    return Post(
        op=op,
        audience=audience(state, step.to),
        kind="ask",
        title=_tmsg("engine.ask.title", incident=state.id),
        text=question,
        lines={lang: [hint[lang]] for lang in LANGS},
        buttons=buttons,
        key=message_key(state, "ask", step.id),
    )


# ---- entering steps -----------------------------------------------------------------------
def enter(pb: Playbook, tr: Transition, step, now: float) -> tuple[str | None, bool]:
    """Run `step` into `tr`. Returns (next step id, blocked)."""
    state = tr.state
    state.cursor = step.id
    follow = step.next or pb.following(step.id)
    if isinstance(step, PostStep):
        aud = audience(state, step.to)
        text = render_text(tr, step.text, step.id, now)
        title = render_text(tr, step.title, step.id, now) if step.title else None
        if aud:
            tr.posts.append(Post(audience=aud, text=text, title=title, kind="post"))
            tr.events.append(Event(at=now, kind="post", who="bot", step=step.id, detail={"to": aud, "text": text}))
        return follow, False
    if isinstance(step, ChecklistStep):
        state.checks.setdefault(step.id, {})
        post = checklist_post(pb, state, step, now, tr=tr)
        if post.audience:
            tr.posts.append(post)
        tr.events.append(
            Event(
                at=now,
                kind="checklist",
                who="bot",
                step=step.id,
                detail={"to": post.audience, "title": post.title, "items": len(step.items)},
            )
        )
        return follow, False
    if isinstance(step, AskStep):
        question = render_text(tr, step.question, step.id, now)
        if step.id not in state.asked:
            state.asked.append(step.id)
        post = _ask_post(state, step, question)
        tr.posts.append(post)
        tr.events.append(
            Event(at=now, kind="ask", who="bot", step=step.id, detail={"to": post.audience, "text": question})
        )
        if step.id in state.answers:  # answered ahead (e.g. `simulate --answer`, or a re-entry)
            return follow, False
        state.waiting = Waiting(kind="ask", step=step.id)
        if step.timeout:
            _set_timer(
                tr, TimerSpec(id=f"{state.id}:{step.id}:ask", step=step.id, kind="ask_timeout", due=now + step.timeout)
            )
        return None, True
    if isinstance(step, WaitStep):
        state.waiting = Waiting(kind="wait", step=step.id)
        _set_timer(tr, TimerSpec(id=f"{state.id}:{step.id}:wait", step=step.id, kind="wait", due=now + step.duration))
        tr.events.append(Event(at=now, kind="wait", who="bot", step=step.id, detail={"seconds": step.duration}))
        return None, True
    if isinstance(step, AckStep):
        text = render_text(tr, step.text, step.id, now)
        state.acks[step.id] = AckState(posted_at=now)
        aud = audience(state, step.to)
        tr.posts.append(
            Post(
                audience=aud,
                text=text,
                kind="ack",
                title=_tmsg("engine.ack.title", incident=state.id, minutes=_minutes(step.within)),
                buttons=[_ack_button(state, step)],
                key=message_key(state, "ack", step.id),
            )
        )
        tr.events.append(
            Event(
                at=now,
                kind="ack_request",
                who="bot",
                step=step.id,
                detail={"to": aud, "text": text, "within": step.within},
            )
        )
        _set_timer(tr, TimerSpec(id=f"{state.id}:{step.id}:ack:0", step=step.id, kind="ack", due=now + step.within))
        if step.block:
            state.waiting = Waiting(kind="ack", step=step.id)
            return None, True
        return follow, False
    if isinstance(step, BranchStep):
        for case in step.cases:
            try:
                ok = templates.evaluate(case.when, scope(state, "en"))
            except Exception as exc:  # noqa: BLE001 - a broken condition is false, and recorded
                note = f"{step.id}: condition {case.when!r} failed: {type(exc).__name__}: {exc}"
                state.problems.append(note)
                tr.events.append(Event(at=now, kind="problem", who="bot", step=step.id, detail={"problem": note}))
                ok = False
            if ok:
                tr.events.append(
                    Event(at=now, kind="branch", who="bot", step=step.id, detail={"when": case.when, "goto": case.goto})
                )
                return case.goto, False
        target = step.otherwise or pb.following(step.id)
        tr.events.append(Event(at=now, kind="branch", who="bot", step=step.id, detail={"when": None, "goto": target}))
        return target, False
    if isinstance(step, EndStep):
        if step.text:
            aud = audience(state, step.to)
            text = render_text(tr, step.text, step.id, now)
            if aud:
                tr.posts.append(Post(audience=aud, text=text, kind="post"))
                tr.events.append(Event(at=now, kind="post", who="bot", step=step.id, detail={"to": aud, "text": text}))
        _complete(tr, now)
        return None, True
    raise TypeError(f"unknown step {step!r}")


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"


def _set_timer(tr: Transition, timer: TimerSpec) -> None:
    tr.set_timers.append(timer)
    tr.state.timers[timer.id] = timer.step


def _cancel_timers(tr: Transition, step: str | None = None) -> None:
    for tid, sid in list(tr.state.timers.items()):
        if step is None or sid == step:
            tr.cancel_timers.append(tid)
            del tr.state.timers[tid]


def _complete(tr: Transition, now: float) -> None:
    state = tr.state
    state.status = "completed"
    state.waiting = None
    state.cursor = None
    tr.events.append(Event(at=now, kind="end", who="bot"))
    tr.posts.append(Post(audience=["blm"], kind="end", text=_tmsg("engine.run.completed", incident=state.id)))


def advance(pb: Playbook, tr: Transition, step_id: str | None, now: float) -> Transition:
    """Run steps from `step_id` until one waits or the playbook ends."""
    for _ in range(MAX_STEPS_PER_ADVANCE):
        if tr.state.status != "running":
            return tr
        if step_id is None:
            _complete(tr, now)
            return tr
        step = pb.step(step_id)
        if step is None:  # validated away; a snapshot cannot change, so this is a bug
            note = f"unknown step {step_id!r}"
            tr.state.problems.append(note)
            tr.events.append(Event(at=now, kind="problem", who="bot", detail={"problem": note}))
            _complete(tr, now)
            return tr
        step_id, blocked = enter(pb, tr, step, now)
        if blocked:
            return tr
    note = f"more than {MAX_STEPS_PER_ADVANCE} steps without a wait: stopped (a branch loop?)"
    tr.state.problems.append(note)
    tr.events.append(Event(at=now, kind="problem", who="bot", detail={"problem": note}))
    _complete(tr, now)
    return tr


# ---- events from outside ------------------------------------------------------------------
def start(pb: Playbook, state: RunState, now: float) -> Transition:
    """The first transition of a new run: the announcement, then steps until one waits."""
    tr = _copy(state)
    title = {lang: pb.title.get(lang) for lang in LANGS}
    key = "engine.run.started_drill" if state.drill else "engine.run.started"
    # Only what the person gave: defaults and empty values are noise in the first post.
    defaults = {p.name: p.default for p in pb.parameters}
    params = ", ".join(f"{k}={v}" for k, v in state.params.items() if v not in ("", None) and v != defaults.get(k))
    tr.posts.append(
        Post(
            audience=["blm"] + ([] if state.drill else ["central"]),
            kind="start",
            title={lang: t(key, lang, incident=state.id, title=title[lang]) for lang in LANGS},
            text={lang: pb.summary.get(lang) for lang in LANGS},
            lines={
                lang: [
                    t("engine.run.started_by", lang, who=starter(state.started_by, lang), when=short(now, state.blm_id))
                ]
                + ([params] if params else [])
                for lang in LANGS
            },
        )
    )
    tr.events.append(
        Event(
            at=now,
            kind="start",
            who=state.started_by,
            detail={"playbook": pb.id, "version": pb.version, "drill": state.drill, "params": state.params},
        )
    )
    return advance(pb, tr, pb.steps[0].id, now)


def on_timer(pb: Playbook, state: RunState, timer_id: str, now: float) -> Transition:
    """A due timer. A timer the state no longer knows (acked, answered, aborted) does nothing."""
    tr = _copy(state)
    step_id = state.timers.get(timer_id)
    if step_id is None or not state.is_open:
        return tr
    del tr.state.timers[timer_id]
    step = pb.step(step_id)
    if isinstance(step, WaitStep):
        if tr.state.waiting and tr.state.waiting.step == step.id:
            tr.state.waiting = None
            return advance(pb, tr, step.next or pb.following(step.id), now)
        return tr
    if isinstance(step, AskStep):
        if step.id in tr.state.answers:
            return tr
        detail: dict = {}
        if isinstance(step.default, Text):
            answer = step.default.en
            shown = {lang: step.default.get(lang) for lang in LANGS}
            tr.state.answer_texts[step.id] = shown
            detail["shown"] = shown
        else:
            answer = step.default or ""
        tr.state.answers[step.id] = answer
        tr.state.timed_out.append(step.id)
        tr.events.append(
            Event(at=now, kind="answer_timeout", who="bot", step=step.id, detail={"answer": answer, **detail})
        )
        question = render_text(tr, step.question, step.id, now)
        tr.posts.append(_ask_post(tr.state, step, question, op="edit", answered=answer))
        if tr.state.waiting and tr.state.waiting.step == step.id:
            tr.state.waiting = None
            return advance(pb, tr, step.next or pb.following(step.id), now)
        return tr
    if isinstance(step, AckStep):
        return _escalate(pb, tr, step, now)
    return tr


def _escalate(pb: Playbook, tr: Transition, step: AckStep, now: float) -> Transition:
    state = tr.state
    ack = state.acks.get(step.id)
    if ack is None or ack.acked_at is not None or ack.escalated:
        return tr
    text = render_text(tr, step.text, step.id, now)
    waited = _minutes(int(now - ack.posted_at))
    if step.call and ack.attempt == 0:  # the first time it is overdue: ring the role's phones
        tr.calls.append(CallRequest(step=step.id, level="role", role=step.role))
    if ack.attempt < step.repeat:
        ack.attempt += 1
        tr.posts.append(
            Post(
                audience=audience(state, step.to),
                kind="reminder",
                text=text,
                title=_tmsg("engine.ack.reminder", incident=state.id, n=ack.attempt, total=step.repeat, minutes=waited),
                buttons=[_ack_button(state, step)],
                mention_role=step.role,
                dm_role=None if state.drill else step.role,
            )
        )
        tr.events.append(
            Event(at=now, kind="reminder", who="bot", step=step.id, detail={"attempt": ack.attempt, "role": step.role})
        )
        _set_timer(
            tr,
            TimerSpec(
                id=f"{state.id}:{step.id}:ack:{ack.attempt}",
                step=step.id,
                kind="ack",
                due=now + (step.every or step.within),
            ),
        )
        return tr
    ack.escalated = True
    if step.call:
        tr.calls.append(CallRequest(step=step.id, level="escalation", role=step.escalate_to))
    blm = get_blm(state.blm_id)
    where = ["blm"] if state.drill else ["central"]
    tr.posts.append(
        Post(
            audience=where,
            kind="escalation",
            text=text,
            title={
                lang: t("engine.ack.escalation", lang, incident=state.id, blm=blm.name(lang), minutes=waited)
                for lang in LANGS
            },
            buttons=[_ack_button(state, step)],
            mention_role=step.escalate_to,
            dm_role=None if state.drill else step.escalate_to,
        )
    )
    tr.events.append(
        Event(at=now, kind="escalation", who="bot", step=step.id, detail={"to": where, "role": step.escalate_to})
    )
    return tr


def on_ack(
    pb: Playbook, state: RunState, step_id: str | None, who: str, now: float, via: str | None = None
) -> Transition:
    """Acknowledge `step_id`, or the oldest step waiting for it; cancels its escalation timers.
    `via="phone"`: a keypad press on the telephone alarm's call, said so on the timeline and posts."""
    if not state.is_open:
        raise StepRefused("engine.refuse.not_open", incident=state.id)
    pending = state.pending_acks()
    if step_id is None:
        if not pending:
            raise StepRefused("engine.refuse.nothing_to_ack", incident=state.id)
        step_id = pending[0]
    ack = state.acks.get(step_id)
    if ack is None:
        raise StepRefused("engine.refuse.nothing_to_ack", incident=state.id)
    if ack.acked_at is not None:
        raise StepRefused("engine.refuse.already_acked", incident=state.id, who=ack.acked_by or "?")
    tr = _copy(state)
    a = tr.state.acks[step_id]
    a.acked_by, a.acked_at = who, now
    _cancel_timers(tr, step_id)
    step = pb.step(step_id)
    detail: dict = {"after": int(now - a.posted_at)}
    if via:
        detail["via"] = via
    tr.events.append(Event(at=now, kind="ack", who=who, step=step_id, detail=detail))
    done_key = "engine.ack.done_phone" if via == "phone" else "engine.ack.done"
    text = render_text(tr, step.text, step.id, now) if isinstance(step, AckStep) else {lang: "" for lang in LANGS}
    tr.posts.append(
        Post(
            op="edit",
            audience=audience(state, step.to if isinstance(step, AckStep) else ["blm"]),
            kind="ack",
            key=message_key(state, "ack", step_id),
            text=text,
            title=_tmsg(done_key, incident=state.id, who=who, when=short(now, state.blm_id)),
        )
    )
    if a.escalated or a.attempt:
        # the people who were paged learn it is handled
        tr.posts.append(
            Post(
                audience=["blm"] + (["central"] if a.escalated and not state.drill else []),
                kind="ack",
                text=_tmsg(done_key, incident=state.id, who=who, when=short(now, state.blm_id)),
            )
        )
    if tr.state.waiting and tr.state.waiting.kind == "ack" and tr.state.waiting.step == step_id:
        tr.state.waiting = None
        return advance(pb, tr, step.next or pb.following(step_id), now)
    return tr


def match_choice(step: AskStep, text: str) -> str | None:
    """The choice a typed answer names, in either language (see bot/engine/choices.py)."""
    return choices.match(step.choices or [], text)


def on_answer(pb: Playbook, state: RunState, step_id: str | None, answer: str, who: str, now: float) -> Transition:
    """Record the answer to an ask step (the one waited on when `step_id` is None)."""
    if not state.is_open:
        raise StepRefused("engine.refuse.not_open", incident=state.id)
    if step_id is None:
        if not (state.waiting and state.waiting.kind == "ask"):
            raise StepRefused("engine.refuse.no_question", incident=state.id)
        step_id = state.waiting.step
    step = pb.step(step_id)
    if not isinstance(step, AskStep) or step_id not in state.asked:
        raise StepRefused("engine.refuse.no_question", incident=state.id)
    if step_id in state.answers:
        given = state.answers[step_id]
        raise StepRefused(
            "engine.refuse.already_answered",
            incident=state.id,
            answer={lang: shown_answer(step, given, lang, step_id in state.timed_out) or given for lang in LANGS},
        )
    answer = answer.strip()
    if not answer:
        raise StepRefused("engine.refuse.empty_answer")
    if step.choices:
        value = match_choice(step, answer)
        if value is None:
            raise StepRefused(
                "engine.refuse.bad_choice", options={lang: choices.options(step.choices, lang) for lang in LANGS}
            )
        answer = value
    answer = answer[:2000]
    tr = _copy(state)
    tr.state.answers[step_id] = answer
    _cancel_timers(tr, step_id)
    tr.events.append(Event(at=now, kind="answer", who=who, step=step_id, detail={"answer": answer}))
    question = render_text(tr, step.question, step.id, now)
    tr.posts.append(_ask_post(tr.state, step, question, op="edit", answered=answer, who=who, now=now))
    if tr.state.waiting and tr.state.waiting.kind == "ask" and tr.state.waiting.step == step_id:
        tr.state.waiting = None
        return advance(pb, tr, step.next or pb.following(step_id), now)
    return tr


def on_check(pb: Playbook, state: RunState, step_id: str, item_id: str, who: str, now: float) -> Transition:
    """Tick a checklist item: recorded, and the checklist edited in place in both rooms."""
    if not state.is_open:
        raise StepRefused("engine.refuse.not_open", incident=state.id)
    step = pb.step(step_id)
    if not isinstance(step, ChecklistStep) or step_id not in state.checks:
        raise StepRefused("engine.refuse.no_checklist", incident=state.id)
    if item_id not in {i.id for i in step.items}:
        raise StepRefused("engine.refuse.no_checklist", incident=state.id)
    if item_id in state.checks[step_id]:
        tick = state.checks[step_id][item_id]
        raise StepRefused("engine.refuse.already_ticked", who=tick.by, when=short(tick.at, state.blm_id))
    tr = _copy(state)
    tr.state.checks[step_id][item_id] = Tick(by=who, at=now)
    item = next(i for i in step.items if i.id == item_id)
    tr.events.append(
        Event(
            at=now,
            kind="check",
            who=who,
            step=step_id,
            detail={"item": item_id, "text": render_text(tr, item.text, step_id, now)},
        )
    )
    tr.posts.append(checklist_post(pb, tr.state, step, now, op="edit", tr=tr))
    return tr


def on_uncheck(pb: Playbook, state: RunState, step_id: str, item_id: str, who: str, now: float) -> Transition:
    """Take back a tick (ticked by mistake): recorded, and the checklist edited in both rooms."""
    if not state.is_open:
        raise StepRefused("engine.refuse.not_open", incident=state.id)
    step = pb.step(step_id)
    if not isinstance(step, ChecklistStep) or step_id not in state.checks:
        raise StepRefused("engine.refuse.no_checklist", incident=state.id)
    if item_id not in state.checks[step_id]:
        raise StepRefused("engine.refuse.not_ticked")
    tr = _copy(state)
    was = tr.state.checks[step_id].pop(item_id)
    item = next(i for i in step.items if i.id == item_id)
    tr.events.append(
        Event(
            at=now,
            kind="uncheck",
            who=who,
            step=step_id,
            detail={"item": item_id, "text": render_text(tr, item.text, step_id, now), "was_by": was.by},
        )
    )
    tr.posts.append(checklist_post(pb, tr.state, step, now, op="edit", tr=tr))
    return tr


def on_end(
    pb: Playbook | None, state: RunState, who: str, now: float, *, abort: bool, note: str | None = None
) -> Transition:
    """Abort the run or close the incident: timers cancelled, recorded, both rooms told."""
    if state.status in ("aborted", "closed"):
        raise StepRefused("engine.refuse.not_open", incident=state.id)
    tr = _copy(state)
    _cancel_timers(tr)
    s = tr.state
    s.status = "aborted" if abort else "closed"
    s.waiting = None
    s.ended_at, s.ended_by, s.note = now, who, note
    kind = "abort" if abort else "close"
    tr.events.append(Event(at=now, kind=kind, who=who, detail={"note": note} if note else {}))
    key = "engine.run.aborted" if abort else "engine.run.closed"
    tr.posts.append(
        Post(
            audience=["blm"] + ([] if s.drill else ["central"]),
            kind=kind,
            text=_tmsg(key, incident=s.id, who=who, when=short(now, s.blm_id)),
            lines={lang: [note] for lang in LANGS} if note else {},
        )
    )
    # the open checklists lose their buttons
    if pb is not None:
        for sid in s.checks:
            step = pb.step(sid)
            if isinstance(step, ChecklistStep):
                tr.posts.append(checklist_post(pb, s, step, now, op="edit", tr=tr))
    return tr
