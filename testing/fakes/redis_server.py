"""A real ``redis-server`` child process for tests (no persistence, loopback only).

Started with ``--save "" --appendonly no --bind 127.0.0.1 --daemonize no`` on a free
port; ``start()`` returns once the server logged "Ready to accept connections" and
answers PING (waited on with a deadline, never by sleeping). ``stop()`` kills it by PID
(to imitate an outage); ``start()`` relaunches it on the same port, empty.
"""

from __future__ import annotations

import collections
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import redis

READY = "Ready to accept connections"


class RedisServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(
        self,
        binary: str | None = None,
        port: int | None = None,
        startup_timeout: float = 10.0,
        persistent: bool = False,
    ):
        """``persistent``: an append-only file fsynced on every write (``--appendonly yes
        --appendfsync always``) in the server's own temp dir, so a ``stop()`` (SIGKILL) and
        ``start()`` keeps every acknowledged write."""
        found = binary or shutil.which("redis-server")
        if not found:
            raise RedisServerError(
                "redis-server not found on PATH: install it (apt-get install redis-server) "
                "to run the tests that need a real Redis"
            )
        self.binary = found
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.persistent = persistent
        self.proc: subprocess.Popen | None = None
        self.log: collections.deque[str] = collections.deque(maxlen=200)
        self._dir = tempfile.mkdtemp(prefix="redis-test-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        if self.running:
            return
        self.log.clear()
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--save",
                "",
                "--appendonly",
                "yes" if self.persistent else "no",
                *(["--appendfsync", "always"] if self.persistent else []),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "no",
                "--dir",
                self._dir,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        ready = threading.Event()
        threading.Thread(target=self._drain, args=(self.proc, ready), daemon=True).start()
        if not ready.wait(self.startup_timeout) or not self.running:
            output = "\n".join(self.log)
            self.stop()
            raise RedisServerError(f"redis-server on port {self.port} did not become ready:\n{output}")
        with self.client() as client:
            answered = client.ping()
        if not answered:
            raise RedisServerError(f"redis-server on port {self.port} does not answer PING")

    def _drain(self, proc: subprocess.Popen, ready: threading.Event) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.log.append(line.rstrip())
            if READY in line:
                ready.set()
        ready.set()  # the process ended: let start() notice

    def stop(self, timeout: float = 10.0) -> None:
        """Kill the server by its PID and wait for it to exit."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout)

    def flushall(self) -> None:
        with self.client() as client:
            client.flushall()

    def wait_until_unreachable(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with self.client() as client:
                    client.ping()
            except redis.ConnectionError:
                return
        raise RedisServerError(f"redis on port {self.port} still answers after stop()")
