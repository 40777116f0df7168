"""The HTTP side: health, readiness, metrics, the domains' routes, and the routes the edges mount."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import METRICS
from bot.runtime import Runtime
from bot.store import keys

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when Redis answers and no platform rejected our credentials on its latest calls.
    Never calls Slack or Telegram itself."""
    rt = request.app[RUNTIME]
    problems = []
    try:
        await asyncio.wait_for(rt.redis.ping(), timeout=1.0)  # type: ignore[arg-type]  # redis-py: Awaitable[T] | T
        for platform in ("slack", "telegram"):
            reason = await asyncio.wait_for(rt.redis.get(keys.credentials_rejected(platform)), timeout=1.0)
            if reason:
                problems.append(f"{platform} rejected the bot's credentials: {reason}")
    except Exception as exc:  # any Redis failure means not ready
        problems.append(f"redis unreachable: {type(exc).__name__}")
    if problems:
        return web.json_response({"status": "unready", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(METRICS.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_web_app(runtime: Runtime, *, with_edges: bool = True) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_routes(runtime.routes())  # what the domains serve (GET /advisories/{id}.cap, ...)
    if with_edges:
        for edge in runtime.edges:
            edge.add_routes(app)
    return app


def build_worker_app(runtime: Runtime) -> web.Application:
    """The worker's own port: liveness and metrics only."""
    app = web.Application()
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
