"""The Telegram edge: python-telegram-bot on our aiohttp server (webhook) or our own polling loop.

Updates are not pushed into PTB's in-memory update queue: the webhook (or the poller) converts each
update and queues it durably in Redis before answering, so a crash cannot lose one. PTB's
Application is built with `updater(None)` and used for its Bot and lifecycle.

Without a webhook the edge long-polls with a `TelegramPoller`, a loop like the runtime's others
(`async def run(self) -> None` until cancelled): the edge starts it in `start` and cancels it in
`stop`, as the Slack edge opens and closes its Socket Mode connection.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from redis.asyncio import Redis
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot import limits
from bot.aio import cancel_requested
from bot.config import Settings
from bot.core import Core
from bot.metrics import METRICS
from bot.model import RoomRef, TransientError
from bot.store import keys
from bot.store.lease import Lease
from handlers.files import FileFetchers, FileTooBig, FileUnavailable
from handlers.telegram.inbound import update_to_inbound
from handlers.telegram.menu import register_menus
from handlers.telegram.sender import TelegramSender

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
MAX_UPDATE_BYTES = 1_000_000
POLL_LOCK = "telegram-poll"


class TelegramEdge:
    name = "telegram"

    def __init__(self, settings: Settings, core: Core, files: FileFetchers | None = None):
        self.settings = settings
        self.core = core
        self.redis = core.redis
        if settings.telegram_webhook_url and not settings.telegram_webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set")
        root = settings.telegram_api_url
        self.application = (
            Application.builder()
            .token(settings.telegram_bot_token.get_secret_value())  # type: ignore[union-attr]  # built only when set
            .base_url(f"{root}/bot")
            .base_file_url(f"{root}/file/bot")
            .updater(None)
            .build()
        )
        self.bot = self.application.bot
        self.sender = TelegramSender(self.bot, on_migrated=self._migrated, files=files)
        self.username: str | None = None
        self.poller = TelegramPoller(self.bot, self.redis, self.accept)  # runs only without a webhook
        self._poll_task: asyncio.Task | None = None

    # ---- inbound -------------------------------------------------------------------------
    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/telegram/webhook", self.handle_webhook)

    async def handle_webhook(self, request: web.Request) -> web.Response:
        expected = self.settings.telegram_webhook_secret
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        # Checked before anything else; with no secret configured no webhook is accepted at all.
        if expected is None or not hmac.compare_digest(given.encode(), expected.get_secret_value().encode()):
            METRICS.refused.labels("telegram", "secret").inc()
            return web.Response(status=401, text="unauthorized")
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            return web.Response(status=413, text="too large")
        body = await request.read()  # bounded by the app's client_max_size
        if len(body) > MAX_UPDATE_BYTES:  # a chunked body announces no Content-Length
            return web.Response(status=413, text="too large")
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.bot)
            if update is None:
                raise ValueError("no update")
        except Exception:  # not UTF-8, not JSON, nested past the parser (RecursionError), not an Update
            log.warning("telegram: unreadable webhook body refused")
            return web.Response(status=400, text="bad update")
        try:
            await self.accept(update)
        except Exception:
            log.exception("telegram: could not queue update %s; Telegram will retry", getattr(update, "update_id", "?"))
            return web.Response(status=500, text="temporarily unavailable")
        return web.Response(status=200, text="ok")

    async def accept(self, update: Update) -> None:
        try:
            inbound = update_to_inbound(update, self.username)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as exc:
            # Readable JSON of a shape Telegram does not send: taken (200), so it is not resent.
            log.warning("telegram: update of an unexpected shape dropped (%s)", type(exc).__name__)
            return
        if inbound is None or inbound.sender.is_bot:
            return
        # A tap is answered once, by the worker, with its answer's text (bot.delivery.private).
        await self.core.accept(inbound)

    async def _migrated(self, old: str, new: str) -> None:
        old_ref, new_ref = RoomRef(platform="telegram", chat_id=old), RoomRef(platform="telegram", chat_id=new)
        if self.core.rooms.move_room(old_ref, new_ref):
            await self.core.redis.hset(keys.ROOM_MOVES, old_ref.key, new_ref.key)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T

    async def fetch_file(self, att) -> bytes:
        """A Telegram file's bytes (bots may download up to 20 MB)."""
        limit = limits.TELEGRAM_DOWNLOAD_BYTES
        if att.size and att.size > limit:
            raise FileTooBig(att.size, limit, "telegram")
        try:
            tg_file = await self.bot.get_file(att.file_ref)
            if tg_file.file_size and tg_file.file_size > limit:
                raise FileTooBig(tg_file.file_size, limit, "telegram")
            # The download URL carries the token: only ever the Bot API's own file path.
            own = f"{self.settings.telegram_api_url}/file/bot"
            if not (tg_file.file_path or "").startswith(own) or ".." in (tg_file.file_path or ""):
                raise FileUnavailable("telegram: file path off the Bot API's file host")
            return bytes(await tg_file.download_as_bytearray())
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                raise FileTooBig(att.size, limit, "telegram") from None
            raise FileUnavailable(f"telegram: {exc.message}") from None
        except (TimedOut, NetworkError) as exc:
            raise TransientError(f"telegram file: {exc.message}") from None

    # ---- lifecycle ------------------------------------------------------------------------
    async def start(self, runtime, *, receive: bool) -> None:
        try:
            await self.application.initialize()  # getMe
            self.username = self.bot.username
            await runtime.redis.delete(keys.credentials_rejected("telegram"))
            log.info("telegram: signed in as @%s", self.username)
        except InvalidToken as exc:
            await runtime.redis.set(keys.credentials_rejected("telegram"), str(exc))
            log.error("telegram: the bot token was rejected")
            return
        except TelegramError as exc:
            log.error("telegram: getMe failed (%s); sends will retry", type(exc).__name__)
        if receive:
            await register_menus(self.bot)
        if self.settings.telegram_webhook_url and receive:
            await self.bot.set_webhook(
                url=self.settings.telegram_webhook_url,
                secret_token=self.settings.telegram_webhook_secret.get_secret_value(),  # type: ignore[union-attr]  # checked in __init__
                allowed_updates=ALLOWED_UPDATES,
                max_connections=1,  # one update at a time keeps each chat's order
            )
            log.info("telegram: webhook registered")
        elif receive:
            self._poll_task = asyncio.create_task(self.poller.run(), name="telegram-poll")

    async def stop(self) -> None:
        if self._poll_task:
            self._poll_task.cancel()
            await asyncio.gather(self._poll_task, return_exceptions=True)
            self._poll_task = None
        try:
            await self.application.shutdown()
        except Exception:
            pass


class TelegramPoller:
    """Long polling (getUpdates) by one process at a time: a Redis lease, taken or renewed in one
    atomic step before every poll. The offset lives in Redis and moves only after each update is
    queued, so a crash re-reads rather than loses. Errors back off (Retry-After as Telegram asks);
    cancelled, it lets the lease go so another process can poll at once."""

    def __init__(self, bot: Bot, redis: Redis, accept: Callable[[Update], Awaitable[None]], *, timeout: int = 20):
        self.bot = bot
        self.redis = redis
        self.accept = accept
        self.timeout = timeout  # seconds each getUpdates waits for an update
        self.lease = Lease(redis, keys.lock(POLL_LOCK), ttl_ms=60_000)

    async def run(self) -> None:
        """Poll until cancelled (by the edge's stop)."""
        deleted_webhook = False
        try:
            while not cancel_requested():
                try:
                    if not await self.lease.acquire():  # taken, or renewed by its holder, in one atomic step
                        await asyncio.sleep(5)
                        continue
                    if not deleted_webhook:
                        await self.bot.delete_webhook(drop_pending_updates=False)
                        deleted_webhook = True
                    await self.poll_once(timeout=self.timeout)
                except asyncio.CancelledError:
                    raise
                except RetryAfter as exc:
                    ra = exc.retry_after
                    await asyncio.sleep(ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra))
                except Conflict:
                    log.warning("telegram: another getUpdates or a webhook is active; backing off")
                    await asyncio.sleep(5)
                except (NetworkError, TelegramError, OSError) as exc:
                    log.warning("telegram: polling failed (%s); retrying", type(exc).__name__)
                    await asyncio.sleep(2)
                except Exception:
                    log.exception("telegram: polling error; retrying")
                    await asyncio.sleep(2)
        finally:
            try:
                await self.lease.release()
            except Exception:
                log.debug("telegram poll lease release failed (it expires by itself)", exc_info=True)

    async def poll_once(self, timeout: int = 0) -> int:
        raw = await self.redis.get(keys.TELEGRAM_OFFSET)
        offset = int(raw) if raw else None
        updates = await self.bot.get_updates(
            offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES, read_timeout=timeout + 10
        )
        for update in updates:
            await self.accept(update)
            await self.redis.set(keys.TELEGRAM_OFFSET, update.update_id + 1)
        return len(updates)
