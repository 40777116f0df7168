"""One test per fact the December-2026 domain review (../shared/reviews/domain-2026-12.md) found
WRONG or missing, each naming its source; each fails on the value the playbooks had before."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from bot.directory import get_blm
from bot.engine.loader import PlaybookLibrary, event_matches, load_file
from bot.engine.schema import Text
from bot.simulate import simulate

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = ROOT / "playbooks"
SMN_FIXTURE = ROOT.parent / "shared" / "fixtures" / "smn" / "kelvinn_smn_feed_2014_odile.xml"


def pb(name):
    return load_file(PLAYBOOKS / f"{name}.yaml").playbook


def all_text(playbook, lang: str) -> str:
    return "\n".join(_texts(playbook.model_dump(), lang))


def _texts(node, lang):
    if isinstance(node, dict):
        if set(node) == {"en", "es"}:
            yield node[lang]
            return
        for value in node.values():
            yield from _texts(value, lang)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, lang)


# ---- 1.1 bomb threat: NCTC Bomb Threat Stand-Off chart, https://odni.gov/nctc/index.html --------
def _row(lang: str, name: str) -> str:
    text = pb("bomb-threat").step("standoff").text.get(lang)
    return next(line for line in text.splitlines() if line.startswith(name))


def test_b11_suicide_vest_row_nctc():
    """B11 [NCTC]: suicide vest 110 ft (34 m) mandatory / 1,700 ft (518 m) preferred (was missing)."""
    assert _row("en", "Suicide vest") == "Suicide vest | 110 ft (34 m) | 1,700 ft (518 m)"
    assert _row("es", "Chaleco explosivo") == "Chaleco explosivo (atacante suicida) | 34 m (110 ft) | 518 m (1,700 ft)"


def test_b13_sedan_580_m_nctc():
    """B13 [NCTC]: sedan preferred 1,900 ft = 580 m (was 579 m)."""
    assert _row("en", "Sedan").endswith("1,900 ft (580 m)") and "579" not in _row("en", "Sedan")
    assert _row("es", "Automóvil sedán").endswith("580 m (1,900 ft)")


def test_b15_small_delivery_truck_1159_m_nctc():
    """B15 [NCTC]: "Small delivery truck", 3,800 ft = 1,159 m (was "moving / delivery", 1,158 m)."""
    assert _row("en", "Small delivery truck") == "Small delivery truck | 640 ft (195 m) | 3,800 ft (1,159 m)"
    assert _row("es", "Camión pequeño de reparto").endswith("1,159 m (3,800 ft)")
    assert "moving" not in pb("bomb-threat").step("standoff").text.en


def test_b16_container_truck_263_and_1555_m_nctc():
    """B16 [NCTC]: container / water truck 263 m / 1,555 m (was the 2006 chart's 262 m and 1,554 m)."""
    assert _row("en", "Container / water truck") == "Container / water truck | 860 ft (263 m) | 5,100 ft (1,555 m)"
    assert "262 m" not in pb("bomb-threat").step("standoff").text.es


def test_b18_nobody_outdoors_between_the_distances_nctc():
    """B18 [NCTC legend]: the preferred distance is mandatory for people outdoors; nobody outside,
    evacuees included, between the two distances; assembly points checked for secondary devices."""
    text = pb("bomb-threat").step("standoff").text
    assert "Preferred evacuation (mandatory for everyone outdoors)" in text.en
    assert "nobody stays outdoors there — not vehicle queues, not pedestrians, not people evacuating" in text.en
    assert "Anyone outdoors must be beyond the preferred distance" in text.en
    assert "Check assembly points for secondary devices" in text.en
    assert (
        "nadie permanece al aire libre en esa zona (ni filas de vehículos, ni peatones, ni personas evacuando)"
        in text.es
    )
    assert "or leave beyond the preferred distance" not in text.en  # the old, incomplete rule


def test_b19_evacuate_to_the_preferred_distance_outdoors_nctc_tripwire():
    """B19 [NCTC fn. 4; DHS TRIPwire]: outdoors means the preferred distance; check the assembly
    point for secondary devices (was "beyond the stand-off distance")."""
    text = pb("bomb-threat").step("evacuate").text
    assert "For anyone outdoors (queues, pedestrians, the assembly point) that is the preferred distance" in text.en
    assert "check the assembly point for secondary devices" in text.en
    assert "es la distancia preferente" in text.es and "artefactos secundarios" in text.es


FIVE_WITHOUT_A_US_POST = ["calexico", "douglas", "del-rio", "eagle-pass", "mcallen"]


@pytest.mark.parametrize("blm", FIVE_WITHOUT_A_US_POST)
def test_b20_no_us_consulate_in_mexicali_agua_prieta_acuna_reynosa_usembassy(blm):
    """B20 / A4 [https://mx.usembassy.gov/services/]: no US consulate in Mexicali, Agua Prieta,
    Ciudad Acuña or Reynosa; Piedras Negras has a consular agency. The templates use the directory's
    post instead of "the US consulate in {mx_city}"."""
    b = get_blm(blm)
    out = simulate(str(PLAYBOOKS / "bomb-threat.yaml"), blm=blm, params={"side": "mx"})
    assert f"Notify the US consulate in {b.mx_city}" not in out
    assert f"Notify {b.us_consulate_name('en')} and your chain of command." in out
    assert b.us_consulate.confirmed is False and "responsible for" in b.us_consulate_name("en")
    if blm == "eagle-pass":
        assert "Consular Agency in Piedras Negras" in b.us_consulate_name("en")


@pytest.mark.parametrize(
    "blm,post",
    [
        ("san-diego", "the US Consulate General in Tijuana"),
        ("nogales", "the US Consulate General in Nogales"),
        ("el-paso", "the US Consulate General in Ciudad Juárez"),
        ("laredo", "the US Consulate General in Nuevo Laredo"),
        ("brownsville", "the US Consulate General in Matamoros"),
    ],
)
def test_b20_verified_us_posts_usembassy(blm, post):
    """B20 [https://mx.usembassy.gov/services/]: the five verified consulates general."""
    assert get_blm(blm).us_consulate_name("en") == post


def test_a5_mexican_consulates_in_the_ten_us_cities():
    """A5 [beyondbordersnews, usembassy-mexico 2005, consulmex Laredo, prensa-latina, elmanana,
    elvallenoticias, diario.mx; Nogales and Douglas: docslib points of contact]: each US city has a
    Mexican consulate, used for the Mexican side's notices."""
    for blm in (
        "san-diego",
        "calexico",
        "nogales",
        "douglas",
        "el-paso",
        "del-rio",
        "eagle-pass",
        "laredo",
        "mcallen",
        "brownsville",
    ):
        b = get_blm(blm)
        assert b.mx_consulate.country == "mx" and b.mx_consulate.city == b.us_city.split(",")[0]
    out = simulate(str(PLAYBOOKS / "bomb-threat.yaml"), blm="douglas", params={"side": "us"}, lang="es")
    assert "Avisen al Consulado de México en Douglas y a su cadena de mando." in out


def test_a3_customs_administrator_anam_not_garita_administrator():
    """A3 / S-M3 [editorialgea.com.mx, empowerllc.net on ANAM]: "administrador de la aduana (ANAM)",
    not "administrador de la garita"."""
    es = all_text(pb("bomb-threat"), "es")
    assert "administrador de la garita" not in es
    assert es.count("administrador de la aduana (ANAM)") >= 3
    assert "Garita administrator" not in all_text(pb("bomb-threat"), "en")


@pytest.mark.parametrize("pid,step", [("cross-border-pursuit", "close-out"), ("migrant-search-rescue", "found")])
def test_a7_consular_notification_as_the_law_puts_it_state_department(pid, step):
    """A7 [travel.state.gov mandatory-notification list; CBP custody page]: told of the right; the
    consulate notified on request, always for mandatory-notification countries (was "consul notified")."""
    items = " ".join(i.text.en for i in pb(pid).step(step).items)
    assert "right to consular notification" in items
    assert "if they ask (always: mandatory-notification countries)" in items
    assert "Foreign nationals detained: consul notified" not in items
    es = " ".join(i.text.es for i in pb(pid).step(step).items)
    assert "derecho a" in es and "si lo piden" in es


# ---- 1.2 heat ---------------------------------------------------------------------------------
def test_desert_heat_index_caveat_nws_tables_and_psr():
    """§1.2 caveat [NWS heat-index table via r-p-r.co.uk; PSR HeatRisk-based warnings]: in the
    desert use the air temperature and HeatRisk; the heat index can read lower than the danger."""
    heat = pb("heat-wave")
    bands = heat.step("bands").text
    assert "In the desert, use the air temperature and NWS HeatRisk" in bands.en
    assert "En el desierto use la temperatura del aire y el HeatRisk del NWS" in bands.es
    assert "air temperature" in heat.step("heat-index").question.en
    assert "air temperature" in heat.step("band").question.en


# ---- 1.3 wildfire -----------------------------------------------------------------------------
def test_w1_ready_set_go_level_2_in_full_bend_or():
    """W1 [bendoregon.gov Ready-Set-Go guide]: "This may be the only notice you receive"; people who
    need more time, pets and livestock leave early."""
    text = pb("wildfire").step("levels").text
    assert "This may be the only notice you receive: if you feel unsafe, don't wait, leave." in text.en
    assert "pets and livestock" in text.en
    assert "Este puede ser el único aviso: si no se siente seguro, salga ya." in text.es


def test_w2_california_evacuation_warning_order_shelter_cal_oes():
    """W2 [Cal OES terminology, vcfd.org, calalerts.org]: San Diego and Calexico get Evacuation
    Warning / Evacuation Order / Shelter in place, not levels 1/2/3."""
    wildfire = pb("wildfire")
    ca = {c.value: c.label.en for c in wildfire.step("level-us-ca").choices}
    assert ca["warning"].startswith("Evacuation Warning") and ca["order"].startswith("Evacuation Order")
    assert ca["shelter"] == "Shelter in place"
    for blm, asked in (("san-diego", "level-us-ca"), ("calexico", "level-us-ca"), ("nogales", "level-us")):
        out = simulate(str(PLAYBOOKS / "wildfire.yaml"), blm=blm, answers={"closeout": "x"})
        assert f"question — {wildfire.step(asked).question.en}" in out, blm
    assert "California uses: Evacuation Warning" in simulate(str(PLAYBOOKS / "wildfire.yaml"), blm="calexico")


def test_w4_proteccion_civil_preventive_or_mandatory_evacuation():
    """W4 [no source for Ready-Set-Go in Mexico; the flood playbook's own terms]: Protección Civil
    orders "evacuación preventiva / obligatoria" (was levels 1/2/3)."""
    choices = {c.value: c.label.es for c in pb("wildfire").step("level-mx").choices}
    assert choices["preventive"] == "Evacuación preventiva" and choices["mandatory"] == "Evacuación obligatoria"
    assert "1" not in choices


def test_w5_fire_weather_watch_is_possible_not_forecast_weather_gov():
    """W5 / S-L11 [weather.gov/safety/wildfire-ww; forestry.ok.gov]: conditions possible in 12–72 h."""
    alert = pb("wildfire").step("alert").text
    assert "possible in the next 12 to 72 h" in alert.en and "posibles en las próximas 12 a 72 h" in alert.es
    assert "critical fire weather forecast" not in alert.en


def test_w6_n95_respirators_for_smoke_cdc():
    """W6 / S-M10 [CDC via verywellhealth]: N95 respirators, not masks or cubrebocas."""
    smoke = next(i for i in pb("wildfire").step("crossings").items if i.id == "smoke")
    assert smoke.text.en.startswith("N95 respirators") and "masks for staff" not in smoke.text.en
    assert smoke.text.es.startswith("Respiradores N95") and "cubrebocas al personal" not in smoke.text.es


def test_w8_the_wildfire_protection_agreement_doi():
    """W8 [DOI 2003 release]: the US–Mexico Wildfire Protection Agreement named."""
    item = next(i for i in pb("wildfire").step("coordination").items if i.id == "mutual-aid")
    assert "US–Mexico Wildfire Protection Agreement" in item.text.en


# ---- 1.4 triggers -----------------------------------------------------------------------------
def _lib():
    return PlaybookLibrary.load(PLAYBOOKS)


@pytest.mark.parametrize(
    "event",
    [
        "Extreme Cold Warning",
        "Extreme Cold Watch",
        "Cold Weather Advisory",
        "Freeze Warning",
        "Winter Storm Watch",
        "Winter Weather Advisory",
    ],
)
def test_s2_october_2024_cold_products_forecastwatch(event):
    """S2 [forecastwatch.com, NWS winter headline changes of 1 Oct 2024]: the cold products start
    the snow-and-cold playbook (there was no trigger)."""
    assert [lp.playbook.id for lp in _lib().for_advisory([event], "laredo")] == ["snow-storm"]


def test_s3_smn_aviso_de_frente_frio():
    """S3 [SMN CAP feed ids avisossmn-frentefrio-…]: "Aviso de Frente Frío" triggers, any case/accents."""
    for event in ("Aviso de Frente Frío", "AVISO DE FRENTE FRIO", "Aviso de Frente Frío No. 23"):
        assert [lp.playbook.id for lp in _lib().for_advisory([event], "el-paso")] == ["snow-storm"], event


def test_f6_smn_tropical_cyclone_notices_from_the_real_feed_entry():
    """F6 [the real SMN feed entry in ../shared/fixtures/smn/]: its CAP event starts the flood
    playbook, and so does the Atlantic notice, matched tolerantly."""
    root = ET.parse(SMN_FIXTURE).getroot()
    events = [e.text for e in root.iter("{urn:oasis:names:tc:emergency:cap:1.2}event")]
    assert events == ["Aviso de Ciclón Tropical en el Pacífico"]
    lib = _lib()
    for event in events + [
        "AVISO DE CICLON TROPICAL EN EL OCEANO ATLANTICO",
        "Aviso de Ciclón Tropical en el Océano Atlántico",
    ]:
        assert [lp.playbook.id for lp in lib.for_advisory([event], "brownsville")] == ["rainstorm-flood"], event


def test_trigger_matching_is_tolerant_but_whole_words():
    assert event_matches("AVISO DE CICLÓN  TROPICAL, en el Pacífico", "Aviso de Ciclon Tropical")
    assert event_matches("heat advisory", "Heat Advisory")
    assert not event_matches("Flash Flood Warning", "Flood Warning")
    assert not event_matches("Freeze Watch", "Freeze Warning")
    assert [lp.playbook.id for lp in _lib().for_advisory(["Flood Watch"], "laredo")] == []


# ---- §2.3 / S-H5 the draft public notice ---------------------------------------------------------
def _notice(**answers) -> str:
    out = simulate(
        str(PLAYBOOKS / "bomb-threat.yaml"), blm="nogales", params={"received": "phone", "side": "us"}, answers=answers
    )
    start = out.find("Draft public notice")
    return out[start : out.index("\n  → ", start)] if start >= 0 else ""


def test_public_notice_follows_the_recorded_decision():
    """§2.3: no notice unless a closure was recorded; "not credible" gives none; the crossing is
    said to be closed only when it was."""
    assert _notice() == ""  # nothing answered: no decision, no closure
    assert _notice(decision="none", closure="port") == ""  # judged not credible
    assert _notice(decision="search", closure="none") == ""
    port = _notice(decision="evacuate", closure="port", diversion="Mariposa")
    assert "The crossing is temporarily closed for a security incident. Use the Mariposa crossing" in port
    lanes = _notice(decision="search", closure="lanes", lanes="NB cars", diversion="ninguno")
    assert "Some lanes at the crossing are temporarily closed for a security incident: NB cars." in lanes
    assert "is temporarily closed" not in lanes


@pytest.mark.parametrize("diversion", ["none", "ninguno", "Ninguno", "no"])
def test_public_notice_never_pastes_a_placeholder(diversion):
    """S-H5: no "Please use not recorded", no "use ninguno"."""
    text = _notice(decision="evacuate", closure="port", diversion=diversion)
    assert text and "use " + diversion not in text.lower() and "Use el cruce" not in text
    timed_out = _notice(decision="evacuate", closure="lanes")  # lanes and diversion time out
    assert "not recorded" not in timed_out and "sin registro" not in timed_out
    assert "Siga las indicaciones de las autoridades." in timed_out


def test_free_text_defaults_are_given_in_both_languages():
    """S-H1: every free-text default with words is {en, es}; "not recorded" never reaches Spanish."""
    for path in sorted(PLAYBOOKS.glob("*.yaml")):
        for step in load_file(path).playbook.steps:
            default = getattr(step, "default", None)
            if isinstance(default, str) and not getattr(step, "choices", None):
                assert not any(ch.isalpha() for ch in default), (path.name, step.id)
            if isinstance(default, Text):
                assert default.en != default.es, (path.name, step.id)
