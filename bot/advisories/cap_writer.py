"""Write an advisory as CAP 1.2 XML with one `en-US` and one `es-MX` `<info>`.

Both sides of a BLM read the same document, so it always carries both languages. Built with
ElementTree (escaping is its job) in the schema's element order, and with values the schema accepts:
times as `YYYY-MM-DDThh:mm:ss-00:00` (no `Z`, no fractions), unknown enum values mapped to the
schema's catch-all. Valid against the OASIS CAP-v1.2.xsd.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from bot.advisories.model import Advisory, AdvisoryInfo, Area

CAP12_NS = "urn:oasis:names:tc:emergency:cap:1.2"
LANGUAGES = (("en", "en-US"), ("es", "es-MX"))

_CATEGORIES = {
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
}
_URGENCY = {"Immediate", "Expected", "Future", "Past", "Unknown"}
_SEVERITY = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
_CERTAINTY = {"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
_SCOPES = {"Public", "Restricted", "Private"}
# Characters XML 1.0 cannot carry at all; ElementTree would write them and break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cap_time(value: datetime) -> str:
    """UTC, whole seconds, `-00:00`: the form CAP 1.2 prescribes for UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + "-00:00"


def to_cap_xml(advisory: Advisory) -> bytes:
    """CAP 1.2 document (UTF-8 bytes with XML declaration).

    The en-US info is `info_for("en")`, the es-MX one `info_for("es")`; an advisory that only
    exists in one language (e.g. from NWS) carries that text in both, so neither side gets nothing.
    An advisory without infos is written without `<info>` (valid CAP, e.g. an Ack).
    References are written from `reference_details` (CAP needs sender and sent for each).
    """
    alert = ET.Element("alert", xmlns=CAP12_NS)
    _add(alert, "identifier", advisory.identifier)
    _add(alert, "sender", advisory.sender)
    _add(alert, "sent", cap_time(advisory.sent))
    _add(alert, "status", advisory.status)
    _add(alert, "msgType", advisory.msg_type)
    _add(alert, "scope", advisory.scope if advisory.scope in _SCOPES else "Public")
    if advisory.reference_details:
        _add(
            alert,
            "references",
            " ".join(f"{r.sender},{r.identifier},{cap_time(r.sent)}" for r in advisory.reference_details),
        )
    if advisory.infos:
        for lang, tag in LANGUAGES:
            info = advisory.info_for(lang)
            if info is not None:  # never None while `infos` is not empty
                _info(alert, info, tag)
    ET.indent(alert)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True)


def _info(alert: ET.Element, info: AdvisoryInfo, language: str) -> None:
    el = ET.SubElement(alert, "info")
    _add(el, "language", language)
    categories = [c for c in info.categories if c in _CATEGORIES] or ["Other"]
    for category in categories:
        _add(el, "category", category)
    _add(el, "event", info.event)
    _add(el, "urgency", info.urgency if info.urgency in _URGENCY else "Unknown")
    _add(el, "severity", info.severity if info.severity in _SEVERITY else "Unknown")
    certainty = "Likely" if info.certainty == "Very Likely" else info.certainty  # CAP 1.1 value
    _add(el, "certainty", certainty if certainty in _CERTAINTY else "Unknown")
    _pairs(el, "eventCode", info.event_codes)
    for name in ("effective", "onset", "expires"):
        value = getattr(info, name)
        if value is not None:
            _add(el, name, cap_time(value))
    for name, attr in (
        ("senderName", "sender_name"),
        ("headline", "headline"),
        ("description", "description"),
        ("instruction", "instruction"),
        ("web", "web"),
    ):
        value = getattr(info, attr)
        if value:
            _add(el, name, value)
    _pairs(el, "parameter", info.parameters)
    for area in info.areas:
        _area(el, area)


def _area(info: ET.Element, area: Area) -> None:
    el = ET.SubElement(info, "area")
    _add(el, "areaDesc", area.desc or "Unspecified area")
    for ring in area.polygons:
        closed = list(ring) if ring[0] == ring[-1] else [*ring, ring[0]]
        _add(el, "polygon", " ".join(f"{lat},{lon}" for lat, lon in closed))
    for lat, lon, radius in area.circles:
        _add(el, "circle", f"{lat},{lon} {radius}")
    _pairs(el, "geocode", area.geocodes)


def _pairs(parent: ET.Element, tag: str, mapping: dict[str, list[str]]) -> None:
    for name, values in mapping.items():
        for value in values:
            pair = ET.SubElement(parent, tag)
            _add(pair, "valueName", name)
            _add(pair, "value", value)


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = _NOT_XML.sub("", text)
    return child
