"""Times as people on both sides read them: UTC, the BLM's US local time, the Mexican side's."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.directory import get_blm


def utc(at: float) -> datetime:
    return datetime.fromtimestamp(at, tz=UTC)


def iso(at: float) -> str:
    return utc(at).strftime("%Y-%m-%dT%H:%M:%SZ")


def three(at: float, blm_id: str) -> dict[str, str]:
    """{'utc': '2026-07-01 12:00:00', 'us': '05:00:00 MST', 'mx': '05:00:00 MST'}"""
    blm = get_blm(blm_id)
    moment = utc(at)
    us = moment.astimezone(blm.us_zone)
    mx = moment.astimezone(blm.mx_zone)
    return {
        "utc": moment.strftime("%Y-%m-%d %H:%M:%S"),
        "us": us.strftime("%Y-%m-%d %H:%M:%S ") + (us.tzname() or ""),
        "mx": mx.strftime("%Y-%m-%d %H:%M:%S ") + (mx.tzname() or ""),
    }


def short(at: float, blm_id: str) -> str:
    """'12:03 UTC · 05:03 MST' (US local; the Mexican side's too when its clock differs)."""
    blm = get_blm(blm_id)
    moment = utc(at)
    us = moment.astimezone(blm.us_zone)
    mx = moment.astimezone(blm.mx_zone)
    out = f"{moment:%H:%M} UTC · {us:%H:%M} {us.tzname()}"
    if (mx.hour, mx.minute, mx.tzname()) != (us.hour, us.minute, us.tzname()):
        out += f" · {mx:%H:%M} {mx.tzname()}"
    return out
