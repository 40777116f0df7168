"""/contacts and /sitrep."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.commands import messages  # noqa: F401  (registers the texts)
from bot.commands.dispatch import role_name
from bot.commands.parser import CommandSyntaxError
from bot.commands.registry import CommandSet
from bot.commands.target import target_blm as _target
from bot.directory import get_blm
from bot.domain import IncidentPort
from bot.i18n import t
from bot.model import OutboundMessage, Role

INCIDENT_ID = re.compile(r"^[A-Za-z]{3}-\d{1,6}$")

if TYPE_CHECKING:
    from bot.core import Context

# Bound to the IncidentPort (the engine, or NoIncidents) by the runtime.
COMMANDS = CommandSet()
command = COMMANDS.command


@command("contacts", help_key="cmd.contacts", where="room")
async def contacts(_incidents: IncidentPort, ctx: Context, parsed) -> None:

    blm_id = _target(ctx, parsed.options.get("blm"))
    lines = []
    for person in ctx.core.rooms.people_of(blm_id):
        where = " · ".join(
            x
            for x in (
                f"Slack {person.slack_user}" if person.slack_user else "",
                f"Telegram {person.telegram_user}" if person.telegram_user else "",
            )
            if x
        )
        lines.append(
            ctx.tr(
                "contacts.line",
                name=person.name,
                role=role_name(person.role, ctx.lang),
                agency=f" · {person.agency}" if person.agency else "",
                side=f" · {ctx.tr('side.' + person.side)}" if person.side else "",
                where=f" ({where})" if where else "",
            )
        )
    ctx.reply(
        ctx.tr("contacts.none") if not lines else "",
        title=ctx.tr("contacts.title", blm=get_blm(blm_id).name(ctx.lang)),
        lines=lines,
    )


@command("sitrep", role=Role.liaison, help_key="cmd.sitrep", where="room", usage="<text>")
async def sitrep(incidents: IncidentPort, ctx: Context, parsed) -> None:
    text = ctx.event.text.strip()
    blm_id = _target(ctx, parsed.options.get("blm"))
    if ctx.room is not None and ctx.room.is_central and text.lower().startswith("blm="):
        text = text.split(None, 1)[1] if " " in text else ""
    if not text:
        raise CommandSyntaxError(ctx.tr("sitrep.empty"))
    central = ctx.core.rooms.central_rooms()
    if not central:
        ctx.reply(ctx.tr("sitrep.no_central"))
        return
    incident = None
    drill = False
    first, _, rest = text.partition(" ")
    named = first if INCIDENT_ID.match(first) else None
    try:
        found = await incidents.latest_open(blm_id, named)
    except LookupError as exc:  # several open: a sitrep must not land on the wrong one
        ids = ", ".join(getattr(exc, "ids", []))
        example = f"/sitrep {ids.split(',')[0]} …"
        raise CommandSyntaxError(ctx.tr("sitrep.which", incidents=ids, example=example)) from None
    if found:
        incident, drill = found
        if named:
            text = rest.strip()
            if not text:
                raise CommandSyntaxError(ctx.tr("sitrep.empty"))
    name = ctx.actor
    for room in central:
        blm_name = get_blm(blm_id).name(room.lang)
        title = (
            t("sitrep.title_incident", room.lang, blm=blm_name, incident=incident)
            if incident
            else t("sitrep.title", room.lang, blm=blm_name)
        )
        ctx.effects.post(
            OutboundMessage(
                room=room.room,
                title=title,
                text=text,
                attribution=t("sitrep.from", room.lang, name=name),
                lang=room.lang,
                exercise=drill,
                priority="interactive",
            )
        )
    if incident:
        await incidents.note(ctx, incident, "sitrep", text)
    ctx.reply(ctx.tr("sitrep.sent"))
