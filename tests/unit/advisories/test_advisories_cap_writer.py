from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from bot.advisories.cap import parse_cap_document
from bot.advisories.cap_writer import cap_time, to_cap_xml
from bot.advisories.model import Advisory, AdvisoryInfo, Area
from bot.advisories.nws import parse_nws_geojson

NASTY = 'Río Bravo <crecida> & "evacuación" \'ya\' ]]> \x07'


def people_advisory(**extra) -> Advisory:
    sent = datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=UTC)
    area = Area(
        desc="Puente Internacional <Paso del Norte> & alrededores",
        polygons=[[(31.80, -106.50), (31.80, -106.40), (31.70, -106.40), (31.70, -106.50)]],
        circles=[(31.69, -106.425, 5.0)],
        geocodes={"SAME": ["048141"], "UGC": ["TXC141"]},
    )
    common = dict(
        categories=["Safety"],
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        expires=sent + timedelta(hours=6),
        areas=[area],
        parameters={"semáforo": ["rojo"]},
    )
    fields = dict(
        source="people",
        identifier="ELP-ADV-2026-0001",
        sender="blm-bot@el-paso",
        sent=sent,
        status="Actual",
        msg_type="Alert",
    )
    return Advisory(
        **{**fields, **extra},
        infos=[
            AdvisoryInfo(
                language="en",
                event="Flash flooding & closures",
                headline="Flood <warning>",
                description=NASTY,
                instruction="Avoid low crossings & 'dips'",
                **common,
            ),
            AdvisoryInfo(
                language="es",
                event="Inundación repentina",
                headline="Aviso de inundación",
                description=NASTY,
                instruction="Evite los vados & cruces bajos",
                **common,
            ),
        ],
    )


def test_people_advisory_is_valid_bilingual_cap(cap_schema):
    xml = to_cap_xml(people_advisory())
    cap_schema.validate(xml.decode("utf-8"))
    text = xml.decode("utf-8")
    assert "Z<" not in text and not re.search(r"\d\d:\d\d\.\d", text)  # no Z, no fractions
    assert "<sent>2026-07-01T12:00:00-00:00</sent>" in text
    assert "&amp; closures" in text and "&lt;crecida&gt;" in text
    assert "\x07" not in text

    [back] = parse_cap_document(xml).advisories
    assert back.source == "cap" and back.identifier == "ELP-ADV-2026-0001"
    assert [i.language for i in back.infos] == ["en-US", "es-MX"]
    assert back.info_for("es").event == "Inundación repentina"
    assert back.info_for("en").event == "Flash flooding & closures"
    assert back.info_for("en").description == NASTY.replace("\x07", "").strip()
    assert back.info_for("en").areas[0].desc == "Puente Internacional <Paso del Norte> & alrededores"
    assert back.info_for("en").areas[0].polygons[0][-1] == (31.80, -106.50)  # ring closed on write
    assert back.info_for("en").areas[0].circles == [(31.69, -106.425, 5.0)]
    assert back.info_for("es").parameters == {"semáforo": ["rojo"]}


def test_update_references_written_as_triples(cap_schema):
    first = people_advisory()
    update = people_advisory(msg_type="Update", reference_details=[first.as_reference()])
    update = update.model_copy(update={"identifier": "ELP-ADV-2026-0002"})
    xml = to_cap_xml(update)
    cap_schema.validate(xml.decode())
    assert b"<references>blm-bot@el-paso,ELP-ADV-2026-0001,2026-07-01T12:00:00-00:00</references>" in xml
    [back] = parse_cap_document(xml).advisories
    assert back.chain_id == "ELP-ADV-2026-0001"


def test_nws_round_trip_is_valid_cap(fixtures, cap_schema):
    [nws] = parse_nws_geojson((fixtures / "nws-geojson/pynws_alerts_active_zone.json").read_bytes()).advisories
    xml = to_cap_xml(nws)
    cap_schema.validate(xml.decode())
    [back] = parse_cap_document(xml).advisories
    assert [i.language for i in back.infos] == ["en-US", "es-MX"]  # English text in both
    assert back.identifier == nws.identifier and back.sent == nws.sent
    assert back.msg_type == "Update" and back.chain_id == nws.chain_id
    assert back.references == nws.references
    en = back.info_for("en")
    assert en.event == "Flood Watch" and en.expires == nws.expires
    assert en.areas[0].geocodes == nws.infos[0].areas[0].geocodes
    assert en.parameters == nws.infos[0].parameters


def test_every_fixture_round_trips_valid(fixtures, cap_schema):
    count = 0
    for path in sorted(fixtures.rglob("*.xml")):
        for adv in parse_cap_document(path.read_bytes()).advisories:
            cap_schema.validate(to_cap_xml(adv).decode())
            count += 1
    assert count == 46  # 39 legacy Atom entries, 1 blizzard, 5 CAP 1.2 samples, 1 SMN entry


def test_values_outside_cap12_enums_are_mapped(cap_schema):
    adv = people_advisory()
    adv.infos[0].certainty = "Very Likely"  # CAP 1.1
    adv.infos[0].categories = ["Weather"]
    adv.infos[0].urgency = "Soon"
    xml = to_cap_xml(adv)
    cap_schema.validate(xml.decode())
    assert b"<certainty>Likely</certainty>" in xml and b"<category>Other</category>" in xml


def test_cap_time_form():
    assert (
        cap_time(datetime(2026, 7, 1, 6, 0, 0, 999, tzinfo=timezone(timedelta(hours=-6))))
        == "2026-07-01T12:00:00-00:00"
    )
