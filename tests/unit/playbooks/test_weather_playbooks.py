"""The four weather playbooks: valid, bilingual, start with no arguments, and carry the facts right."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.loader import PlaybookLibrary, load_file
from bot.engine.runs import resolve_params
from bot.engine.schema import AckStep, AskStep, ChecklistStep, EndStep, PostStep, Text
from bot.simulate import simulate

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = ROOT / "playbooks"
WEATHER = ["wildfire", "heat-wave", "snow-storm", "rainstorm-flood"]


def pb(name):
    return load_file(PLAYBOOKS / f"{name}.yaml").playbook


def texts(playbook):
    """Every Text of a playbook, with where it is."""
    out = [("title", playbook.title), ("summary", playbook.summary)]
    out += [(f"param {p.name}", p.label) for p in playbook.parameters]
    for s in playbook.steps:
        for attr in ("title", "text", "question"):
            value = getattr(s, attr, None)
            if isinstance(value, Text):
                out.append((f"{s.id}.{attr}", value))
        for item in getattr(s, "items", None) or []:
            out.append((f"{s.id}.{item.id}", item.text))
        for choice in getattr(s, "choices", None) or []:
            out.append((f"{s.id}.{choice.value}", choice.label))
    return out


def test_validate_cli_passes_on_the_weather_playbooks():
    files = [str(PLAYBOOKS / f"{n}.yaml") for n in WEATHER]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", *files], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", WEATHER)
def test_every_text_exists_in_both_languages_and_differs(name):
    playbook = pb(name)
    assert playbook.id == name
    for where, text in texts(playbook):
        assert text.en.strip() and text.es.strip(), where
    # Spanish is written, not copied: the long texts differ between the languages
    for where, text in texts(playbook):
        if len(text.en) > 30:
            assert text.en != text.es, where


@pytest.mark.parametrize("name", WEATHER)
def test_starts_with_no_arguments_and_renders_with_defaults(name):
    playbook = pb(name)
    assert all(not p.required for p in playbook.parameters)
    assert resolve_params(playbook, None) == playbook.defaults()
    out = simulate(str(PLAYBOOKS / f"{name}.yaml"), blm="el-paso")
    assert "! " not in out.split("End of simulation")[1], out  # no template problems
    assert "{{" not in out and "{%" not in out


@pytest.mark.parametrize("name", WEATHER)
def test_shape_alert_sides_checklists_acks_decisions_closeout(name):
    playbook = pb(name)
    steps = playbook.steps
    assert isinstance(steps[0], PostStep) and steps[0].to == ["blm"]
    posts = [s for s in steps if isinstance(s, PostStep)]
    assert any(s.to == ["us"] for s in posts) and any(s.to == ["mx"] for s in posts)
    assert any(s.to == ["central"] for s in posts)
    checklists = [s for s in steps if isinstance(s, ChecklistStep)]
    assert len(checklists) >= 2 and all(i.owner for c in checklists for i in c.items)
    acks = [s for s in steps if isinstance(s, AckStep)]
    assert {tuple(a.to) for a in acks} == {("us",), ("mx",)}
    assert all(a.escalate_to == "central" and a.within <= 30 * 60 for a in acks)
    decisions = [s for s in steps if isinstance(s, AskStep) and s.id.startswith("decide-")]
    assert len(decisions) >= 2
    for d in decisions:  # a person's decision: asked of the named authority, never taken by the bot
        assert d.role == "coordinator" and d.default == "pending/pendiente"
        assert "decide" in d.question.en and "Decisión" in d.question.es
    assert steps[-2].id == "closeout" and isinstance(steps[-2], AskStep) and steps[-2].timeout is None
    assert isinstance(steps[-1], EndStep)


def test_advisory_triggers_match_nws_and_smn_names():
    lib = PlaybookLibrary.load(PLAYBOOKS)
    ids = lambda *events: [lp.playbook.id for lp in lib.for_advisory(list(events), "el-paso")]  # noqa: E731
    for event in (
        "Extreme Heat Warning",
        "Excessive Heat Warning",
        "Extreme Heat Watch",
        "Excessive Heat Watch",
        "Heat Advisory",
        "Aviso de Onda de Calor",
        "Onda de Calor",
        "onda de calor",
    ):
        assert ids(event) == ["heat-wave"], event
    for event in ("Red Flag Warning", "Fire Weather Watch"):
        assert ids(event) == ["wildfire"], event
    for event in ("Winter Storm Warning", "Blizzard Warning", "Aviso de Tormenta Invernal"):
        assert ids(event) == ["snow-storm"], event
    for event in ("Flash Flood Warning", "Flood Warning", "Aviso de Lluvias Intensas", "Lluvias Torrenciales"):
        assert ids(event) == ["rainstorm-flood"], event
    assert ids("Flood Watch") == [] and ids("Tornado Warning") == []


def f_to_c(f: float) -> int:
    return round((f - 32) * 5 / 9)


def test_heat_index_bands_in_f_and_c():
    playbook = pb("heat-wave")
    bands = playbook.step("bands").text
    expected_en = [("Caution", 80, 90), ("Extreme Caution", 90, 103), ("Danger", 103, 124)]
    expected_es = [("Precaución", 80, 90), ("Precaución extrema", 90, 103), ("Peligro", 103, 124)]
    for text, expected in ((bands.en, expected_en), (bands.es, expected_es)):
        for name, lo, hi in expected:
            assert f"{name}: {lo}–{hi} °F ({f_to_c(lo)}–{f_to_c(hi)} °C)" in text.splitlines(), name
    assert (f_to_c(80), f_to_c(90), f_to_c(103), f_to_c(124), f_to_c(125)) == (27, 32, 39, 51, 52)
    assert "Extreme Danger: 125 °F and above (52 °C and above)" in bands.en
    assert "Peligro extremo: 125 °F o más (52 °C o más)" in bands.es
    band = playbook.step("band")
    labels = {c.value: (c.label.en, c.label.es) for c in band.choices}
    assert labels["80-90"] == ("Caution 80–90 °F (27–32 °C)", "Precaución 80–90 °F (27–32 °C)")
    assert labels["90-103"] == ("Extreme Caution 90–103 °F (32–39 °C)", "Precaución extrema 90–103 °F (32–39 °C)")
    assert labels["103-124"] == ("Danger 103–124 °F (39–51 °C)", "Peligro 103–124 °F (39–51 °C)")
    assert labels["125+"] == ("Extreme Danger ≥125 °F (≥52 °C)", "Peligro extremo ≥125 °F (≥52 °C)")


def test_heatrisk_levels_0_to_4():
    playbook = pb("heat-wave")
    choices = playbook.step("heatrisk").choices
    assert [c.value for c in choices] == ["0", "1", "2", "3", "4", "?"]
    assert [c.label.en for c in choices[:5]] == [
        "0 – Little or none",
        "1 – Minor",
        "2 – Moderate",
        "3 – Major",
        "4 – Extreme",
    ]
    assert [c.label.es for c in choices[:5]] == [
        "0 – Poco o nulo",
        "1 – Menor",
        "2 – Moderado",
        "3 – Alto",
        "4 – Extremo",
    ]
    bands = playbook.step("bands").text
    assert "HeatRisk: 0 little or none · 1 minor · 2 moderate · 3 major · 4 extreme" in bands.en
    assert "HeatRisk: 0 poco o nulo · 1 menor · 2 moderado · 3 alto · 4 extremo" in bands.es
    assert playbook.param("heatrisk").choices == ["unknown", "0", "1", "2", "3", "4"]


def test_ready_set_go_levels_1_2_3_in_both_languages():
    playbook = pb("wildfire")
    levels = playbook.step("levels").text
    en = levels.en.splitlines()
    es = levels.es.splitlines()
    assert en[0].startswith("Level 1 – READY: prepare")
    assert en[1].startswith("Level 2 – SET:") and "leave at a moment's notice" in en[1]
    assert "This may be the only notice you receive" in en[1]
    assert en[2] == "Level 3 – GO: leave now."
    assert es[0].startswith("Nivel 1 – PREPÁRESE:")
    assert es[1].startswith("Nivel 2 – ESTÉ LISTO PARA SALIR:") and "Este puede ser el único aviso" in es[1]
    assert es[2].startswith("Nivel 3 – ¡SALGA YA!: evacúe de inmediato")
    choices = {c.value: c.label for c in playbook.step("level-us").choices}
    assert choices["1"].en == "1 – Ready: prepare" and choices["1"].es == "1 – Prepárese"
    assert choices["2"].en.startswith("2 – Set") and choices["2"].es == "2 – Esté listo para salir"
    assert choices["3"].en == "3 – Go: leave now" and choices["3"].es == "3 – ¡Salga ya!"
    out = simulate(str(PLAYBOOKS / "wildfire.yaml"), blm="san-diego", params={"level": "3"})
    assert "Evacuation level in force: 3 GO" in out
    assert "Nivel de evacuación vigente: 3 ¡SALGA YA!" in out


def test_heat_wave_parameters_prefill_the_alert():
    out = simulate(
        str(PLAYBOOKS / "heat-wave.yaml"),
        blm="el-paso",
        params={"advisory": "Extreme Heat Warning", "heat_index_f": "113", "heatrisk": "4"},
    )
    assert "Heat index forecast: up to 113 °F (45 °C)" in out
    assert "Índice de calor pronosticado: hasta 113 °F (45 °C)" in out
    assert "NWS HeatRisk: 4 of 4" in out and "HeatRisk del NWS: 4 de 4" in out


# ---- `python -m bot simulate <id>`: a stable, readable part of the output ----------------------
def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


SIM_EXPECTED = {
    "heat-wave": """\
  → US slack (en): HEAT WAVE – El Paso, TX – Ciudad Juárez, Chih. — Extreme heat in El Paso, TX and Ciudad Juárez, Chih.
People crossing the desert on foot run the highest risk of heat stroke and death.
  → MX telegram (es): ONDA DE CALOR – Ciudad Juárez, Chih. – El Paso, TX — Calor extremo en Ciudad Juárez, Chih. y El Paso, TX
Las personas que cruzan el desierto a pie corren el mayor riesgo de golpe de calor y de muerte.
""",
    "wildfire": """\
  → US slack (en): WILDFIRE – El Paso, TX – Ciudad Juárez, Chih. — Fire danger for El Paso, TX and Ciudad Juárez, Chih.
Red Flag Warning: critical fire weather now or soon. Fire Weather Watch: critical fire weather possible in the next 12 to 72 h.
  → MX telegram (es): INCENDIO FORESTAL – Ciudad Juárez, Chih. – El Paso, TX — Peligro de incendio para Ciudad Juárez, Chih. y El Paso, TX
Bandera Roja (Red Flag Warning): condiciones críticas de incendio ahora o en breve. Vigilancia por condiciones de incendio (Fire Weather Watch): condiciones críticas posibles en las próximas 12 a 72 h.
""",
    "snow-storm": """\
  → US slack (en): SNOW STORM – El Paso, TX – Ciudad Juárez, Chih. — Snow, ice and dangerous cold for El Paso, TX and Ciudad Juárez, Chih.
Expect road and crossing closures. People stranded on roads or in the mountains and desert are at risk of hypothermia.
  → MX telegram (es): TORMENTA INVERNAL – Ciudad Juárez, Chih. – El Paso, TX — Nieve, hielo y frío peligroso para Ciudad Juárez, Chih. y El Paso, TX
Se esperan cierres de carreteras y cruces. Las personas varadas en carreteras, en la sierra o en el desierto corren riesgo de hipotermia.
""",
    "rainstorm-flood": """\
  → US slack (en): RAINSTORM AND FLOOD – El Paso, TX – Ciudad Juárez, Chih. — Flooding danger for El Paso, TX and Ciudad Juárez, Chih.
Flash floods rise in minutes in arroyos and at low-water crossings. 6 inches of moving water can knock an adult down; 12 inches can carry a car away. Turn around, don't drown.
  → MX telegram (es): LLUVIAS INTENSAS E INUNDACIÓN – Ciudad Juárez, Chih. – El Paso, TX — Peligro de inundación para Ciudad Juárez, Chih. y El Paso, TX
Las crecientes súbitas suben en minutos en arroyos y vados. 15 cm de agua en movimiento pueden derribar a una persona adulta; 30 cm pueden arrastrar un automóvil. No cruce corrientes de agua: dé la vuelta.
""",
}


@pytest.mark.parametrize("name", WEATHER)
def test_simulate_output_is_readable_and_stable(name):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", name, "--blm", "el-paso", "--answer", "closeout=All clear"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "PLAYBOOKS_DIR": str(PLAYBOOKS)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"Simulation of {name} v2 for El Paso, TX – Ciudad Juárez, Chih. (virtual clock)\n")
    assert "2026-07-01 12:00:00 UTC · 2026-07-01 06:00:00 MDT · 2026-07-01 06:00:00 MDT" in out
    first = out.index("  → US slack (en): ", out.index("  → central telegram"))
    alert = out[first : out.index("  → ", out.index("  → MX telegram (es): ", first) + 5)]
    assert alert == SIM_EXPECTED[name]
    # nobody acknowledges: a reminder in each side's room at 15 min, the central room at 25 min
    assert re.search(r"12:15:00 UTC.*\n  ! → MX telegram \(es\): ELP-0001: RECORDATORIO 1/1", out)
    assert (
        "!! → central slack (en): ESCALATION ELP-0001 (El Paso, TX – Ciudad Juárez, Chih.): not acknowledged after 25 min — Mexican side:"
        in out
    )
    assert (
        "!! → central slack (en): ESCALATION ELP-0001 (El Paso, TX – Ciudad Juárez, Chih.): not acknowledged after 25 min — US side:"
        in out
    )
    assert "Sin respuesta a tiempo; se continúa con: Decisión pendiente" in out  # the label, not the value
    assert out.rstrip().endswith("End of simulation: status steps done, open.")
