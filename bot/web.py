"""The HTTP side: health, readiness, metrics, and the routes the edges mount."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import METRICS
from bot.store import keys

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", object)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when Redis answers and no platform rejected our credentials on its latest calls.
    Never calls Slack or Telegram itself."""
    rt = request.app[RUNTIME]
    problems = []
    try:
        await asyncio.wait_for(rt.redis.ping(), timeout=1.0)
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


def build_web_app(runtime, *, with_edges: bool = True) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    from bot.advisories import add_routes as add_advisory_routes  # GET /advisories/{id}.cap

    add_advisory_routes(app)
    board = getattr(runtime, "board", None)  # the operations board: GET /board and its pages
    if board is not None:
        app.add_routes(board.routes())
        app.on_shutdown.append(board.close)
    if with_edges:
        for edge in runtime.edges:
            edge.add_routes(app)
    return app


def build_worker_app(runtime) -> web.Application:
    """The worker's own port: liveness and metrics only."""
    app = web.Application()
    app[RUNTIME] = runtime
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app
