"""The commands that need no tokens and no Redis, run as a user would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(*args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=full_env
    )


def test_demo_shows_both_rooms():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "What Slack #blm-nogales saw" in result.stdout
    assert "What Telegram «BLM Nogales» saw" in result.stdout
    assert "Lo que puede hacer aquí" in result.stdout and "What you can do here" in result.stdout


def test_validate_reports_file_and_line(tmp_path):
    bad = tmp_path / "blm.yaml"
    bad.write_text("blms:\n  nogales:\n    telegram_chat: not-a-number\n")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: blms.nogales.telegram_chat" in result.stdout
    good = tmp_path / "good.yaml"
    good.write_text("blms:\n  nogales:\n    telegram_chat: -100\n")
    ok = run("validate", str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_serve_refuses_a_bad_config_without_traceback(tmp_path):
    bad = tmp_path / "blm.yaml"
    bad.write_text("blms:\n  atlantis:\n    slack_channel: C1\n")
    result = run("serve", env={"BLM_CONFIG": str(bad), "PORT": "0"}, timeout=60)
    assert result.returncode == 2
    assert f"{bad}:" in result.stderr and "atlantis" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_without_arguments_checks_the_shipped_files():
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_webhook_without_secret_refuses_to_start():
    result = run(
        "serve",
        env={
            "TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/webhook",
            "PORT": "0",
        },
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET is required" in result.stderr
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi" not in result.stderr + result.stdout  # no token in the output
