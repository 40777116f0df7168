"""The advisory poller: one process at a time polls every source, every ADVISORY_POLL_SECONDS.

Several worker processes may run it; a Redis lease (`blm:lock:advisories`, `bot.store.lease`:
renewed while polling, released only by its holder) lets one poll. Should two ever overlap
(a paused process whose lease ran out), posting is still once per BLM and alert (see publish.py).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from redis.asyncio import Redis

from bot.advisories.digest import CentralDigest
from bot.advisories.fetch import ConditionalFetcher
from bot.advisories.publish import Publisher, StartPlaybooks
from bot.advisories.source_cap import fetch_cap_feed
from bot.advisories.source_nws import Fetched, fetch_nws
from bot.aio import cancel_requested
from bot.clock import Clock
from bot.config import Deployment, Settings
from bot.directory import get_blm
from bot.rooms import Rooms
from bot.store import keys
from bot.store.lease import Lease

log = logging.getLogger(__name__)


class AdvisoryService:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        settings: Settings,
        deployment: Deployment,
        start_playbooks: StartPlaybooks | None = None,
    ):
        self.redis = redis
        self.rooms = rooms
        self.settings = settings
        self.clock = clock
        self.publisher = Publisher(redis, clock, rooms, deployment, start_playbooks)
        self.digest = CentralDigest(redis, clock, rooms)
        period = float(settings.advisory_poll_seconds or 0)
        self.lease = Lease(redis, keys.lock(keys.ADVISORY_LOCK), ttl_ms=max(60, int(period * 3)) * 1000)
        self._session: aiohttp.ClientSession | None = None
        self.polls = 0  # completed polls in this process (tests, metrics)

    def _fetcher(self) -> ConditionalFetcher:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(raise_for_status=False)
        return ConditionalFetcher(self.redis, self.clock, self._session)

    async def tick(self) -> bool:
        """Poll once if this process holds (or gets) the lease. Returns whether it polled."""
        if not await self.lease.acquire():
            return False
        await self.poll_once()
        return True

    async def poll_once(self) -> None:
        """Every configured BLM's NWS point, every CAP feed, the expiry sweep, then the central
        room's digest. A failing source
        is logged (and backs off) and never stops the others."""
        fetcher = self._fetcher()
        user_agent = self.settings.nws_user_agent
        for blm_id in self.rooms.configured_blms():
            blm = get_blm(blm_id)
            await self._run_source(
                f"NWS {blm_id}",
                fetch_nws(fetcher, self.settings.nws_api_url, user_agent, blm),
                fetcher,
                queried_blm=blm,
            )
        for url in self.settings.cap_feed_urls:
            await self._run_source(f"CAP {url}", fetch_cap_feed(fetcher, url, user_agent), fetcher)
        try:
            await self.publisher.sweep_expired()
        except Exception:
            log.exception("advisory expiry sweep failed")
        try:
            await self.digest.refresh()  # the central room's view of what the BLMs now have
        except Exception:
            log.exception("central advisory digest failed; the next poll redraws it")
        self.polls += 1

    async def _run_source(self, label: str, fetching, fetcher: ConditionalFetcher, queried_blm=None) -> None:
        try:
            fetched: Fetched | None = await fetching
            if fetched is None:
                return
            await self.publisher.handle_source(fetched.source, fetched.parsed.advisories, queried_blm)
            await fetcher.remember(fetched.source, fetched.validators)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("advisory source %s failed; the others go on", label)
        finally:
            try:
                await self.lease.renew()
            except Exception:
                log.debug("advisory lease renewal failed", exc_info=True)

    async def run(self) -> None:
        """The worker loop: polls until the runtime cancels it, then lets the lease go."""
        period = float(self.settings.advisory_poll_seconds or 0)
        if period <= 0:
            log.info("advisory polling is off (ADVISORY_POLL_SECONDS=0)")
            return
        log.info("advisory polling every %.0fs", period)
        try:
            while not cancel_requested():
                try:
                    await self.tick()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("advisory poll failed; next one in %.0fs", period)
                await self.clock.sleep(period)
        finally:
            await self.close()

    async def close(self) -> None:
        try:
            await self.lease.release()
        except Exception:
            log.debug("advisory lease release failed (it expires by itself)", exc_info=True)
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
