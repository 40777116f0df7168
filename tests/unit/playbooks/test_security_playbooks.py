"""The security playbooks (bomb threat, pursuit, migrant search and rescue): valid, bilingual,
start with no arguments, carry the stand-off numbers, and simulate readably."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.engine.loader import load_file
from bot.engine.runs import resolve_params
from bot.engine.schema import Text
from bot.simulate import simulate
from bot.validate import validate_paths

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = ROOT / "playbooks"
IDS = ["bomb-threat", "cross-border-pursuit", "migrant-search-rescue"]


def path(pid: str) -> Path:
    return PLAYBOOKS / f"{pid}.yaml"


def texts(node, where="") -> list[tuple[str, Text]]:
    """Every Text in a parsed playbook, with where it is."""
    out = []
    if isinstance(node, Text):
        return [(where, node)]
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            out += texts(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            out += texts(item, f"{where}[{i}]")
    return out


def test_validate_command_passes_on_the_security_playbooks():
    files = [str(path(p)) for p in IDS]
    assert validate_paths(files) == ([], len(IDS))
    run = subprocess.run([sys.executable, "-m", "bot", "validate", *files], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("pid", IDS)
def test_every_text_exists_in_both_languages(pid):
    pb = load_file(path(pid)).playbook
    found = texts(pb)
    assert len(found) > 20
    for where, text in found:
        assert text.en.strip() and text.es.strip(), where
        if len(text.en) > 12:  # a Spanish text is written, not copied from the English one
            assert text.en != text.es, where


@pytest.mark.parametrize("pid", IDS)
def test_starts_with_no_arguments_and_declares_its_optional_parameters(pid):
    pb = load_file(path(pid)).playbook
    assert pb.id == pid
    assert all(not p.required and p.default is not None for p in pb.parameters)
    assert resolve_params(pb, None) == pb.defaults()
    assert pb.parameters, "an officer may pre-fill facts"


def test_bomb_threat_takes_the_crossing_as_a_parameter():
    pb = load_file(path("bomb-threat")).playbook
    assert resolve_params(pb, {"crossing": "Bridge of the Americas", "side": "US"})["side"] == "us"


# The NCTC chart's own rows (https://odni.gov/nctc/index.html): its metres are not a plain
# conversion of the feet (1,900 ft is 580 m there, not 579), so the test holds both as printed.
STANDOFF = [  # device (en, es), mandatory ft/m, preferred ft/m
    ("Pipe bomb", "Bomba de tubo", 70, 21, 1200, 366),
    ("Suicide vest", "Chaleco explosivo", 110, 34, 1700, 518),
    ("Briefcase", "Portafolio", 150, 46, 1850, 564),
    ("Sedan", "sedán", 320, 98, 1900, 580),
    ("SUV / van", "SUV / van", 400, 122, 2400, 732),
    ("Small delivery truck", "Camión pequeño de reparto", 640, 195, 3800, 1159),
    ("Container / water truck", "pipa de agua", 860, 263, 5100, 1555),
    ("Semi-trailer", "semirremolque", 1570, 479, 9300, 2835),
]


def _n(x: int) -> str:
    return f"{x:,}"


def test_stand_off_table_in_feet_and_metres_in_both_languages():
    pb = load_file(path("bomb-threat")).playbook
    step = pb.step("standoff")
    en_lines, es_lines = step.text.en.splitlines(), step.text.es.splitlines()
    assert len([line for line in en_lines if line.count("|") == 2]) == len(STANDOFF) + 1  # rows + heading
    for en_name, es_name, mand, m_mand, pref, m_pref in STANDOFF:
        en = next(line for line in en_lines if line.startswith(en_name))
        assert f"{_n(mand)} ft ({_n(m_mand)} m)" in en and f"{_n(pref)} ft ({_n(m_pref)} m)" in en, en
        es = next(line for line in es_lines if es_name in line)
        assert f"{_n(m_mand)} m ({_n(mand)} ft)" in es and f"{_n(m_pref)} m ({_n(pref)} ft)" in es, es


def test_bomb_threat_carries_the_call_taker_steps_questions_and_do_nots():
    pb = load_file(path("bomb-threat")).playbook
    items = {s.id: [i.text.en for i in s.items] for s in pb.steps if s.kind == "checklist"}
    assert {
        "call-taker",
        "questions",
        "voice",
        "background",
        "language",
        "written",
        "safety",
        "coordination",
        "close-out",
    } <= set(items)
    joined = " ".join(sum(items.values(), [])).lower()
    for fact in (
        "keep the caller talking",
        "never hang up",
        "911 from another phone",
        "exact words",
        "when will the bomb explode",
        "where is it",
        "what does it look like",
        "what kind",
        "what will cause it to explode",
        "did you place the bomb",
        "why",
        "name",
        "address",
        "radios or cell phones",
        "fire alarm",
        "touch",
        "counterpart port",
        "us consul",
        "mexican consul",
        "lanes",
        "diversion",
        "bilingual public notice",
        "reopening criterion",
        "one contact per side",
    ):
        assert fact in joined, fact
    lanes = next(i for i in pb.step("coordination").items if i.id == "lanes")
    for word in ("NB/SB", "pedestrian", "cargo", "rail"):
        assert word in lanes.text.en
    decision = pb.step("decision")
    assert decision.role == "coordinator" and "their decision" in decision.question.en
    assert {c.value for c in decision.choices} >= {"search", "evacuate", "shelter"}


def test_pursuit_and_sar_carry_their_facts():
    pursuit = load_file(path("cross-border-pursuit")).playbook
    facts = " ".join(i.text.en for i in pursuit.step("facts").items).lower()
    for fact in (
        "time",
        "crossing point or coordinates",
        "direction",
        "make, model and colour",
        "plates and issuing state",
        "number and description of suspects",
        "weapons",
        "offence",
        "hostages, minors or injured",
    ):
        assert fact in facts, fact
    assert pursuit.step("intercept-mx").to == ["mx"] and pursuit.step("intercept-us").to == ["us"]
    assert "consul" in pursuit.step("consular").text.en
    sar = load_file(path("migrant-search-rescue")).playbook
    every = " ".join(t.en for _, t in texts(sar)).lower()
    for fact in (
        "last known position",
        "minors",
        "medical",
        "water",
        "borstar",
        "grupo beta",
        "beacon",
        "consul",
        "hand-over",
        "death",
    ):
        assert fact in every, fact


# ---- simulate: a stable part of the output ---------------------------------------------------
def test_simulate_bomb_threat_head_and_escalation():
    out = simulate(str(path("bomb-threat")), blm="nogales", params={"crossing": "DeConcini", "side": "us"})
    lines = out.splitlines()
    assert lines[0] == "Simulation of bomb-threat v2 for Nogales, AZ – Nogales, Son. (virtual clock)"
    assert lines[2] == "2026-07-01 12:00:00 UTC · 2026-07-01 05:00:00 MST · 2026-07-01 05:00:00 MST"
    assert (
        "  → US slack (en): BOMB THREAT — DeConcini (Nogales, AZ – Nogales, Son.) — A bomb threat has been "
        "received at the US port concerning DeConcini" in out
    )
    assert "  → central telegram (es): AMENAZA DE BOMBA — DeConcini (Nogales, Son. – Nogales, AZ)" in out
    assert "  → MX telegram (es): NOG-0001: confirmen la recepción en menos de 3 min — Lado mexicano:" in out
    assert (
        "  !! → central slack (en): ESCALATION NOG-0001 (Nogales, AZ – Nogales, Son.): not acknowledged after "
        "5 min — Mexican side: confirm you have the bomb threat at the US port"
    ) in out
    assert (
        "Pipe bomb | 70 ft (21 m) | 1,200 ft (366 m)" in out
        and "Bomba de tubo | 21 m (70 ft) | 366 m (1,200 ft)" in out
    )


def test_simulate_pursuit_escalation_line():
    out = simulate(str(path("cross-border-pursuit")), blm="nogales", params={"pursuing": "us"})
    assert (
        out.splitlines()[0] == "Simulation of cross-border-pursuit v2 for Nogales, AZ – Nogales, Son. (virtual clock)"
    )
    assert (
        "PURSUIT TOWARD THE LINE — Nogales, AZ – Nogales, Son. — A pursuit by a US agency, heading south, is "
        "approaching the line" in out
    )
    assert "2026-07-01 12:05:00 UTC" in out
    assert (
        "  !! → central slack (en): ESCALATION NOG-0001 (Nogales, AZ – Nogales, Son.): not acknowledged after "
        "5 min — Mexican side: confirm you have the pursuit coming south"
    ) in out
    assert "        @ Central Desk" in out


def test_simulate_sar_escalation_and_death_notice_with_ack_all():
    out = simulate(str(path("migrant-search-rescue")), blm="nogales", answers={"outcome": "deaths"})
    assert (
        out.splitlines()[0] == "Simulation of migrant-search-rescue v2 for Nogales, AZ – Nogales, Son. (virtual clock)"
    )
    assert "  → US slack (en): SEARCH AND RESCUE — Nogales, AZ – Nogales, Son. — An unknown number of people" in out
    assert (
        "  !! → central slack (en): ESCALATION NOG-0001 (Nogales, AZ – Nogales, Son.): not acknowledged after "
        "15 min — BORSTAR and Grupo Beta: confirm you are deploying"
    ) in out
    assert "Death reported: notify the consulate" in out
    acked = simulate(
        str(path("migrant-search-rescue")), blm="nogales", answers={"outcome": "all-found"}, ack="all", lang="es"
    )
    assert "ESCALAMIENTO" not in acked and "ESCALATION" not in acked
    assert "Fin de la simulación" in acked


def test_simulate_command_line_prints_the_same():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "simulate",
            "bomb-threat",
            "--blm",
            "nogales",
            "--set",
            "side=mx",
            "--answer",
            "decision=shelter",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Simulation of bomb-threat v2 for Nogales")
    assert "not acknowledged after 5 min — US side: confirm you have the bomb threat on the Mexican side" in run.stdout
    assert "Decision recorded: SHELTER IN PLACE" in run.stdout
