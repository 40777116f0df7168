"""The hash chain of an incident's timeline: canonical encoding, links, checking.

Each entry n (1-based) carries
    content_hash = SHA-256(canonical JSON of the event: at, kind, who, step, detail)
    hash         = SHA-256("blm-record/1\\n" incident "\\n" n "\\n" at "\\n" content_hash "\\n" previous hash)
with the first entry's previous hash 64 zeros. Canonical JSON: keys sorted, no whitespace, UTF-8
(not ASCII-escaped), numbers as Python writes them (shortest round trip). The link covers the
content only through its hash, so erasing an entry's content after the retention period keeps its
`content_hash` and `hash`: what remains still verifies, and the erased entry is visibly there.

In Redis an entry is one JSON element of the timeline list: the event's own fields (so readers of
plain events keep working) plus `n`, `ch` (content hash) and `hash`; an erased element keeps `n`,
`at`, `ch`, `hash` and says `"kind": "erased"`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = "blm-record/1"
GENESIS = "0" * 64
CHAIN_FIELDS = ("n", "ch", "hash")
ERASED_KIND = "erased"
ERASED_FIELDS = {"n", "at", "kind", "ch", "hash"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def canonical(value) -> bytes:
    """The one byte encoding hashed and signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def at_text(at: float) -> str:
    """An entry's time as it enters the link: UTC, microseconds."""
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def link(incident_id: str, n: int, at: str, ch: str, prev: str) -> str:
    material = f"{VERSION}\n{incident_id}\n{n}\n{at}\n{ch}\n{prev}"
    return hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last entry of a chain: how many entries, and its hash (GENESIS for none)."""

    n: int = 0
    hash: str = GENESIS


def head_of(last_element: str | None) -> Head:
    """The head from the timeline's last stored element (LINDEX -1)."""
    if not last_element:
        return Head()
    data = json.loads(last_element)
    if not isinstance(data.get("n"), int) or not isinstance(data.get("hash"), str):
        # a timeline written before the chain existed: new entries start a chain of their own (its
        # bundle will not verify, and says so), but the incident goes on
        return Head()
    return Head(data["n"], data["hash"])


def chain(incident_id: str, head: Head, events: list[dict]) -> tuple[list[str], Head]:
    """Stored elements for `events` (plain event dicts) appended after `head`, and the new head."""
    out = []
    for content in events:
        n = head.n + 1
        ch = content_hash(content)
        digest = link(incident_id, n, at_text(content["at"]), ch, head.hash)
        out.append(json.dumps({**content, "n": n, "ch": ch, "hash": digest}, ensure_ascii=False))
        head = Head(n, digest)
    return out, head


def content_of(element: dict) -> dict | None:
    """The hashed content of a stored element, None when erased."""
    if element.get("kind") == ERASED_KIND and set(element) == ERASED_FIELDS:
        return None
    return {k: v for k, v in element.items() if k not in CHAIN_FIELDS}


def erased(element: dict) -> dict:
    """The element with its content dropped: what stays after the retention period."""
    return {"n": element["n"], "at": element["at"], "kind": ERASED_KIND, "ch": element["ch"], "hash": element["hash"]}


def bundle_entry(element: dict) -> dict:
    """A stored element as a bundle entry: chain fields apart from the content."""
    content = content_of(element)
    entry = {"n": element["n"], "at": at_text(element["at"]), "content_hash": element["ch"], "hash": element["hash"]}
    if content is not None:
        entry["content"] = content
    return entry


@dataclass(frozen=True)
class Problem:
    """The first entry that does not fit (1-based position), and why."""

    position: int
    at: str
    reason: str  # a catalogue key of record.verify.*
    values: dict


ENTRY_FIELDS = {"n", "at", "content_hash", "hash", "content"}


def _when(entry) -> str:
    """An entry's time for naming it: its own, else its content's, else '?'."""
    if not isinstance(entry, dict):
        return "?"
    if isinstance(entry.get("at"), str):
        return entry["at"]
    content = entry.get("content")
    if isinstance(content, dict) and isinstance(content.get("at"), int | float):
        try:
            return at_text(content["at"])
        except (OverflowError, ValueError, OSError):  # no time a clock gives (a tampered file)
            return "?"
    return "?"


def _content_fits(content: dict, ch: object) -> bool:
    """The content hashes to `ch`. A value JSON cannot hold (Infinity, NaN, as Python's json
    module reads them from a file) was never written by the bot: it does not fit."""
    try:
        return content_hash(content) == ch
    except ValueError:
        return False


def check(incident_id: str, entries: list, head: object) -> Problem | None:
    """Walk a bundle's entries from the first; the first one that does not fit, or None."""
    prev = GENESIS
    for position, entry in enumerate(entries, 1):
        at = _when(entry)
        if not isinstance(entry, dict) or not {"n", "at", "content_hash", "hash"} <= entry.keys():
            return Problem(position, at, "record.verify.malformed", {})
        extra = sorted(set(entry) - ENTRY_FIELDS)
        if extra:
            return Problem(position, at, "record.verify.extra_field", {"fields": ", ".join(extra)})
        if entry["n"] != position:
            return Problem(position, at, "record.verify.numbered", {"n": entry["n"]})
        ch = entry["content_hash"]
        content = entry.get("content")
        if content is not None:
            if not isinstance(content, dict) or not _content_fits(content, ch):
                return Problem(position, at, "record.verify.content", {})
            if not isinstance(content.get("at"), int | float) or at_text(content["at"]) != at:
                return Problem(position, at, "record.verify.time", {})
        if not isinstance(ch, str) or not HEX64.match(ch) or link(incident_id, position, at, ch, prev) != entry["hash"]:
            return Problem(position, at, "record.verify.link", {})
        prev = entry["hash"]
    if not isinstance(head, dict) or head.get("n") != len(entries) or head.get("hash") != prev:
        count = head.get("n") if isinstance(head, dict) else "?"
        if isinstance(count, int) and count > len(entries):
            return Problem(len(entries) + 1, "?", "record.verify.missing_end", {"count": count})
        return Problem(len(entries), _when(entries[-1]) if entries else "?", "record.verify.head", {})
    # anchors: an entry that records the head posted at closing must match the chain it names
    for position, entry in enumerate(entries, 1):
        content = entry.get("content") or {}
        if content.get("kind") == "anchor":
            detail = content["detail"] if isinstance(content.get("detail"), dict) else {}
            count = detail.get("count")
            if (
                not isinstance(count, int)
                or not 0 < count < position
                or entries[count - 1]["hash"] != detail.get("head")
            ):
                return Problem(position, entry["at"], "record.verify.anchor", {"count": count})
    return None
