"""Hand-written alerts for tests: NWS GeoJSON features and CAP documents (invented, not real data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
EL_PASO_POINT = "31.762,-106.485"
LAREDO_POINT = "27.531,-99.48"


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone(timedelta(hours=-6))).isoformat()


def nws_feature(
    ident: str,
    event: str = "Extreme Heat Warning",
    *,
    severity: str = "Extreme",
    msg_type: str = "Alert",
    references: list[tuple[str, datetime]] = (),
    sent: datetime = T0,
    onset: datetime | None = None,
    expires: datetime | None = None,
    same: list[str] = ("048141",),
    ugc: list[str] = ("TXZ418",),
    headline: str | None = None,
    description: str = "Dangerously hot conditions with temperatures up to 110 expected.",
    instruction: str | None = "Drink plenty of fluids, stay in an air-conditioned room.",
) -> dict:
    onset = onset or sent + timedelta(hours=2)
    expires = expires or sent + timedelta(days=2)
    return {
        "id": f"https://api.weather.gov/alerts/{ident}",
        "type": "Feature",
        "geometry": None,
        "properties": {
            "@id": f"https://api.weather.gov/alerts/{ident}",
            "@type": "wx:Alert",
            "id": ident,
            "areaDesc": "El Paso; Eastern/Central El Paso County",
            "geocode": {"SAME": list(same), "UGC": list(ugc)},
            "affectedZones": [f"https://api.weather.gov/zones/forecast/{z}" for z in ugc],
            "references": [
                {
                    "@id": f"https://api.weather.gov/alerts/{r}",
                    "identifier": r,
                    "sender": "w-nws.webmaster@noaa.gov",
                    "sent": iso(s),
                }
                for r, s in references
            ],
            "sent": iso(sent),
            "effective": iso(sent),
            "onset": iso(onset),
            "expires": iso(expires),
            "ends": iso(expires),
            "status": "Actual",
            "messageType": msg_type,
            "category": "Met",
            "severity": severity,
            "certainty": "Likely",
            "urgency": "Expected",
            "event": event,
            "sender": "w-nws.webmaster@noaa.gov",
            "senderName": "NWS El Paso Tx/Santa Teresa NM",
            "headline": headline or f"{event} issued by NWS El Paso Tx/Santa Teresa NM",
            "description": description,
            "instruction": instruction,
            "response": "Execute",
            "parameters": {"NWSheadline": [f"{event.upper()} IN EFFECT"]},
        },
    }


def cap_alert(
    ident: str,
    *,
    infos: list[dict],
    sent: datetime = T0,
    msg_type: str = "Alert",
    references: str = "",
    sender: str = "smn.cna.gob.mx",
) -> str:
    refs = f"<references>{references}</references>" if references else ""
    body = "".join(_cap_info(**i) for i in infos)
    return (
        f'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{ident}</identifier>'
        f"<sender>{sender}</sender><sent>{iso(sent)}</sent><status>Actual</status>"
        f"<msgType>{msg_type}</msgType><scope>Public</scope>{refs}{body}</alert>"
    )


def _cap_info(
    language: str,
    event: str,
    headline: str,
    description: str,
    polygon: str = "",
    geocode: tuple[str, str] | None = None,
    severity: str = "Severe",
    expires: datetime = T0 + timedelta(days=2),
) -> str:
    area = f"<polygon>{polygon}</polygon>" if polygon else ""
    if geocode:
        area += f"<geocode><valueName>{geocode[0]}</valueName><value>{geocode[1]}</value></geocode>"
    return (
        f"<info><language>{language}</language><category>Met</category><event>{event}</event>"
        f"<urgency>Expected</urgency><severity>{severity}</severity><certainty>Likely</certainty>"
        f"<expires>{iso(expires)}</expires><senderName>Servicio Meteorológico Nacional</senderName>"
        f"<headline>{headline}</headline><description>{description}</description>"
        f"<area><areaDesc>Zona</areaDesc>{area}</area></info>"
    )


def atom_feed(*entries: str) -> str:
    body = "".join(
        f"<entry><id>urn:test:{i}</id><title>t</title><updated>{iso(T0)}</updated>"
        f'<content type="text/xml">{e}</content></entry>'
        for i, e in enumerate(entries)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:test:feed</id><title>Avisos</title><updated>{iso(T0)}</updated>"
        f"<author><name>SMN</name></author>{body}</feed>"
    )


# a polygon around Ciudad Juarez (31.690,-106.425) but not El Paso's US point (31.762,-106.485)
JUAREZ_POLYGON = "31.60,-106.46 31.60,-106.30 31.72,-106.30 31.72,-106.46 31.60,-106.46"
