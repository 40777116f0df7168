"""The NWS alerts API as a source: one point query per configured BLM, with its US coordinates.

`GET {NWS_API_URL}/alerts/active?status=actual&point={lat},{lon}`, 4 decimals at most (the API
redirects longer ones), `User-Agent` identifying the operator (required by NWS), GeoJSON accepted.
Zone numbers change, so alerts are asked for by point, never by hard-coded zone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.advisories.fetch import ConditionalFetcher
from bot.advisories.model import ParseResult
from bot.advisories.nws import parse_nws_geojson
from bot.directory import BLM

log = logging.getLogger(__name__)


def coordinate(value: float) -> str:
    """At most 4 decimals, no trailing zeros: 31.762 -> '31.762', -106.48512 -> '-106.4851'."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def alerts_url(api_root: str, blm: BLM) -> str:
    return f"{api_root.rstrip('/')}/alerts/active?status=actual&point={coordinate(blm.us_lat)},{coordinate(blm.us_lon)}"


def source_key(blm: BLM) -> str:
    return f"nws:{blm.id}"


@dataclass
class Fetched:
    """A successful fetch with new content: what it parsed to, and how to confirm it."""

    source: str
    parsed: ParseResult
    validators: dict[str, str]


async def fetch_nws(fetcher: ConditionalFetcher, api_root: str, user_agent: str, blm: BLM) -> Fetched | None:
    """None when there is nothing new (304), the source is backing off, or the request failed."""
    source = source_key(blm)
    outcome = await fetcher.get(
        source, alerts_url(api_root, blm), {"User-Agent": user_agent, "Accept": "application/geo+json"}
    )
    if outcome.status != "ok":
        return None
    parsed = parse_nws_geojson(outcome.body)
    for problem in parsed.problems:
        log.warning("NWS alerts for %s: skipped %s", blm.id, problem)
    if not parsed.advisories and parsed.problems and "not a FeatureCollection" in parsed.problems[0]:
        await fetcher.forget(source)
        return None  # an answer we cannot read is not "no alerts": keep what is posted as it is
    return Fetched(source, parsed, outcome.validators)
