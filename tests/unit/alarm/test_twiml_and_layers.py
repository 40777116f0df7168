"""The call's TwiML, the fake's signatures against the library's, and a core without twilio."""

from __future__ import annotations

import ast
from pathlib import Path

from twilio.request_validator import RequestValidator

from bot.alarm import spell
from handlers.twilio import twiml
from testing.fakes.twilio_api import gather_action, spoken, twilio_signature

ROOT = Path(__file__).resolve().parents[3]
RECORD = {
    "blm": "nogales",
    "incident": "NOG-0142",
    "lang": "es",
    "text": "Paquete sospechoso en la garita.",
    "drill": "",
}


def test_the_alert_speaks_the_step_text_in_the_persons_language_spells_the_incident_and_gathers_one_digit():
    doc = twiml.alert(RECORD, "https://bot.example.org/twilio/voice?t=abc")
    said = spoken(doc)
    assert {lang for lang, _ in said} == {"es-MX"}
    words = [text for _, text in said]
    assert "Incidente N, O, G, 0, 1, 4, 2." in words[0]
    assert words[1] == "Paquete sospechoso en la garita."
    assert "Oprima 1 para confirmar. Oprima 2 para escucharlo de nuevo." in words
    assert gather_action(doc) == "https://bot.example.org/twilio/voice?t=abc"
    assert 'numDigits="1"' in doc and 'voice="Polly.Mia"' in doc
    english = spoken(twiml.alert({**RECORD, "lang": "en", "drill": "1"}, "https://x"))
    assert english[0] == ("en-US", "This is an exercise.")


def test_spell_reads_one_character_at_a_time():
    assert spell("CAL-0007") == "C, A, L, 0, 0, 0, 7"


def test_the_fakes_signature_is_the_one_the_library_checks():
    params = {"CallSid": "CA1", "Digits": "1", "To": "+15205550101"}
    url = "https://bot.example.org/twilio/voice?t=abc"
    signature = twilio_signature("secret-token", url, params)
    assert RequestValidator("secret-token").validate(url, params, signature)
    assert not RequestValidator("other-token").validate(url, params, signature)
    assert not RequestValidator("secret-token").validate(url, {**params, "Digits": "2"}, signature)


def test_the_core_never_imports_twilio():
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "twilio"]
    assert offenders == []
