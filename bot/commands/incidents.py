"""/playbook, /incident, /ack and /checklist: the commands that drive the playbook engine.

Roles and places are declared here and enforced by the dispatcher. In the central room a command
that acts on a BLM takes `blm=<id>`.
"""

from __future__ import annotations

import difflib
import re

from bot.commands.dispatch import refuse
from bot.commands.registry import CommandSet
from bot.commands.target import target_blm
from bot.engine.interact import done_key
from bot.engine.report import build_report
from bot.engine.runs import AmbiguousIncident, Engine, ParamError
from bot.engine.schema import AskStep, ChecklistStep
from bot.engine.state import RunState
from bot.engine.steps import StepRefused, checklist_post, shown_answer
from bot.engine.times import short
from bot.model import Role

# Bound to the Engine by the runtime: each handler gets it as its first argument.
COMMANDS = CommandSet()
command = COMMANDS.command

INCIDENT_ID = re.compile(r"^[A-Za-z]{3}-\d{1,6}$")


def _blm(ctx, parsed) -> str:
    """The BLM a command acts on (CommandSyntaxError, answered by the dispatcher, when unclear)."""
    return target_blm(ctx, parsed.options.pop("blm", None))


async def _incident(
    engine: Engine, ctx, parsed, blm_id: str, open_only: bool = True, ends_it: bool = False
) -> RunState | None:
    given = parsed.words.pop(0) if parsed.words and INCIDENT_ID.match(parsed.words[0]) else None
    try:
        state = await engine.find_incident(blm_id, given, open_only=open_only, ends_it=ends_it)
    except AmbiguousIncident as exc:
        refuse(ctx, "which incident", ctx.tr("engine.refuse.which_incident", incidents=", ".join(exc.ids)))
        return None
    if state is None:
        if given:
            refuse(ctx, "unknown incident", ctx.tr("engine.refuse.unknown_incident", incident=given.upper()))
        else:
            refuse(ctx, "no open incident", ctx.tr("engine.refuse.no_incident"))
    return state


def _refused(ctx, exc: StepRefused) -> None:
    refuse(ctx, exc.key, ctx.tr(exc.key, **exc.values))


# ---- /playbook -----------------------------------------------------------------------------
@command("playbook", "list", role=Role.member, help_key="cmd.playbook_list")
async def playbook_list(engine: Engine, ctx, parsed) -> None:
    lines = []
    for pid in engine.library.ids():
        loaded = engine.library.get(pid)
        if loaded is None:
            continue
        pb = loaded.playbook
        lines.append(
            ctx.tr("engine.list.line", id=pb.id, version=pb.version, severity=pb.severity, title=pb.title.get(ctx.lang))
        )
    if not lines:
        ctx.reply(ctx.tr("engine.list.empty"), title=ctx.tr("engine.list.title"))
        return
    ctx.reply(ctx.tr("engine.list.footer"), title=ctx.tr("engine.list.title"), lines=lines)


DRILL_CALLS_YES = ("yes", "true", "1", "si", "sí")


async def _start(engine: Engine, ctx, parsed, drill: bool) -> None:
    blm_id = _blm(ctx, parsed)
    if not parsed.words:
        refuse(ctx, "no playbook", ctx.tr("engine.refuse.need_playbook"))
        return
    name = parsed.words[0].lower()
    lp = engine.library.get(name)
    if lp is None:
        options = difflib.get_close_matches(name, engine.library.ids(), n=2, cutoff=0.5)
        suggestion = ctx.tr("engine.refuse.did_you_mean", options=" / ".join(options)) if options else ""
        refuse(ctx, "unknown playbook", ctx.tr("engine.refuse.unknown_playbook", name=name, suggestion=suggestion))
        return
    if not lp.playbook.triggers.manual:
        refuse(ctx, "manual start off", ctx.tr("engine.refuse.manual_off", playbook=lp.playbook.id))
        return
    try:
        # committed with the command's removal from the inbound queue: exactly once
        given = dict(parsed.options)
        # A drill rings phones only when it says so: `/playbook drill ID calls=yes` (telephone alarm)
        drill_calls = drill and str(given.pop("calls", "no")).lower() in DRILL_CALLS_YES
        state = await engine.start_run(lp, blm_id, given, drill, ctx.actor, ctx.effects, drill_calls=drill_calls)
    except ParamError as exc:
        refuse(ctx, "bad parameter", ctx.tr(exc.key, **exc.values))
        return
    ctx.reply(ctx.tr("engine.cmd.started", incident=state.id))


@command(
    "playbook", "run", role=Role.coordinator, help_key="cmd.playbook_run", where="room", usage="<id> [key=value ...]"
)
async def playbook_run(engine: Engine, ctx, parsed) -> None:
    await _start(engine, ctx, parsed, drill=False)


@command(
    "playbook",
    "drill",
    role=Role.coordinator,
    help_key="cmd.playbook_drill",
    where="room",
    usage="<id> [key=value ...]",
)
async def playbook_drill(engine: Engine, ctx, parsed) -> None:
    await _start(engine, ctx, parsed, drill=True)


async def _end(engine: Engine, ctx, parsed, abort: bool) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(engine, ctx, parsed, blm_id, ends_it=True)
    if state is None:
        return
    note = " ".join(parsed.words).strip() or None
    try:
        await engine.end(state.id, ctx.actor, abort=abort, note=note, dedupe=done_key(ctx))
    except StepRefused as exc:
        _refused(ctx, exc)
        return
    ctx.reply(ctx.tr("engine.cmd.done"))


@command("playbook", "abort", role=Role.coordinator, help_key="cmd.playbook_abort", where="room", usage="[incident]")
async def playbook_abort(engine: Engine, ctx, parsed) -> None:
    await _end(engine, ctx, parsed, abort=True)


# ---- /incident -----------------------------------------------------------------------------
def _line(ctx, state: RunState, title: str) -> str:
    return ctx.tr(
        "engine.inc.line",
        incident=state.id,
        drill=ctx.tr("engine.inc.drill") if state.drill else "",
        title=title,
        status=ctx.tr("engine.status." + state.status),
        when=short(state.started_at, state.blm_id),
    )


@command("incident", "list", role=Role.member, help_key="cmd.incident_list", where="room")
async def incident_list(engine: Engine, ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    lines = []
    for state in await engine.open_incidents(blm_id):
        pb = await engine.playbook_for(state)
        lines.append(_line(ctx, state, pb.title.get(ctx.lang)))
    ctx.reply("" if lines else ctx.tr("engine.inc.none"), title=ctx.tr("engine.inc.title"), lines=lines)


@command("incident", "show", role=Role.member, help_key="cmd.incident_show", where="room", usage="[id]")
async def incident_show(engine: Engine, ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(engine, ctx, parsed, blm_id, open_only=False)
    if state is None:
        return
    pb = await engine.playbook_for(state)
    lines = []
    if state.params:
        lines.append(ctx.tr("engine.show.params", params=", ".join(f"{k}={v}" for k, v in state.params.items())))
    if state.waiting:
        lines.append(ctx.tr(f"engine.show.waiting_{state.waiting.kind}", step=state.waiting.step))
    for sid in state.pending_acks():
        if not (state.waiting and state.waiting.step == sid):
            lines.append(ctx.tr("engine.show.waiting_ack", step=sid))
    for sid, answer in state.answers.items():
        asked = pb.step(sid)
        if isinstance(asked, AskStep):  # a choice's label, a default, in the reader's language
            answer = shown_answer(asked, answer, ctx.lang, sid in state.timed_out) or answer
        lines.append(ctx.tr("engine.show.answer", step=sid, answer=answer))
    for sid, ticks in state.checks.items():
        step = pb.step(sid)
        total = len(step.items) if isinstance(step, ChecklistStep) else len(ticks)
        lines.append(ctx.tr("engine.show.checklist", step=sid, done=len(ticks), total=total))
    ctx.reply(_line(ctx, state, pb.title.get(ctx.lang)), title=state.id, lines=lines)


@command("incident", "close", role=Role.coordinator, help_key="cmd.incident_close", where="room", usage="[id] [note]")
async def incident_close(engine: Engine, ctx, parsed) -> None:
    await _end(engine, ctx, parsed, abort=False)


@command("incident", "report", role=Role.liaison, help_key="cmd.incident_report", where="room", usage="[id]")
async def incident_report(engine: Engine, ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(engine, ctx, parsed, blm_id, open_only=False)
    if state is None:
        return
    pb = await engine.playbook_for(state)
    ctx.reply(build_report(state, await engine.timeline(state.id), pb, "md", ctx.lang))


# ---- /ack and /checklist -------------------------------------------------------------------
@command("ack", role=Role.liaison, help_key="cmd.ack", where="room", usage="[incident]")
async def ack(engine: Engine, ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(engine, ctx, parsed, blm_id)
    if state is None:
        return
    step_id = _ack_step_for_room(ctx, state, await engine.playbook_for(state))
    try:
        await engine.ack(state.id, step_id, ctx.actor, dedupe=done_key(ctx))
    except StepRefused as exc:
        _refused(ctx, exc)
        return
    ctx.reply(ctx.tr("engine.cmd.acked", incident=state.id))


def _ack_step_for_room(ctx, state: RunState, pb) -> str | None:
    """The oldest acknowledgement asked of this room's side; else the oldest one (None)."""
    side = "central" if ctx.room.is_central else ctx.room.side
    for sid in state.pending_acks():
        step = pb.step(sid)
        audience = set(getattr(step, "to", []) or [])
        if side in audience or ("blm" in audience and side != "central"):
            return sid
    return None


@command("checklist", role=Role.member, help_key="cmd.checklist", where="room", usage="[incident]")
async def checklist(engine: Engine, ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(engine, ctx, parsed, blm_id)
    if state is None:
        return
    pb = await engine.playbook_for(state)
    posted = False
    for sid in state.checks:
        step = pb.step(sid)
        if not isinstance(step, ChecklistStep):
            continue
        post = checklist_post(pb, state, step, engine.clock.now())
        # posted again here, under the same key: later ticks edit this copy
        engine.materialize(ctx.effects, state, post, targets=[(ctx.event.room, ctx.room.lang, False)])
        posted = True
    if not posted:
        refuse(ctx, "no checklist", ctx.tr("engine.show.no_checklist", incident=state.id))
