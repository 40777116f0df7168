"""Publishing advisories to BLM rooms: post once, edit on Update / Cancel, mark the ended ones.

Every room gets its own language (the room's `lang`): the bot's framing from the catalogue, the
issuer's text as written (the issuer's `<info>` in the room's language when there is one), times in
the room side's time zone (US room: the BLM's US zone; Mexican room: its Mexican zone) and UTC.

An alert's identity is its sender and identifier together (`Advisory.key`, "sender,identifier"),
and a chain is keyed by its first message's (`Advisory.chain_key`). Each alert message is handled
once per BLM, across processes: the marker `blm:adv:posted:{blm}:{sender,identifier}` (value: the
chain key) is set in the same MULTI/EXEC as the posts
it causes and the chain state, under WATCH, so two processes racing commit exactly one outcome and
a crash commits none (the next poll redoes it). Posts carry the key `adv:{blm}:{chain_id}`, so an
Update or Cancel edits them in place on both sides.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.advisories import messages  # noqa: F401  (registers the texts)
from bot.advisories.matching import blms_for
from bot.advisories.model import Advisory
from bot.advisories.names import event_name
from bot.clock import Clock
from bot.config import SEVERITIES, Deployment
from bot.delivery.outbox import Effects
from bot.directory import BLM, get_blm
from bot.i18n import CATALOG, t
from bot.metrics import METRICS
from bot.model import OutboundMessage
from bot.rooms import RoomInfo, Rooms
from bot.store import keys

log = logging.getLogger(__name__)

POSTED_TTL = 30 * 86400  # an alert message's marker; NWS alerts live days, not weeks
CHAIN_TTL = 90 * 86400
ENDED = ("cancelled", "expired", "gone", "moved")

StartPlaybooks = Callable[..., "list[str] | Awaitable[list[str]]"]


def message_key(blm_id: str, chain_id: str) -> str:
    return f"adv:{blm_id}:{chain_id}"


# ---- rendering -------------------------------------------------------------------------------
def format_when(when: datetime, zone: ZoneInfo) -> str:
    """'2026-07-01 14:00 MDT (20:00 UTC)'; the UTC date is repeated when it differs."""
    local = when.astimezone(zone)
    utc = when.astimezone(UTC)
    utc_part = utc.strftime("%H:%M UTC") if utc.date() == local.date() else utc.strftime("%Y-%m-%d %H:%M UTC")
    return f"{local.strftime('%Y-%m-%d %H:%M')} {local.tzname()} ({utc_part})"


def room_zone(blm: BLM, room: RoomInfo) -> ZoneInfo:
    return blm.us_zone if room.side == "us" else blm.mx_zone


def _value(kind: str, value: str, lang: str) -> str:
    key = f"adv.{kind}.{value}"
    return t(key, lang) if key in CATALOG else value


def _language_name(code: str, lang: str) -> str:
    head = (code or "").split("-")[0].lower()
    return t(f"adv.lang.{head}", lang) if head in ("en", "es") else code


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def render(
    advisory: Advisory,
    blm: BLM,
    room: RoomInfo,
    *,
    state: str = "active",
    previous: Advisory | None = None,
    incidents: list[str] | None = None,
    ended_at: datetime | None = None,
    chain_id: str | None = None,
) -> OutboundMessage:
    """The post for one room. `state` active (new, or updated when `previous` is given) or ended.
    Its key is `adv:{blm}:{chain}` so later renderings edit it."""
    lang = room.lang
    zone = room_zone(blm, room)
    info = advisory.info_for(lang)
    people = advisory.source == "people"
    base_title = t("adv.title.people", lang) if people else t("adv.title", lang, event=event_name(advisory, lang))
    if state == "cancelled":
        title = t("adv.title.cancelled", lang, title=base_title)
    elif state in ENDED:
        title = t("adv.title.ended", lang, title=base_title)
    elif previous is not None:
        title = t("adv.title.updated", lang, title=base_title)
    else:
        title = base_title
    framing: list[str] = []
    if state == "cancelled":
        framing.append(t("adv.line.cancelled", lang))
    elif state == "expired":
        expired_at = ended_at or advisory.expires
        if expired_at is not None:
            framing.append(t("adv.line.expired", lang, when=format_when(expired_at, zone)))
            if info is not None and info.ends and info.ends > expired_at:
                # the message lapsed without an update, not the hazard: say so, not "it is over"
                framing.append(t("adv.line.expired_before_end", lang, when=format_when(info.ends, zone)))
    elif state == "gone":
        framing.append(t("adv.line.gone", lang))
    elif state == "moved":
        framing.append(t("adv.line.moved", lang))
    elif previous is not None:
        changes = describe_changes(previous, advisory, lang, zone)
        framing.append(t("adv.line.changed", lang, changes=changes) if changes else t("adv.line.unchanged", lang))
    framing.append(t("adv.line.for", lang, blm=blm.name(lang)))
    lines: list[str] = []
    if info is not None:
        if not people:
            framing.append(
                t(
                    "adv.line.level",
                    lang,
                    severity=_value("severity", info.severity, lang),
                    urgency=_value("urgency", info.urgency, lang),
                    certainty=_value("certainty", info.certainty, lang),
                )
            )
        if info.onset:
            framing.append(t("adv.line.onset", lang, when=format_when(info.onset, zone)))
        if info.ends:
            framing.append(t("adv.line.ends", lang, when=format_when(info.ends, zone)))
        elif not people and info.expires:
            framing.append(t("adv.line.ends_unknown", lang))
        if info.expires:
            framing.append(t("adv.line.expires", lang, when=format_when(info.expires, zone)))
        if people:
            if info.sender_name:
                framing.append(t("adv.line.people_by", lang, name=info.sender_name))
            lines += list(dict.fromkeys(p.strip() for p in (info.headline, info.description) if p and p.strip()))
        else:
            if info.sender_name:
                framing.append(t("adv.line.issuer", lang, issuer=info.sender_name))
            if state not in ENDED:
                framing.append(t(f"adv.todo.{info.severity if info.severity in SEVERITIES else 'Unknown'}", lang))
            issuer = [p.strip() for p in (info.headline, info.description) if p and p.strip()]
            if issuer or info.instruction:
                lines.append(t("adv.line.issuer_text", lang, language=_language_name(info.language, lang)))
                lines += issuer
                if info.instruction and info.instruction.strip():
                    lines.append(t("adv.line.instruction", lang, text=info.instruction.strip()))
        if info.web:
            lines.append(t("adv.line.more", lang, url=info.web))
    if incidents:
        lines.append(t("adv.line.incident", lang, incidents=", ".join(incidents)))
    lines.append(t("adv.line.reference", lang, identifier=advisory.identifier))
    return OutboundMessage(
        room=room.room,
        title=title,
        text="\n".join(framing),
        lines=lines,
        key=message_key(blm.id, chain_id or advisory.chain_key),
        # the queue's priority stream, as the playbook posts it starts: never behind relayed chat,
        # never coalesced, and ahead of those posts because it is queued before them
        priority="interactive",
        lang=lang,
    )


def describe_changes(old: Advisory, new: Advisory, lang: str, zone: ZoneInfo) -> str:
    a, b = old.info_for(lang), new.info_for(lang)
    if a is None or b is None:
        return ""
    parts: list[str] = []
    if event_name(old, lang) != event_name(new, lang):
        parts.append(f"{t('adv.field.event', lang)} {event_name(old, lang)} → {event_name(new, lang)}")
    for field, kind in (("severity", "severity"), ("urgency", "urgency"), ("certainty", "certainty")):
        va, vb = getattr(a, field), getattr(b, field)
        if va != vb:
            shown = (lambda v, kind=kind: _value(kind, v, lang)) if kind else (lambda v: v)
            parts.append(f"{t('adv.field.' + field, lang)} {shown(va)} → {shown(vb)}")
    for field in ("onset", "ends", "expires"):
        va, vb = getattr(a, field), getattr(b, field)
        if va != vb:
            fa = format_when(va, zone) if va else "–"
            fb = format_when(vb, zone) if vb else "–"
            parts.append(f"{t('adv.field.' + field, lang)} {fa} → {fb}")
    for field in ("headline", "description", "instruction"):
        if (getattr(a, field) or "").strip() != (getattr(b, field) or "").strip():
            parts.append(t("adv.field." + field, lang))
    if [x.desc for x in a.areas] != [x.desc for x in b.areas]:
        parts.append(t("adv.field.area", lang))
    return "; ".join(parts)


# ---- filters ---------------------------------------------------------------------------------
def passes_filters(advisory: Advisory, config) -> bool:
    """The deployment's `advisories:` filters (people's advisories are never filtered)."""
    if advisory.source == "people" or config is None:
        return True
    names = {n.strip().lower() for n in advisory.event_names()}
    deny = {e.strip().lower() for e in config.events_deny}
    allow = {e.strip().lower() for e in config.events_allow}
    if names & deny:
        return False
    if allow and not names & allow:
        return False
    best = max((severity_rank(i.severity) for i in advisory.infos), default=0)
    return best >= severity_rank(config.min_severity)


# ---- the publisher ---------------------------------------------------------------------------
class Publisher:
    """`start_playbooks(event_names, blm_id, chain_id, effects)` starts the playbooks an advisory
    triggers (the engine's `start_for_advisory`); None in a process without playbooks."""

    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        deployment: Deployment,
        start_playbooks: StartPlaybooks | None = None,
    ):
        self.redis = redis
        self.clock = clock
        self.rooms = rooms
        self.deployment = deployment
        self.start_playbooks = start_playbooks

    @property
    def config(self):
        return getattr(self.deployment, "advisories", None)

    # -- a source's batch --
    async def handle_source(self, source: str, advisories: list[Advisory], queried_blm: BLM | None = None) -> None:
        """Handle every advisory a source listed (oldest first), then mark as ended the chains this
        source listed before and no longer lists (gone without a Cancel). One bad advisory is
        logged and the others still go out."""
        listed: set[str] = set()
        for advisory in sorted(advisories, key=lambda a: a.sent):
            try:
                listed |= await self.handle(advisory, source, queried_blm)
            except Exception:
                log.exception("advisory %s from %s could not be handled; the others go on", advisory.identifier, source)
        await self._retire_unlisted(source, listed)

    async def handle(self, advisory: Advisory, source: str, queried_blm: BLM | None = None) -> set[str]:
        """Post, edit or skip one advisory in each BLM it concerns. Returns the `blm|chain` pairs
        that are active after it (what the source lists)."""
        if advisory.status != "Actual":
            log.info("advisory %s skipped: status %s", advisory.identifier, advisory.status)
            return set()
        if advisory.msg_type not in ("Alert", "Update", "Cancel"):
            log.info("advisory %s skipped: msgType %s", advisory.identifier, advisory.msg_type)
            return set()
        configured = self.rooms.configured_blms()
        matched = [b.id for b in blms_for(advisory, queried_blm) if b.id in configured]
        targets = list(matched)
        # BLMs where this chain is already posted (an Update may have moved its area away)
        for blm_id in configured:
            if blm_id not in targets and await self._existing_chain(blm_id, advisory):
                if queried_blm is None or queried_blm.id == blm_id:
                    targets.append(blm_id)
        listed: set[str] = set()
        for blm_id in targets:
            chain = await self.handle_in_blm(advisory, blm_id, source, covered=blm_id in matched)
            if chain:
                listed.add(f"{blm_id}|{chain}")
        return listed

    async def _existing_chain(self, blm_id: str, advisory: Advisory) -> str | None:
        """The chain this advisory belongs to in a BLM: through its own sender's references (any
        earlier message of the chain we handled), or its own chain key."""
        for ref in advisory.reference_keys():
            chain = await self.redis.get(keys.adv_posted(blm_id, ref))
            if chain and await self.redis.exists(keys.adv_chain(blm_id, chain)):
                return chain
        if await self.redis.exists(keys.adv_chain(blm_id, advisory.chain_key)):
            return advisory.chain_key
        return None

    async def handle_in_blm(self, advisory: Advisory, blm_id: str, source: str, *, covered: bool = True) -> str | None:
        """Returns the chain id when the chain is active in this BLM afterwards."""
        blm = get_blm(blm_id)
        posted_key = keys.adv_posted(blm_id, advisory.key)
        chain_id = await self._existing_chain(blm_id, advisory) or advisory.chain_key
        chain_key = keys.adv_chain(blm_id, chain_id)
        playbooks_key = keys.adv_playbooks(blm_id, chain_id)
        rooms = self.rooms.rooms_of(blm_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(posted_key, chain_key, playbooks_key)
                    if await pipe.exists(posted_key):
                        state = await pipe.hget(chain_key, "state")  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                        return chain_id if state == "active" else None
                    chain = await pipe.hgetall(chain_key)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                    effects = Effects(self.clock.now())
                    outcome = await self._decide(
                        advisory, blm, rooms, chain_id, chain, source, covered, effects, playbooks_key, pipe
                    )
                    pipe.multi()
                    pipe.set(posted_key, chain_id, ex=POSTED_TTL)
                    effects.commit_into(pipe)
                    await pipe.execute()
                    METRICS.advisories_posted.labels(blm_id, outcome).inc()
                    return chain_id if outcome == "active" else None
                except WatchError:
                    log.info(
                        "advisory %s in %s: another process got there first; re-checking", advisory.identifier, blm_id
                    )
                    continue

    async def _decide(
        self,
        advisory: Advisory,
        blm: BLM,
        rooms: list[RoomInfo],
        chain_id: str,
        chain: dict,
        source: str,
        covered: bool,
        effects: Effects,
        playbooks_key: str,
        pipe,
    ) -> str:
        """Queue what this advisory means for one BLM; returns the chain's state afterwards."""
        now = self.clock.utcnow()
        chain_key = keys.adv_chain(blm.id, chain_id)
        active_key = keys.adv_active(blm.id)
        state = chain.get("state")
        previous = Advisory.model_validate_json(chain["advisory"]) if chain.get("advisory") else None
        incidents = json.loads(chain.get("incidents") or "[]")

        if advisory.msg_type == "Cancel":
            if state != "active" or previous is None:
                return state or "none"
            for room in rooms:
                effects.edit(render(previous, blm, room, state="cancelled", incidents=incidents, chain_id=chain_id))
            self._save(effects, chain_key, active_key, chain_id, {"state": "cancelled"}, None)
            return "cancelled"

        if state == "active" and previous is not None:
            if advisory.sent < previous.sent or advisory.is_expired(now):
                # an older or lapsed version of what is posted (NWS keeps listing superseded
                # messages until they expire): posting it would undo the newer one
                log.info("advisory %s in %s: older than the posted version, not applied", advisory.identifier, blm.id)
                return "active"
            if not covered:
                for room in rooms:
                    effects.edit(render(previous, blm, room, state="moved", incidents=incidents, chain_id=chain_id))
                self._save(effects, chain_key, active_key, chain_id, {"state": "moved"}, None)
                return "moved"
            for room in rooms:
                effects.edit(render(advisory, blm, room, previous=previous, incidents=incidents, chain_id=chain_id))
            self._save(
                effects,
                chain_key,
                active_key,
                chain_id,
                {"advisory": advisory.model_dump_json(), "source": source},
                advisory,
            )
            return "active"

        # a new chain in this BLM (or one that had ended and is issued again)
        if not covered:
            return state or "none"
        if advisory.is_expired(now):
            log.info("advisory %s skipped in %s: already expired", advisory.identifier, blm.id)
            return "expired"
        if not passes_filters(advisory, self.config):
            log.info("advisory %s filtered out in %s (deployment advisories filters)", advisory.identifier, blm.id)
            return "filtered"
        # The playbooks write into their own batch, appended after the advisory's posts: in each
        # room the advisory comes first, then the playbook's posts (same stream, in order).
        playbook_effects = Effects(effects.now)
        if advisory.source != "people" and not await pipe.exists(playbooks_key):
            incidents = await self._start_playbooks_for(advisory, blm.id, chain_id, playbook_effects)
            value = json.dumps(incidents)
            effects.also(lambda p: p.set(playbooks_key, value, ex=CHAIN_TTL))
        for room in rooms:
            effects.post(render(advisory, blm, room, incidents=incidents, chain_id=chain_id))
        effects.ops.extend(playbook_effects.ops)
        effects.writes.extend(playbook_effects.writes)
        self._save(
            effects,
            chain_key,
            active_key,
            chain_id,
            {
                "advisory": advisory.model_dump_json(),
                "source": source,
                "state": "active",
                "incidents": json.dumps(incidents),
                "first_identifier": advisory.identifier,
                "posted_at": str(self.clock.now()),
            },
            advisory,
        )
        return "active"

    def _save(
        self, effects: Effects, chain_key: str, active_key: str, chain_id: str, fields: dict, active: Advisory | None
    ) -> None:
        def write(pipe):
            pipe.hset(chain_key, mapping=fields)
            pipe.expire(chain_key, CHAIN_TTL)
            if active is None:
                pipe.zrem(active_key, chain_id)
            else:
                expires = active.expires
                pipe.zadd(active_key, {chain_id: expires.timestamp() if expires else float("inf")})

        effects.also(write)

    async def _start_playbooks_for(self, advisory: Advisory, blm_id: str, chain_id: str, effects: Effects) -> list[str]:
        start = self.start_playbooks
        if start is None:
            return []
        try:
            result = start(advisory.event_names(), blm_id, chain_id, effects)
            if inspect.isawaitable(result):
                result = await result
            return [str(i) for i in (result or [])]
        except Exception:
            log.exception("starting playbooks for advisory %s in %s failed", advisory.identifier, blm_id)
            return []

    # -- ending --
    async def _retire_unlisted(self, source: str, listed: set[str]) -> None:
        seen_key = keys.adv_seen(source)
        before = set(await self.redis.smembers(seen_key))  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
        for pair in sorted(before - listed):
            blm_id, _, chain_id = pair.partition("|")
            try:
                await self.end_chain(blm_id, chain_id, "gone", only_source=source)
            except Exception:
                log.exception("could not mark %s as no longer active", pair)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(seen_key)
            if listed:
                pipe.sadd(seen_key, *listed)
            await pipe.execute()

    async def sweep_expired(self) -> int:
        """Mark every chain past its `expires` as no longer active. Returns how many."""
        now = self.clock.now()
        count = 0
        for blm_id in self.rooms.configured_blms():
            for chain_id in await self.redis.zrangebyscore(keys.adv_active(blm_id), "-inf", now):
                if await self.end_chain(blm_id, chain_id, "expired"):
                    count += 1
        return count

    async def end_chain(self, blm_id: str, chain_id: str, reason: str, only_source: str | None = None) -> bool:
        """Edit an active chain's posts to say it ended (`expired`, `gone`). Once, across processes."""
        blm = get_blm(blm_id)
        chain_key = keys.adv_chain(blm_id, chain_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(chain_key)
                    chain = await pipe.hgetall(chain_key)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                    if chain.get("state") != "active" or not chain.get("advisory"):
                        await pipe.unwatch()
                        await self.redis.zrem(keys.adv_active(blm_id), chain_id)
                        return False
                    if only_source and chain.get("source") != only_source:
                        await pipe.unwatch()
                        return False
                    advisory = Advisory.model_validate_json(chain["advisory"])
                    incidents = json.loads(chain.get("incidents") or "[]")
                    effects = Effects(self.clock.now())
                    for room in self.rooms.rooms_of(blm_id):
                        effects.edit(render(advisory, blm, room, state=reason, incidents=incidents, chain_id=chain_id))
                    self._save(effects, chain_key, keys.adv_active(blm_id), chain_id, {"state": reason}, None)
                    pipe.multi()
                    effects.commit_into(pipe)
                    await pipe.execute()
                    log.info("advisory chain %s in %s marked %s", chain_id, blm_id, reason)
                    return True
                except WatchError:
                    continue


# ---- reading state ---------------------------------------------------------------------------
async def active_advisories(redis, blm_id: str) -> list[Advisory]:
    """What is active in a BLM now (for `/advisory`), soonest expiry first."""
    out: list[Advisory] = []
    for chain_id in await redis.zrange(keys.adv_active(blm_id), 0, -1):
        chain = await redis.hgetall(keys.adv_chain(blm_id, chain_id))
        if chain.get("state") == "active" and chain.get("advisory"):
            try:
                out.append(Advisory.model_validate_json(chain["advisory"]))
            except Exception:
                log.warning("unreadable advisory state %s/%s", blm_id, chain_id)
    return out


# ---- people's advisories ---------------------------------------------------------------------
def queue_people_advisory(core, advisory: Advisory, blm_id: str, effects: Effects) -> None:
    """Post an advisory people issued (`/advisory post`) to both rooms of a BLM and store it, all in
    the handler's own effects (committed with the command, so it happens exactly once)."""
    blm = get_blm(blm_id)
    chain_id = advisory.chain_key
    for room in core.rooms.rooms_of(blm_id):
        effects.post(render(advisory, blm, room, chain_id=chain_id))
    chain_key = keys.adv_chain(blm_id, chain_id)
    active_key = keys.adv_active(blm_id)
    fields = {
        "advisory": advisory.model_dump_json(),
        "source": "people",
        "state": "active",
        "incidents": "[]",
        "first_identifier": advisory.identifier,
        "posted_at": str(effects.now),
    }
    issued = advisory.model_dump_json()
    expires = advisory.expires

    def write(pipe):
        pipe.set(keys.adv_posted(blm_id, advisory.key), chain_id, ex=POSTED_TTL)
        pipe.hset(chain_key, mapping=fields)
        pipe.expire(chain_key, CHAIN_TTL)
        pipe.zadd(active_key, {chain_id: expires.timestamp() if expires else float("inf")})
        pipe.set(keys.adv_issued(advisory.identifier), issued)

    effects.also(write)
