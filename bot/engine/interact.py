"""What people do on the engine's posts: button clicks and replies to questions.

Refusals go through the one `refuse` of the command dispatcher: a refused tap is recorded and
counted exactly like a refused command."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from bot.buttons import PREFIX, resolve_button
from bot.commands.dispatch import refuse, role_name
from bot.engine.runs import Engine
from bot.engine.schema import AskStep
from bot.engine.steps import StepRefused
from bot.model import Role
from bot.store import keys

if TYPE_CHECKING:
    from bot.core import Context

log = logging.getLogger(__name__)

ACTIONS = ("ack", "check", "answer")


def done_key(ctx: Context) -> str:
    return keys.engine_done(ctx.event.platform, ctx.event.event_id)


async def on_action(engine: Engine, ctx: Context) -> bool:
    """A button click. Only this room, only with the role, only while the token lives."""
    data = ctx.event.action
    if not data or not data.startswith(PREFIX):
        return False
    button = await resolve_button(ctx.core.redis, data)
    if button is None:
        refuse(ctx, "button unknown or expired", ctx.tr("engine.refuse.button_unknown"))
        return True
    if button.action not in ACTIONS:
        return False  # another module's button
    if not button.allowed_in(ctx.event.room):
        refuse(ctx, "button from another room", ctx.tr("engine.refuse.button_room"))
        return True
    state = await engine.get(str(button.args.get("inc", "")))
    if state is None:
        refuse(ctx, "button of an unknown incident", ctx.tr("engine.refuse.button_unknown"))
        return True
    role = ctx.core.rooms.role(ctx.person, state.blm_id)
    if role < button.role:
        refuse(
            ctx,
            "role",
            ctx.tr(
                "engine.refuse.button_role",
                needed=role_name(Role(button.role), ctx.lang),
                role=role_name(role, ctx.lang),
            ),
        )
        return True
    who = ctx.actor
    args = button.args
    try:
        if button.action == "ack":
            await engine.ack(state.id, args.get("step"), who, dedupe=done_key(ctx))
        elif button.action == "check":
            await engine.check(state.id, args["step"], args["item"], who, dedupe=done_key(ctx))
        else:
            await engine.answer(state.id, args["step"], args["value"], who, dedupe=done_key(ctx))
    except StepRefused as exc:  # "already acknowledged": recorded as when typed (/ack)
        refuse(ctx, exc.key, ctx.tr(exc.key, **exc.values))
    return True


async def on_reply(engine: Engine, ctx: Context) -> None:
    """A reply to one of the engine's questions answers it (the reply is still relayed as usual)."""
    ev = ctx.event
    if ev.kind != "message" or ctx.room is None or ctx.room.is_central:
        return
    target = ev.reply_to or ev.thread_root
    # the record keeps the person's exact words, not a platform's markup of them
    text = (ev.typed_text if ev.typed_text is not None else ev.text or "").strip()
    if not target or not text:
        return
    for state in await engine.open_incidents(ctx.room.blm_id):
        for sid in state.asked:
            if sid in state.answers:
                continue
            raw = await ctx.core.redis.get(keys.msgmap(ev.room.key, f"inc:{state.id}:ask:{sid}"))
            if not raw or str(target) not in [str(m) for m in json.loads(raw)]:
                continue
            pb = await engine.playbook_for(state)
            step = pb.step(sid)
            needed = Role[step.role] if isinstance(step, AskStep) else Role.liaison
            if ctx.role < needed:
                refuse(
                    ctx,
                    "role",
                    ctx.tr(
                        "engine.refuse.button_role",
                        needed=role_name(needed, ctx.lang),
                        role=role_name(ctx.role, ctx.lang),
                    ),
                )
                return
            try:
                await engine.answer(state.id, sid, text, ctx.actor, dedupe=done_key(ctx))
            except StepRefused as exc:
                refuse(ctx, exc.key, ctx.tr(exc.key, **exc.values))
            return
