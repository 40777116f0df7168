"""No English word of the bot's own reaches a Spanish room, for every shipped playbook with every
question left unanswered (timeouts and defaults included). Issuers' official English names and the
simulated people's names are allowed: see tests/unit/playbooks/spanish_check.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.simulate import simulate
from testing.spanish import english_words, room_lines

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = ROOT / "playbooks"
SHIPPED = sorted(p.stem for p in PLAYBOOKS.glob("*.yaml"))
# the simulator's people (their names are theirs, not the bot's words) and its `started_by`
PEOPLE = ("US Liaison", "Enlace MX", "US Coordinator", "Coordinación MX", "Central Desk", "simulate")


def _leaks(output: str) -> list[str]:
    return [f"{words}: {line}" for line in room_lines(output, "es") if (words := english_words(line, PEOPLE))]


def test_the_detector_finds_english_and_spares_spanish_and_official_names():
    assert english_words("Sin respuesta a tiempo; se continúa con: not recorded") == ["not", "recorded"]
    assert english_words("Carriles: not given. Please use the other crossing") == [
        "not",
        "given",
        "Please",
        "the",
        "other",
        "crossing",
    ]
    assert english_words("NOG-0001: question — Which side received the threat?")
    spanish = [
        "¿Usted colocó la bomba? No usen radios ni celulares; el coordinador decide.",
        "Bandera Roja (Red Flag Warning): condiciones críticas. Vigilancia (Fire Weather Watch).",
        "Advertencia de evacuación (Evacuation Warning, ≈ nivel 2); Resguardo en sitio (Shelter in place)",
        "Niveles de evacuación (Ready, Set, Go!) — Ciérrelo con /incident close; use el botón.",
        "Lista de verificación de NOG-0001: 0 de 5 completados. Allí se usó la fuerza.",
    ]
    for line in spanish:
        assert english_words(line) == [], line
    out = "\n".join(
        [
            "2026-07-01 12:00:00 UTC · 05:00 · 05:00",
            "  → US slack (en): Call-taker — keep the caller talking",
            "  → MX telegram (es): Quien recibe la llamada — Mantener a la persona hablando",
            "1. not recorded",
            "        ☐ Nunca colgar (enlace)",
            "  !! → central slack (en): ESCALATION",
        ]
    )
    assert room_lines(out, "es") == [
        "Quien recibe la llamada — Mantener a la persona hablando",
        "1. not recorded",
        "        ☐ Nunca colgar (enlace)",
    ]
    assert _leaks(out) == ["['not', 'recorded']: 1. not recorded"]


@pytest.mark.parametrize("pid", SHIPPED)
def test_simulate_es_ack_none_has_no_english_in_spanish_rooms(pid):
    """`python -m bot simulate <id> --lang es --ack none`, nothing answered."""
    run = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", pid, "--lang", "es", "--ack", "none", "--blm", "nogales"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PLAYBOOKS_DIR": str(PLAYBOOKS)},
    )
    assert run.returncode == 0, run.stderr
    assert "(es): " in run.stdout and "Fin de la simulación" in run.stdout
    assert _leaks(run.stdout) == []


@pytest.mark.parametrize("blm", ["calexico", "mcallen"])
@pytest.mark.parametrize("pid", SHIPPED)
def test_no_english_in_spanish_rooms_for_other_blms(pid, blm):
    """Branches that depend on the BLM (California terms, unconfirmed consulates) too."""
    out = simulate(pid, blm=blm, ack="none", lang="es", playbooks_dir=str(PLAYBOOKS))
    assert _leaks(out) == []
