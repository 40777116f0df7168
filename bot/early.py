"""Answer `/healthz` while the process is still starting.

Importing the platform libraries, loading the playbooks and building the runtime take a second or
more; a supervisor probing liveness meanwhile should hear "alive", not a refused connection. So the
port is opened first by a bare aiohttp app (aiohttp only, nothing else imported): `/healthz` 200,
`/readyz` 503 "starting", anything else 503 with Retry-After (Slack and Telegram resend).

The listening sockets are bound once, here, without SO_REUSEPORT: a port another process holds
(a second worker on 9090, even another copy of this bot) fails at once with EADDRINUSE. The real app
is then served from duplicates of the same sockets, started before the early server closes, so both
accept from one queue for a moment: no connection attempt is ever refused, none waiting is lost.
"""

from __future__ import annotations

import asyncio
import os
import socket

from aiohttp import web


async def _alive(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def _starting(request: web.Request) -> web.Response:
    return web.json_response({"status": "starting"}, status=503, headers={"Retry-After": "1"})


class EarlyListener:
    """The port while the process starts; `hand_over` gives it to the real app."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        app = web.Application()
        app.router.add_get("/healthz", _alive)
        app.router.add_route("*", "/{tail:.*}", _starting)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Bind and listen. Raises OSError (errno EADDRINUSE when the port is taken)."""
        await self._runner.setup()
        protocol = self._runner.server
        assert protocol is not None  # set by setup()
        try:
            self._server = await asyncio.get_running_loop().create_server(protocol, self.host, self.port, backlog=128)
        except OSError:
            await self._runner.cleanup()
            raise

    @property
    def bound_port(self) -> int:
        """The port really listened on (WORKER_PORT=0 picks one)."""
        assert self._server is not None and self._server.sockets
        return self._server.sockets[0].getsockname()[1]

    async def hand_over(self, app: web.Application) -> web.AppRunner:
        """Serve `app` on the same sockets, then close the early server. Returns the app's runner
        (its `cleanup()` stops it)."""
        assert self._server is not None
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        try:
            for listening in self._server.sockets:
                # socket.socket(fileno=...) takes ownership of the duplicate descriptor
                sock = socket.socket(listening.family, listening.type, fileno=os.dup(listening.fileno()))
                await web.SockSite(runner, sock).start()
        except BaseException:
            await runner.cleanup()
            raise
        await self.close()
        return runner

    async def close(self) -> None:
        """Stop the early server (again: a no-op)."""
        if self._server is not None:
            self._server.close()  # closes only the early descriptors; duplicates keep listening
            self._server = None
            await self._runner.cleanup()
