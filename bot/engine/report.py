"""The after-action report: an ICS-214-like activity log of one incident, in the reader's language."""

from __future__ import annotations

import json

from bot.directory import get_blm
from bot.engine.schema import ROLE_NAMES, AskStep, ChecklistStep, Playbook
from bot.engine.state import Event, RunState
from bot.engine.steps import shown_answer, starter
from bot.engine.times import iso, three
from bot.i18n import CATALOG, t


def _audience(to, lang: str) -> str:
    return ", ".join(to) if isinstance(to, list) else str(to or "")


def _pick(value, lang: str):
    if isinstance(value, dict) and ("en" in value or "es" in value):
        return value.get(lang) or value.get("en") or ""
    return value


def describe(event: Event, lang: str) -> str:
    """One timeline event as a sentence in `lang`."""
    d = dict(event.detail)
    values = {k: _pick(v, lang) for k, v in d.items()}
    values.setdefault("step", event.step or "")
    if "to" in d:
        values["to"] = _audience(d["to"], lang)
    kind = event.kind
    if kind == "start":
        key = "engine.ev.start_drill" if d.get("drill") else "engine.ev.start"
        return t(key, lang, playbook=d.get("playbook", ""), version=d.get("version", ""))
    if kind in ("check", "uncheck"):
        values["text"] = _pick(d.get("text"), lang)
    if kind == "branch":
        values["goto"] = d.get("goto") or "—"
    if kind == "answer_timeout" and isinstance(d.get("shown"), dict):
        values["answer"] = _pick(d["shown"], lang)
    if kind in ("reminder", "escalation") and d.get("role") in ROLE_NAMES:
        values["role"] = t(f"role.{d['role']}", lang)  # the role's name, not its id
    key = f"engine.ev.{kind}"
    if kind == "ack" and d.get("via") == "phone":  # a keypad press on the telephone alarm's call
        key = "engine.ev.ack_phone"
    if key not in CATALOG:
        return f"{kind}: {json.dumps(d, ensure_ascii=False)}"
    return t(key, lang, **values)


def build_report(state: RunState, events: list[Event], pb: Playbook | None, fmt: str = "md", lang: str = "en") -> str:
    if fmt == "json":
        return json.dumps(report_data(state, events, pb, lang), ensure_ascii=False, indent=2)
    if fmt != "md":
        raise ValueError(f"unknown report format {fmt!r} (md or json)")
    blm = get_blm(state.blm_id)
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    out = [f"# {tr('engine.report.title', incident=state.id)}", ""]
    if state.is_open:
        out += [f"**{tr('engine.report.draft')}**", ""]
    if state.drill:
        out += [f"**{t('exercise.banner', lang)}**", ""]
    title = pb.title.get(lang) if pb else state.playbook_id
    started = three(state.started_at, state.blm_id)
    out += [
        f"- {tr('engine.report.playbook')}: {title} ({state.playbook_id} v{state.playbook_version}, {state.sha[:12]})",
        f"- {tr('engine.report.blm')}: {blm.name(lang)}",
        f"- {tr('engine.report.status')}: {tr('engine.status.' + state.status)}",
        f"- {tr('engine.report.exercise')}: {tr('engine.report.yes' if state.drill else 'engine.report.no')}",
        f"- {tr('engine.report.started')}: {started['utc']} UTC · {started['us']} · {started['mx']} — {starter(state.started_by, lang)}",
    ]
    if state.ended_at:
        ended = three(state.ended_at, state.blm_id)
        out.append(
            f"- {tr('engine.report.ended')}: {ended['utc']} UTC · {ended['us']} · {ended['mx']} — {state.ended_by}"
        )
    if state.note:
        out.append(f"- {tr('engine.report.note')}: {state.note}")
    if state.params:
        out += ["", f"## {tr('engine.report.params')}", ""]
        out += [f"- {k}: {v}" for k, v in state.params.items()]
    if state.answers:
        out += ["", f"## {tr('engine.report.answers')}", ""]
        for sid, answer in state.answers.items():
            step = pb.step(sid) if pb else None
            if isinstance(step, AskStep):
                question = step.question.get(lang)
                answer = shown_answer(step, answer, lang, sid in state.timed_out) or answer
            else:
                question = sid
            out.append(f"- {question} — **{answer}**")
    if state.checks and pb:
        out += ["", f"## {tr('engine.report.checklists')}", ""]
        for sid, ticks in state.checks.items():
            step = pb.step(sid)
            if not isinstance(step, ChecklistStep):
                continue
            out.append(f"### {step.title.get(lang)}")
            for item in step.items:
                tick = ticks.get(item.id)
                mark = (
                    f"☑ {tick.by}, {three(tick.at, state.blm_id)['utc']} UTC"
                    if tick
                    else f"☐ {tr('engine.report.not_ticked')}"
                )
                out.append(f"- {item.text.get(lang)} — {mark}")
    out += [
        "",
        f"## {tr('engine.report.log')}",
        "",
        f"| {tr('engine.report.col_utc')} | {tr('engine.report.col_us')} | {tr('engine.report.col_mx')} | "
        f"{tr('engine.report.col_who')} | {tr('engine.report.col_what')} |",
        "|---|---|---|---|---|",
    ]
    for ev in events:
        when = three(ev.at, state.blm_id)
        what = describe(ev, lang).replace("|", "\\|").replace("\n", " ")
        who = (ev.who or "—") + (" " + tr("engine.report.via_board") if ev.detail.get("via") == "board" else "")
        out.append(f"| {when['utc']} | {when['us']} | {when['mx']} | {who} | {what} |")
    if state.problems:
        out += ["", f"## {tr('engine.report.problems')}", ""]
        out += [f"- {p}" for p in state.problems]
    return "\n".join(out) + "\n"


def report_data(state: RunState, events: list[Event], pb: Playbook | None, lang: str) -> dict:
    return {
        "incident": state.id,
        "blm": state.blm_id,
        "playbook": {
            "id": state.playbook_id,
            "version": state.playbook_version,
            "sha": state.sha,
            "title": pb.title.get(lang) if pb else None,
        },
        "drill": state.drill,
        "status": state.status,
        "draft": state.is_open,
        "started": {"at": iso(state.started_at), "by": state.started_by, **three(state.started_at, state.blm_id)},
        "ended": (
            {"at": iso(state.ended_at), "by": state.ended_by, **three(state.ended_at, state.blm_id)}
            if state.ended_at
            else None
        ),
        "note": state.note,
        "params": state.params,
        "answers": state.answers,
        "checklists": {
            sid: {iid: {"by": tk.by, "at": iso(tk.at)} for iid, tk in ticks.items()}
            for sid, ticks in state.checks.items()
        },
        "problems": state.problems,
        "lang": lang,
        "timeline": [
            {
                "at": iso(ev.at),
                **{f"local_{k}": v for k, v in three(ev.at, state.blm_id).items() if k != "utc"},
                "who": ev.who,
                "kind": ev.kind,
                "step": ev.step,
                "detail": ev.detail,
                "text": describe(ev, lang),
            }
            for ev in events
        ],
    }
