"""Event names in the room's language: the issuer's own Spanish name first, NWS's Spanish product
names for NWS's English-only alerts, never an English name in a Spanish room when one exists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.advisories.cap import parse_cap_document
from bot.advisories.model import Advisory, AdvisoryInfo
from bot.advisories.names import NWS_SPANISH, event_name, spanish_product_name
from bot.advisories.nws import parse_nws_geojson
from bot.advisories.publish import describe_changes, render
from bot.directory import get_blm
from bot.model import RoomRef
from bot.rooms import RoomInfo

US = RoomInfo(RoomRef(platform="slack", chat_id="C1"), "el-paso", "en")
MX = RoomInfo(RoomRef(platform="telegram", chat_id="-1"), "el-paso", "es")
T = datetime(2026, 7, 1, 12, tzinfo=UTC)


def _nws(event: str, ident: str = "x") -> Advisory:
    info = AdvisoryInfo(language="en-US", event=event, severity="Severe", expires=T + timedelta(hours=6))
    return Advisory(
        source="nws",
        identifier=ident,
        sender="w-nws.webmaster@noaa.gov",
        sent=T,
        status="Actual",
        msg_type="Alert",
        infos=[info],
    )


def test_the_issuers_own_spanish_info_is_used(fixtures):
    """cap12/oasis_v1dot2_appendix_adot4.xml: one alert, an en-US and an es-US <info>."""
    [adv] = parse_cap_document((fixtures / "cap12" / "oasis_v1dot2_appendix_adot4.xml").read_bytes()).advisories
    assert event_name(adv, "es") == "Abducción de Niño"
    assert event_name(adv, "en") == "Child Abduction"
    assert render(adv, get_blm("el-paso"), MX).title == "Alerta meteorológica: Abducción de Niño"


def test_nws_english_only_alerts_get_nws_spanish_product_names(fixtures):
    """nws-geojson/captured/wwcollins_AZ_2021-08-27_tucson_excessive_heat.json (English only)."""
    path = fixtures / "nws-geojson" / "captured" / "wwcollins_AZ_2021-08-27_tucson_excessive_heat.json"
    adv = parse_nws_geojson(path.read_bytes()).advisories[0]
    assert adv.infos[0].language == "en-US"
    assert event_name(adv, "es") == "Aviso de Calor Excesivo"
    assert event_name(adv, "en") == "Excessive Heat Warning"


def test_an_spanish_only_issuer_keeps_its_name_in_english_rooms(fixtures):
    """smn/kelvinn_smn_feed_2014_odile.xml: SMN writes es-419 only; nothing to translate from."""
    [adv] = parse_cap_document((fixtures / "smn" / "kelvinn_smn_feed_2014_odile.xml").read_bytes()).advisories
    assert event_name(adv, "es") == event_name(adv, "en") == "Aviso de Ciclón Tropical en el Pacífico"


@pytest.mark.parametrize("english,spanish", sorted(NWS_SPANISH.items()))
def test_no_english_event_name_in_a_spanish_room_when_a_spanish_name_exists(english, spanish):
    adv = _nws(english)
    title = render(adv, get_blm("el-paso"), MX).title
    assert title == f"Alerta meteorológica: {spanish}"
    assert english.lower() not in title.lower()
    assert render(adv, get_blm("el-paso"), US).title == f"Weather alert: {english}"


def test_names_are_matched_whatever_the_case_and_spacing_and_unknown_ones_are_kept():
    assert spanish_product_name("EXTREME  heat warning") == "Aviso de Calor Extremo"
    assert spanish_product_name("Tornado Emergency Drill") is None
    assert event_name(_nws("Hydrologic Outlook"), "es") == "Hydrologic Outlook"  # no NWS Spanish name known


def test_what_changed_names_the_event_in_spanish():
    old, new = _nws("Extreme Heat Watch"), _nws("Extreme Heat Warning", "y")
    changes = describe_changes(old, new, "es", get_blm("el-paso").mx_zone)
    assert "evento Vigilancia de Calor Extremo → Aviso de Calor Extremo" in changes
    assert "Heat" not in changes
