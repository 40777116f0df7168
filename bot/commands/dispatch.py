"""Runs one command: finds it, checks where and who, calls it, answers refusals helpfully."""

from __future__ import annotations

import difflib
import logging

from bot.commands import registry
from bot.commands.parser import CommandSyntaxError, parse_arguments
from bot.metrics import METRICS
from bot.model import Role

log = logging.getLogger(__name__)


def role_name(role: Role, lang: str) -> str:
    from bot.i18n import t

    return t(f"role.{role.name}", lang)


COMMAND_MODULES = (
    "bot.commands.basic",
    "bot.commands.people",
    "bot.commands.playbook",
    "bot.commands.incident",
    "bot.commands.incidents",
    "bot.commands.advisory",
)


def load_command_modules() -> None:
    """Import every command module present (each registers its commands when imported)."""
    import importlib

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


async def run_command(ctx) -> None:
    load_command_modules()
    name = (ctx.event.command or "").lower()
    try:
        parsed = parse_arguments(name, ctx.event.text)
    except CommandSyntaxError as exc:
        refuse(ctx, "bad argument", ctx.tr("refuse.bad_argument", problem=str(exc)))
        return
    spec, words = registry.find(name, parsed.words)
    if spec is None:
        options = difflib.get_close_matches(name, registry.command_names(), n=2, cutoff=0.6)
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


def refuse(ctx, reason: str, text: str) -> None:
    METRICS.commands.labels(command_label(ctx.event.command), "refused").inc()
    ctx.core.record_refusal(ctx.effects, ctx.event, reason)
    ctx.reply(text)


def command_label(name: str | None) -> str:
    """The metrics label of a command: its own name when it is one of ours, else "other", so the
    words strangers type after a slash never become new label values."""
    name = (name or "").lower()
    return "/" + name if name in registry.command_names() else "other"


def allowed_commands(role: Role, in_room: bool) -> list[registry.CommandSpec]:
    specs = [s for s in registry.COMMANDS.values() if s.role <= role and (in_room or s.where == "any")]
    return sorted(specs, key=lambda s: (s.name, s.sub or ""))
