"""The early listener: the port answers /healthz while the process starts, then the real app takes
the same port over; a taken port is refused, never shared."""

import asyncio
import errno
import socket
import threading

import aiohttp
import pytest
from aiohttp import web

from bot import cli
from bot.config import Settings
from bot.early import EarlyListener


async def _get(session: aiohttp.ClientSession, url: str, method: str = "GET") -> tuple[int, dict, dict]:
    async with session.request(method, url) as resp:
        return resp.status, await resp.json(), dict(resp.headers)


def _real_app() -> web.Application:
    async def ready(request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app = web.Application()
    app.router.add_get("/readyz", ready)
    return app


async def test_answers_alive_while_starting_then_hands_the_same_port_to_the_real_app():
    early = EarlyListener("127.0.0.1", 0)
    await early.start()
    port = early.bound_port
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        assert (await _get(session, base + "/healthz"))[:2] == (200, {"status": "alive"})
        status, body, _ = await _get(session, base + "/readyz")
        assert (status, body) == (503, {"status": "starting"})
        status, _, headers = await _get(session, base + "/slack/events", "POST")
        assert status == 503 and headers["Retry-After"] == "1"  # Slack and Telegram resend

        seen_during_setup = []
        app = _real_app()

        async def on_startup(app: web.Application) -> None:  # the real app is being set up
            seen_during_setup.append((await _get(session, base + "/readyz"))[:2])

        app.on_startup.append(on_startup)
        runner = await early.hand_over(app)
        try:
            assert seen_during_setup == [(503, {"status": "starting"})]  # the port was held meanwhile
            assert (await _get(session, base + "/readyz"))[:2] == (200, {"status": "ready"})
            # the same port, also when it was picked by the system (WORKER_PORT=0)
            assert [address[1] for address in runner.addresses] == [port]
        finally:
            await runner.cleanup()


async def test_a_taken_port_is_refused_even_to_another_copy_of_the_bot():
    first = EarlyListener("127.0.0.1", 0)
    await first.start()
    port = first.bound_port
    try:
        with pytest.raises(OSError) as raised:
            await EarlyListener("127.0.0.1", port).start()
        assert raised.value.errno == errno.EADDRINUSE
        runner = await first.hand_over(_real_app())  # and once the real app has it
        try:
            with pytest.raises(OSError) as raised:
                await EarlyListener("127.0.0.1", port).start()
            assert raised.value.errno == errno.EADDRINUSE
        finally:
            await runner.cleanup()
    finally:
        await first.close()
    again = EarlyListener("127.0.0.1", port)  # released on stop
    await again.start()
    await again.close()


class _FakeRuntime:
    closed = False

    async def close(self) -> None:
        self.closed = True


async def test_a_stop_during_start_up_starts_nothing_and_frees_the_port(monkeypatch, tmp_path):
    """SIGTERM while the runtime is being built: the build finishes, nothing is started (no edge,
    no webhook, no loop), the runtime is closed and the port released."""
    release, building = threading.Event(), threading.Event()
    runtime = _FakeRuntime()

    def slow_build(settings, deployment, dialer):
        building.set()
        assert release.wait(30)
        return runtime

    apps_made = []

    def make_app(rt):
        apps_made.append(rt)
        return _real_app()

    monkeypatch.setattr(cli, "_runtime_with_edges", slow_build)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(_env_file=None, blm_config=None, host="127.0.0.1", worker_port=port)
    stop = asyncio.Event()
    starting = asyncio.create_task(cli._start(settings, port, "WORKER_PORT", stop, make_app))
    assert await asyncio.to_thread(building.wait, 30)
    async with aiohttp.ClientSession() as session:
        assert (await _get(session, f"http://127.0.0.1:{port}/healthz"))[0] == 200  # alive while building
    stop.set()  # what the SIGTERM handler does
    release.set()
    assert await asyncio.wait_for(starting, 30) is None
    assert runtime.closed and apps_made == []  # the real app never took the port
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # the port is free again
