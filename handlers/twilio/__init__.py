"""The Twilio edge: voice calls and SMS out (REST, with the twilio package's client), and the
signed callbacks in (`POST /twilio/voice`, `POST /twilio/status`).

A callback is refused with 403 unless its `X-Twilio-Signature` checks out, with the library's
`RequestValidator`, against the URL Twilio called: PUBLIC_URL + path + query (behind a proxy the
request's own URL is not that URL), and unless its token names a call the bot placed. It is queued
in Redis (bot.alarm.CallbackInbox) before the answer; the worker handles it.
"""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.alarm import CallbackInbox, DialError
from bot.metrics import METRICS
from handlers.files import FileUnavailable
from handlers.twilio import twiml

log = logging.getLogger(__name__)
# the client logs requests at INFO; keep its lines (and anything near the credentials) out
logging.getLogger("twilio").setLevel(logging.WARNING)

STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
MAX_FORM_BYTES = 64 * 1024


class TwilioDialer:
    """`bot.alarm.Dialer` over Twilio's REST API (Calls.json, Messages.json)."""

    def __init__(self, settings):
        self.from_number = settings.twilio_from_number.get_secret_value()
        self.http = AsyncTwilioHttpClient(timeout=10)
        self.client = Client(
            settings.twilio_account_sid.get_secret_value(),
            settings.twilio_auth_token.get_secret_value(),
            http_client=self.http,
        )
        # TWILIO_API_URL: a regional edge, or the tests' fake (the library joins paths to base_url)
        self.client.api.base_url = settings.twilio_api_url.rstrip("/")

    async def place_call(self, to: str, *, voice_url: str, status_url: str, ring_seconds: int, time_limit: int) -> str:
        try:
            call = await self.client.calls.create_async(
                to=to,
                from_=self.from_number,
                url=voice_url,
                method="POST",
                status_callback=status_url,
                status_callback_event=STATUS_EVENTS,
                status_callback_method="POST",
                timeout=ring_seconds,
                time_limit=time_limit,
            )
        except TwilioRestException as exc:
            raise DialError(exc.code, exc.msg) from None
        return str(call.sid)

    async def send_sms(self, to: str, body: str) -> str:
        try:
            message = await self.client.messages.create_async(to=to, from_=self.from_number, body=body)
        except TwilioRestException as exc:
            raise DialError(exc.code, exc.msg) from None
        return str(message.sid)

    async def close(self) -> None:
        await self.http.close()


class TwilioEdge:
    name = "twilio"
    sender = None

    def __init__(self, settings, core, dialer: TwilioDialer):
        self.public_url = settings.public_url.rstrip("/")
        self.validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
        self.dialer = dialer  # the one the process's Alarm places calls with (handlers.make_dialer)
        self.inbox = CallbackInbox(core.redis, core.clock, on_enqueue=core.hand_off.want_pass)
        self.core = core

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/twilio/voice", self.voice)
        app.router.add_post("/twilio/status", self.status)

    async def fetch_file(self, att) -> bytes:
        raise FileUnavailable("the telephone alarm relays no files")

    async def start(self, runtime, *, receive: bool) -> None:
        return None

    async def stop(self) -> None:
        await self.dialer.close()

    async def _checked(self, request: web.Request) -> tuple[dict, dict] | web.Response:
        """(call record, form) of a genuine callback for a call we placed, else the refusal."""
        if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
            return web.Response(status=413)
        form = {k: str(v) for k, v in (await request.post()).items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.public_url + request.path_qs
        if not signature or not self.validator.validate(url, form, signature):
            self._refused(request, "bad or missing X-Twilio-Signature")
            return web.Response(status=403, text="forbidden")
        record = await self.inbox.call(request.query.get("t", ""))
        if record is None:
            self._refused(request, "unknown call token")
            return web.Response(status=403, text="forbidden")
        return record, form

    def _refused(self, request: web.Request, reason: str) -> None:
        METRICS.refused.labels("twilio", reason).inc()  # two fixed reasons: bounded labels
        log.info("twilio callback refused on %s: %s", request.path, reason)

    async def voice(self, request: web.Request) -> web.Response:
        checked = await self._checked(request)
        if isinstance(checked, web.Response):
            return checked
        record, form = checked
        token = request.query["t"]
        ended = await self.inbox.plan_done(record["plan"])  # acknowledged meanwhile, or closed
        await self.inbox.accept("voice", token, record, form)  # durable before we answer
        digits = form.get("Digits")
        if ended:
            body = twiml.said(record, "alarm.voice.ended")
        elif digits == "1":
            body = twiml.said(record, "alarm.voice.acked")
        else:
            body = twiml.alert(record, f"{self.public_url}/twilio/voice?t={token}")
        return web.Response(text=body, content_type="text/xml")

    async def status(self, request: web.Request) -> web.Response:
        checked = await self._checked(request)
        if isinstance(checked, web.Response):
            return checked
        record, form = checked
        await self.inbox.accept("status", request.query["t"], record, form)
        return web.Response(text=twiml.empty(), content_type="text/xml")
