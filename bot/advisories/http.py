"""HTTP route for advisories the bot issued: `GET /advisories/{identifier}.cap` (CAP 1.2 XML)."""

from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from bot.advisories.people import advisory_cap_xml

CAP_CONTENT_TYPE = "application/cap+xml"


def cap_routes(redis: Redis) -> list[web.RouteDef]:
    async def cap_document(request: web.Request) -> web.Response:
        try:
            body = await advisory_cap_xml(redis, request.match_info["identifier"])
        except KeyError:
            return web.json_response({"error": "no such advisory issued by this bot"}, status=404)
        return web.Response(body=body, headers={"Content-Type": f"{CAP_CONTENT_TYPE}; charset=utf-8"})

    return [web.get("/advisories/{identifier}.cap", cap_document)]
