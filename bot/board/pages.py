"""The board's HTTP side: sign-in, pages, actions, the live event stream, and its security.

Every page and the event stream need a valid session (a page without one redirects to the sign-in
page, which shows nothing of the board; a form or the stream gets 401). Every form carries the
session's CSRF token and, when the browser sends an Origin, it must be ours; nothing changes on a
GET. Responses carry a Content-Security-Policy without inline script, refuse framing, and signed-in
pages are never cached.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.board import messages as _messages  # noqa: F401  (registers the texts)
from bot.board.actions import BoardActions, Refused, command_role
from bot.board.links import SignInLinks
from bot.board.live import LiveHub
from bot.board.messages import MESSAGES
from bot.board.sessions import COOKIE, SESSION_SECONDS, Session, Sessions
from bot.board.views import BoardViews, role_name, visible_blms
from bot.commands.registry import CommandSpec
from bot.config import PersonConfig, Settings
from bot.core import Core
from bot.domain import Loop
from bot.engine.evidence import incident_pdf
from bot.engine.report import build_report
from bot.engine.runs import Engine
from bot.i18n import t
from bot.store import keys

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC = {"board.js": "text/javascript", "board.css": "text/css"}
KEEPALIVE_SECONDS = 15.0
MAX_FORM_BYTES = 16 * 1024
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
ACTS = ("ack", "check", "answer", "sitrep", "close")

# Report downloads: format -> (content type, how to make it: the engine, the incident id, a language).


ReportMaker = Callable[[Engine, str, str], Awaitable[bytes]]


async def _report_text(engine: Engine, incident_id: str, lang: str, fmt: str) -> bytes:
    state = await engine.get(incident_id)
    if state is None:
        raise LookupError(incident_id)
    pb = await engine.playbook_for(state)
    return build_report(state, await engine.timeline(state.id), pb, fmt, lang).encode()


async def _report_md(engine: Engine, incident_id: str, lang: str) -> bytes:
    return await _report_text(engine, incident_id, lang, "md")


async def _report_json(engine: Engine, incident_id: str, lang: str) -> bytes:
    return await _report_text(engine, incident_id, lang, "json")


DEFAULT_REPORTS: dict[str, tuple[str, ReportMaker]] = {
    "md": ("text/markdown; charset=utf-8", _report_md),
    "json": ("application/json", _report_json),
    "pdf": ("application/pdf", incident_pdf),  # the ICS-214 activity log (bot/record/ics214.py)
}


R = TypeVar("R", bound=web.StreamResponse)


def secure(resp: R, *, private: bool = True) -> R:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    # a sign-in link's token never leaves in a Referer; "no-referrer" would make Chromium send
    # `Origin: null` on our own forms
    resp.headers["Referrer-Policy"] = "same-origin"
    if private:
        resp.headers["Cache-Control"] = "no-store"
    return resp


def redirect(location: str) -> web.Response:
    """303 See Other: after a form, the browser GETs the page again (no resubmission on reload)."""
    return secure(web.Response(status=303, headers={"Location": location}))


class Board:
    """The operations board's pages: construct with the core, the engine, the settings and the
    sign-in links of the /board command; mount `routes()`, and call `close()` on shutdown."""

    def __init__(
        self,
        core: Core,
        engine: Engine,
        settings: Settings,
        links: SignInLinks,
        report_formats: dict[str, tuple[str, ReportMaker]] | None = None,
    ):
        self.core = core
        self.engine = engine
        self.settings = settings
        self.redis: Any = core.redis
        self.links = links  # shared with the /board command (bot.board.signin)
        self.sessions = Sessions(self.redis)
        self.views = BoardViews(self.redis, core.rooms, engine)
        self.actions = BoardActions(core, engine)
        self.hub = LiveHub(self.redis)
        self.reports = dict(report_formats or DEFAULT_REPORTS)
        self.secure_cookie = not (settings.public_url or "").startswith("http://")
        self._streams: set[asyncio.Task] = set()
        self.commands: Sequence[CommandSpec] = ()  # /board is BoardSignIn's
        self.loops: Sequence[Loop] = ()
        self.jinja = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
        )

    # ---- wiring --------------------------------------------------------------------------
    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/board", self.overview),
            web.get("/board/sign-in", self.sign_in_page),
            web.get("/board/link/{token}", self.link_page),
            web.post("/board/link/{token}", self.link_use),
            web.post("/board/sign-out", self.sign_out),
            web.post("/board/lang", self.set_lang),
            web.get("/board/events", self.events),
            web.get("/board/static/{name}", self.static),
            web.get("/board/incident/{incident}", self.incident),
            web.get("/board/incident/{incident}/report.{fmt}", self.report),
            web.post("/board/incident/{incident}/{act}", self.act),
        ]

    async def close(self, app=None) -> None:
        """End the open event streams (a server shutting down would otherwise wait on them)."""
        for task in list(self._streams):
            task.cancel()

    # ---- helpers -------------------------------------------------------------------------
    async def _who(self, request: web.Request) -> tuple[Session, PersonConfig] | None:
        session = await self.sessions.load(request.cookies.get(COOKIE))
        if session is None:
            return None
        platform, _, user_id = session.person_key.partition(":")
        person = self.core.rooms.person(platform, user_id)
        if person is None:  # no longer in the config
            await self.sessions.end(session)
            return None
        return session, person

    def _origin_ok(self, request: web.Request) -> bool:
        """A browser's Origin, when sent, is this site's (PUBLIC_URL's or the Host it asked)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        allowed = {f"{request.scheme}://{request.host}"}
        if self.settings.public_url:
            parts = urlsplit(self.settings.public_url)
            allowed.add(f"{parts.scheme}://{parts.netloc}")
        return origin in allowed

    def _render(self, name: str, lang: str, *, status: int = 200, private: bool = True, **values) -> web.Response:
        html = self.jinja.get_template(name).render(
            lang=lang, tr=lambda key, **kw: t(key, lang, **kw), role_name=lambda r: role_name(r, lang), **values
        )
        return secure(web.Response(text=html, content_type="text/html", status=status), private=private)

    def _signed_out(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET" and request.path.startswith("/board") and request.path != "/board/events":
            return redirect("/board/sign-in")
        return secure(web.Response(status=401, text="sign in first\n"))

    def _lang_of(self, request: web.Request) -> str:
        accept = request.headers.get("Accept-Language", "").lower()
        return "es" if accept.startswith("es") else "en"

    async def _page_values(self, request: web.Request, session: Session, person: PersonConfig) -> dict:
        # a live refresh (board.js) leaves the notice for the page the browser is navigating to
        refresh = request.headers.get("X-Board-Refresh") == "1"
        return {
            "person": person,
            "csrf": session.csrf,
            "flash": "" if refresh else await self.sessions.pop_flash(session),
        }

    async def _form(self, request: web.Request, session: Session) -> dict | None:
        """The form's fields when it is ours (CSRF token and Origin), else None."""
        if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
            return None
        if not self._origin_ok(request):
            return None
        form = await request.post()
        if not session.csrf_ok(str(form.get("csrf", ""))):
            return None
        return {k: str(v) for k, v in form.items() if isinstance(v, str)}

    def _refused_csrf(self, lang: str) -> web.Response:
        log.info("board: refused a form without a valid CSRF token or from another origin")
        return self._render("message.html", lang, status=403, message=t("board.refused.csrf", lang))

    # ---- sign-in -------------------------------------------------------------------------
    async def sign_in_page(self, request: web.Request) -> web.Response:
        return self._render("signin.html", self._lang_of(request))

    async def _person_lang(self, person_key: str) -> str:
        """The person's /lang choice, else the config's language, else their platform's default."""
        platform, _, user_id = person_key.partition(":")
        chosen = await self.redis.get(keys.person_lang(platform, user_id))
        if chosen in ("en", "es"):
            return chosen
        person = self.core.rooms.person(platform, user_id)
        return (person.lang if person else None) or ("en" if platform == "slack" else "es")

    async def link_page(self, request: web.Request) -> web.Response:
        person_key = await self.links.peek(request.match_info["token"])
        if person_key is None:
            lang = self._lang_of(request)
            return self._render("signin.html", lang, status=410, message=t("board.signin.invalid", lang))
        return self._render("link.html", await self._person_lang(person_key), token=request.match_info["token"])

    async def link_use(self, request: web.Request) -> web.StreamResponse:
        lang = self._lang_of(request)
        if not self._origin_ok(request):
            return self._refused_csrf(lang)
        person_key = await self.links.consume(request.match_info["token"])
        platform, _, user_id = (person_key or "").partition(":")
        person = self.core.rooms.person(platform, user_id) if person_key else None
        if person is None:
            return self._render("signin.html", lang, status=410, message=t("board.signin.invalid", lang))
        session_id = await self.sessions.create(person_key or "", await self._person_lang(person_key or ""))
        log.info("board: %s signed in", person.name)
        resp = redirect("/board")
        resp.set_cookie(
            COOKIE,
            session_id,
            max_age=SESSION_SECONDS,
            path="/board",
            httponly=True,
            secure=self.secure_cookie,
            samesite="Lax",
        )
        return secure(resp)

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, _person = who
        if await self._form(request, session) is None:
            return self._refused_csrf(session.lang)
        await self.sessions.end(session)
        resp = self._render("signin.html", session.lang, message=t("board.signed_out", session.lang))
        resp.del_cookie(COOKIE, path="/board")
        return resp

    async def set_lang(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, _person = who
        form = await self._form(request, session)
        if form is None:
            return self._refused_csrf(session.lang)
        if form.get("lang") in ("en", "es"):
            await self.sessions.set_lang(session, form["lang"])
        back = form.get("next", "/board")
        if not back.startswith("/board") or "//" in back or "\\" in back:
            back = "/board"
        return redirect(back)

    # ---- pages ---------------------------------------------------------------------------
    async def overview(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, person = who
        view = await self.views.overview(person, session.lang)
        return self._render(
            "overview.html",
            session.lang,
            events="/board/events",
            here="/board",
            role=person.role,
            **view,
            **(await self._page_values(request, session, person)),
        )

    async def _visible_incident(self, request: web.Request, person: PersonConfig):
        incident_id = request.match_info["incident"].upper()
        if len(incident_id) > 16:
            return None
        state = await self.engine.get(incident_id)
        if state is None or state.blm_id not in visible_blms(self.core.rooms, person):
            return None
        return state

    async def incident(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, person = who
        state = await self._visible_incident(request, person)
        if state is None:
            return self._render("message.html", session.lang, status=404, message=t("board.not_found", session.lang))
        role = self.core.rooms.role(person, state.blm_id)
        view = await self.views.incident(state, role, session.lang)
        return self._render(
            "incident.html",
            session.lang,
            events=f"/board/events?incident={state.id}",
            here=f"/board/incident/{state.id}",
            inc=view,
            role=role,
            can_sitrep=state.is_open and role >= command_role(self.core.commands, "sitrep"),
            can_close=state.is_open and role >= command_role(self.core.commands, "incident", "close"),
            can_report=role >= command_role(self.core.commands, "incident", "report"),
            reports=[
                (fmt, t(f"board.inc.report_{fmt}", session.lang) if f"board.inc.report_{fmt}" in MESSAGES else fmt)
                for fmt in sorted(self.reports)
            ],
            **(await self._page_values(request, session, person)),
        )

    async def report(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, person = who
        state = await self._visible_incident(request, person)
        fmt = request.match_info["fmt"]
        if state is None or fmt not in self.reports:
            return self._render("message.html", session.lang, status=404, message=t("board.not_found", session.lang))
        role = self.core.rooms.role(person, state.blm_id)
        needed = command_role(self.core.commands, "incident", "report")
        if role < needed:
            text = t(
                "board.refused.role",
                session.lang,
                needed=role_name(needed, session.lang),
                role=role_name(role, session.lang),
            )
            return self._render("message.html", session.lang, status=403, message=text)
        content_type, make = self.reports[fmt]
        body = await make(self.engine, state.id, session.lang)
        resp = web.Response(body=body, headers={"Content-Type": content_type})
        resp.headers["Content-Disposition"] = f'attachment; filename="{state.id}.{fmt}"'
        return secure(resp)

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        resp = web.Response(body=(HERE / "static" / name).read_bytes(), headers={"Content-Type": STATIC[name]})
        resp.headers["Cache-Control"] = "no-cache"
        return secure(resp, private=False)

    # ---- acting --------------------------------------------------------------------------
    async def act(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, person = who
        lang = session.lang
        form = await self._form(request, session)
        if form is None:
            return self._refused_csrf(lang)
        act = request.match_info["act"]
        state = await self._visible_incident(request, person)
        if state is None or act not in ACTS:
            return self._render("message.html", lang, status=404, message=t("board.not_found", lang))
        try:
            if act == "ack":
                done = await self.actions.ack(person, state, form.get("step", ""), lang)
            elif act == "check":
                done = await self.actions.tick(
                    person, state, form.get("step", ""), form.get("item", ""), form.get("done") == "1", lang
                )
            elif act == "answer":
                done = await self.actions.answer(person, state, form.get("step", ""), form.get("answer", ""), lang)
            elif act == "sitrep":
                done = await self.actions.sitrep(person, session.person_key, state, form.get("text", ""), lang)
            else:
                done = await self.actions.close(person, state, form.get("note", "").strip(), lang)
        except Refused as exc:
            log.info("board: %s refused %s on %s: %s", person.name, act, state.id, exc.text)
            await self.sessions.set_flash(session, exc.text)
            return redirect(f"/board/incident/{state.id}")
        await self.sessions.set_flash(session, done)
        return redirect(f"/board/incident/{state.id}")

    # ---- live ----------------------------------------------------------------------------
    async def _still_signed_in(self, session: Session) -> bool:
        """False once the session is gone; while Redis cannot be asked, the stream stays open
        (it only ever says "refresh"; the refresh itself checks the session)."""
        try:
            return await self.sessions.alive(session)
        except Exception:
            return True

    async def events(self, request: web.Request) -> web.StreamResponse:
        who = await self._who(request)
        if who is None:
            return self._signed_out(request)
        session, person = who
        visible = set(visible_blms(self.core.rooms, person))
        only = (request.query.get("incident") or "").upper()[:16] or None
        resp = secure(web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}))
        await resp.prepare(request)
        queue = self.hub.open()
        task = asyncio.current_task()
        if task is not None:
            self._streams.add(task)
        try:
            await resp.write(b"retry: 2000\n\n")
            while True:
                try:
                    notice = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    if not await self._still_signed_in(session):
                        await resp.write(b"event: signed-out\ndata: {}\n\n")
                        break
                    await resp.write(b": keepalive\n\n")
                    continue
                if not notice.get("resync"):
                    if notice.get("blm") not in visible:
                        continue  # another BLM's news is not this person's to hear
                    if only and notice.get("inc") not in (only, None):
                        continue
                await resp.write(f"data: {json.dumps(notice)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.hub.close(queue)
            if task is not None:
                self._streams.discard(task)
        with contextlib.suppress(Exception):
            await resp.write_eof()
        return resp
