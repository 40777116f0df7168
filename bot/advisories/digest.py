"""The central room's digest: one post per Severe or Extreme event, listing the BLMs it covers.

An "event" is the issuer's event name (e.g. Extreme Heat Warning): NWS issues one alert per office
and county, so a heat wave along the border is ten alerts of one event, and the central room wants
one post saying where it is, not ten. The digest is a view of the BLMs' chain state (what
publish.py commits), recomputed after each poll: BLMs are added as their alerts arrive, their lines
follow updates, and a BLM whose alert is cancelled, expires, is no longer listed, moves away or
drops below Severe is shown as cleared. When no BLM is left the post says so, and the next
occurrence of the event is a new post. Being a view, a crash between a BLM's post and the digest
costs nothing: the next refresh draws it again. A refresh posts or edits only when the text changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.exceptions import WatchError

from bot.advisories import messages  # noqa: F401  (registers the texts)
from bot.advisories.model import Advisory
from bot.advisories.names import event_name
from bot.config import SEVERITIES
from bot.delivery.outbox import Effects
from bot.directory import get_blm
from bot.i18n import t
from bot.model import OutboundMessage
from bot.rooms import RoomInfo
from bot.store import keys

log = logging.getLogger(__name__)

DIGEST_SEVERITIES = ("Severe", "Extreme")
DIGEST_TTL = 90 * 86400


@dataclass
class Listed:
    """One BLM's line in a digest: the chain, and what the room reads about it."""

    blm_id: str
    chain: str
    advisory: Advisory

    @property
    def severity(self) -> str:
        ranked = [i.severity for i in self.advisory.infos if i.severity in SEVERITIES]
        return max(ranked, key=SEVERITIES.index) if ranked else "Unknown"


def event_hash(event: str) -> str:
    return hashlib.sha256(" ".join(event.split()).casefold().encode()).hexdigest()[:16]


def digest_key(event: str, generation: int) -> str:
    return f"advdigest:{event_hash(event)}:{generation}"


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_digest(
    event: str, listed: list[Listed], cleared: dict[str, str], room: RoomInfo, generation: int, names: dict[str, str]
) -> OutboundMessage:
    """The digest post for one central room (times in UTC: the central room spans five zones).
    `names` is the event's name by language, kept from when BLMs were listed."""
    lang = room.lang
    name = event_name(listed[0].advisory, lang) if listed else names.get(lang, event)
    if listed:
        title = t("adv.digest.title", lang, event=name, count=len(listed))
    else:
        title = t("adv.title.ended", lang, title=t("adv.digest.title_none", lang, event=name))
    lines = []
    for entry in listed:
        info = entry.advisory.info_for(lang)
        details = [t(f"adv.severity.{entry.severity}", lang)]
        if info is not None and info.ends:
            details.append(t("adv.digest.ends", lang, when=_utc(info.ends)))
        elif entry.advisory.expires:
            details.append(t("adv.digest.expires", lang, when=_utc(entry.advisory.expires)))
        if entry.advisory.msg_type == "Update":
            details.append(t("adv.digest.updated", lang))
        lines.append(t("adv.digest.line", lang, blm=get_blm(entry.blm_id).name(lang), details=" · ".join(details)))
    for blm_id, reason in sorted(cleared.items()):
        why = t(f"adv.digest.why.{reason}", lang)
        lines.append(t("adv.digest.cleared", lang, blm=get_blm(blm_id).name(lang), reason=why))
    return OutboundMessage(
        room=room.room,
        title=title,
        text=t("adv.digest.intro", lang) if listed else t("adv.digest.none", lang),
        lines=lines,
        key=digest_key(event, generation),
        priority="interactive",
        lang=lang,
    )


class CentralDigest:
    """Keeps the central room's digests in step with the BLMs' advisory state."""

    def __init__(self, redis, clock, rooms):
        self.redis = redis
        self.clock = clock
        self.rooms = rooms

    async def refresh(self) -> int:
        """Redraw every digest whose BLMs changed. Returns how many posts were posted or edited."""
        central = self.rooms.central_rooms()
        if not central:
            return 0
        current = await self._current()
        hashes = {event_hash(e): e for e in current}
        for listed_hash in await self.redis.smembers(keys.ADV_DIGESTS):
            if listed_hash not in hashes:
                state = await self.redis.hget(keys.adv_digest(listed_hash), "event")
                if state:
                    hashes[listed_hash] = state
        changed = 0
        for event in hashes.values():
            try:
                changed += await self._refresh_one(event, current.get(event, []), central)
            except Exception:
                log.exception("central digest of %s could not be refreshed; next poll tries again", event)
        return changed

    async def _current(self) -> dict[str, list[Listed]]:
        """Severe and Extreme chains active now, by event name (the issuer's first info's event)."""
        by_event: dict[str, list[Listed]] = {}
        for blm_id in self.rooms.configured_blms():
            for chain in await self.redis.zrange(keys.adv_active(blm_id), 0, -1):
                state = await self.redis.hgetall(keys.adv_chain(blm_id, chain))
                if state.get("state") != "active" or not state.get("advisory") or state.get("source") == "people":
                    continue
                try:
                    advisory = Advisory.model_validate_json(state["advisory"])
                except ValueError:
                    continue
                entry = Listed(blm_id, chain, advisory)
                if entry.severity in DIGEST_SEVERITIES and advisory.infos:
                    event = " ".join(advisory.infos[0].event.split())
                    by_event.setdefault(event, []).append(entry)
        return by_event

    async def _refresh_one(self, event: str, listed: list[Listed], central: list[RoomInfo]) -> int:
        key = keys.adv_digest(event_hash(event))
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    state = await pipe.hgetall(key)
                    before = json.loads(state.get("listed") or "{}")  # blm -> chain
                    cleared = json.loads(state.get("cleared") or "{}")  # blm -> reason
                    generation = int(state.get("generation") or 0)
                    if not listed and not before:
                        await pipe.unwatch()
                        await self.redis.srem(keys.ADV_DIGESTS, event_hash(event))
                        return 0
                    new_post = not before
                    if new_post:
                        generation, cleared = generation + 1, {}
                    now_listed = {e.blm_id: e.chain for e in listed}
                    for blm_id, chain in before.items():
                        if blm_id not in now_listed:
                            cleared[blm_id] = await self._why_cleared(blm_id, chain)
                    for blm_id in now_listed:
                        cleared.pop(blm_id, None)
                    order = self.rooms.configured_blms()
                    ordered = sorted(listed, key=lambda e: order.index(e.blm_id))
                    names = json.loads(state.get("names") or "{}")
                    if ordered:
                        names = {room.lang: event_name(ordered[0].advisory, room.lang) for room in central}
                    posts = [render_digest(event, ordered, cleared, room, generation, names) for room in central]
                    fingerprint = hashlib.sha256(
                        json.dumps([p.model_dump(mode="json") for p in posts], sort_keys=True).encode()
                    ).hexdigest()
                    if fingerprint == state.get("fingerprint") and not new_post:
                        await pipe.unwatch()
                        return 0
                    effects = Effects(self.clock.now())
                    for post in posts:
                        (effects.post if new_post else effects.edit)(post)
                    pipe.multi()
                    effects.commit_into(pipe)
                    pipe.hset(
                        key,
                        mapping={
                            "event": event,
                            "generation": generation,
                            "listed": json.dumps(now_listed),
                            "cleared": json.dumps(cleared if now_listed else {}),
                            "fingerprint": fingerprint,
                            "names": json.dumps(names),
                        },
                    )
                    pipe.expire(key, DIGEST_TTL)
                    if now_listed:
                        pipe.sadd(keys.ADV_DIGESTS, event_hash(event))
                    else:
                        pipe.srem(keys.ADV_DIGESTS, event_hash(event))
                    await pipe.execute()
                    return len(posts)
                except WatchError:
                    continue

    async def _why_cleared(self, blm_id: str, chain: str) -> str:
        state = await self.redis.hget(keys.adv_chain(blm_id, chain), "state")
        if state in ("cancelled", "expired", "gone", "moved"):
            return state
        return "downgraded" if state == "active" else "gone"
