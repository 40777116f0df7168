"""CAP feeds as a source (`CAP_FEEDS`): plain CAP 1.1/1.2 XML, Atom feeds embedding `<alert>`s
(Mexico's SMN), and the legacy NWS Atom index. Fetched with conditional headers; a malformed item
is logged and skipped while the rest of the feed is processed."""

from __future__ import annotations

import hashlib
import logging

from bot.advisories.cap import parse_cap_document
from bot.advisories.fetch import ConditionalFetcher
from bot.advisories.source_nws import Fetched

log = logging.getLogger(__name__)

ACCEPT = "application/cap+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"


def source_key(url: str) -> str:
    return "cap:" + hashlib.sha256(url.encode()).hexdigest()[:16]


async def fetch_cap_feed(fetcher: ConditionalFetcher, url: str, user_agent: str) -> Fetched | None:
    source = source_key(url)
    outcome = await fetcher.get(source, url, {"User-Agent": user_agent, "Accept": ACCEPT})
    if outcome.status != "ok":
        return None
    parsed = parse_cap_document(outcome.body)
    for problem in parsed.problems:
        log.warning("CAP feed %s: skipped %s", url, problem)
    if not parsed.advisories and parsed.problems and parsed.problems[0].startswith(("unreadable", "not CAP")):
        await fetcher.forget(source)
        return None  # the whole document is unreadable: not the same as an empty feed
    return Fetched(source, parsed, outcome.validators)
