"""A fake api.weather.gov (and CAP feed host) on 127.0.0.1, for tests.

- `GET /alerts/active?status=actual&point=lat,lon`: the alerts set for that point (a sequence: each
  `set_point` replaces what is served; `load_fixture` serves a recorded file from the shared
  fixtures), an empty FeatureCollection for any other point.
- Requires the expected `User-Agent` (403 problem+json otherwise), as NWS does.
- `Last-Modified` / `ETag` per content version; `If-Modified-Since` / `If-None-Match` of the current
  version get 304.
- `fail_next(path_or_point, status, problem=True)`: the next request(s) get that status, with an
  `application/problem+json` body when asked.
- `GET /feeds/{name}`: CAP / Atom XML set with `set_feed`, with the same conditional behaviour.
Every request is recorded in `requests` (path, query, headers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from aiohttp import web

REPO_ROOT = Path(__file__).resolve().parents[2]


def fixtures_dir() -> Path:
    """`<checkout>/../shared/fixtures` (relative to the checkout, never an absolute path)."""
    candidate = (REPO_ROOT / ".." / "shared" / "fixtures").resolve()
    if candidate.is_dir():
        return candidate
    raise FileNotFoundError(f"shared fixtures not found at {candidate}")


@dataclass
class _Doc:
    body: bytes
    content_type: str
    version: int

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'

    @property
    def last_modified(self) -> str:
        # one second per version from a fixed epoch: distinct, ordered, HTTP-date formatted
        return formatdate(1_780_000_000 + self.version, usegmt=True)


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0


@dataclass
class FakeNWS:
    user_agent: str = "blm-bot-tests (ops@example.org)"
    points: dict[str, _Doc] = field(default_factory=dict)
    feeds: dict[str, _Doc] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    _version: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    # ---- content ----
    def _next(self) -> int:
        self._version += 1
        return self._version

    def set_point(self, point: str, features: list[dict] | dict) -> None:
        doc = (
            features
            if isinstance(features, dict)
            else {
                "@context": ["https://geojson.org/geojson-ld/geojson-context.jsonld"],
                "type": "FeatureCollection",
                "features": features,
                "title": "Current watches, warnings, and advisories",
            }
        )
        self.points[point] = _Doc(json.dumps(doc).encode(), "application/geo+json", self._next())

    def load_fixture(self, point: str, name: str) -> None:
        body = (fixtures_dir() / "nws-geojson" / name).read_bytes()
        self.points[point] = _Doc(body, "application/geo+json", self._next())

    def set_feed(self, name: str, xml: bytes | str, content_type: str = "application/atom+xml") -> None:
        body = xml.encode() if isinstance(xml, str) else xml
        self.feeds[name] = _Doc(body, content_type, self._next())

    def fail_next(self, target: str, status: int = 500, problem: bool = True, times: int = 1) -> None:
        """`target` is a point ('31.762,-106.485') or a feed name."""
        self.failures.setdefault(target, []).extend([(status, problem)] * times)

    def requests_for(self, target: str) -> list[Recorded]:
        return [r for r in self.requests if r.query.get("point") == target or r.path.endswith("/" + target)]

    # ---- server ----
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feed_url(self, name: str) -> str:
        return f"{self.url}/feeds/{name}"

    async def start(self) -> FakeNWS:
        app = web.Application()
        app.router.add_get("/alerts/active", self._alerts)
        app.router.add_get("/feeds/{name}", self._feed)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _alerts(self, request: web.Request) -> web.Response:
        rec = self._record(request)
        if request.headers.get("User-Agent") != self.user_agent:
            return self._done(rec, self._problem(403, "Forbidden", "A User-Agent identifying you is required"))
        if request.query.get("status") != "actual":
            return self._done(rec, self._problem(400, "Bad Request", "status=actual expected by this fake"))
        point = request.query.get("point", "")
        lat, _, lon = point.partition(",")
        if any(len(part.partition(".")[2]) > 4 for part in (lat, lon)):
            return self._done(rec, self._problem(400, "Bad Request", "point: more than 4 decimals"))
        failed = self._failure(point)
        if failed:
            return self._done(rec, failed)
        doc = self.points.get(point) or _Doc(
            json.dumps({"type": "FeatureCollection", "features": []}).encode(), "application/geo+json", 0
        )
        return self._done(rec, self._conditional(request, doc))

    async def _feed(self, request: web.Request) -> web.Response:
        rec = self._record(request)
        name = request.match_info["name"]
        failed = self._failure(name)
        if failed:
            return self._done(rec, failed)
        doc = self.feeds.get(name)
        if doc is None:
            return self._done(rec, web.Response(status=404, text="no such feed"))
        return self._done(rec, self._conditional(request, doc))

    def _record(self, request: web.Request) -> Recorded:
        rec = Recorded(request.path, dict(request.query), dict(request.headers))
        self.requests.append(rec)
        return rec

    @staticmethod
    def _done(rec: Recorded, response: web.Response) -> web.Response:
        rec.status = response.status
        return response

    def _failure(self, target: str) -> web.Response | None:
        queue = self.failures.get(target)
        if not queue:
            return None
        status, problem = queue.pop(0)
        if problem:
            return self._problem(status, "Unexpected Problem", "An unexpected problem has occurred.")
        return web.Response(status=status, text="upstream trouble")

    @staticmethod
    def _problem(status: int, title: str, detail: str) -> web.Response:
        body = {
            "correlationId": "fake-1234",
            "title": title,
            "type": "https://api.weather.gov/problems/x",
            "status": status,
            "detail": detail,
            "instance": "https://api.weather.gov/requests/fake-1234",
        }
        return web.Response(
            status=status, body=json.dumps(body).encode(), headers={"Content-Type": "application/problem+json"}
        )

    @staticmethod
    def _conditional(request: web.Request, doc: _Doc) -> web.Response:
        headers = {"Last-Modified": doc.last_modified, "ETag": doc.etag, "Cache-Control": "public, max-age=30"}
        if request.headers.get("If-None-Match") == doc.etag or (
            "If-None-Match" not in request.headers and request.headers.get("If-Modified-Since") == doc.last_modified
        ):
            return web.Response(status=304, headers=headers)
        return web.Response(body=doc.body, headers={**headers, "Content-Type": doc.content_type})
