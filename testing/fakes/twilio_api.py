"""A fake Twilio at the HTTP level: the REST `Calls.json` and `Messages.json` resources, and the
phone network behind them, which calls the bot back with signed requests.

* REST: HTTP basic auth with the account SID and auth token (401, code 20003, otherwise); the
  account in the path must be the one authenticated (404, code 20404); `To` must be E.164 (400,
  code 21211), `From` present (21603), a call needs `Url` or `Twiml` (21205). Errors carry
  Twilio's JSON error body (`code`, `message`, `more_info`, `status`). Success is 201 with the
  resource (sid CA…/SM…, status `queued`).
* The network: each number has a scripted list of outcomes, one per call (default `no-answer`):
  `no-answer`, `busy`, `failed`: the final status callback with that `CallStatus`;
  `answer:D` answers (the voice URL is fetched and its TwiML read), presses the digits D into the
  `<Gather action>` and hangs up (`completed`); `answer:` answers and presses nothing;
  `answer:hold` answers and waits for `press(call_sid, digits)` from the test.
* Callbacks go to the bot's local address (`deliver_to`) but are signed, like Twilio's, over the
  URL Twilio was given (the bot's PUBLIC_URL) with HMAC-SHA1 of the auth token (URL + each POST
  parameter name and value, sorted by name), base64: computed here independently of the library.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import re
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from testing.fakes._base import FakeServerBase, read_form

E164 = re.compile(r"\+[1-9]\d{7,14}")
_seq = itertools.count(1)


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def error_body(code: int, message: str, status: int) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@dataclass
class FakeCall:
    sid: str
    to: str
    from_: str
    url: str
    status_callback: str | None
    events: list[str]
    outcome: str
    status: str = "queued"
    twiml: list[str] = field(default_factory=list)  # the TwiML documents the bot answered
    pressed: asyncio.Event = field(default_factory=asyncio.Event)
    digits: str = ""


@dataclass
class Callback:
    """One signed request the network sent to the bot, and the bot's answer."""

    url: str
    params: dict[str, str]
    signature: str
    status: int
    body: str


class FakeTwilio(FakeServerBase):
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, public_url: str, **kwargs):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.public_url = public_url.rstrip("/")
        self.deliver_to: str | None = None  # the bot's local base URL; set once it listens
        self.outcomes: dict[str, list[str]] = {}
        self.invalid_numbers: set[str] = set()
        self.placed: list[FakeCall] = []
        self.messages: list[dict] = []
        self.callbacks: list[Callback] = []
        self._tasks: set[asyncio.Task] = set()
        self._session: aiohttp.ClientSession | None = None
        super().__init__(**kwargs)

    # -- lifecycle ---------------------------------------------------------------
    def _setup_routes(self, app: web.Application) -> None:
        base = "/2010-04-01/Accounts/{account}"
        app.router.add_post(base + "/Calls.json", self._calls)
        app.router.add_post(base + "/Messages.json", self._messages)

    async def start(self) -> None:
        await super().start()
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await super().stop()

    @property
    def url(self) -> str:
        return self.root

    # -- scripting -----------------------------------------------------------------
    def script(self, number: str, *outcomes: str) -> None:
        self.outcomes.setdefault(number, []).extend(outcomes)

    def press(self, call_sid: str, digits: str) -> None:
        call = next(c for c in self.placed if c.sid == call_sid)
        call.digits = digits
        call.pressed.set()

    def calls_to_number(self, number: str) -> list[FakeCall]:
        return [c for c in self.placed if c.to == number]

    # -- REST ----------------------------------------------------------------------
    def _auth_error(self, request: web.Request) -> web.Response | None:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if not hmac.compare_digest(request.headers.get("Authorization", ""), expected) or self.token_revoked:
            body = error_body(20003, "Authenticate", 401)
            body["detail"] = "Your AccountSid or AuthToken was incorrect."
            return web.json_response(body, status=401, headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
        if request.match_info["account"] != self.account_sid:
            return web.json_response(
                error_body(20404, f"The requested resource {request.path} was not found", 404), status=404
            )
        return None

    def _answer(self, call, status: int, body: dict) -> web.Response:
        call.status, call.ok, call.response = status, status < 300, body
        call.error = None if status < 300 else str(body.get("code"))
        self._notify()
        return web.json_response(body, status=status)

    async def _common(self, request: web.Request, method: str):
        params = await read_form(request)
        recorded = self._record(method, params, request.headers)
        refused = self._auth_error(request)
        if refused is not None:
            recorded.status, recorded.ok, recorded.error = refused.status, False, "auth"
            self._notify()
            return params, recorded, refused
        failure = self._take_failure(method)
        if failure is not None:
            body = error_body(
                20429 if failure.status == 429 else 20500,
                "Too Many Requests" if failure.status == 429 else "Internal Server Error",
                failure.status,
            )
            return params, recorded, self._answer(recorded, failure.status, body)
        to, from_ = str(params.get("To", "")), str(params.get("From", ""))
        if not from_:
            return (
                params,
                recorded,
                self._answer(recorded, 400, error_body(21603, "A 'From' phone number is required.", 400)),
            )
        if not E164.fullmatch(to) or to in self.invalid_numbers:
            return (
                params,
                recorded,
                self._answer(recorded, 400, error_body(21211, f"Invalid 'To' Phone Number: {to[:20]}", 400)),
            )
        return params, recorded, None

    async def _calls(self, request: web.Request) -> web.Response:
        params, recorded, refused = await self._common(request, "calls.create")
        if refused is not None:
            return refused
        if not params.get("Url") and not params.get("Twiml"):
            return self._answer(recorded, 400, error_body(21205, "Url parameter is required.", 400))
        to = str(params["To"])
        script = self.outcomes.get(to) or []
        outcome = script.pop(0) if script else "no-answer"
        call = FakeCall(
            sid="CA" + secrets.token_hex(16),
            to=to,
            from_=str(params["From"]),
            url=str(params.get("Url", "")),
            status_callback=params.get("StatusCallback"),
            events=["completed"],  # Twilio's default; the request's list below
            outcome=outcome,
        )
        form_events = (await request.post()).getall("StatusCallbackEvent", [])  # one field per event
        if form_events:
            call.events = [e for ev in form_events for e in str(ev).split()]
        self.placed.append(call)
        body = {
            "sid": call.sid,
            "account_sid": self.account_sid,
            "to": call.to,
            "from": call.from_,
            "status": "queued",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{call.sid}.json",
        }
        task = asyncio.get_running_loop().create_task(self._run_call(call))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return self._answer(recorded, 201, body)

    async def _messages(self, request: web.Request) -> web.Response:
        params, recorded, refused = await self._common(request, "messages.create")
        if refused is not None:
            return refused
        if not params.get("Body") and not params.get("MediaUrl"):
            return self._answer(recorded, 400, error_body(21602, "Message body is required.", 400))
        sid = "SM" + secrets.token_hex(16)
        self.messages.append({"sid": sid, "to": params["To"], "from": params["From"], "body": params.get("Body", "")})
        body = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": params["To"],
            "from": params["From"],
            "body": params.get("Body", ""),
            "status": "queued",
            "num_segments": "1",
        }
        return self._answer(recorded, 201, body)

    # -- the network ---------------------------------------------------------------
    def _base_params(self, call: FakeCall, status: str) -> dict[str, str]:
        return {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "CallSid": call.sid,
            "CallStatus": status,
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
        }

    async def send_signed(self, url: str, params: dict[str, str], signature: str | None = None) -> Callback:
        """POST a callback as Twilio would (or with the given signature: a forgery or a replay)."""
        assert self.deliver_to and self._session is not None, "set deliver_to to the bot's URL first"
        signature = twilio_signature(self.auth_token, url, params) if signature is None else signature
        local = self.deliver_to.rstrip("/") + url[len(self.public_url) :] if url.startswith(self.public_url) else url
        async with self._session.post(local, data=params, headers={"X-Twilio-Signature": signature}) as resp:
            body = await resp.text()
            record = Callback(url, dict(params), signature, resp.status, body)
        self.callbacks.append(record)
        self._notify()
        return record

    async def _status(self, call: FakeCall, status: str, event: str) -> None:
        call.status = status
        if call.status_callback and event in call.events:
            params = self._base_params(call, status)
            params["CallbackSource"] = "call-progress-events"
            params["SequenceNumber"] = str(next(_seq))
            await self.send_signed(call.status_callback, params)
        else:
            self._notify()

    async def _run_call(self, call: FakeCall) -> None:
        await self._status(call, "initiated", "initiated")
        await self._status(call, "ringing", "ringing")
        if call.outcome in ("no-answer", "busy", "failed"):
            await self._status(call, call.outcome, "completed")
            return
        digits = call.outcome.split(":", 1)[1] if ":" in call.outcome else ""
        await self._status(call, "in-progress", "answered")
        answered = await self.send_signed(call.url, self._base_params(call, "in-progress"))
        call.twiml.append(answered.body)
        if digits == "hold":
            await call.pressed.wait()
            digits = call.digits
        action = gather_action(answered.body)
        if digits and action:
            params = self._base_params(call, "in-progress")
            params["Digits"] = digits
            params["FinishedOnKey"] = ""
            reply = await self.send_signed(action, params)
            call.twiml.append(reply.body)
        await self._status(call, "completed", "completed")


def gather_action(twiml: str) -> str | None:
    """The `<Gather action>` of a TwiML document (None without one)."""
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError:
        return None
    gather = root.find("Gather")
    return gather.get("action") if gather is not None else None


def spoken(twiml: str) -> list[tuple[str, str]]:
    """(language, text) of each `<Say>` in a TwiML document, in order."""
    root = ET.fromstring(twiml)
    return [(say.get("language", ""), say.text or "") for say in root.iter("Say")]
