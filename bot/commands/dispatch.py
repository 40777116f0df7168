"""Runs one command: finds it, checks where and who, calls it, answers refusals helpfully.

`refuse` is the one refusal path, for typed commands and tapped buttons alike: the refusal is
recorded in `blm:refusals`, counted in `blm_commands_total{outcome="refused"}`, and answered.
"""

from __future__ import annotations

import difflib
import logging
from typing import TYPE_CHECKING

from bot.commands.parser import CommandSyntaxError, parse_arguments
from bot.i18n import t
from bot.metrics import METRICS
from bot.model import Role

if TYPE_CHECKING:
    from bot.core import Context

log = logging.getLogger(__name__)


def role_name(role: Role, lang: str) -> str:
    return t(f"role.{role.name}", lang)


async def run_command(ctx: Context) -> None:
    commands = ctx.core.commands
    name = (ctx.event.command or "").lower()
    try:
        parsed = parse_arguments(name, ctx.event.text)
    except CommandSyntaxError as exc:
        refuse(ctx, "bad argument", ctx.tr("refuse.bad_argument", problem=str(exc)))
        return
    spec, words = commands.find(name, parsed.words)
    if spec is None:
        options = difflib.get_close_matches(name, commands.names(), n=2, cutoff=0.6)
        suggestion = ctx.tr("refuse.did_you_mean", options=" / ".join("/" + o for o in options)) if options else ""
        refuse(ctx, "unknown command", ctx.tr("refuse.unknown_command", command=name, suggestion=suggestion))
        return
    if spec.where != "any" and ctx.room is None:
        refuse(ctx, "not here", ctx.tr("refuse.not_here", command=spec.label.lstrip("/")))
        return
    if ctx.role < spec.role:
        refuse(
            ctx,
            "role",
            ctx.tr(
                "refuse.role",
                command=spec.label.lstrip("/"),
                needed=role_name(spec.role, ctx.lang),
                role=role_name(ctx.role, ctx.lang),
            ),
        )
        return
    parsed.words = words
    try:
        await spec.handler(ctx, parsed)
        METRICS.commands.labels(spec.label, "ok").inc()
    except CommandSyntaxError as exc:
        refuse(ctx, "bad argument", ctx.tr("refuse.bad_argument", problem=str(exc)))


def refuse(ctx: Context, reason: str, text: str) -> None:
    """Record, count and answer a refusal (a command, a button tap or an answering reply)."""
    event = ctx.event
    # A bounded label: one of our command words, else "other" (never the words strangers type after
    # a slash); "button" / "reply" for taps and answering replies (never the raw tap data).
    if event.kind == "command":
        name = (event.command or "").lower()
        label = "/" + name if name in ctx.core.commands.names() else "other"
    else:
        label = "button" if event.kind == "action" else "reply"
    METRICS.commands.labels(label, "refused").inc()
    ctx.core.record_refusal(ctx.effects, event, reason)
    ctx.reply(text)
