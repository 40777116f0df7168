"""Which BLM a command acts on: the room's own, or in the central room the one named by `blm=`."""

from __future__ import annotations

from bot.commands import messages  # noqa: F401  (registers the texts)
from bot.commands.parser import CommandSyntaxError
from bot.directory import find_blm


def target_blm(ctx, name: str | None) -> str:
    """The BLM id, or CommandSyntaxError with a message that says what would work."""
    if ctx.room is not None and not ctx.room.is_central:
        return ctx.room.blm_id
    if not name:
        raise CommandSyntaxError(ctx.tr("blm.needed"))
    configured = ctx.core.rooms.configured_blms()
    blm = find_blm(name.strip("\"'"))
    if blm is None:
        raise CommandSyntaxError(ctx.tr("blm.unknown", name=name, known=", ".join(configured) or "–"))
    if blm.id not in configured:
        raise CommandSyntaxError(ctx.tr("blm.not_configured", blm=blm.name(ctx.lang)))
    return blm.id
