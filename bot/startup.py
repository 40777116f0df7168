"""Answer `/healthz` while the process is still starting.

Importing the platform libraries, loading the playbooks and building the runtime take a second or
more; a supervisor probing liveness meanwhile should hear "alive", not a refused connection. So the
port is opened first by a bare aiohttp app (aiohttp only, nothing else imported): `/healthz` 200,
`/readyz` 503 "starting", anything else 503 with Retry-After (Slack and Telegram resend). When the
real app is built it starts listening on the same port (SO_REUSEPORT) *before* the early one stops,
so there is never a moment with nothing listening.
"""

from __future__ import annotations

from aiohttp import web


async def _alive(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def _starting(request: web.Request) -> web.Response:
    return web.json_response({"status": "starting"}, status=503, headers={"Retry-After": "1"})


class EarlyHealth:
    """The early listener; `hand_over` replaces it with the real app on the same port."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        app = web.Application()
        app.router.add_get("/healthz", _alive)
        app.router.add_route("*", "/{tail:.*}", _starting)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        self._site: web.TCPSite | None = None

    async def start(self) -> None:
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_port=True)
        await self._site.start()

    async def hand_over(self, app: web.Application) -> tuple[web.AppRunner, web.TCPSite]:
        """Start `app` on the port, then close the early listener. Returns the real runner and site."""
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_port=True)
        await site.start()
        await self._runner.cleanup()
        return runner, site
