"""Slack files for the bridge: fetched with the bot token from Slack's own file hosts only, and
the message that holds a file the bot uploaded.

A file object's URL comes from whoever wrote the event (a message, a Slack Connect partner's
share), so it is checked before the token goes with it: only `https://files.slack.com` (Slack's
file host, https://api.slack.com/events/message/file_share) and the configured Web API's own
host. A Slack Connect stub (`file_access: check_file_info`, no URL) is looked up with
`files.info` first. Anything else is a permanent failure: reported once, never retried.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from yarl import URL

from bot import limits
from bot.model import Attachment, TransientError
from handlers.files import FileTooBig, FileUnavailable

log = logging.getLogger(__name__)

SLACK_FILE_HOSTS = {("https", "files.slack.com")}
TELEGRAM_UPLOAD_LIMIT = limits.TELEGRAM_UPLOAD_BYTES  # Slack files go to Telegram
SHARE_LOOKUPS = (0.0, 0.5, 1.0)
MAX_REDIRECTS = 3  # files.info may show the share a moment after the upload


def allowed_hosts(api_url: str) -> set[tuple[str, str]]:
    api = urlsplit(api_url)
    return SLACK_FILE_HOSTS | {(api.scheme, api.netloc)}


def host_allowed(url: str, hosts: set[tuple[str, str]]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (parts.scheme, parts.netloc.lower()) in hosts and not parts.username and not parts.password


class SlackFiles:
    def __init__(self, client: AsyncWebClient, token: str, api_url: str):
        self.client = client
        self._token = token
        self.hosts = allowed_hosts(api_url)

    async def fetch(self, att: Attachment) -> bytes:
        limit = TELEGRAM_UPLOAD_LIMIT
        if att.size and att.size > limit:
            raise FileTooBig(att.size, limit, "telegram")
        url = att.file_ref
        if not url.startswith(("https://", "http://")):
            url = await self._url_from_info(url)
        if not host_allowed(url, self.hosts):
            # Never send the token there; a URL that is not Slack's will not become Slack's.
            log.warning("slack: a file URL off Slack's file hosts was not fetched (%s)", urlsplit(url).netloc[:80])
            raise FileUnavailable("not on Slack's file host")
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
                # Redirects are followed by hand, and only on Slack's hosts: the token never
                # follows one anywhere else.
                for _ in range(MAX_REDIRECTS + 1):
                    async with session.get(url, headers=headers, allow_redirects=False) as resp:
                        if resp.status in (301, 302, 303, 307, 308) and resp.headers.get("Location"):
                            url = str(resp.url.join(URL(resp.headers["Location"])))
                            if not host_allowed(url, self.hosts):
                                raise FileUnavailable("redirected off Slack's file host")
                            continue
                        if resp.status >= 500 or resp.status == 429:
                            raise TransientError(f"slack file: HTTP {resp.status}")
                        if resp.status != 200:  # gone, or no access
                            raise FileUnavailable(f"HTTP {resp.status}")
                        data = bytearray()
                        async for chunk in resp.content.iter_chunked(65536):
                            data += chunk
                            if len(data) > limit:
                                raise FileTooBig(len(data), limit, "telegram")
                        return bytes(data)
                raise FileUnavailable("too many redirects")
        except ValueError:  # a Location that is not a URL
            raise FileUnavailable("bad redirect") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise TransientError(f"slack file: {type(exc).__name__}") from None

    async def _url_from_info(self, file_id: str) -> str:
        """A Slack Connect stub names only the file: files.info gives its URL."""
        if not file_id.startswith("F") or not file_id.isalnum():
            raise FileUnavailable("no file URL")
        try:
            info = await self.client.files_info(file=file_id)
        except SlackApiError as exc:
            status = getattr(exc.response, "status_code", 200)
            if status >= 500 or status == 429:
                raise TransientError(f"slack files.info: HTTP {status}") from None
            raise FileUnavailable(f"files.info: {exc.response.get('error') or 'error'}") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise TransientError(f"slack files.info: {type(exc).__name__}") from None
        file = info.get("file") or {}
        url = file.get("url_private_download") or file.get("url_private") or ""
        if not url:
            raise FileUnavailable("files.info gave no URL")
        return url

    async def shared_ts(self, file_id: str, channel: str) -> str | None:
        """The ts of the message that shows an uploaded file in `channel` (files.info `shares`),
        so replies and edits to it map like any relayed message."""
        for pause in SHARE_LOOKUPS:
            if pause:
                await asyncio.sleep(pause)
            try:
                info = await self.client.files_info(file=file_id)
            except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError):
                return None
            shares = (info.get("file") or {}).get("shares") or {}
            for kind in ("public", "private"):
                posts = (shares.get(kind) or {}).get(channel) or []
                if posts and posts[0].get("ts"):
                    return str(posts[0]["ts"])
        log.info("slack: the share of file %s in %s did not show yet; replies to it will not map", file_id, channel)
        return None
