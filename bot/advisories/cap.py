"""Parse CAP 1.1 / 1.2 documents: a plain `<alert>`, an Atom feed of embedded `<alert>`s (SMN),
and the legacy NWS Atom index whose entries carry `cap:` elements directly.

Elements are matched by local name, so CAP 1.1, 1.2 (and namespace-less copies) read the same.
XML comes from outside: defusedxml refuses DTDs and entities, so a hostile document is a problem
line, never an entity expansion or a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from bot.advisories.model import (
    Advisory,
    AdvisoryInfo,
    Area,
    ParseResult,
    Reference,
    describe_error,
    expired_references,
    hazard_end,
    parse_time,
)

MAX_BYTES = 5_000_000  # a national feed is ~100 kB; anything far larger is not a feed we want


def parse_cap_document(data: bytes) -> ParseResult:
    """Detect the document kind and parse it; never raises."""
    result = ParseResult()
    try:
        if len(data) > MAX_BYTES:
            raise ValueError(f"document too large ({len(data)} bytes)")
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as exc:  # noqa: BLE001 - ParseError, DTDForbidden, EntitiesForbidden, ...
        result.problems.append(f"unreadable XML: {describe_error(exc)}")
        return result
    try:
        kind = _local(root.tag)
        if kind == "alert":
            _collect(result, "alert", lambda: parse_alert(root))
        elif kind == "feed":
            _parse_feed(root, result)
        else:
            result.problems.append(f"not CAP or Atom: root element <{kind}>")
    except Exception as exc:  # noqa: BLE001 - belt and braces: this function must not raise
        result.problems.append(f"unexpected: {describe_error(exc)}")
    return result


def _collect(result: ParseResult, label: str, parse) -> None:
    try:
        result.advisories.append(parse())
    except Exception as exc:  # noqa: BLE001 - one bad alert is a problem, the rest still parse
        result.problems.append(f"{label}: {describe_error(exc)}")


def _parse_feed(feed: Element, result: ParseResult) -> None:
    feed_author = _text(_child(feed, "author"), "name")
    for index, entry in enumerate(_children(feed, "entry")):
        label = f"entry {index} ({_text(entry, 'id') or 'no id'})"
        alerts = [el for el in entry.iter() if _local(el.tag) == "alert"]
        if alerts:
            for alert in alerts:
                _collect(result, label, lambda alert=alert: parse_alert(alert))
        elif _child(entry, "event") is not None:
            _collect(result, label, lambda entry=entry: _index_entry(entry, feed_author))
        else:
            result.problems.append(f"{label}: neither an embedded <alert> nor cap: elements")


def parse_alert(alert: Element) -> Advisory:
    """One CAP `<alert>` element -> Advisory (raises on bad data; callers turn that into problems)."""
    refs = [_reference(token) for token in (_text(alert, "references") or "").split()]
    infos = [_info(info) for info in _children(alert, "info")]
    return Advisory(
        source="cap",
        identifier=_text(alert, "identifier") or "",
        sender=_text(alert, "sender") or "",
        sent=parse_time(_text(alert, "sent")),
        status=_text(alert, "status"),
        msg_type=_text(alert, "msgType"),
        scope=_text(alert, "scope") or "Public",
        references=[ident for ident, _ in refs],
        reference_details=[detail for _, detail in refs if detail is not None],
        expired_references=[r for info in infos for r in expired_references(info.parameters)],
        infos=infos,
    )


def _reference(token: str) -> tuple[str, Reference | None]:
    """`sender,identifier,sent` -> (identifier, Reference); a bare token is kept as an identifier."""
    parts = token.split(",")
    if len(parts) == 3:
        sender, identifier, sent = parts
        return identifier, Reference(sender=sender, identifier=identifier, sent=parse_time(sent))
    return token, None


def _info(info: Element) -> AdvisoryInfo:
    parameters = _pairs(_children(info, "parameter"))
    return AdvisoryInfo(
        language=_text(info, "language") or "en-US",
        event=_text(info, "event") or "",
        categories=[c.text.strip() for c in _children(info, "category") if c.text and c.text.strip()],
        urgency=_text(info, "urgency") or "Unknown",
        severity=_text(info, "severity") or "Unknown",
        certainty=_text(info, "certainty") or "Unknown",
        headline=_text(info, "headline"),
        description=_text(info, "description"),
        instruction=_text(info, "instruction"),
        effective=parse_time(_text(info, "effective")),
        onset=parse_time(_text(info, "onset")),
        ends=hazard_end(None, parameters),  # CAP has no `ends`; NWS CAP carries eventEndingTime
        expires=parse_time(_text(info, "expires")),
        sender_name=_text(info, "senderName"),
        web=_text(info, "web"),
        parameters=parameters,
        event_codes=_pairs(_children(info, "eventCode")),
        areas=[_area(area) for area in _children(info, "area")],
    )


def _area(area: Element) -> Area:
    return Area(
        desc=_text(area, "areaDesc") or "",
        polygons=[parse_polygon(p.text or "") for p in _children(area, "polygon") if (p.text or "").strip()],
        circles=[parse_circle(c.text or "") for c in _children(area, "circle") if (c.text or "").strip()],
        geocodes=_pairs(_children(area, "geocode"), split=True),
    )


def _index_entry(entry: Element, feed_author: str | None) -> Advisory:
    """A legacy NWS Atom index entry: the entry id is the identifier, `published` is when it was sent."""
    link = _child(entry, "link")
    info = AdvisoryInfo(
        language=_text(entry, "language") or "en-US",
        event=_text(entry, "event") or "",
        categories=[c.text.strip() for c in _children(entry, "category") if c.text and c.text.strip()],
        urgency=_text(entry, "urgency") or "Unknown",
        severity=_text(entry, "severity") or "Unknown",
        certainty=_text(entry, "certainty") or "Unknown",
        headline=_text(entry, "title"),
        description=_text(entry, "summary"),
        effective=parse_time(_text(entry, "effective")),
        expires=parse_time(_text(entry, "expires")),
        web=link.get("href") if link is not None else None,
        parameters=_pairs(_children(entry, "parameter")),
        areas=[_area(entry)],  # areaDesc, polygon and geocode sit directly in the entry
    )
    return Advisory(
        source="cap",
        identifier=_text(entry, "id") or "",
        sender=_text(_child(entry, "author"), "name") or feed_author or "",
        sent=parse_time(_text(entry, "published") or _text(entry, "updated")),
        status=_text(entry, "status"),
        msg_type=_text(entry, "msgType"),
        infos=[info],
    )


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """CAP polygon "lat,lon lat,lon ..." -> [(lat, lon), ...]."""
    points = []
    for pair in text.split():
        lat, lon = pair.split(",")
        points.append((float(lat), float(lon)))
    return points


def parse_circle(text: str) -> tuple[float, float, float]:
    """CAP circle "lat,lon radius_km" -> (lat, lon, radius_km)."""
    centre, radius = text.split()
    lat, lon = centre.split(",")
    return float(lat), float(lon), float(radius)


def _pairs(elements: Iterator[Element], split: bool = False) -> dict[str, list[str]]:
    """valueName/value pairs -> {name: [values]}. The legacy index puts several pairs in one
    element and several space-separated codes in one value, hence `split` for geocodes."""
    pairs: dict[str, list[str]] = {}
    for element in elements:
        name = None
        for child in element:
            tag, text = _local(child.tag), (child.text or "").strip()
            if tag == "valueName":
                name = text
                pairs.setdefault(name, [])
            elif tag == "value" and name is not None:
                pairs[name].extend(text.split() if split else [text])
    return pairs


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(parent: Element | None, name: str) -> Iterator[Element]:
    if parent is None:
        return iter(())
    return (child for child in parent if _local(child.tag) == name)


def _child(parent: Element | None, name: str) -> Element | None:
    return next(_children(parent, name), None)


def _text(parent: Element | None, name: str) -> str | None:
    child = _child(parent, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None
