"""Every real fixture file parses, with concrete facts checked for each one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.advisories.cap import parse_cap_document
from bot.advisories.matching import blms_for, point_in_polygon
from bot.advisories.nws import parse_nws_geojson
from bot.directory import BLMS


def _cap(path: Path):
    result = parse_cap_document(path.read_bytes())
    assert result.problems == []
    return result.advisories


def _nws(path: Path):
    result = parse_nws_geojson(path.read_bytes())
    assert result.problems == []
    return result.advisories


def check_zone(path):
    [adv] = _nws(path)
    assert adv.source == "nws"
    assert adv.identifier == "NWS-IDP-PROD-3965873-3369046"
    assert adv.msg_type == "Update" and adv.status == "Actual"
    assert adv.event_names() == ["Flood Watch"]
    assert len(adv.references) == 4
    assert adv.chain_id == "NWS-IDP-PROD-3963421-3367361"  # earliest sent, listed last
    assert adv.sent == datetime(2019, 12, 20, 21, 34, tzinfo=UTC)
    assert adv.expires == datetime(2019, 12, 21, 13, 30, tzinfo=UTC)
    info = adv.infos[0]
    assert info.sender_name == "NWS Portland OR"
    assert info.parameters["VTEC"] == ["/O.CON.KPQR.FA.A.0004.000000T0000Z-191222T1800Z/"]
    assert info.areas[0].polygons == []  # geometry: null
    assert "ORZ004" in info.areas[0].geocodes["UGC"]
    assert blms_for(adv) == []  # Oregon


def check_zone_second(path):
    """Despite the fixture README ("the same alert twice"), the two features have different ids
    (…-3369046 and …-001), different references and NWSheadlines: two alerts, kept as two.
    Same-id de-duplication is tested in test_advisories_nws.py."""
    advisories = _nws(path)
    assert [a.identifier for a in advisories] == ["NWS-IDP-PROD-3965873-3369046", "NWS-IDP-PROD-3965873-001"]
    assert advisories[1].infos[0].parameters["NWSheadline"] == ["Second Alert"]
    assert advisories[1].chain_id == "NWS-IDP-PROD-3963421-001"


def check_adot1(path):
    [adv] = _cap(path)
    assert adv.identifier == "43b080713727" and adv.msg_type == "Alert"
    assert adv.event_names() == ["Homeland Security Advisory System Update"]
    assert adv.infos[0].parameters == {"HSAS": ["ORANGE"]}
    assert adv.infos[0].category == "Security"


def check_adot2(path):
    [adv] = _cap(path)
    assert adv.event_names() == ["SEVERE THUNDERSTORM"]
    area = adv.infos[0].areas[0]
    assert area.polygons[0][0] == (38.47, -120.14)  # lat first, as CAP writes it
    assert area.geocodes["SAME"] == ["006109", "006009", "006003"]
    assert adv.infos[0].event_codes == {"SAME": ["SVR"]}
    assert adv.expires == datetime(2003, 6, 17, 23, 0, tzinfo=UTC)


def check_adot3(path):
    [adv] = _cap(path)
    assert adv.msg_type == "Update"
    assert adv.references == ["TRI13970876.1"] and adv.chain_id == "TRI13970876.1"
    assert adv.infos[0].areas[0].circles == [(32.9525, -115.5527, 0.0)]


def check_adot4(path):
    [adv] = _cap(path)
    assert [i.language for i in adv.infos] == ["en-US", "es-US"]
    assert adv.info_for("es").event == "Abducción de Niño"
    assert adv.info_for("en").event == "Child Abduction"
    assert adv.event_names() == ["Child Abduction", "Abducción de Niño"]


def check_tsunami(path):
    [adv] = _cap(path)
    assert adv.msg_type == "Update" and adv.event_names() == ["Tsunami Cancellation"]
    assert adv.references == ["PAAQ-1-mg5a94", "PAAQ-2-mg5a94", "PAAQ-3-mg5a94"]
    assert len(adv.reference_details) == 3
    assert adv.chain_id == "PAAQ-1-mg5a94"
    assert adv.infos[0].language == "en-US"  # no <language>: CAP's default
    assert adv.infos[0].areas[0].circles == [(55.3, -134.9, 0.0)]
    assert adv.is_expired(datetime(2013, 1, 5, 11, 0, tzinfo=UTC))


def check_blizzard(path):
    [adv] = _cap(path)  # CAP 1.1 namespace, stylesheet PI and comments
    assert adv.event_names() == ["Blizzard Warning"]
    assert adv.sent == datetime(2021, 12, 27, 16, 8, tzinfo=UTC)
    area = adv.infos[0].areas[0]
    assert area.polygons == []  # empty <polygon/>
    assert area.geocodes == {"FIPS6": ["027031", "027075"], "UGC": ["MNZ020", "MNZ021"]}
    assert adv.infos[0].event_codes == {"SAME": ["BZW"]}


def check_legacy_index(path):
    advisories = _cap(path)
    assert len(advisories) == 39
    assert len({a.identifier for a in advisories}) == 39
    assert sum(a.event_names() == ["Red Flag Warning"] for a in advisories) == 5
    assert all(a.sender == "w-nws.webmaster@noaa.gov" for a in advisories)
    by_office = {a.identifier.split(".")[-2]: a for a in advisories if "FlashFloodWatch" in a.identifier}

    crp = by_office["CRPFFACRP"]  # Corpus Christi: Webb County by FIPS6 048479 (UGC is zone TXZ239)
    assert crp.infos[0].areas[0].geocodes["FIPS6"][-1] == "048479"
    assert [b.id for b in blms_for(crp)] == ["laredo"]

    ewx = by_office["EWXFFAEWX"]  # Austin/San Antonio by county UGC
    assert {"TXC465", "TXC323"} <= set(ewx.infos[0].areas[0].geocodes["UGC"])
    assert [b.id for b in blms_for(ewx)] == ["del-rio", "eagle-pass"]
    assert ewx.expires == datetime(2014, 11, 6, 0, 0, tzinfo=UTC)

    flood = next(a for a in advisories if "EWXFLWEWX" in a.identifier)
    assert flood.infos[0].areas[0].polygons[0][0] == (29.75, -101.76)
    assert [b.id for b in blms_for(flood)] == ["del-rio"]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def check_tucson(path):
    """NWS Tucson's Excessive Heat Warning in three versions: the hazard `ends` 20:00 MST on the
    27th in all three while each message `expires` hours earlier; the newest is an Alert (a new
    message, no `references`) that names the older ones only in `expiredReferences`."""
    advisories = _nws(path)
    assert [a.msg_type for a in advisories] == ["Alert", "Update", "Update"]
    ends = _utc("2021-08-27T20:00:00-07:00")
    assert all(a.infos[0].ends == ends for a in advisories)
    live = advisories[0]
    assert live.identifier == "urn:oid:2.49.0.1.840.0.5c89a4b5b322aa0a5966d9874d015b2a385403af.001.1"
    assert live.expires == _utc("2021-08-27T10:00:00-07:00") and live.expires < ends
    assert live.infos[0].onset == _utc("2021-08-26T14:53:00-07:00")
    assert live.references == [] and len(live.expired_references) == 7
    # all three versions belong to one chain, found through `expiredReferences`: its first message
    root = "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.bbab71015cf54017cec802ca8818c9b7f8e9d148.001.2"
    assert [a.chain_key for a in advisories] == [root, root, root]
    update = advisories[1]
    assert [r.identifier for r in update.reference_details] == [
        "urn:oid:2.49.0.1.840.0.f1b0c83403a96a4765992c8f1fefcad60e29bae7.001.1"
    ]
    assert update.is_expired(_utc("2021-08-27T06:00:00-07:00")) and not live.is_expired(
        _utc("2021-08-27T06:00:00-07:00")
    )
    # SAME 004023 Santa Cruz (Nogales) and 004003 Cochise (Douglas)
    assert [b.id for b in blms_for(live)] == ["nogales", "douglas"]


def check_imperial(path):
    [adv] = _nws(path)
    assert adv.msg_type == "Alert" and adv.infos[0].sender_name == "NWS Phoenix AZ"
    info = adv.infos[0]
    assert info.onset == _utc("2021-08-25T10:00:00-07:00")
    assert info.expires == _utc("2021-08-25T05:00:00-07:00")  # the message lapses before onset
    assert info.ends == _utc("2021-08-27T20:00:00-07:00")
    assert info.parameters["eventEndingTime"] == ["2021-08-28T03:00:00+00:00"]  # the same instant
    assert [b.id for b in blms_for(adv)] == ["calexico"]  # SAME 006025 Imperial


def check_imperial_update(path):
    [adv] = _nws(path)
    assert adv.msg_type == "Update"
    original = "urn:oid:2.49.0.1.840.0.a467b98d456c9b70b08c257e0ccb09c8d5174608.003.2"
    assert original in adv.references and len(adv.references) == 3
    assert all(r.sender == "w-nws.webmaster@noaa.gov" for r in adv.reference_details)
    assert adv.chain_key.startswith("w-nws.webmaster@noaa.gov,")
    assert adv.infos[0].expires == _utc("2021-08-25T16:00:00-07:00")
    assert adv.infos[0].ends == _utc("2021-08-27T20:00:00-07:00")


def check_webb(path):
    [adv] = _nws(path)
    assert adv.event_names() == ["Special Weather Statement"] and adv.infos[0].severity == "Moderate"
    assert adv.infos[0].ends is None and adv.infos[0].instruction is None  # both null in the sample
    assert adv.expires == _utc("2021-08-24T18:30:00-05:00")
    assert [b.id for b in blms_for(adv)] == ["laredo"]  # SAME 048479 Webb


def check_smn(path):
    """SMN's Atom feed: CAP 1.2 in es-419, an Update referencing SMN's earlier message, a 41-point
    polygon and no geocodes: matched by shape, Mexicali inside (Calexico's US point is not)."""
    [adv] = _cap(path)
    assert adv.sender == "smn.cna.gob.mx" and adv.msg_type == "Update"
    assert adv.reference_details[0].sender == "smn.cna.gob.mx"
    assert adv.chain_key == "smn.cna.gob.mx,8296af56-a641-47e3-b469-2d092257ead0"
    info = adv.infos[0]
    assert info.language == "es-419" and info.event == "Aviso de Ciclón Tropical en el Pacífico"
    assert info.parameters["semáforo"] == ["red"] and info.parameters["categoría"] == ["Tormenta Tropical"]
    area = info.areas[0]
    assert area.geocodes == {} and len(area.polygons[0]) == 41
    calexico = next(b for b in BLMS if b.id == "calexico")
    assert point_in_polygon(calexico.mx_lat, calexico.mx_lon, area.polygons[0])
    assert not point_in_polygon(calexico.us_lat, calexico.us_lon, area.polygons[0])
    assert [b.id for b in blms_for(adv)] == ["calexico"]
    assert info.ends is None and adv.expires == _utc("2014-09-17T07:15:00-05:00")


CHECKS = {
    "nws-geojson/pynws_alerts_active_zone.json": check_zone,
    "nws-geojson/pynws_alerts_active_zone_second.json": check_zone_second,
    "cap12/oasis_v1dot2_appendix_adot1.xml": check_adot1,
    "cap12/oasis_v1dot2_appendix_adot2.xml": check_adot2,
    "cap12/oasis_v1dot2_appendix_adot3.xml": check_adot3,
    "cap12/oasis_v1dot2_appendix_adot4.xml": check_adot4,
    "cap12/nws_tsunami_cancellation_update.xml": check_tsunami,
    "nws-legacy-cap11/oasiscap_nws_blizzard_warning_2021_cap11.xml": check_blizzard,
    "nws-legacy-cap11/tnris_alerts_weather_gov_us_atom_2014-11-05.xml": check_legacy_index,
    "nws-geojson/captured/wwcollins_AZ_2021-08-27_tucson_excessive_heat.json": check_tucson,
    "nws-geojson/captured/wwcollins_CA_2021-08-24_imperial_excessive_heat.json": check_imperial,
    "nws-geojson/captured/wwcollins_CA_2021-08-25_imperial_excessive_heat_update.json": check_imperial_update,
    "nws-geojson/captured/wwcollins_TX_2021-08-24_webb_special_weather_statement.json": check_webb,
    "smn/kelvinn_smn_feed_2014_odile.xml": check_smn,
}


def test_every_alert_fixture_has_checks(fixtures):
    """A new fixture file must come with facts to check."""
    found = {p.relative_to(fixtures).as_posix() for p in fixtures.rglob("*") if p.suffix in {".xml", ".json"}}
    assert found == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_fixture_facts(fixtures, name):
    CHECKS[name](fixtures / name)


def test_nws_fixtures_are_geojson(fixtures):
    for path in (fixtures / "nws-geojson").glob("*.json"):
        assert json.loads(path.read_bytes())["type"] == "FeatureCollection"


def test_blizzard_is_cap11(fixtures):
    text = (fixtures / "nws-legacy-cap11/oasiscap_nws_blizzard_warning_2021_cap11.xml").read_text()
    assert "urn:oasis:names:tc:emergency:cap:1.1" in text
