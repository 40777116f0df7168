"""Parse api.weather.gov alert responses (GeoJSON) into Advisories.

The poller feeds whatever the API sent; one bad feature must not hide the others, so each feature
is parsed on its own and failures become `problems` instead of exceptions.
"""

from __future__ import annotations

import json
from typing import Any

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


def parse_nws_geojson(body: bytes | str | dict[str, Any]) -> ParseResult:
    """A FeatureCollection (or a single Feature) -> advisories, one per distinct alert id.

    The same id twice in one response is kept once (the first); ids are the API's `properties.id`.
    """
    result = ParseResult()
    try:
        doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    except (ValueError, UnicodeDecodeError) as exc:
        result.problems.append(f"not JSON: {exc}")
        return result
    if not isinstance(doc, dict):
        result.problems.append("not a GeoJSON object")
        return result
    if doc.get("type") == "Feature":
        features: Any = [doc]
    elif doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    else:
        message = problem_message(doc) if "title" in doc or "detail" in doc else "no features"
        result.problems.append(f"not a FeatureCollection: {message}")
        return result

    seen: set[str] = set()
    for index, feature in enumerate(features):
        try:
            advisory = _feature(feature)
        except Exception as exc:  # noqa: BLE001 - any bad feature is reported, never raised
            label = _feature_label(feature, index)
            result.problems.append(f"{label}: {describe_error(exc)}")
            continue
        if advisory.identifier in seen:
            continue
        seen.add(advisory.identifier)
        result.advisories.append(advisory)
    return result


def _feature_label(feature: Any, index: int) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    ident = props.get("id") if isinstance(props, dict) else None
    return f"feature {index} ({ident})" if ident else f"feature {index}"


def _feature(feature: Any) -> Advisory:
    props = feature["properties"]
    parameters = _str_lists(props.get("parameters"))
    geocodes = {name: [str(v) for v in values] for name, values in (props.get("geocode") or {}).items()}
    area = Area(
        desc=props.get("areaDesc") or "",
        polygons=_polygons(feature.get("geometry")),
        geocodes=geocodes,
    )
    info = AdvisoryInfo(
        language=props.get("language") or "en-US",
        event=props.get("event") or "",
        categories=[props["category"]] if props.get("category") else [],
        urgency=props.get("urgency") or "Unknown",
        severity=props.get("severity") or "Unknown",
        certainty=props.get("certainty") or "Unknown",
        headline=props.get("headline"),
        description=props.get("description"),
        instruction=props.get("instruction"),
        effective=parse_time(props.get("effective")),
        onset=parse_time(props.get("onset")),
        ends=hazard_end(props.get("ends"), parameters),
        expires=parse_time(props.get("expires")),
        sender_name=props.get("senderName"),
        web=props.get("web"),
        parameters=parameters,
        event_codes=_str_lists(props.get("eventCode")),
        areas=[area],
    )
    refs = [
        Reference(sender=r["sender"], identifier=r["identifier"], sent=parse_time(r["sent"]))
        for r in props.get("references") or []
    ]
    return Advisory(
        source="nws",
        identifier=props["id"],
        sender=props.get("sender") or "",
        sent=parse_time(props.get("sent")),
        status=props.get("status"),
        msg_type=props.get("messageType"),
        references=[r.identifier for r in refs],
        reference_details=refs,
        expired_references=expired_references(parameters),
        infos=[info],
    )


def _str_lists(mapping: Any) -> dict[str, list[str]]:
    if not mapping:
        return {}
    return {
        str(name): [str(v) for v in (values if isinstance(values, list) else [values])]
        for name, values in mapping.items()
    }


def _polygons(geometry: Any) -> list[list[tuple[float, float]]]:
    """GeoJSON [lon, lat] rings -> (lat, lon) outer rings. Holes are ignored: NWS sends none."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        return []
    return [[(float(lat), float(lon)) for lon, lat, *_ in polygon[0]] for polygon in polygons]


def problem_message(body: bytes | str | dict[str, Any]) -> str:
    """An `application/problem+json` error body -> one readable line for logs and operators."""
    try:
        doc = json.loads(body) if isinstance(body, (bytes, str)) else body
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        return " ".join(text.split())[:200] or "empty error body"
    if not isinstance(doc, dict):
        return str(doc)[:200]
    head = " ".join(str(p) for p in (doc.get("status"), doc.get("title")) if p)
    parts = [head] if head else []
    if doc.get("detail") and doc.get("detail") != doc.get("title"):
        parts.append(str(doc["detail"]))
    for err in doc.get("parameterErrors") or []:
        if isinstance(err, dict):
            parts.append(f"{err.get('parameter', '?')}: {err.get('message', '')}".strip())
    if doc.get("correlationId"):
        parts.append(f"(correlation id {doc['correlationId']})")
    return " - ".join(parts) if parts else "unknown error"
