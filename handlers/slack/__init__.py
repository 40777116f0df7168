"""The Slack edge: slack-bolt AsyncApp on our aiohttp server (or Socket Mode), and the sender."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Core
from bot.metrics import METRICS
from bot.names import slack_profile_name
from bot.store import keys
from handlers.files import FileFetchers
from handlers.slack import listeners
from handlers.slack.files import SlackFiles
from handlers.slack.sender import SlackSender

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 1_000_000
API_TIMEOUT_SECONDS = 15  # one Web API call, connecting included


class _QuietTokenWarning(logging.Filter):
    """bolt warns that `token` is ignored when `authorize` is given; that is our design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be ignored" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_QuietTokenWarning())


_OBJECTS = ("event", "user", "channel", "container", "team", "message", "authorizations")


def _well_formed(body) -> bool:
    """The parts bolt and our listeners read have the types Slack gives them (a signed request of
    another shape made bolt raise and answer 500, which Slack retries for nothing)."""
    if not isinstance(body, dict):
        return False
    for name in _OBJECTS:
        if name in body and name != "authorizations" and not isinstance(body[name], (dict, type(None))):
            return False
    if not isinstance(body.get("authorizations", []), (list, type(None))):
        return False
    actions = body.get("actions", [])
    if not isinstance(actions, (list, type(None))) or not all(isinstance(a, dict) for a in actions or []):
        return False
    event = body.get("event")
    if isinstance(event, dict):
        for name in ("message", "previous_message"):
            if name in event and not isinstance(event[name], (dict, type(None))):
                return False
        if not isinstance(event.get("files", []), (list, type(None))):
            return False
    return True


def signature_valid(secret: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Slack's v0 request signature, over the raw bytes: slack-sdk's verifier decodes the body as
    UTF-8 first and raised (a 500) on a body that is not; any bytes here are simply valid or not.
    Requests older (or newer) than five minutes are refused as replays."""
    ts = timestamp.strip()
    if not ts.isdigit() or abs(now - int(ts)) > 300 or not signature.isascii():
        return False
    base = b"v0:" + ts.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


@dataclass
class SlackIdentity:
    user_id: str | None = None
    bot_id: str | None = None
    team_id: str | None = None


class SlackEdge:
    name = "slack"

    def __init__(self, settings: Settings, core: Core, files: FileFetchers | None = None):
        self.settings = settings
        self.core = core
        token = settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]  # built only when set
        # Our delivery layer owns retries (and counts them): no hidden resends inside the client.
        self.client = AsyncWebClient(
            token=token, base_url=settings.slack_api_url, timeout=API_TIMEOUT_SECONDS, retry_handlers=[]
        )
        self.identity = SlackIdentity()
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        socket_mode = settings.slack_app_token is not None
        if not secret and not socket_mode:
            raise ValueError(
                "SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)"
            )
        self.app = AsyncApp(
            client=self.client,
            signing_secret=secret or "socket-mode-unused",
            process_before_response=True,  # answer Slack only once the event is durably queued
            authorize=self._make_authorize(),  # auth.test runs once at start-up, never per request
            request_verification_enabled=not socket_mode,
            ignoring_self_events_enabled=False,  # we tell bots apart ourselves (needs auth.test first)
        )
        listeners.register(self.app, core, self.identity)
        core.names.register("slack", self.user_name)  # names of people not in the config
        self.slack_files = SlackFiles(self.client, token, settings.slack_api_url)
        self.sender = SlackSender(self.client, files, self.slack_files)
        self._secret = None if socket_mode else secret
        self._socket_handler: Any = None  # slack_bolt AsyncSocketModeHandler, in Socket Mode

    def _make_authorize(self):
        identity, client = self.identity, self.client

        async def authorize(enterprise_id, team_id, user_id):
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id or identity.team_id,
                bot_token=client.token,
                bot_user_id=identity.user_id,
                bot_id=identity.bot_id,
            )

        return authorize

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/slack/events", self.handle_http)

    async def handle_http(self, request: web.Request) -> web.Response:
        # Slack's own payloads stay far below 1 MB (message text is capped at 40,000 characters); a
        # larger body is refused before it is verified, parsed or queued.
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            return web.Response(status=413, text="too large")
        body = await request.read()  # bounded by the app's client_max_size
        if len(body) > MAX_REQUEST_BYTES:
            return web.Response(status=413, text="too large")
        # The signature is checked before the body is parsed: bolt parses first, so unsigned garbage
        # (or a timestamp that is not a number, which slack-sdk's verifier raises on) became a 500.
        if self._secret is not None and not signature_valid(
            self._secret,
            body,
            request.headers.get("X-Slack-Request-Timestamp", ""),
            request.headers.get("X-Slack-Signature", ""),
            time.time(),
        ):
            METRICS.refused.labels("slack", "signature").inc()
            return web.Response(status=401, text="unauthorized")
        try:
            bolt_request = await to_bolt_request(request)
        # Signed, but not what Slack sends: not UTF-8, not JSON, or nested deeper than the parser
        # recurses (RecursionError), which Slack never does.
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
            log.warning("slack: unreadable request body refused")
            return web.Response(status=400, text="bad request")
        if not _well_formed(bolt_request.body):
            log.warning("slack: request of an unexpected shape refused")
            return web.Response(status=400, text="bad request")
        try:
            bolt_response = await self.app.async_dispatch(bolt_request)
        except Exception:
            log.exception("slack request failed; Slack will retry")
            return web.Response(status=500, text="temporarily unavailable")
        if bolt_response.status == 401:
            METRICS.refused.labels("slack", "signature").inc()
        return await to_aiohttp_response(bolt_response)

    async def user_name(self, user_id: str) -> str | None:
        """The name Slack shows for a user (users.info), for people not in the config."""
        response = await self.client.users_info(user=user_id)
        return slack_profile_name(response.get("user") or {})

    async def fetch_file(self, att) -> bytes:
        """A Slack file's bytes, from Slack's own file hosts only (see handlers.slack.files)."""
        return await self.slack_files.fetch(att)

    async def start(self, runtime, *, receive: bool) -> None:
        # Without a session of its own, slack-sdk opens and closes a new aiohttp session (a new TCP
        # and TLS connection) for every API call: one kept session reuses its connections. Made
        # here, in the running loop that uses it; closed in stop().
        if self.client.session is None:
            self.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_SECONDS))
        try:
            auth = await self.client.auth_test()
            self.identity.user_id = auth.get("user_id")
            self.identity.bot_id = auth.get("bot_id")
            self.identity.team_id = auth.get("team_id")
            await runtime.redis.delete(keys.credentials_rejected("slack"))
            log.info("slack: signed in as %s in team %s", auth.get("user"), auth.get("team"))
        except Exception as exc:
            if isinstance(exc, SlackApiError):
                err = SlackSender._classify(exc)
                if getattr(err, "credentials", False):
                    await runtime.redis.set(keys.credentials_rejected("slack"), str(err))
            log.error("slack: auth.test failed (%s); will keep trying on each send", type(exc).__name__)
        if receive and self.settings.slack_app_token:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler  # why: only in Socket Mode

            self._socket_handler = AsyncSocketModeHandler(self.app, self.settings.slack_app_token.get_secret_value())
            await self._socket_handler.connect_async()
            log.info("slack: Socket Mode connected")

    async def stop(self) -> None:
        if self._socket_handler is not None:
            await self._socket_handler.close_async()
        if self.client.session is not None:
            await self.client.session.close()
