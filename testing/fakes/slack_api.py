"""FakeSlack: an in-process imitation of the Slack Web API for tests.

Serves ``POST|GET /api/<method>`` on 127.0.0.1 the way slack_sdk's clients call it:
JSON bodies (``Authorization: Bearer``), form or multipart bodies and query strings
(token in the header or a ``token`` field). Imitated documented behaviour:

* every answer is HTTP 200 ``{"ok": true, ...}`` or ``{"ok": false, "error": code}``;
  no token -> ``not_authed``, wrong token -> ``invalid_auth``, after ``revoke_token()``
  -> ``token_revoked``; unknown method -> ``unknown_method``;
* rate limits (when on) answer HTTP 429 with a ``Retry-After`` header (whole seconds)
  and ``{"ok": false, "error": "ratelimited"}``; see ``FakeSlack.__init__``;
* ``auth.test``, ``chat.postMessage`` (``channel_not_found``, ``not_in_channel``,
  ``is_archived``, ``no_text``, ``msg_too_long`` over 40,000 chars, ``invalid_blocks``
  per :mod:`testing.fakes.slack_blocks`), ``chat.update`` / ``chat.delete``
  (``message_not_found``), ``chat.postEphemeral`` (``message_ts``), ``conversations.info``,
  ``users.info`` (``user_not_found``), ``reactions.add`` (``already_reacted``), and the
  ``files_upload_v2`` flow: ``files.getUploadURLExternal`` -> POST of the raw bytes to the
  returned ``upload_url`` (served by this fake at ``/upload/v1/<file_id>``, answering
  ``text/plain`` "OK - <size>") -> ``files.completeUploadExternal``;
* hosted files: ``add_file()`` stores bytes served at ``url_private`` /
  ``url_private_download`` (``/files-pri/<team>-<id>/[download/]<name>``, only with the bot
  token as ``Authorization: Bearer``, else 404 as Slack's file host answers), and returns
  the file object an event carries, or with ``stub=True`` the Slack Connect stub
  (``{"id", "mode": "file_access", "file_access": "check_file_info"}``) whose details come
  only from ``files.info`` (``file_not_found``); a file the bot uploaded has ``shares``
  (``public``/``private`` -> channel -> ``[{"ts", "channel_name", "team_id", ...}]``) naming
  the message that holds it, as ``files.info`` shows after ``files.completeUploadExternal``;
  a hosted file's ``redirect`` (set it on ``files[id]``) answers its download with a 302 there;
* ``response_url`` endpoints (slash commands, interactivity): ``new_response_url()``
  gives a URL on this fake; Slack accepts 5 uses of one, then answers 404 ``used_url``.

Timestamps are unique and increasing across the workspace: ``1700000000.000100``,
``1700000000.000200``, ...
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from testing.fakes._base import Call, FakeServerBase, TokenBucket, read_form, retry_after_seconds
from testing.fakes.slack_blocks import validate_blocks

__all__ = ["FakeSlack", "Call", "SlackError"]

MAX_TEXT = 40_000
RESPONSE_URL_USES = 5
JSON_FIELDS = ("blocks", "attachments", "metadata", "files")


class SlackError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error = error
        self.extra = extra


class FakeSlack(FakeServerBase):
    """Fake Slack Web API server.

    Args:
        token: the bot token calls must carry.
        channels: ``None`` accepts any channel id; otherwise the known channels, as ids or
            ``{id: {"name": ..., "is_member": bool, "is_archived": bool, "is_private": bool}}``.
        users: ``{user_id: "Real Name" | {"real_name", "display_name", "tz", "locale", ...}}``.
        rate_limit: ``False`` (default) no limit; ``True`` = chat.postMessage limited per
            channel by a token bucket of 1 message/s with a burst of 3 (Slack documents
            "1 per second per channel, short bursts allowed"); or a ``(rate, burst)`` tuple.
        clock: monotonic seconds used by the rate limiter (inject to avoid waiting).
    """

    name = "FakeSlack"

    def __init__(
        self,
        token: str = "xoxb-test-token",
        *,
        channels: Iterable[str] | dict[str, dict] | None = None,
        users: dict[str, Any] | None = None,
        rate_limit: bool | tuple[float, float] = False,
        clock: Callable[[], float] | None = None,
        team_id: str = "T0TEAM",
        team: str = "Test Team",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "blm-bot",
    ):
        super().__init__(clock=clock)
        self.token = token
        self.team_id, self.team = team_id, team
        self.bot_user_id, self.bot_id, self.bot_name = bot_user_id, bot_id, bot_name
        self.channels: dict[str, dict] | None = None
        if channels is not None:
            self.channels = {}
            items = channels.items() if isinstance(channels, dict) else ((c, {}) for c in channels)
            for cid, info in items:
                self.add_channel(cid, **info)
        self.users: dict[str, Any] = dict(users or {})
        if rate_limit is True:
            rate_limit = (1.0, 3.0)
        self.rate_limit: tuple[float, float] | None = rate_limit or None
        self._buckets: dict[str, TokenBucket] = {}
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.ephemeral: dict[str, list[dict]] = defaultdict(list)
        self.files: dict[str, dict] = {}
        self.responses: list[dict] = []
        self._response_urls: dict[str, dict] = {}
        self._ts = 1_700_000_000_000_000
        self._ids = itertools.count(1)

    # -- configuration -----------------------------------------------------------
    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
    ) -> None:
        if self.channels is None:
            self.channels = {}
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name or channel_id.lower(),
            "is_channel": not is_private,
            "is_private": is_private,
            "is_member": is_member,
            "is_archived": is_archived,
        }

    def remove_bot_from(self, channel_id: str) -> None:
        """The bot leaves (or is removed from) a channel: posts answer ``not_in_channel``."""
        if self.channels is None or channel_id not in self.channels:
            self.add_channel(channel_id)
        self.channels[channel_id]["is_member"] = False

    @property
    def url(self) -> str:
        """Web API base URL for ``AsyncWebClient(base_url=...)``; ends in ``/``."""
        return f"{self.root}/api/"

    def new_response_url(self, channel_id: str | None = None, kind: str = "commands") -> str:
        token = f"{next(self._ids):06d}"
        path = f"/{kind}/{self.team_id}/{token}/fakesecret"
        self._response_urls[path] = {"channel": channel_id, "uses": 0}
        return f"{self.root}{path}"

    # -- inspection helpers ------------------------------------------------------
    def texts(self, channel: str, include_deleted: bool = False) -> list[str]:
        return [m["text"] for m in self.messages.get(channel, []) if include_deleted or not m["deleted"]]

    def find_message(self, channel: str, ts: str) -> dict | None:
        for m in self.messages.get(channel, []):
            if m["ts"] == ts:
                return m
        return None

    def thread(self, channel: str, thread_ts: str) -> list[dict]:
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]

    # -- HTTP ----------------------------------------------------------------------
    def _setup_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_get("/files-pri/{owner}/{rest:.+}", self._handle_file_download)
        app.router.add_post("/{kind:commands|actions}/{rest:.+}", self._handle_response_url)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method != "GET" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise SlackError("invalid_json") from None
                if isinstance(body, dict):
                    params.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                params.update(await read_form(request))
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    if key == "blocks":
                        raise SlackError("invalid_blocks_format") from None
                    raise SlackError("invalid_arguments") from None
        return params

    def _check_token(self, request: web.Request, params: dict) -> None:
        auth = request.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else params.get("token")
        if not token:
            raise SlackError("not_authed")
        if token != self.token:
            raise SlackError("invalid_auth")
        if self.token_revoked:
            raise SlackError("token_revoked")

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
            read_error = None
        except SlackError as exc:
            params, read_error = {}, exc
        call = self._record(method, params, request.headers)
        call.peer = request.transport.get_extra_info("peername") if request.transport else None
        await self._apply_delay(method)
        status, body, headers = 200, None, {}
        failure = self._take_failure(method)
        if failure is not None:
            status = failure.status
            if failure.status == 429:
                headers["Retry-After"] = str(failure.retry_after)
                body = {"ok": False, "error": failure.error or "ratelimited"}
            else:
                body = {"ok": False, "error": failure.error or ("internal_error" if status >= 500 else "fatal_error")}
        else:
            try:
                if read_error is not None:
                    raise read_error
                self._check_token(request, params)
                handler = self._handlers().get(method)
                if handler is None:
                    raise SlackError("unknown_method")
                body = {"ok": True, **handler(params)}
            except SlackError as exc:
                body = {"ok": False, "error": exc.error, **exc.extra}
            except _RateLimited as rl:
                status = 429
                headers["Retry-After"] = str(rl.seconds)
                body = {"ok": False, "error": "ratelimited"}
        call.status, call.ok, call.error, call.response = status, body.get("ok"), body.get("error"), body
        self._notify()
        return web.json_response(body, status=status, headers=headers)

    def _handlers(self) -> dict[str, Callable[[dict], dict]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
            "reactions.add": self._reactions_add,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._files_info,
        }

    # -- helpers -----------------------------------------------------------------
    def _next_ts(self) -> str:
        self._ts += 100
        return f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def _channel(self, params: dict, *, need_member: bool = True, key: str = "channel") -> str:
        channel = params.get(key)
        if not channel:
            raise SlackError("channel_not_found")
        channel = str(channel)
        if self.channels is not None:
            info = self.channels.get(channel)
            if info is None:
                raise SlackError("channel_not_found")
            if info["is_archived"] and need_member:
                raise SlackError("is_archived")
            if not info["is_member"] and need_member:
                raise SlackError("not_in_channel")
        return channel

    def _check_content(self, params: dict, *, required: bool = True) -> None:
        text, blocks = params.get("text"), params.get("blocks")
        if required and not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if text is not None and len(str(text)) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None:
            errors = validate_blocks(blocks)
            if errors:
                raise SlackError(
                    "invalid_blocks", errors=errors, response_metadata={"messages": [f"[ERROR] {e}" for e in errors]}
                )

    def _rate_check(self, channel: str) -> None:
        if not self.rate_limit:
            return
        bucket = self._buckets.get(channel)
        if bucket is None:
            bucket = self._buckets[channel] = TokenBucket(*self.rate_limit, clock=self.clock)
        wait = bucket.wait_time()
        if wait > 0:
            raise _RateLimited(retry_after_seconds(wait))
        bucket.take()

    def _find(self, channel: str, ts: Any) -> dict:
        msg = self.find_message(channel, str(ts)) if ts else None
        if msg is None or msg["deleted"]:
            raise SlackError("message_not_found")
        return msg

    @staticmethod
    def view(msg: dict) -> dict:
        """The message as Slack returns it (without the fake's bookkeeping)."""
        hidden = {"channel", "history", "deleted"}
        return {k: v for k, v in msg.items() if k not in hidden and v is not None}

    # -- methods -------------------------------------------------------------------
    def _auth_test(self, params: dict) -> dict:
        return {
            "url": f"https://{self.team.lower().replace(' ', '-')}.slack.com/",
            "team": self.team,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict) -> dict:
        channel = self._channel(params)
        self._rate_check(channel)
        self._check_content(params)
        msg = self._store(channel, params)
        return {"channel": channel, "ts": msg["ts"], "message": self.view(msg)}

    def _store(self, channel: str, params: dict, **extra: Any) -> dict:
        ts = self._next_ts()
        thread_ts = params.get("thread_ts")
        msg = {
            "type": "message",
            "channel": channel,
            "ts": ts,
            "text": params.get("text", ""),
            "blocks": params.get("blocks"),
            "attachments": params.get("attachments"),
            "thread_ts": str(thread_ts) if thread_ts else None,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "app_id": "A0FAKEAPP",
            "reply_broadcast": params.get("reply_broadcast"),
            "metadata": params.get("metadata"),
            "edited": None,
            "history": [],
            "deleted": False,
            **extra,
        }
        if msg["thread_ts"]:
            parent = self.find_message(channel, msg["thread_ts"])
            if parent is not None:
                parent["thread_ts"] = parent["ts"]
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = ts
        self.messages[channel].append(msg)
        return msg

    def _update(self, params: dict) -> dict:
        channel = self._channel(params, need_member=False)
        msg = self._find(channel, params.get("ts"))
        self._check_content(params, required=False)
        msg["history"].append({"text": msg["text"], "blocks": msg["blocks"], "attachments": msg["attachments"]})
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                msg[key] = params[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": msg["ts"], "text": msg["text"], "message": self.view(msg)}

    def _delete(self, params: dict) -> dict:
        channel = self._channel(params, need_member=False)
        msg = self._find(channel, params.get("ts"))
        msg["deleted"] = True
        return {"channel": channel, "ts": msg["ts"]}

    def _post_ephemeral(self, params: dict) -> dict:
        channel = self._channel(params)
        user = params.get("user")
        if not user:
            raise SlackError("user_not_found")
        if self.users and user not in self.users:
            raise SlackError("user_not_in_channel")
        self._check_content(params)
        ts = self._next_ts()
        self.ephemeral[channel].append(
            {
                "ts": ts,
                "user": user,
                "text": params.get("text", ""),
                "blocks": params.get("blocks"),
                "thread_ts": params.get("thread_ts"),
            }
        )
        return {"message_ts": ts}

    def _conversations_info(self, params: dict) -> dict:
        channel = self._channel(params, need_member=False)
        info = (self.channels or {}).get(channel) or {
            "id": channel,
            "name": channel.lower(),
            "is_channel": True,
            "is_private": False,
            "is_member": True,
            "is_archived": False,
        }
        return {
            "channel": {
                **info,
                "created": 1_600_000_000,
                "is_im": False,
                "is_mpim": False,
                "is_general": False,
                "is_shared": False,
                "is_ext_shared": False,
            }
        }

    def _users_info(self, params: dict) -> dict:
        uid = params.get("user")
        if not uid or uid not in self.users:
            raise SlackError("user_not_found")
        spec = self.users[uid]
        if isinstance(spec, str):
            spec = {"real_name": spec}
        real = spec.get("real_name", uid)
        display = spec.get("display_name", "")
        user = {
            "id": uid,
            "team_id": self.team_id,
            "name": spec.get("name", real.lower().replace(" ", ".")),
            "deleted": spec.get("deleted", False),
            "real_name": real,
            "tz": spec.get("tz", "America/Phoenix"),
            "tz_label": spec.get("tz_label", "Mountain Standard Time"),
            "tz_offset": spec.get("tz_offset", -25200),
            "is_bot": spec.get("is_bot", False),
            "is_admin": spec.get("is_admin", False),
            "profile": {
                "real_name": real,
                "real_name_normalized": real,
                "display_name": display,
                "display_name_normalized": display,
                "email": spec.get("email"),
            },
        }
        if str(params.get("include_locale", "")).lower() in ("1", "true"):
            user["locale"] = spec.get("locale", "en-US")
        return {"user": user}

    def _reactions_add(self, params: dict) -> dict:
        channel = self._channel(params, need_member=False)
        msg = self._find(channel, params.get("timestamp"))
        name = params.get("name")
        if not name:
            raise SlackError("invalid_name")
        reactions = msg.setdefault("reactions", [])
        for r in reactions:
            if r["name"] == name:
                if self.bot_user_id in r["users"]:
                    raise SlackError("already_reacted")
                r["users"].append(self.bot_user_id)
                r["count"] += 1
                return {}
        reactions.append({"name": name, "users": [self.bot_user_id], "count": 1})
        return {}

    def _get_upload_url(self, params: dict) -> dict:
        filename, length = params.get("filename"), params.get("length")
        if not filename or length in (None, ""):
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):010d}"
        self.files[file_id] = {
            "id": file_id,
            "name": filename,
            "length": int(length),
            "content": None,
            "title": None,
            "channels": [],
            "completed": False,
        }
        return {"upload_url": f"{self.root}/upload/v1/{file_id}", "file_id": file_id}

    def add_file(
        self,
        data: bytes,
        name: str = "report.pdf",
        *,
        mimetype: str = "application/pdf",
        user: str = "U0BOB",
        stub: bool = False,
    ) -> dict:
        """A file a person shared: its bytes are served at url_private, with the bot token.
        Returns the file object as a message event carries it (the Slack Connect stub when
        ``stub``: shared from another organisation, its details only through files.info)."""
        file_id = f"F{next(self._ids):010d}"
        base = f"{self.root}/files-pri/{self.team_id}-{file_id}"
        self.files[file_id] = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": name.rpartition(".")[2],
            "user": user,
            "size": len(data),
            "mode": "hosted",
            "url_private": f"{base}/{name}",
            "url_private_download": f"{base}/download/{name}",
            "content": data,
            "channels": [],
            "completed": True,
        }
        if stub:  # https://api.slack.com/apis/channels-between-orgs (files in Slack Connect)
            return {
                "id": file_id,
                "mode": "file_access",
                "file_access": "check_file_info",
                "created": 0,
                "timestamp": 0,
                "user": user,
            }
        return self._file_object(self.files[file_id])

    def _file_object(self, record: dict) -> dict:
        hidden = {"content", "completed", "length", "channels", "shares_ts", "redirect"}
        out = {k: v for k, v in record.items() if k not in hidden and v is not None}
        if record.get("content") is not None:
            out["size"] = len(record["content"])
        shares: dict[str, dict] = {}
        for channel, ts in record.get("shares_ts", []):
            info = (self.channels or {}).get(channel, {})
            kind = "private" if info.get("is_private") else "public"
            shares.setdefault(kind, {}).setdefault(channel, []).append(
                {
                    "ts": ts,
                    "channel_name": info.get("name", channel.lower()),
                    "team_id": self.team_id,
                    "reply_count": 0,
                    "share_user_id": self.bot_user_id,
                    "source": "UNKNOWN",
                }
            )
        if shares:
            out["shares"] = shares
        if record.get("channels"):
            out["channels"] = list(record["channels"])
        return out

    def _files_info(self, params: dict) -> dict:
        record = self.files.get(params.get("file") or "")
        if record is None or not record.get("completed"):
            raise SlackError("file_not_found")
        return {"file": self._file_object(record), "comments": [], "response_metadata": {"next_cursor": ""}}

    async def _handle_file_download(self, request: web.Request) -> web.Response:
        owner = request.match_info["owner"]
        call = self._record("file_download", {"path": request.path}, request.headers)
        file_id = owner.partition("-")[2]
        record = self.files.get(file_id)
        auth = request.headers.get("Authorization", "")
        ok = record is not None and auth == f"Bearer {self.token}" and not self.token_revoked
        if ok and record.get("redirect"):  # e.g. a file host moving a file: 302 and Location
            call.status, call.ok = 302, True
            self._notify()
            return web.Response(status=302, headers={"Location": record["redirect"]})
        failure = self._take_failure("file_download") if ok else None
        if failure is not None:
            call.status, call.ok = failure.status, False
            self._notify()
            return web.Response(status=failure.status, text="error")
        call.status, call.ok = (200, True) if ok else (404, False)
        self._notify()
        if not ok:  # files.slack.com answers a missing or unauthorised file with a 404 page
            return web.Response(status=404, text="file not found", content_type="text/html")
        return web.Response(body=record["content"], content_type=record.get("mimetype") or "application/octet-stream")

    def _complete_upload(self, params: dict) -> dict:
        items = params.get("files")
        if not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments")
        records = []
        for item in items:
            record = self.files.get(item.get("id"))
            if record is None or record["content"] is None:
                raise SlackError("file_not_found")
            records.append((record, item))
        channel = None
        if params.get("channel_id") or params.get("channels"):
            key = "channel_id" if params.get("channel_id") else "channels"
            channel = self._channel({"channel": str(params[key]).split(",")[0]})
        out = []
        for record, item in records:
            record["title"] = item.get("title") or record["name"]
            record["completed"] = True
            if channel:
                record["channels"].append(channel)
            out.append(
                {
                    "id": record["id"],
                    "name": record["name"],
                    "title": record["title"],
                    "size": len(record["content"]),
                    "user": self.bot_user_id,
                }
            )
        if channel:
            # blocks are used only when there is no initial_comment (files.completeUploadExternal docs)
            blocks = None if params.get("initial_comment") else params.get("blocks")
            if blocks is not None:
                self._check_content({"blocks": blocks}, required=False)
            msg = self._store(
                channel,
                {"text": params.get("initial_comment", ""), "blocks": blocks, "thread_ts": params.get("thread_ts")},
                files=out,
            )
            for record, _ in records:
                record.setdefault("shares_ts", []).append((channel, msg["ts"]))
        return {"files": out}

    # -- non-API endpoints -------------------------------------------------------
    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if request.content_type == "multipart/form-data":
            form = await request.post()
            fields = [v for v in form.values() if isinstance(v, web.FileField)]
            content = fields[0].file.read() if fields else b""
        else:
            content = await request.read()
        call = self._record("upload", {"file_id": file_id, "size": len(content)}, request.headers)
        record = self.files.get(file_id)
        if record is None:
            call.status, call.ok, call.error = 404, False, "file_not_found"
            self._notify()
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        record["content"] = content
        call.status, call.ok = 200, True
        self._notify()
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        path = request.path
        try:
            payload = await request.json()
        except ValueError:
            payload = dict(await request.post())
        call = self._record("response_url", payload, request.headers)
        entry = self._response_urls.get(path)
        status, text = 200, "ok"
        if entry is None:
            status, text = 404, "expired_url"
        elif entry["uses"] >= RESPONSE_URL_USES:
            status, text = 404, "used_url"
        elif not (payload.get("text") or payload.get("blocks") or payload.get("delete_original")):
            status, text = 400, "no_text"
        else:
            entry["uses"] += 1
            self.responses.append({"url": path, "channel": entry["channel"], "payload": payload})
            if payload.get("response_type") == "in_channel" and entry["channel"]:
                self._store(entry["channel"], payload, via="response_url")
        call.status, call.ok = status, status == 200
        call.error = None if status == 200 else text
        self._notify()
        return web.Response(status=status, text=text, content_type="text/plain")


class _RateLimited(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds
