"""Advisories people issue with `/advisory post`, and writing what the bot issued as CAP 1.2."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from bot.advisories.cap_writer import to_cap_xml
from bot.advisories.model import Advisory, AdvisoryInfo, Area
from bot.directory import BLM
from bot.i18n import t
from bot.store import keys

PEOPLE_SENDER = "blm-bot"
PEOPLE_HOURS = 24  # a people's advisory is listed as active for a day unless posted again
CIRCLE_KM = 25.0


def people_identifier(blm: BLM, now: datetime) -> str:
    """CAP-safe (no spaces, commas or '<' '&'): ELP-ADV-20260701T120000-1a2b3c."""
    return f"{blm.prefix}-ADV-{now.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def build_people_advisory(blm: BLM, text_en: str, text_es: str, now: datetime, author: str | None = None) -> Advisory:
    now = now.astimezone(UTC).replace(microsecond=0)
    area = Area(
        desc=f"{blm.name('en')} / {blm.name('es')}",
        circles=[(blm.us_lat, blm.us_lon, CIRCLE_KM), (blm.mx_lat, blm.mx_lon, CIRCLE_KM)],
    )
    expires = now + timedelta(hours=PEOPLE_HOURS)
    infos = [
        AdvisoryInfo(
            language=tag,
            event=t("adv.event.people", lang),
            categories=["Safety"],
            urgency="Unknown",
            severity="Unknown",
            certainty="Unknown",
            effective=now,
            expires=expires,
            sender_name=author,
            description=text,
            areas=[area],
        )
        for lang, tag, text in (("en", "en-US", text_en), ("es", "es-MX", text_es))
    ]
    return Advisory(
        source="people",
        identifier=people_identifier(blm, now),
        sender=f"{PEOPLE_SENDER}.{blm.id}",
        sent=now,
        status="Actual",
        msg_type="Alert",
        infos=infos,
    )


async def issued_advisory(redis, identifier: str) -> Advisory | None:
    raw = await redis.get(keys.adv_issued(identifier))
    return Advisory.model_validate_json(raw) if raw else None


async def advisory_cap_xml(redis, identifier: str) -> bytes:
    """CAP 1.2 XML (en-US and es-MX `<info>`) of an advisory the bot issued. KeyError if unknown."""
    advisory = await issued_advisory(redis, identifier)
    if advisory is None:
        raise KeyError(identifier)
    return to_cap_xml(advisory)
