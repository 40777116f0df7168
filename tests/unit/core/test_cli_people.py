"""The CLI for people: `--help` describes every option; `simulate` and `report` answer bad input
with one sentence in the person's language, never a traceback or a raw message key."""

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
COMMANDS = ["serve", "worker", "demo", "console", "validate", "simulate", "report", "schema", "verify"]


def run(*args, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_", "BLM_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, env=full_env
    )


def test_every_command_and_option_has_a_description():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(commands.choices) == sorted(COMMANDS)
    described = {c.dest: c.help for c in commands._choices_actions}
    assert all(described.get(name) for name in COMMANDS), described
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"{name} {action.option_strings or action.dest} is not described"
    assert "WORKER_PORT" in run("worker", "--help").stdout
    assert "python -m bot <command> --help" in run("--help").stdout


@pytest.mark.parametrize(
    "args,english,spanish",
    [
        (["simulate", "nope"], "There is no playbook nope.", "No existe el protocolo nope."),
        (
            ["simulate", "bomb-threat", "--blm", "atlantis"],
            "There is no BLM atlantis.",
            "No existe el mecanismo atlantis",
        ),
        (["simulate", "bomb-threat", "--set", "nope=1"], "has no parameter nope", "no tiene el parámetro nope"),
        (["simulate", "bomb-threat", "--set", "x"], "--set takes KEY=VALUE", "--set se escribe CLAVE=VALOR"),
        (["simulate", "bomb-threat", "--answer", "nope=1"], "asks no question nope", "no hace la pregunta nope"),
        (["report", "NOG-0001"], "set REDIS_URL", "indique REDIS_URL"),
        (["report", "nonsense"], "is not an incident id", "no es un id de incidente"),
    ],
)
def test_bad_input_is_a_sentence_in_the_persons_language(args, english, spanish):
    for lang, expected in (("en", english), ("es", spanish)):
        result = run(*args, "--lang", lang)
        assert result.returncode == 2
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and "engine." not in result.stderr


def test_report_says_when_redis_cannot_be_reached():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nobody listens there
    for fmt in ("md", "cap"):
        result = run(
            "report", "NOG-0001", "--format", fmt, "--lang", "es", env={"REDIS_URL": f"redis://127.0.0.1:{port}"}
        )
        assert result.returncode == 2, result.stderr
        assert "No se puede conectar con Redis" in result.stderr and "Traceback" not in result.stderr
