"""/advisory (what is active for this BLM) and /advisory post (a people's advisory to both sides)."""

from __future__ import annotations

import re

from bot.advisories import messages  # noqa: F401  (registers the texts)
from bot.advisories.names import event_name
from bot.advisories.people import build_people_advisory
from bot.advisories.publish import active_advisories, format_when, queue_people_advisory, room_zone
from bot.commands.parser import CommandSyntaxError, tokenize
from bot.commands.registry import CommandSet
from bot.commands.target import target_blm as _target_blm
from bot.directory import get_blm
from bot.model import Role

COMMANDS = CommandSet()
command = COMMANDS.command

_LEADING_POST = re.compile(r"^\s*post\b", re.IGNORECASE)
_LEADING_BLM = re.compile(r"^\s*blm=(\"[^\"]*\"|'[^']*'|\S+)\s*", re.IGNORECASE)


@command("advisory", help_key="cmd.advisory", where="room", usage="[blm=<id>]")
async def list_advisories(ctx, parsed) -> None:
    if ctx.room is not None and ctx.room.is_central and not parsed.options.get("blm"):
        blm_ids = ctx.core.rooms.configured_blms()
    else:
        blm_ids = [_target_blm(ctx, parsed.options.get("blm"))]
    answered = False
    for blm_id in blm_ids:
        blm = get_blm(blm_id)
        items = await active_advisories(ctx.core.redis, blm_id)
        # the person's own side's time zone when known, else the room's side
        side_room = ctx.room if ctx.room is not None and not ctx.room.is_central else None
        zone = room_zone(blm, side_room) if side_room else (blm.us_zone if ctx.lang == "en" else blm.mx_zone)
        if not items:
            continue
        lines = []
        for adv in items:
            info = adv.info_for(ctx.lang)
            event = event_name(adv, ctx.lang)
            severity = (
                ctx.tr(f"adv.severity.{info.severity}")
                if info and info.severity in ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
                else (info.severity if info else "?")
            )
            end = (info.ends if info else None) or adv.expires  # the hazard's end where the issuer gives it
            until = format_when(end, zone) if end else ctx.tr("adv.list.no_expiry")
            lines.append(
                ctx.tr(
                    "adv.list.item",
                    event=event,
                    severity=severity,
                    until=until,
                    source=ctx.tr(f"adv.source.{adv.source}"),
                )
            )
            lines.append("   " + ctx.tr("adv.line.reference", identifier=adv.identifier))
        ctx.reply("", title=ctx.tr("adv.list.title", blm=blm.name(ctx.lang)), lines=lines)
        answered = True
    if not answered:
        names = ", ".join(get_blm(b).name(ctx.lang) for b in blm_ids) or "–"
        ctx.reply(ctx.tr("adv.list.none", blm=names))


def split_post_text(rest: str, in_central: bool) -> tuple[str | None, str, str]:
    """The raw text after `/advisory` -> (blm name or None, English text, Spanish text).

    `post` is dropped; in the central room a leading `blm=<id>` is taken; then either `en="…"`
    and/or `es="…"` (each language its own text; one alone serves both) or plain text for both.
    """
    text = _LEADING_POST.sub("", rest, count=1).strip()
    blm_name = None
    if in_central:
        m = _LEADING_BLM.match(text)
        if m:
            blm_name = m.group(1).strip("\"'")
            text = text[m.end() :].strip()
    en = es = None
    if re.match(r"^(en|es)\s*=", text, re.IGNORECASE):
        try:
            tokens = tokenize(text)
        except CommandSyntaxError:
            tokens = []
        pairs = [tok.partition("=") for tok in tokens]
        if tokens and all(sep and key.lower() in ("en", "es") for key, sep, _ in pairs):
            for key, _, value in pairs:
                if key.lower() == "en":
                    en = value.strip()
                else:
                    es = value.strip()
    if en is None and es is None:
        return blm_name, text, text
    return blm_name, (en or es or ""), (es or en or "")


@command(
    "advisory",
    "post",
    role=Role.coordinator,
    help_key="cmd.advisory_post",
    where="room",
    usage='<text> | en="…" es="…"',
)
async def post_advisory(ctx, parsed) -> None:
    in_central = ctx.room is not None and ctx.room.is_central
    blm_name, text_en, text_es = split_post_text(parsed.rest, in_central)
    blm_id = _target_blm(ctx, blm_name)
    if not text_en.strip() or not text_es.strip():
        raise CommandSyntaxError(ctx.tr("adv.post.usage"))
    blm = get_blm(blm_id)
    person = ctx.person
    author = ctx.actor
    if person and person.agency:
        author = f"{author} ({person.agency})"
    advisory = build_people_advisory(blm, text_en, text_es, ctx.core.clock.utcnow(), author=author)
    queue_people_advisory(ctx.core, advisory, blm_id, ctx.effects)
    ctx.reply(ctx.tr("adv.post.done", identifier=advisory.identifier, blm=blm.name(ctx.lang)))
