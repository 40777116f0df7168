"""Puts the core's messages on Slack through slack-sdk, mapping Slack's answers to the delivery
layer's outcomes (429 -> RateLimited, 5xx/network -> TransientError, refusals -> PermanentError)."""

from __future__ import annotations

import json
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.model import OutboundMessage, PermanentError, RateLimited, RoomRef, SendResult, TransientError
from handlers.files import FileFetchers, FileTooBig, FileUnavailable, notice_for
from handlers.slack.render import escape, render_posts

log = logging.getLogger(__name__)

CREDENTIAL_ERRORS = {
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "account_inactive",
    "token_expired",
    "no_permission",
    "missing_scope",
    "team_access_not_granted",
    "ekm_access_denied",
}
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
GONE_IGNORED = {"message_not_found", "cant_update_message", "cant_delete_message", "edit_window_closed"}


class SlackSender:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, files: FileFetchers | None = None, slack_files=None):
        self.client = client
        self.files = files  # fetches a relayed file from the platform it came from
        self.slack_files = slack_files  # handlers.slack.files.SlackFiles: where an upload shows

    async def post(self, message: OutboundMessage) -> SendResult:
        if message.attachments and not message.ephemeral_to:
            return await self._post_files(message)
        ids: list[str] = []
        for kwargs in render_posts(message):
            if message.ephemeral_to:
                await self._call(
                    self.client.chat_postEphemeral, channel=message.room.chat_id, user=message.ephemeral_to, **kwargs
                )
                continue  # ephemeral posts cannot be edited: no id to keep
            if message.reply_to:
                kwargs["thread_ts"] = message.reply_to
            response = await self._call(
                self.client.chat_postMessage,
                channel=message.room.chat_id,
                unfurl_links=False,
                unfurl_media=False,
                **kwargs,
            )
            ids.append(response["ts"])
        return SendResult(message_ids=ids)

    async def _post_files(self, message: OutboundMessage) -> SendResult:
        """A relayed file, uploaded with files_upload_v2 with the attribution and caption as its
        message's blocks (the attribution a context block, as for any relayed post; Slack uses
        `blocks` when no initial_comment is given, docs of files.completeUploadExternal); a
        notice instead when it cannot be fetched (over a size limit, gone)."""
        text_only = message.model_copy(update={"attachments": []})
        intro = render_posts(text_only)[0]["blocks"]
        ids: list[str] = []
        for att in message.attachments:
            try:
                if self.files is None:
                    raise FileUnavailable("no file access")
                data = await self.files.fetch(att)
            except (FileTooBig, FileUnavailable) as exc:
                note = escape(notice_for(exc, att, message.lang))
                rich = "\n".join(x for x in [message.rich_text, note] if x)
                ids += (await self.post(text_only.model_copy(update={"rich_text": rich}))).message_ids
                continue
            kwargs = {
                "channel": message.room.chat_id,
                "file": data,
                "filename": att.name or "file",
                "title": att.name or "file",
            }
            if intro:
                kwargs["blocks"] = json.dumps(intro)
            if message.reply_to:
                kwargs["thread_ts"] = message.reply_to
            response = await self._call(self.client.files_upload_v2, **kwargs)
            intro = []  # once
            ts = await self._upload_ts(response, message.room.chat_id)
            if ts:
                ids.append(ts)
        return SendResult(message_ids=ids)

    async def _upload_ts(self, response, channel: str) -> str | None:
        """The message an upload made (files_upload_v2 answers with the file, not the message)."""
        files = (response.get("files") if hasattr(response, "get") else None) or []
        file_id = (files[0] or {}).get("id") if files and isinstance(files[0], dict) else None
        if not file_id or self.slack_files is None:
            return None
        return await self.slack_files.shared_ts(file_id, channel)

    async def edit(self, room: RoomRef, message_ids: list[str], message: OutboundMessage) -> SendResult:
        posts = render_posts(message)
        for ts, kwargs in zip(message_ids, posts, strict=False):
            await self._call(self.client.chat_update, channel=room.chat_id, ts=ts, **kwargs)
        return SendResult(message_ids=message_ids)

    async def delete(self, room: RoomRef, message_ids: list[str]) -> None:
        for ts in message_ids:
            await self._call(self.client.chat_delete, channel=room.chat_id, ts=ts)

    async def _call(self, method, **kwargs):
        try:
            return await method(**kwargs)
        except SlackApiError as exc:
            raise self._classify(exc) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"network: {type(exc).__name__}") from None

    @staticmethod
    def _classify(exc: SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 200)
        error = (response.get("error") if hasattr(response, "get") else None) or "unknown_error"
        if status == 429 or error == "ratelimited":
            retry_after = float(
                (response.headers or {}).get("Retry-After", (response.headers or {}).get("retry-after", 1))
            )
            return RateLimited(retry_after, "slack")
        if status >= 500 or error in TRANSIENT_ERRORS:
            return TransientError(f"slack {status} {error}")
        if error in CREDENTIAL_ERRORS:
            return PermanentError(f"slack: {error}", credentials=True)
        if error in GONE_IGNORED:
            log.info("slack: %s (the message is gone; nothing to do)", error)
            return PermanentError(f"slack: {error}")
        return PermanentError(f"slack: {error}")
