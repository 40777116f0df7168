"""Runs in Redis: incidents, their state, timeline and timers; outputs through Effects.

Every change to an incident is one optimistic transaction (`Engine.mutate`): WATCH the state key,
compute a pure Transition (steps.py), then MULTI: the new state, timers set and cancelled, timeline
events, the posts, and (for an inbound event) a marker that this event's change is done. Two
changes racing on one incident (an /ack and a due escalation; two people ticking in Slack and
Telegram) cannot both commit on the same state: the loser retries on the new state.

The timeline is a hash chain (bot/record/chain.py): the transaction also WATCHes the timeline and
links the new events to its last entry, so writers in any number of processes form one chain.
When an incident ends, the chain's head is posted to its rooms and recorded as an `anchor` entry.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from bot.buttons import make_button
from bot.clock import Clock
from bot.delivery.outbox import Effects
from bot.directory import get_blm
from bot.engine import steps
from bot.engine.loader import LoadedPlaybook, PlaybookLibrary, content_hash, playbook_from_data
from bot.engine.schema import Playbook, coerce_param
from bot.engine.state import Event, Post, RunState, Transition
from bot.i18n import t
from bot.model import Mention, OutboundMessage, Role, RoomRef
from bot.record import chain
from bot.record import messages as _record_messages  # noqa: F401  (registers the record's texts)
from bot.rooms import Rooms
from bot.store import keys

log = logging.getLogger(__name__)

MAX_RETRIES = 50
DONE_TTL = 7 * 86400

# For each incident: its state, the timeline's last element (the chain head) and a timer's claim
# token, read in one script call after all three keys are WATCHed. KEYS: n incident keys, then
# their n timelines, then their n timer hashes.
_READ_CLAIMED = """
local out, n = {}, #KEYS / 3
for i = 1, n do
  out[3 * i - 2] = redis.call('GET', KEYS[i]) or false
  out[3 * i - 1] = redis.call('LINDEX', KEYS[n + i], -1) or false
  out[3 * i] = redis.call('HGET', KEYS[2 * n + i], 'claim') or false
end
return out
"""


# An incident's own writes of one change, in one command (a change is made often: every timer
# firing, tap and answer). KEYS: incident, all-incidents index, open index, timeline, erase
# schedule. ARGV: state document, retention seconds, incident id, its start (the indexes' score),
# "1" if still open, when its content is erased, the board's channel, the board notice, then the
# timeline entries to append (kept past the retention period: the eraser, bot/record/erase.py,
# drops their content then and keeps the hashes, hence PERSIST).
_WRITE_INCIDENT = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
else
  redis.call('ZREM', KEYS[3], ARGV[3])
end
if #ARGV > 8 then
  local unpack_ = table.unpack or unpack  -- Redis runs Lua 5.1; an embedded store may run 5.4
  redis.call('RPUSH', KEYS[4], unpack_(ARGV, 9))
  redis.call('PERSIST', KEYS[4])
end
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[3])
redis.call('PUBLISH', ARGV[7], ARGV[8])  -- the operations board's live pages (bot/board/live.py)
"""


class AmbiguousIncident(LookupError):
    """Several open incidents could be meant: the person must name one."""

    def __init__(self, ids: list[str]):
        super().__init__(", ".join(ids))
        self.ids = ids


class ParamError(ValueError):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def resolve_params(pb: Playbook, given: dict | None) -> dict:
    """Defaults overlaid with `given` (words from a command), each converted to its type."""
    out = pb.defaults()
    for name, value in (given or {}).items():
        param = pb.param(name)
        if param is None:
            raise ParamError(
                "engine.refuse.unknown_param",
                playbook=pb.id,
                name=name,
                names=", ".join(p.name for p in pb.parameters) or "—",
            )
        try:
            out[name] = coerce_param(param, value)
        except ValueError as exc:
            raise ParamError("engine.refuse.bad_param", problem=str(exc)) from None
    missing = [p.name for p in pb.parameters if p.required and p.name not in out]
    if missing:
        raise ParamError("engine.refuse.bad_param", problem="missing " + ", ".join(missing))
    return out


class Engine:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        rooms: Rooms,
        library: PlaybookLibrary,
        retention_days: int = 365,
        *,
        transition_listeners: Sequence[Callable[[Effects, RunState, Transition], None]] = (),
        sink: list | None = None,
    ):
        self.redis = redis
        self.clock = clock
        self.rooms = rooms
        self.library = library
        self.retention = int(retention_days) * 86400
        self._snapshots: dict[str, Playbook] = {}
        self.sink = sink  # simulate: (time, kind, op, OutboundMessage) appended as they are made
        self.chosen_langs: dict[str, str] = {}  # private chat room key -> the person's /lang choice
        # Given (effects, state, transition) inside the transaction, each adds its own writes to it:
        # the telephone alarm's wake-ups (bot.alarm.AlarmWakeups: an overdue `call: true` step
        # wakes its call plan). Fixed when the engine is built (bot.runtime.Runtime.build).
        self.transition_listeners = tuple(transition_listeners)

    # ---- reading ---------------------------------------------------------------------------
    async def get(self, incident_id: str) -> RunState | None:
        raw = await self.redis.get(keys.incident(incident_id.upper()))
        return RunState.model_validate_json(raw) if raw else None

    async def playbook_for(self, state: RunState) -> Playbook:
        """The playbook version the run started with (its snapshot), never the current file."""
        pb = self._snapshots.get(state.sha)
        if pb is None:
            raw = await self.redis.get(keys.playbook_snapshot(state.sha))
            if raw is None:
                raise LookupError(f"playbook snapshot {state.sha} of {state.id} is gone")
            pb = playbook_from_data(json.loads(raw))
            self._snapshots[state.sha] = pb
        return pb

    async def open_incidents(self, blm_id: str) -> list[RunState]:
        ids = await self.redis.zrevrange(keys.incidents_open(blm_id), 0, 49)
        out = []
        for inc in ids:
            state = await self.get(inc)
            if state and state.is_open:
                out.append(state)
        return out

    async def find_incident(
        self, blm_id: str, given: str | None, open_only: bool = True, ends_it: bool = False
    ) -> RunState | None:
        """`given`, when it names an incident of this BLM; else the one open incident meant.

        A real incident always wins over a drill: a drill must never take the place of a real
        emergency (an /ack or a sitrep reaching the wrong run). When several could be meant (two
        real ones, or no real one and two drills) AmbiguousIncident lists them, newest first.
        With `open_only=False` and nothing open, the most recent incident of the BLM. A command
        that `ends_it` (abort, close) never guesses: with several open, drills too, it asks."""
        if given:
            state = await self.get(given)
            if state is None or state.blm_id != blm_id:
                return None
            return state
        opened = await self.open_incidents(blm_id)
        real = [s for s in opened if not s.drill]
        candidates = opened if ends_it else (real or opened)
        if len(candidates) > 1:
            raise AmbiguousIncident([s.id for s in candidates])
        if candidates:
            return candidates[0]
        if not open_only:
            ids = await self.redis.zrevrange(keys.incidents_all(blm_id), 0, 0)
            return await self.get(ids[0]) if ids else None
        return None

    async def timeline(self, incident_id: str) -> list[Event]:
        raw = await self.redis.lrange(keys.incident_timeline(incident_id.upper()), 0, -1)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
        return [Event.model_validate_json(r) for r in raw]

    # ---- starting --------------------------------------------------------------------------
    async def start_run(
        self,
        playbook: LoadedPlaybook,
        blm_id: str,
        params: dict | None,
        drill: bool,
        started_by: str,
        effects: Effects,
        *,
        drill_calls: bool = False,
    ) -> RunState:
        """Open an incident and run its first steps; everything goes into `effects`
        (the caller commits it). The incident number is taken now (INCR): a crash before the
        commit leaves a gap in the numbers, nothing else."""
        blm = get_blm(blm_id)
        values = resolve_params(playbook.playbook, params)
        seq = await self.redis.incr(keys.incident_seq(blm.id))
        incident_id = f"{blm.prefix}-{seq:04d}"
        now = self.clock.now()
        sha = playbook.sha
        state = RunState(
            id=incident_id,
            blm_id=blm.id,
            playbook_id=playbook.playbook.id,
            playbook_version=playbook.playbook.version,
            sha=sha,
            drill=drill,
            drill_calls=drill and drill_calls,
            params=values,
            started_at=now,
            started_by=started_by,
        )
        self._snapshots[sha] = playbook.playbook
        await self.load_chosen_languages()
        snapshot = json.dumps(playbook.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        tr = steps.start(playbook.playbook, state, now)
        retention = self.retention

        def store_snapshot(pipe):
            pipe.set(keys.playbook_snapshot(sha), snapshot, nx=True)
            pipe.expire(keys.playbook_snapshot(sha), retention)

        effects.also(store_snapshot)
        self._apply(effects, tr, now)
        log.info(
            "incident %s started from %s v%s (%s)%s",
            incident_id,
            state.playbook_id,
            state.playbook_version,
            sha,
            " as a drill" if drill else "",
        )
        return tr.state

    # ---- changing --------------------------------------------------------------------------
    async def mutate(
        self,
        incident_id: str,
        change: Callable[[Playbook, RunState, float], Transition],
        *,
        dedupe: str | None = None,
        watch: tuple[str, ...] = (),
        check: Callable[[Pipeline], Awaitable[object]] | None = None,
        claim: tuple[str, str] | None = None,
        extra: Callable[[object], None] | None = None,
        languages_loaded: bool = False,
    ) -> Transition | None:
        """Apply `change` to the incident in one optimistic transaction; retried on a race.
        Returns None when the incident does not exist, `dedupe` says it was done already,
        `check` (awaited with the pipeline, after WATCH) says no, or `claim` (a hash key and a
        token, watched) finds the hash's `claim` field is no longer that token.
        `languages_loaded`: the caller has just read everyone's /lang choice."""
        key = keys.incident(incident_id.upper())
        timeline = keys.incident_timeline(incident_id.upper())
        if not languages_loaded:
            await self.load_chosen_languages()
        for _ in range(MAX_RETRIES):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(
                        key, timeline, *watch, *([claim[0]] if claim else []), *([dedupe] if dedupe else [])
                    )
                    if dedupe and await pipe.exists(dedupe):
                        return None
                    if claim is not None:
                        # the state, the chain head and the claim in one round trip (all watched)
                        raw, last, holder = await pipe.eval(_READ_CLAIMED, 3, key, timeline, claim[0])  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                        if raw is not None and holder != claim[1]:
                            await pipe.unwatch()
                            return None
                    else:
                        raw = await pipe.get(key)
                    if raw is None:
                        return None
                    state = RunState.model_validate_json(raw)
                    if check is not None and not await check(pipe):
                        await pipe.unwatch()
                        return None
                    if claim is None:
                        last = await pipe.lindex(timeline, -1)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                    head = chain.head_of(last)
                    was_open = state.is_open
                    pb = await self.playbook_for(state)
                    now = self.clock.now()
                    tr = change(pb, state, now)  # may raise StepRefused: nothing written
                    effects = Effects(now)
                    self._apply(effects, tr, now, head, ending=was_open and not tr.state.is_open)
                    pipe.multi()
                    effects.commit_into(pipe)
                    if extra:
                        extra(pipe)
                    if dedupe:
                        pipe.set(dedupe, "1", ex=DONE_TTL)
                    await pipe.execute()
                    return tr
                except WatchError:
                    continue
        raise RuntimeError(f"incident {incident_id} kept changing under {MAX_RETRIES} attempts")

    def _apply(
        self, effects: Effects, tr: Transition, now: float, head: chain.Head | None = None, ending: bool = False
    ) -> None:
        """The Transition as Redis writes and outbound operations, into `effects`. `head` is the
        timeline's last entry (read under WATCH; none for a new incident); `ending` seals the record."""
        state = tr.state
        state.rev += 1
        doc = state.model_dump_json()
        retention = self.retention
        set_timers = list(tr.set_timers)
        cancel = list(tr.cancel_timers)
        events, head = chain.chain(state.id, head or chain.Head(), [e.model_dump(mode="json") for e in tr.events])
        if ending:
            sealed = head
            anchor = Event(at=now, kind="anchor", who="bot", detail={"head": sealed.hash, "count": sealed.n})
            more, head = chain.chain(state.id, head, [anchor.model_dump(mode="json")])
            events += more
            tr.posts.append(seal_post(state.id, sealed))
        notice = json.dumps({"blm": state.blm_id, "inc": state.id, "rev": state.rev})

        def write(pipe):
            incident_keys = [
                keys.incident(state.id),
                keys.incidents_all(state.blm_id),
                keys.incidents_open(state.blm_id),
                keys.incident_timeline(state.id),
                keys.RECORD_ERASE,
            ]
            args = [doc, retention, state.id, state.started_at, "1" if state.is_open else "0", now + retention]
            # EVAL with the source (not EVALSHA): inside MULTI a missing script could not be retried
            pipe.eval(_WRITE_INCIDENT, len(incident_keys), *incident_keys, *args, keys.BOARD_EVENTS, notice, *events)
            for tid in cancel:
                pipe.zrem(keys.TIMERS, tid)
                pipe.delete(keys.timer(tid))
            for timer in set_timers:
                pipe.hset(
                    keys.timer(timer.id),
                    mapping={
                        "inc": state.id,
                        "step": timer.step,
                        "kind": timer.kind,
                        "due": repr(timer.due),
                        "claim": "",
                    },
                )
                pipe.expire(keys.timer(timer.id), retention)
                pipe.zadd(keys.TIMERS, {timer.id: timer.due})

        effects.also(write)
        for post in tr.posts:
            self.materialize(effects, state, post)
        for listener in self.transition_listeners:
            listener(effects, state, tr)

    # ---- outputs ---------------------------------------------------------------------------
    def people_with_role(self, blm_id: str, role_name: str):
        """The people of exactly that role; when there are none, those of the nearest higher role
        (each role includes the ones before it), so a page always names someone."""
        people = self.rooms.people_of(blm_id)
        for role in sorted(r for r in Role if r >= Role[role_name]):
            found = [p for p in people if p.role == role]
            if found:
                return found
        return []

    async def load_chosen_languages(self) -> None:
        """Everyone's /lang choice, read once before posts are made (private chats use it)."""
        people = self.rooms.deployment.people
        refs = [ref for p in people for ref, _ in private_chats(p)]
        if not refs:
            return
        values = await self.redis.mget([keys.person_lang(r.platform, r.chat_id) for r in refs])
        self.chosen_langs = {r.key: v for r, v in zip(refs, values, strict=False) if v in ("en", "es")}

    def targets(self, state: RunState, audience: list[str]) -> list[tuple[RoomRef, str, bool]]:
        """(room, language, private) for an audience, without repeats."""
        out: list[tuple[RoomRef, str, bool]] = []
        seen: set[str] = set()

        def add(ref: RoomRef, lang: str, private: bool) -> None:
            if ref.key not in seen:
                seen.add(ref.key)
                out.append((ref, lang, private))

        blm_rooms = self.rooms.rooms_of(state.blm_id)
        for a in audience:
            if a == "blm":
                for r in blm_rooms:
                    add(r.room, r.lang, False)
            elif a == "central":
                if state.drill:
                    continue  # drills post nothing to the central room
                for r in self.rooms.central_rooms():
                    add(r.room, r.lang, False)
            elif a in ("us", "mx"):
                for r in blm_rooms:
                    if r.side == a:
                        add(r.room, r.lang, False)
            elif a.startswith("role:"):
                for p in self.people_with_role(state.blm_id, a[5:]):
                    for ref, lang in private_chats(p, self.chosen_langs):
                        add(ref, lang, True)
        return out

    def mentions(self, state: RunState, role_name: str, platform: str) -> list[Mention]:
        out = []
        for p in self.people_with_role(state.blm_id, role_name):
            if platform == "slack" and p.slack_user:
                out.append(Mention(user_id=p.slack_user, name=p.name))
            elif platform == "telegram" and p.telegram_user is not None:
                out.append(Mention(user_id=str(p.telegram_user), name=p.name))
            elif platform == "console":
                out.append(Mention(user_id=p.slack_user or str(p.telegram_user), name=p.name))
        return out

    def materialize(
        self, effects: Effects, state: RunState, post: Post, targets: list[tuple[RoomRef, str, bool]] | None = None
    ) -> None:
        """A Post as one OutboundMessage per room, in that room's language, with that room's own
        button tokens (a token works only where it was posted)."""
        targets = self.targets(state, post.audience) if targets is None else targets
        if not targets and post.op == "post":
            log.info("%s: nothing to post to %s (no such room configured)", state.id, post.audience)
        for ref, lang, private in targets:
            buttons = [
                make_button(effects, b.label.get(lang) or b.label["en"], b.action, b.args, [ref], Role(b.role), b.style)
                for b in post.buttons
            ]
            message = OutboundMessage(
                room=ref,
                text=post.text.get(lang, ""),
                title=(post.title or {}).get(lang),
                lines=post.lines.get(lang, []),
                buttons=buttons,
                mentions=[]
                if private or not post.mention_role
                else self.mentions(state, post.mention_role, ref.platform),
                key=post.key,
                priority=post.priority,
                exercise=state.drill,
                lang=lang,
            )  # type: ignore[arg-type]
            if self.sink is not None:
                self.sink.append((self.clock.now(), post.kind, post.op, message))
            if post.op == "edit":
                effects.edit(message)
            else:
                effects.post(message)
        if post.dm_role and not state.drill:
            blm = get_blm(state.blm_id)
            for person in self.people_with_role(state.blm_id, post.dm_role):
                for ref, lang in private_chats(person, self.chosen_langs):
                    effects.post(
                        OutboundMessage(
                            room=ref,
                            title=(post.title or {}).get(lang),
                            text=t("engine.ack.dm", lang, incident=state.id, blm=blm.name(lang)),
                            lines=[post.text.get(lang, "")],
                            priority="interactive",
                            lang=lang,
                        )
                    )  # type: ignore[arg-type]
                    if self.sink is not None:
                        self.sink.append((self.clock.now(), "dm", "post", effects.ops[-1].message))

    # ---- the things people do --------------------------------------------------------------
    # `via` says where a person did it when not in chat ("board", "phone"); it goes on their
    # timeline events as detail["via"] (and a keypad acknowledgement says so in its posts).
    async def ack(self, incident_id: str, step_id: str | None, who: str, dedupe: str | None = None, via=None):
        return await self._change(
            incident_id, lambda pb, s, now: steps.on_ack(pb, s, step_id, who, now, via=via), dedupe, who, via
        )

    async def answer(
        self, incident_id: str, step_id: str | None, text: str, who: str, dedupe: str | None = None, via=None
    ):
        return await self._change(
            incident_id, lambda pb, s, now: steps.on_answer(pb, s, step_id, text, who, now), dedupe, who, via
        )

    async def check(self, incident_id: str, step_id: str, item_id: str, who: str, dedupe: str | None = None, via=None):
        return await self._change(
            incident_id, lambda pb, s, now: steps.on_check(pb, s, step_id, item_id, who, now), dedupe, who, via
        )

    async def uncheck(
        self, incident_id: str, step_id: str, item_id: str, who: str, dedupe: str | None = None, via=None
    ):
        return await self._change(
            incident_id, lambda pb, s, now: steps.on_uncheck(pb, s, step_id, item_id, who, now), dedupe, who, via
        )

    async def end(
        self,
        incident_id: str,
        who: str,
        *,
        abort: bool,
        note: str | None = None,
        dedupe: str | None = None,
        via: str | None = None,
    ):
        return await self._change(
            incident_id, lambda pb, s, now: steps.on_end(pb, s, who, now, abort=abort, note=note), dedupe, who, via
        )

    async def _change(self, incident_id, change, dedupe, who: str = "", via: str | None = None):
        if via:
            inner = change

            def change(pb, s, now):
                tr = inner(pb, s, now)
                for event in tr.events:
                    if event.who == who:
                        event.detail["via"] = via
                return tr

        return await self.mutate(incident_id, change, dedupe=dedupe)

    # ---- timers ----------------------------------------------------------------------------
    async def fire_timer(
        self, timer_id: str, token: str, incident: str | None = None, languages_loaded: bool = False
    ) -> bool:
        """Apply a claimed timer: the run's state decides (an acked step's timer does nothing), and
        the timer is removed in the same transaction. False when another worker took it over.
        `incident`: the timer's incident when the claim already read it (the timer loop), and
        `languages_loaded` when the loop has just read everyone's /lang choice for the batch."""
        tkey = keys.timer(timer_id)
        if incident is None:
            incident = await self.redis.hget(tkey, "inc")  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
            if not incident:
                await self.redis.zrem(keys.TIMERS, timer_id)
                return False

        def remove(pipe):
            pipe.zrem(keys.TIMERS, timer_id)
            pipe.delete(tkey)

        tr = await self.mutate(
            incident,
            lambda pb, s, now: steps.on_timer(pb, s, timer_id, now),
            claim=(tkey, token),
            extra=remove,
            languages_loaded=languages_loaded,
        )
        if tr is None and not await self.redis.exists(keys.incident(incident.upper())):
            remove_pipe = self.redis.pipeline(transaction=True)
            remove(remove_pipe)
            await remove_pipe.execute()
        return tr is not None

    async def fire_timers(self, claimed: list[tuple[str, str, str]]) -> list[bool]:
        """Apply several claimed timers (timer id, token, incident; each incident at most once) in
        ONE optimistic transaction: WATCH every incident, its timeline and its timer; read states,
        chain heads and claims in one script call; MULTI: every firing's writes, each firing's
        entries linked to its own incident's head. Any watched key changing (an ack, a note, a
        call note, another worker) aborts the whole batch, which then fires one timer at a time
        (`fire_timer`), so what commits first still wins. The caller has read everyone's /lang
        choice for the batch. Returns, per timer, whether it fired."""
        incidents = [inc.upper() for _, _, inc in claimed]
        if len(set(incidents)) != len(claimed):
            raise ValueError("one timer per incident in a batch")
        ikeys = [keys.incident(inc) for inc in incidents]
        lkeys = [keys.incident_timeline(inc) for inc in incidents]
        tkeys = [keys.timer(tid) for tid, _, _ in claimed]
        fired = [False] * len(claimed)
        slow: list[int] = []  # gone incidents and failed steps: one at a time, below
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                await pipe.watch(*ikeys, *lkeys, *tkeys)
                read = await pipe.eval(_READ_CLAIMED, len(ikeys) * 3, *ikeys, *lkeys, *tkeys)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
                now = self.clock.now()
                effects = Effects(now)
                for i, (timer_id, token, _) in enumerate(claimed):
                    raw, last, holder = read[3 * i], read[3 * i + 1], read[3 * i + 2]
                    if raw is None:
                        slow.append(i)  # the incident is gone: fire_timer drops its timer
                        continue
                    if holder != token:
                        continue  # acked (timer removed) or taken over after a lapsed lease
                    own = Effects(now)  # this firing's writes, joined to the batch only when whole
                    try:
                        state = RunState.model_validate_json(raw)
                        was_open = state.is_open
                        pb = await self.playbook_for(state)
                        tr = steps.on_timer(pb, state, timer_id, now)
                        self._apply(own, tr, now, chain.head_of(last), ending=was_open and not tr.state.is_open)
                    except Exception:
                        slow.append(i)  # on its own, so its failure stays its own
                        continue

                    def remove(p, timer_id=timer_id, tkey=tkeys[i]):
                        p.zrem(keys.TIMERS, timer_id)
                        p.delete(tkey)

                    own.also(remove)
                    effects.ops += own.ops
                    effects.writes += own.writes
                    fired[i] = True
                pipe.multi()
                effects.commit_into(pipe)
                await pipe.execute()
        except WatchError:
            slow, fired = list(range(len(claimed))), [False] * len(claimed)
        for i in slow:
            tid, token, inc = claimed[i]
            try:
                fired[i] = await self.fire_timer(tid, token, incident=inc, languages_loaded=True)
            except Exception:
                log.exception("timer %s failed; it fires again after its lease", tid)
        return fired


def seal_post(incident_id: str, head: chain.Head) -> Post:
    """The chain's head as it stood at the end, to both rooms and the central room (a drill posts
    nothing to the central room): copies of it outside the bot's store."""
    values = {"incident": incident_id, "count": head.n, "head": head.hash}
    return Post(
        audience=["blm", "central"],
        kind="anchor",
        title={lang: t("record.anchor.title", lang, **values) for lang in ("en", "es")},
        text={lang: t("record.anchor.text", lang, **values) for lang in ("en", "es")},
        priority="interactive",
    )


def private_chats(person, chosen: dict[str, str] | None = None) -> list[tuple[RoomRef, str]]:
    """A person's own chats with the bot (Slack DM by user id, Telegram private chat), each in
    the person's language: their /lang choice (`chosen`, by room key), else the config's, else
    the platform's default."""
    chosen = chosen or {}
    out = []
    if person.slack_user:
        ref = RoomRef(platform="slack", chat_id=person.slack_user)
        out.append((ref, chosen.get(ref.key) or person.lang or "en"))
    if person.telegram_user is not None:
        ref = RoomRef(platform="telegram", chat_id=str(person.telegram_user))
        out.append((ref, chosen.get(ref.key) or person.lang or "es"))
    return out


__all__ = ["Engine", "ParamError", "resolve_params", "private_chats", "content_hash"]
