from __future__ import annotations

from pathlib import Path

from bot.advisories.cap import parse_cap_document
from bot.advisories.matching import blms_for


def smn_sample() -> Path:
    return Path(__file__).resolve().parents[2] / "fixtures" / "smn" / "smn_avisos_atom.xml"


def test_smn_atom_good_entries_parse_and_malformed_is_a_problem():
    result = parse_cap_document(smn_sample().read_bytes())
    assert [a.identifier for a in result.advisories] == ["SMN-OC-2026-0701-001", "SMN-OC-2026-0702-002"]
    assert len(result.problems) == 1 and "roto-003" in result.problems[0]

    alert, update = result.advisories
    assert alert.sender == "smn.cna.gob.mx" and alert.msg_type == "Alert"
    info = alert.infos[0]
    assert info.language == "es-419" and alert.info_for("es") is info and alert.info_for("en") is info
    assert info.parameters == {"semáforo": ["naranja"], "categoría": ["Onda de Calor"]}
    assert info.areas[0].geocodes == {}
    assert info.description.endswith("& el valle.")

    assert update.msg_type == "Update" and update.references == ["SMN-OC-2026-0701-001"]
    assert update.chain_id == alert.identifier == alert.chain_id
    assert update.event_names() == ["Aviso de Onda de Calor"]


def test_smn_polygon_matches_juarez_side_only():
    alert, update = parse_cap_document(smn_sample().read_bytes()).advisories
    assert [b.id for b in blms_for(alert)] == ["el-paso"]  # via Cd. Juárez, not El Paso's point
    assert blms_for(update) == []  # Oaxaca


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>x</identifier><sender>&xxe;</sender><sent>2026-07-01T12:00:00-00:00</sent>
<status>Actual</status><msgType>Alert</msgType><scope>Public</scope></alert>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE alert SYSTEM "http://example.invalid/cap.dtd">
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>"""


def test_hostile_xml_is_a_problem_not_an_expansion():
    for doc in (BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD):
        result = parse_cap_document(doc)
        assert result.advisories == []
        assert len(result.problems) == 1 and result.problems[0].startswith("unreadable XML")
        assert "root:" not in result.problems[0]


def test_not_cap_is_a_problem():
    assert parse_cap_document(b"<rss><channel/></rss>").problems == ["not CAP or Atom: root element <rss>"]
    assert parse_cap_document(b"").problems
    assert parse_cap_document(b"\x00\x01garbage").problems


def test_namespace_less_alert_and_bare_references_parse():
    doc = b"""<alert><identifier>A-2</identifier><sender>s</sender>
    <sent>2026-07-01T12:00:00Z</sent><status>Test</status><msgType>Cancel</msgType><scope>Public</scope>
    <references>A-1</references></alert>"""
    [adv] = parse_cap_document(doc).advisories
    assert adv.references == ["A-1"] and adv.reference_details == [] and adv.chain_id == "A-1"
    assert adv.infos == [] and adv.info_for("es") is None and adv.expires is None


def test_swapped_polygon_coordinates_are_a_problem():
    doc = b"""<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>P</identifier><sender>s</sender>
    <sent>2026-07-01T12:00:00-00:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
    <info><event>Heat</event><urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty>
    <area><areaDesc>x</areaDesc><polygon>-106.5,31.7 -106.4,31.7 -106.4,31.8 -106.5,31.7</polygon></area>
    </info></alert>"""
    result = parse_cap_document(doc)
    assert result.advisories == [] and "out of range" in result.problems[0]


def test_nws_cap_event_ending_time_and_expired_references_are_read(fixtures):
    """The GeoJSON `parameters` of nws-geojson/captured/wwcollins_AZ_2021-08-27_tucson_… mirror NWS's
    CAP `<parameter>`s: the hazard's end (eventEndingTime) and the expired predecessors, added here
    to the real NWS CAP 1.2 tsunami message."""
    from datetime import UTC, datetime

    sample = (fixtures / "cap12" / "nws_tsunami_cancellation_update.xml").read_text(encoding="utf-8")
    extra = (
        "<parameter><valueName>eventEndingTime</valueName><value>2021-08-28T03:00:00+00:00</value></parameter>"
        "<parameter><valueName>expiredReferences</valueName><value>"
        "w-nws.webmaster@noaa.gov,urn:oid:old.1,2021-08-24T14:23:00-07:00 someone-else,urn:oid:x,2021-08-24T14:23:00-07:00"
        "</value></parameter>"
    )
    doc = sample.replace("<area>", extra + "<area>", 1).encode()
    [adv] = parse_cap_document(doc).advisories
    assert adv.infos[0].ends == datetime(2021, 8, 28, 3, tzinfo=UTC)
    assert [r.identifier for r in adv.expired_references] == ["urn:oid:old.1", "urn:oid:x"]
    assert adv.infos[0].expires != adv.infos[0].ends
