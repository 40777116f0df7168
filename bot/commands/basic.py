"""/help, /start and /lang."""

from __future__ import annotations

from bot.commands.dispatch import role_name
from bot.commands.parser import CommandSyntaxError
from bot.commands.registry import CommandSet
from bot.store import keys

COMMANDS = CommandSet()
command = COMMANDS.command


def help_lines(ctx) -> list[str]:
    return [
        f"{spec.label}{(' ' + spec.usage) if spec.usage else ''} — {ctx.tr(spec.help_key)}"
        for spec in ctx.core.commands.allowed(ctx.role, ctx.room is not None)
    ]


def help_intro(ctx) -> str:
    role = role_name(ctx.role, ctx.lang)
    if ctx.room is None:
        return ctx.tr("help.intro.private", role=role)
    if ctx.room.is_central:
        return ctx.tr("help.intro.central", role=role)
    return ctx.tr("help.intro.blm", blm=ctx.room.blm.name(ctx.lang), role=role)


def alarm_line(ctx) -> str:
    """Whether overdue acknowledgements ring phones (the texts are the telephone alarm's)."""
    return ctx.tr("alarm.status.on" if ctx.core.settings.alarm_enabled else "alarm.status.off")


@command("help", help_key="cmd.help")
async def show_help(ctx, parsed) -> None:
    lines = help_lines(ctx) + [alarm_line(ctx), ctx.tr("help.footer")]
    ctx.reply(help_intro(ctx), title=ctx.tr("help.title"), lines=lines)


@command("start", help_key="cmd.start")
async def start(ctx, parsed) -> None:
    name = (ctx.person.name if ctx.person else ctx.event.sender.display_name) or ""
    ctx.reply(
        ctx.tr("start.greeting", name=name).replace("  ", " ") + "\n\n" + help_intro(ctx),
        title=ctx.tr("help.title"),
        lines=help_lines(ctx) + [ctx.tr("help.footer")],
    )


@command("lang", help_key="cmd.lang", usage="en|es")
async def set_language(ctx, parsed) -> None:
    choice = parsed.words[0].lower() if parsed.words else ""
    if choice not in ("en", "es"):
        raise CommandSyntaxError(ctx.tr("lang.usage"))
    ctx.lang = choice
    key = keys.person_lang(ctx.event.platform, ctx.event.sender.user_id)
    ctx.effects.also(lambda pipe: pipe.set(key, choice))
    ctx.reply(ctx.tr("lang.set"))
