"""`python -m bot console` is a real local room: a whole bomb-threat run typed on stdin, replies,
buttons, time passing, both sides shown; and no line, file or option ends in a traceback."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

BOMB_THREAT_SESSION = """\
help
who
slack U0BOB: /playbook run bomb-threat
tg 5550002 press /Quien recibe/ Nunca colgar
tg 5550002 press /Quien recibe/ 911
slack U0BOB press /question/ US port
wait 4m
tg 5550002: /ack
tg 5550002 re /Dónde exactamente/: Puente DeConcini, carril 3, mochila negra junto a la caseta
slack U0BOB press last Evacuate
slack U0BOB re last: He said it goes off at noon, in Spanish, calm voice
slack U0BOB press last Some lanes closed
tg 5550001 re last: Carriles hacia el norte cerrados en DeConcini
slack U0BOB re last: Mariposa
slack U0BOB re last: Reopen after the sweep is clear
slack U0BOB press /Close-out/ All-clear
tg 5550001 press /Cierre/ 1
slack U0BOB re last: Backpack was empty; all lanes reopened at 11:40; no injuries.
slack U0BOB: /incident show
slack U0BOB: /incident close Backpack empty, lanes reopened
quit
"""


def console(stdin: str, *args, cwd=ROOT, env=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_", "BLM_"))}
    full_env.update({"PYTHONPATH": str(ROOT), **(env or {})})  # this checkout, whatever the cwd
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def test_a_bomb_threat_runs_to_its_end_on_stdin(tmp_path):
    result = console(BOMB_THREAT_SESSION, cwd=tmp_path)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in out + result.stderr and "that line failed" not in out
    assert "slack <user> re <post>: <text>" in out  # its own help
    assert "Luis Peña (liaison, Grupo Beta): tg 5550002" in out  # who
    # both sides see the run, each in its language
    assert "[Slack #blm-nogales]" in out and "[Telegram «BLM Nogales»]" in out
    assert "NOG-0001 started" in out and "NOG-0001 iniciado" in out
    # time passes: the unacknowledged step is escalated, then acknowledged
    assert "(4m later)" in out and "RECORDATORIO 1/1" in out
    assert "NOG-0001: acknowledged by Luis Peña" in out
    # answers by button and by reply, on both platforms; ticks by button
    assert "Decision recorded: EVACUATE" in out and "Decisión registrada: EVACUAR" in out
    assert "Answer place: Puente DeConcini, carril 3" in out
    assert "Answer summary: Backpack was empty; all lanes reopened at 11:40; no injuries." in out
    assert "Checklist call-taker: 2 of 5" in out and "Checklist close-out: 2 of 6" in out
    assert "NOG-0001: all playbook steps done" in out
    assert "NOG-0001 closed by Bob Carter" in out and "NOG-0001 cerrado por Bob Carter" in out


def test_bad_lines_get_a_sentence_and_the_console_goes_on():
    result = console(
        "bogus line\nslack U0BOB press 999 1\ntg 5550002 re 999: hola\nslack U0BOB:\nwait forever\n"
        "blm atlantis\nslack U0BOB: /help\n"
    )
    out = result.stdout
    assert result.returncode == 0 and "Traceback" not in out + result.stderr
    assert "not understood: 'bogus line'. Type `help`" in out
    assert "no slack post #999" in out or "no slack post 999" in out
    assert "no telegram post 999" in out
    assert "nothing to say" in out and "wait takes a duration" in out
    assert "BLMs here: nogales" in out
    assert "What you can do here" in out  # and the next line still works


def test_a_deployment_file_without_nogales_is_used_as_it_is(tmp_path):
    (tmp_path / "blm.yaml").write_text(
        "blms:\n  laredo:\n    slack_channel: C0LRD\n    telegram_chat: -100777\n"
        "people:\n  - {name: Eva, slack_user: U0EVA, role: coordinator, blms: [laredo]}\n"
    )
    result = console("who\nslack U0EVA: /playbook run bomb-threat\ntg 42: hola\n", cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    assert "Local console: Laredo, TX – Nuevo Laredo, Tamps. (people and rooms from blm.yaml)" in result.stdout
    assert "LRD-0001 started" in result.stdout and "[Telegram «BLM Laredo»]" in result.stdout
    refused = console("", "--blm", "nogales", cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "nogales is not in the deployment file; it configures: laredo" in refused.stderr


def test_choose_the_blm_without_a_deployment_file(tmp_path):
    result = console("slack U0BOB: /playbook drill heat-wave\n", "--blm", "juarez", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ELP-0001" in result.stdout and "[Slack #blm-el-paso]" in result.stdout
    bad = console("", "--blm", "atlantis", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown BLM 'atlantis'" in bad.stderr and "Traceback" not in bad.stderr


def test_a_broken_deployment_file_is_listed_not_raised(tmp_path):
    (tmp_path / "blm.yaml").write_text("blms:\n  atlantis:\n    slack_channel: C1\n")
    result = console("", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "blm.yaml:2: blms.atlantis: unknown BLM 'atlantis'" in result.stderr
