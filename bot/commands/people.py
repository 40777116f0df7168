"""/contacts and /sitrep."""

from __future__ import annotations

import re

from bot.commands.dispatch import role_name
from bot.commands.parser import CommandSyntaxError
from bot.commands.registry import command
from bot.commands.target import target_blm as _target
from bot.i18n import register
from bot.model import OutboundMessage, Role

INCIDENT_ID = re.compile(r"^[A-Za-z]{3}-\d{1,6}$")

register(
    {
        "contacts.title": {"en": "People of {blm}", "es": "Personas de {blm}"},
        "contacts.none": {
            "en": "No people are configured for this BLM.",
            "es": "No hay personas configuradas para este mecanismo.",
        },
        "contacts.line": {"en": "{name} — {role}{agency}{side}{where}", "es": "{name} — {role}{agency}{side}{where}"},
        "side.us": {"en": "US", "es": "EUA"},
        "side.mx": {"en": "MX", "es": "MX"},
        "sitrep.title": {"en": "SITREP — {blm}", "es": "REPORTE DE SITUACIÓN — {blm}"},
        "sitrep.title_incident": {
            "en": "SITREP — {blm} — incident {incident}",
            "es": "REPORTE DE SITUACIÓN — {blm} — incidente {incident}",
        },
        "sitrep.from": {"en": "From {name}", "es": "De {name}"},
        "sitrep.sent": {
            "en": "Situation report sent to the central room.",
            "es": "Reporte de situación enviado a la sala central.",
        },
        "sitrep.empty": {
            "en": "Write the report after the command: /sitrep <text>",
            "es": "Escriba el reporte después del comando: /sitrep <texto>",
        },
        "sitrep.which": {
            "en": "Several incidents are open here: {incidents}. Say which one the report is about: {example}",
            "es": "Hay varios incidentes abiertos aquí: {incidents}. Indique a cuál se refiere el reporte: {example}",
        },
        "sitrep.no_central": {
            "en": "No central room is configured; the report was not sent.",
            "es": "No hay sala central configurada; el reporte no se envió.",
        },
    }
)


@command("contacts", help_key="cmd.contacts", where="room")
async def contacts(ctx, parsed) -> None:
    from bot.directory import get_blm

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
async def sitrep(ctx, parsed) -> None:
    from bot.directory import get_blm

    text = ctx.event.text.strip()
    blm_id = _target(ctx, parsed.options.get("blm"))
    if ctx.room.is_central and text.lower().startswith("blm="):
        text = text.split(None, 1)[1] if " " in text else ""
    if not text:
        raise CommandSyntaxError(ctx.tr("sitrep.empty"))
    central = ctx.core.rooms.central_rooms()
    if not central:
        ctx.reply(ctx.tr("sitrep.no_central"))
        return
    incident = None
    drill = False
    if ctx.core.incident_lookup is not None:
        first, _, rest = text.partition(" ")
        named = first if INCIDENT_ID.match(first) else None
        try:
            found = await ctx.core.incident_lookup(blm_id, named)
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
    name = ctx.person.name if ctx.person else (ctx.event.sender.display_name or ctx.event.sender.user_id)
    for room in central:
        from bot.i18n import t

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
    if incident and ctx.core.timeline_note is not None:
        await ctx.core.timeline_note(ctx, incident, "sitrep", text)
    ctx.reply(ctx.tr("sitrep.sent"))
