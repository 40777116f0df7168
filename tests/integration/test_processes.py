"""`serve` and `worker` as real processes: they answer health checks and stop cleanly on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 60.0) -> int:
    """The first 200 `url` answers, else (on timeout) the last status: /readyz answers 503
    "starting" while the process loads (its /healthz already answers then). Fails at once, with
    the process's output, if it exits first; on timeout says what it waited on and the last error."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate(timeout=5)
            raise AssertionError(f"the process exited ({proc.returncode}) before {url} answered:\n{err[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            last = exc.code
        except OSError as exc:
            last = exc
        time.sleep(0.05)  # polling a condition (the port opening, readiness) with a deadline
    if isinstance(last, int):
        return last
    raise TimeoutError(f"waited {timeout}s for {url} to answer (the process starting up); last: {last}")


TWILIO = {  # the telephone alarm on: its dialer is made at start-up (no call is placed here)
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-token",
    "TWILIO_FROM_NUMBER": "+15205550100",
    "TWILIO_API_URL": "http://127.0.0.1:9",
    "PUBLIC_URL": "https://bot.example.org",
}


@pytest.mark.parametrize(
    "command,port_var,path,extra",
    [
        (["serve"], "PORT", "/readyz", {}),
        (["worker"], "WORKER_PORT", "/healthz", {}),  # answered early: the stop may come during start-up
        (["worker"], "WORKER_PORT", "/metrics", TWILIO),  # answered by the real app only
    ],
)
def test_process_serves_health_and_stops_on_sigterm(command, port_var, path, extra, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_", "TWILIO_"))}
    env.update({port_var: str(port), "HOST": "127.0.0.1", "LOG_FORMAT": "json", "BLM_CONFIG": "", **extra})
    env["PYTHONPATH"] = str(ROOT)  # this checkout's bot, though the process runs elsewhere
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}{path}", proc) == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "embedded in-process store" in err  # the start-up line says state is not kept
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_second_worker_on_the_same_port_is_refused_not_sharing_it(tmp_path):
    """Two copies of the bot on one WORKER_PORT: the second says so and exits 2 (the port is
    bound without SO_REUSEPORT, so it is never silently shared); the first keeps running."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "REDIS_"))}
    env.update({"WORKER_PORT": str(port), "HOST": "127.0.0.1", "BLM_CONFIG": "", "PYTHONPATH": str(ROOT)})
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/healthz", first) == 200
        second = subprocess.run(
            [sys.executable, "-m", "bot", "worker"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 2, second.stderr
        assert f"port {port} on 127.0.0.1 (WORKER_PORT) is already in use" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.poll() is None
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=20)
        assert first.returncode == 0, err
    finally:
        if first.poll() is None:
            first.kill()
