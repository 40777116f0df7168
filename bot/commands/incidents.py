"""/playbook, /incident, /ack and /checklist: the commands that drive the playbook engine.

Roles and places are declared here and enforced by the dispatcher. In the central room a command
that acts on a BLM takes `blm=<id>`.
"""

from __future__ import annotations

import difflib
import re

from bot.commands.dispatch import refuse
from bot.commands.registry import command
from bot.commands.target import target_blm
from bot.engine import get_engine
from bot.engine.interact import done_key, who_of
from bot.engine.report import build_report
from bot.engine.runs import AmbiguousIncident, ParamError
from bot.engine.schema import ChecklistStep
from bot.engine.state import RunState
from bot.engine.steps import StepRefused, checklist_post
from bot.engine.times import short
from bot.model import Role

INCIDENT_ID = re.compile(r"^[A-Za-z]{3}-\d{1,6}$")


def _blm(ctx, parsed) -> str:
    """The BLM a command acts on (CommandSyntaxError, answered by the dispatcher, when unclear)."""
    return target_blm(ctx, parsed.options.pop("blm", None))


async def _incident(ctx, parsed, blm_id: str, open_only: bool = True, ends_it: bool = False) -> RunState | None:
    given = parsed.words.pop(0) if parsed.words and INCIDENT_ID.match(parsed.words[0]) else None
    try:
        state = await get_engine(ctx.core).find_incident(blm_id, given, open_only=open_only, ends_it=ends_it)
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
async def playbook_list(ctx, parsed) -> None:
    engine = get_engine(ctx.core)
    lines = []
    for pid in engine.library.ids():
        pb = engine.library.get(pid).playbook
        lines.append(
            ctx.tr("engine.list.line", id=pb.id, version=pb.version, severity=pb.severity, title=pb.title.get(ctx.lang))
        )
    if not lines:
        ctx.reply(ctx.tr("engine.list.empty"), title=ctx.tr("engine.list.title"))
        return
    ctx.reply(ctx.tr("engine.list.footer"), title=ctx.tr("engine.list.title"), lines=lines)


async def _start(ctx, parsed, drill: bool) -> None:
    blm_id = _blm(ctx, parsed)
    engine = get_engine(ctx.core)
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
        state = await engine.start_run(lp, blm_id, dict(parsed.options), drill, who_of(ctx), ctx.effects)
    except ParamError as exc:
        refuse(ctx, "bad parameter", ctx.tr(exc.key, **exc.values))
        return
    ctx.reply(ctx.tr("engine.cmd.started", incident=state.id))


@command(
    "playbook", "run", role=Role.coordinator, help_key="cmd.playbook_run", where="room", usage="<id> [key=value ...]"
)
async def playbook_run(ctx, parsed) -> None:
    await _start(ctx, parsed, drill=False)


@command(
    "playbook",
    "drill",
    role=Role.coordinator,
    help_key="cmd.playbook_drill",
    where="room",
    usage="<id> [key=value ...]",
)
async def playbook_drill(ctx, parsed) -> None:
    await _start(ctx, parsed, drill=True)


async def _end(ctx, parsed, abort: bool) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(ctx, parsed, blm_id, ends_it=True)
    if state is None:
        return
    note = " ".join(parsed.words).strip() or None
    try:
        await get_engine(ctx.core).end(state.id, who_of(ctx), abort=abort, note=note, dedupe=done_key(ctx))
    except StepRefused as exc:
        _refused(ctx, exc)
        return
    ctx.reply(ctx.tr("engine.cmd.done"))


@command("playbook", "abort", role=Role.coordinator, help_key="cmd.playbook_abort", where="room", usage="[incident]")
async def playbook_abort(ctx, parsed) -> None:
    await _end(ctx, parsed, abort=True)


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
async def incident_list(ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    engine = get_engine(ctx.core)
    lines = []
    for state in await engine.open_incidents(blm_id):
        pb = await engine.playbook_for(state)
        lines.append(_line(ctx, state, pb.title.get(ctx.lang)))
    ctx.reply("" if lines else ctx.tr("engine.inc.none"), title=ctx.tr("engine.inc.title"), lines=lines)


@command("incident", "show", role=Role.member, help_key="cmd.incident_show", where="room", usage="[id]")
async def incident_show(ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(ctx, parsed, blm_id, open_only=False)
    if state is None:
        return
    pb = await get_engine(ctx.core).playbook_for(state)
    lines = []
    if state.params:
        lines.append(ctx.tr("engine.show.params", params=", ".join(f"{k}={v}" for k, v in state.params.items())))
    if state.waiting:
        lines.append(ctx.tr(f"engine.show.waiting_{state.waiting.kind}", step=state.waiting.step))
    for sid in state.pending_acks():
        if not (state.waiting and state.waiting.step == sid):
            lines.append(ctx.tr("engine.show.waiting_ack", step=sid))
    for sid, answer in state.answers.items():
        lines.append(ctx.tr("engine.show.answer", step=sid, answer=answer))
    for sid, ticks in state.checks.items():
        step = pb.step(sid)
        total = len(step.items) if isinstance(step, ChecklistStep) else len(ticks)
        lines.append(ctx.tr("engine.show.checklist", step=sid, done=len(ticks), total=total))
    ctx.reply(_line(ctx, state, pb.title.get(ctx.lang)), title=state.id, lines=lines)


@command("incident", "close", role=Role.coordinator, help_key="cmd.incident_close", where="room", usage="[id] [note]")
async def incident_close(ctx, parsed) -> None:
    await _end(ctx, parsed, abort=False)


@command("incident", "report", role=Role.liaison, help_key="cmd.incident_report", where="room", usage="[id]")
async def incident_report(ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(ctx, parsed, blm_id, open_only=False)
    if state is None:
        return
    engine = get_engine(ctx.core)
    pb = await engine.playbook_for(state)
    ctx.reply(build_report(state, await engine.timeline(state.id), pb, "md", ctx.lang))


# ---- /ack and /checklist -------------------------------------------------------------------
@command("ack", role=Role.liaison, help_key="cmd.ack", where="room", usage="[incident]")
async def ack(ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(ctx, parsed, blm_id)
    if state is None:
        return
    engine = get_engine(ctx.core)
    step_id = _ack_step_for_room(ctx, state, await engine.playbook_for(state))
    try:
        await engine.ack(state.id, step_id, who_of(ctx), dedupe=done_key(ctx))
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
async def checklist(ctx, parsed) -> None:
    blm_id = _blm(ctx, parsed)
    state = await _incident(ctx, parsed, blm_id)
    if state is None:
        return
    engine = get_engine(ctx.core)
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
