"""`serve` and `worker` say what is wrong at start, in one line, never a traceback."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from bot.config import Deployment, Settings
from bot.startup import check_startup

ROOT = Path(__file__).resolve().parents[3]


def run(*args, env, cwd=ROOT, timeout=60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_", "BLM_"))}
    full_env.update({"PYTHONPATH": str(ROOT), **env})  # this checkout, whatever the cwd
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env
    )


def test_telegram_rooms_without_a_token_refuse_to_start(tmp_path):
    config = tmp_path / "blm.yaml"
    config.write_text("blms:\n  nogales:\n    slack_channel: C0NOG\n    telegram_chat: -1003\n")
    result = run("worker", env={"BLM_CONFIG": str(config), "SLACK_BOT_TOKEN": "xoxb-1", "WORKER_PORT": "0"})
    assert result.returncode == 2
    assert "Telegram rooms are configured (nogales) but TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_worker_on_a_taken_port_says_so(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("worker", env={"WORKER_PORT": str(port), "HOST": "127.0.0.1"}, cwd=tmp_path)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 (WORKER_PORT) is already in use" in result.stderr
    assert "WORKER_PORT=9091" in result.stderr and "Traceback" not in result.stderr


def test_the_refusals_come_before_the_port(tmp_path):
    """A refused config says so (exit 2) before the port is opened, so a supervisor never hears
    "alive" from a process that will not run: on a taken port it is still the refusal that is said."""
    config = tmp_path / "blm.yaml"
    config.write_text("blms:\n  nogales:\n    telegram_chat: -1003\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("worker", env={"BLM_CONFIG": str(config), "WORKER_PORT": str(port), "HOST": "127.0.0.1"})
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "already in use" not in result.stderr and "Traceback" not in result.stderr


def test_no_deployment_file_is_said_at_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None, blm_config=None, playbooks_dir=tmp_path / "none")
    report = check_startup(settings, Deployment())
    assert not report.refusals
    assert any("no deployment file" in w and "serving 0 BLMs" in w for w in report.warnings)
    assert any("no playbooks in" in w for w in report.warnings)
