"""The telephone alarm on Redis: call plans, their wake-ups, Twilio's callbacks, and the calls.

Every change to a plan is one optimistic transaction (WATCH the plan, the engine's incident, the
plan's levels and the call counters; compute a pure Decision (plan.py); MULTI: the plan, its next
wake-up, the call records, the counters and the timeline notes). Only the process whose
transaction commits places the calls it decided, after the commit: two workers waking the same plan
cannot both ring a phone, and an /ack committing meanwhile makes the wake-up re-read an acked step.
A worker killed after the commit and before the HTTP request loses that one ring: the plan moves on
at the call's deadline. A worker killed after the request loses nothing: the call's callbacks are
tied to the plan by their token and handled by whichever process drains the queue.

Twilio's callbacks arrive at the edge (handlers/twilio), which queues them with `CallbackInbox`
before answering; `Alarm.handle_callback` is the queue handler (group `alarm:{plan}`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from typing import Protocol

from aiohttp import web
from redis.exceptions import WatchError

from bot.alarm.plan import (
    CALL_LIMIT_SECONDS,
    MAX_CALLS_PER_INCIDENT,
    MAX_CALLS_PER_PERSON_HOUR,
    RING_SECONDS,
    Callee,
    CallPlan,
    Decision,
    Facts,
    Note,
    advance,
    on_failed_to_place,
    on_status,
)
from bot.clock import Clock
from bot.commands.registry import CommandSpec
from bot.delivery.outbox import Effects
from bot.delivery.queues import Done, Entry
from bot.directory import get_blm
from bot.domain import Loop
from bot.engine import steps, templates
from bot.engine.runs import Engine
from bot.engine.schema import AckStep
from bot.engine.state import Event, RunState, Transition
from bot.engine.steps import StepRefused
from bot.i18n import t
from bot.model import OutboundMessage, Role
from bot.record import chain
from bot.store import keys

log = logging.getLogger(__name__)

MAX_RETRIES = 50
CALL_RECORD_SECONDS = 2 * 86400
BATCH = 100


class DialError(Exception):
    """Twilio refused a request (its error code and message)."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Dialer(Protocol):
    """What the alarm needs of a telephone service (handlers/twilio implements it)."""

    async def place_call(self, to: str, *, voice_url: str, status_url: str, ring_seconds: int, time_limit: int) -> str:
        """Start a call; returns its id (Twilio's CallSid). Raises DialError when refused."""

    async def send_sms(self, to: str, body: str) -> str: ...


def plan_id(incident_id: str, step_id: str) -> str:
    return f"{incident_id}:{step_id}"


def callback_group(pid: str) -> str:
    return f"alarm:{pid}"


def phone_hash(phone: str) -> str:
    """Numbers stay out of key names (and so out of anything that lists keys)."""
    return hashlib.sha256(phone.encode()).hexdigest()[:16]


def callee_lang(person) -> str:
    if person.lang:
        return person.lang
    if person.side:
        return "es" if person.side == "mx" else "en"
    return "es" if person.telegram_user is not None and not person.slack_user else "en"


def note_event(note: Note, now: float, step: str) -> Event:
    """A plan's note as a timeline entry: the machine-readable detail, and its words in both
    languages (the report picks the reader's)."""
    detail = dict(note.detail)
    for field, prefix in (("level", "alarm.level."), ("result", "alarm.result."), ("why", "alarm.why.")):
        if field in detail:
            detail[field + "_text"] = {lang: t(prefix + str(detail[field]), lang) for lang in ("en", "es")}
    return Event(at=now, kind=note.kind, who=note.who, step=step, detail=detail)


def _sides(audience: list[str]) -> set[str] | None:
    """The sides a step is posted to, when it is posted to sides only (`to: [mx]`)."""
    sides = {a for a in audience if a in ("us", "mx")}
    return sides if sides and len(sides) == len(audience) else None


def spell(incident_id: str) -> str:
    """NOG-0142 -> "N, O, G, 0, 1, 4, 2": read out one character at a time."""
    return ", ".join(ch for ch in incident_id if ch.isalnum())


def calls_enabled(dialer: Dialer | None, public_url: str | None) -> bool:
    """Whether the alarm places calls: a telephone service, and a public URL for its callbacks."""
    return dialer is not None and bool((public_url or "").rstrip("/"))


class AlarmWakeups:
    """The alarm's part of the engine's transitions: an overdue `call: true` step queues its call
    plan, an ack, abort or close wakes the scheduled plans so they stop.

    Built first, from the same settings as the Alarm: the engine takes `on_transition` as one of
    its transition listeners when it is built, and the Alarm, built after the engine (it needs it
    for acknowledgements), runs the plans woken here. Nothing is wired after construction."""

    def __init__(self, *, enabled: bool, retention_days: int = 365):
        self.enabled = enabled
        self.retention = int(retention_days) * 86400

    # ---- from the engine: an overdue `call: true` step, an ack, an end ----------------------
    def on_transition(self, effects: Effects, state: RunState, tr: Transition) -> None:
        """Runs inside the engine's transaction: write-only, so it commits with the escalation."""
        if not self.enabled:
            return
        now = effects.now
        retention = self.retention
        opened = [(plan_id(state.id, c.step), c.level) for c in tr.calls]
        ended = any(e.kind in ("ack", "abort", "close") for e in tr.events)
        existing = [plan_id(state.id, sid) for sid in state.acks] if ended else []

        def write(pipe):
            for pid, level in opened:
                pipe.sadd(keys.alarm_levels(pid), level)
                pipe.expire(keys.alarm_levels(pid), retention)
                pipe.zadd(keys.ALARM_DUE, {pid: now})
            for pid in existing:  # wake plans that are scheduled, so they stop now
                pipe.zadd(keys.ALARM_DUE, {pid: now}, xx=True)

        if opened or existing:
            effects.also(write)


class Alarm:
    """The telephone alarm of one process. Without a dialer (Twilio unset) it places no calls."""

    def __init__(
        self,
        redis,
        clock: Clock,
        engine: Engine,
        *,
        public_url: str | None,
        dialer: Dialer | None = None,
        retention_days: int = 365,
        max_per_incident: int = MAX_CALLS_PER_INCIDENT,
        max_per_person_hour: int = MAX_CALLS_PER_PERSON_HOUR,
        poll_seconds: float = 1.0,
        sink: list | None = None,
    ):
        self.redis = redis
        self.clock = clock
        self.engine = engine
        self.public_url = (public_url or "").rstrip("/")
        self.dialer = dialer
        self.retention = int(retention_days) * 86400
        self.max_per_incident = max_per_incident
        self.max_per_person_hour = max_per_person_hour
        self.poll_seconds = poll_seconds
        self.sink = sink  # simulate: (time, "call", "post", Event) appended as notes are made
        self.placed = 0
        # As a domain of the process (bot.domain.Domain): no commands, one loop (itself), no routes
        # (the Twilio edge serves /twilio/voice and /twilio/status).
        self.commands: Sequence[CommandSpec] = ()
        self.loops: Sequence[Loop] = [self]

    def routes(self) -> Sequence[web.AbstractRouteDef]:
        return []

    @property
    def enabled(self) -> bool:
        return calls_enabled(self.dialer, self.public_url)

    # ---- the plan's transaction ----------------------------------------------------------------
    def _callees(self, blm_id: str, role: str, level: str, sides: set[str] | None = None) -> list[Callee]:
        """The people of the role with a phone, config order; for a step posted to one side only,
        that side's people (and those of no side), unless that leaves nobody."""
        people = [p for p in self.engine.people_with_role(blm_id, role) if p.phone]
        if sides:
            own = [p for p in people if p.side is None or p.side in sides]
            people = own or people
        return [
            Callee(name=p.name, phone=p.phone, lang=callee_lang(p), level=level)  # type: ignore[arg-type]
            for p in people
        ]

    async def run_plan(self, pid: str, change: Callable[[CallPlan], Decision] | None = None) -> Decision | None:
        """Apply `change` (a callback) if given, then advance the plan; commit; place its calls."""
        incident_id, step_id = pid.split(":", 1)
        pkey, lkey, ikey, ckey, tkey = (
            keys.alarm_plan(pid),
            keys.alarm_levels(pid),
            keys.incident(incident_id),
            keys.alarm_count(incident_id),
            keys.incident_timeline(incident_id),
        )
        hour = int(self.clock.now() // 3600)
        for _ in range(MAX_RETRIES):
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    # the timeline too: call notes are links of the incident's hash chain
                    await pipe.watch(pkey, lkey, ikey, ckey, tkey)
                    raw = await pipe.get(pkey)
                    plan = (
                        CallPlan.model_validate_json(raw)
                        if raw
                        else CallPlan(id=pid, incident=incident_id, step=step_id)
                    )
                    raw_state = await pipe.get(ikey)
                    state = RunState.model_validate_json(raw_state) if raw_state else None
                    step = None
                    if state is not None:
                        try:
                            step = (await self.engine.playbook_for(state)).step(step_id)
                        except LookupError:
                            step = None
                    if state is None or not isinstance(step, AckStep):
                        facts = Facts(False, None, False, False, set(), {}, 0, {})
                    else:
                        ack = state.acks.get(step_id)
                        people = {
                            "role": self._callees(state.blm_id, step.role, "role", _sides(step.to)),
                            "escalation": self._callees(state.blm_id, step.escalate_to, "escalation"),
                        }
                        phones = sorted({c.phone for cs in people.values() for c in cs})
                        person_keys = [keys.alarm_person_hour(phone_hash(p), hour) for p in phones]
                        if person_keys:
                            await pipe.watch(*person_keys)
                        counts = await pipe.mget(person_keys) if person_keys else []
                        facts = Facts(
                            incident_open=state.is_open,
                            acked_by=ack.acked_by if ack and ack.acked_at is not None else None,
                            drill=state.drill,
                            drill_calls=state.drill_calls,
                            levels=set(await pipe.smembers(lkey)),
                            people=people,
                            incident_calls=int(await pipe.get(ckey) or 0),
                            person_calls={p: int(c or 0) for p, c in zip(phones, counts, strict=True)},
                            max_per_incident=self.max_per_incident,
                            max_per_person_hour=self.max_per_person_hour,
                        )
                    head = chain.head_of(await pipe.lindex(tkey, -1))
                    now = self.clock.now()
                    first = change(plan) if change else Decision(plan=plan)
                    decision = advance(first.plan, facts, now, lambda: secrets.token_hex(16))
                    decision.notes = first.notes + decision.notes
                    decision.plan.rev += 1
                    effects = Effects(now)
                    if decision.drill_skipped and state is not None:
                        self._tell_drill(effects, state, decision.drill_skipped)
                    call_records = {c.token: self._call_record(pid, state, step, c.callee) for c in decision.calls}
                    pipe.multi()
                    self._write(pipe, pid, decision, now, hour, call_records, ckey, head)
                    effects.commit_into(pipe)
                    await pipe.execute()
                except WatchError:
                    continue
            self._to_sink(decision, now)
            for call in decision.calls:
                await self._place(pid, call.token, call.callee, call_records[call.token], call.sms)
            return decision
        raise RuntimeError(f"call plan {pid} kept changing under {MAX_RETRIES} attempts")

    def _call_record(self, pid: str, state: RunState | None, step: AckStep | None, callee: Callee) -> dict:
        assert state is not None and step is not None
        text, problem = templates.render_safe(step.text.get(callee.lang), steps.scope(state, callee.lang))
        if problem:
            log.warning("%s: the call's text has a template problem: %s", pid, problem)
        return {
            "plan": pid,
            "incident": state.id,
            "step": step.id,
            "blm": state.blm_id,
            "person": callee.name,
            "phone": callee.phone,
            "lang": callee.lang,
            "level": callee.level,
            "text": text,
            "drill": "1" if state.drill else "",
            "sid": "",
        }

    def _write(
        self, pipe, pid: str, d: Decision, now: float, hour: int, records: dict, ckey: str, head: chain.Head
    ) -> None:
        pipe.set(keys.alarm_plan(pid), d.plan.model_dump_json(), ex=self.retention)
        if d.wake_at is not None and not d.plan.done:
            pipe.zadd(keys.ALARM_DUE, {pid: d.wake_at})
        else:
            pipe.zrem(keys.ALARM_DUE, pid)
        for token, record in records.items():
            pipe.hset(keys.alarm_call(token), mapping=record)
            pipe.expire(keys.alarm_call(token), CALL_RECORD_SECONDS)
            pipe.incr(ckey)
            pipe.expire(ckey, self.retention)
            person_key = keys.alarm_person_hour(phone_hash(record["phone"]), hour)
            pipe.incr(person_key)
            pipe.expire(person_key, 7200)
        if d.notes:
            timeline = keys.incident_timeline(d.plan.incident)
            events = [note_event(n, now, d.plan.step).model_dump(mode="json") for n in d.notes]
            linked, _ = chain.chain(d.plan.incident, head, events)
            pipe.rpush(timeline, *linked)

    def _to_sink(self, d: Decision, now: float) -> None:
        if self.sink is None:
            return
        for n in d.notes:
            self.sink.append((now, "call", "post", note_event(n, now, d.plan.step)))

    def _tell_drill(self, effects: Effects, state: RunState, skipped: list[Callee]) -> None:
        """A drill that did not ask for calls says, as an exercise, whom the alarm would ring."""
        names = ", ".join(c.name for c in skipped)
        for room in self.engine.rooms.rooms_of(state.blm_id):
            effects.post(
                OutboundMessage(
                    room=room.room,
                    text=t("alarm.drill.would_call", room.lang, incident=state.id, names=names),
                    priority="interactive",
                    exercise=True,
                    lang=room.lang,  # type: ignore[arg-type]
                )
            )

    async def _place(self, pid: str, token: str, callee: Callee, record: dict, sms: bool = True) -> None:
        if self.dialer is None:
            return
        base = self.public_url
        try:
            sid = await self.dialer.place_call(
                callee.phone,
                voice_url=f"{base}/twilio/voice?t={token}",
                status_url=f"{base}/twilio/status?t={token}",
                ring_seconds=RING_SECONDS,
                time_limit=CALL_LIMIT_SECONDS,
            )
        except Exception as exc:  # refused, or no answer from Twilio: this call counts as failed
            reason = exc.message if isinstance(exc, DialError) else type(exc).__name__
            log.warning("%s: the call to %s could not be placed: %s", pid, callee.name, reason)
            await self.run_plan(pid, lambda p: on_failed_to_place(p, token, reason))
            return
        self.placed += 1
        await self.redis.hset(keys.alarm_call(token), "sid", sid)
        log.info("%s: calling %s (%s), call %s", pid, callee.name, callee.level, sid)
        if not sms:
            return
        blm = get_blm(record["blm"])
        body = t(
            "alarm.sms",
            callee.lang,
            exercise=t("alarm.sms.exercise", callee.lang) if record["drill"] else "",
            incident=record["incident"],
            blm=blm.name(callee.lang),
            text=record["text"],
        )
        try:
            await self.dialer.send_sms(callee.phone, body[:1500])
        except Exception as exc:
            log.warning("%s: the SMS to %s failed: %s", pid, callee.name, getattr(exc, "message", type(exc).__name__))

    # ---- Twilio's callbacks (queued by the edge) -------------------------------------------------
    async def handle_callback(self, entry: Entry) -> Done:
        """Queue handler of `alarm:{plan}`: safe to run twice (the ack is deduplicated by the call's
        token, a status for a call that is no longer current changes nothing)."""
        payload = entry.payload
        token = str(payload.get("token", ""))
        params = payload.get("params") or {}
        record = await self.redis.hgetall(keys.alarm_call(token))
        if not record:
            return Done()
        pid = record["plan"]
        if payload.get("kind") == "voice":
            if params.get("Digits") == "1":
                await self._ack_by_phone(record, token)
            await self.run_plan(pid, lambda p: on_status(p, token, "in-progress"))
        else:
            status = str(params.get("CallStatus", ""))
            await self.run_plan(pid, lambda p: on_status(p, token, status))
        return Done()

    async def call_status(self, token: str, status: str) -> None:
        """A call's status as Twilio would report it (the simulator's stand-in for a callback)."""
        record = await self.redis.hgetall(keys.alarm_call(token))
        if record:
            await self.run_plan(record["plan"], lambda p: on_status(p, token, status))

    async def _ack_by_phone(self, record: dict, token: str) -> None:
        """Keypad 1: exactly what /ack by that person does, said to be by phone."""
        state = await self.engine.get(record["incident"])
        if state is None:
            return
        person = next(
            (
                p
                for p in self.engine.rooms.deployment.people
                if p.name == record["person"] and p.phone == record["phone"]
            ),
            None,
        )
        try:
            step = (await self.engine.playbook_for(state)).step(record["step"])
        except LookupError:
            return
        needed = Role[step.role] if isinstance(step, AckStep) else Role.liaison
        if self.engine.rooms.role(person, state.blm_id) < needed:
            log.warning("%s: keypad ack by %s refused: role", record["plan"], record["person"])
            return
        try:
            await self.engine.ack(
                state.id, record["step"], record["person"], dedupe=keys.engine_done("twilio", token), via="phone"
            )
        except StepRefused as exc:
            log.info("%s: keypad ack by %s changed nothing (%s)", record["plan"], record["person"], exc.key)

    # ---- wake-ups ------------------------------------------------------------------------------
    async def fire_due(self, now: float | None = None) -> int:
        now = self.clock.now() if now is None else now
        due = await self.redis.zrangebyscore(keys.ALARM_DUE, "-inf", repr(now), start=0, num=BATCH)
        for pid in due:
            try:
                await self.run_plan(pid)
            except Exception:
                log.exception("call plan %s failed; it is looked at again on the next pass", pid)
        return len(due)

    async def next_due(self) -> float | None:
        first = await self.redis.zrange(keys.ALARM_DUE, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def run(self) -> None:
        """The worker's loop: wake due plans."""
        while True:
            try:
                await self.fire_due()
                nxt = await self.next_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("alarm pass failed; retrying", exc_info=True)
                nxt = None
            wait = self.poll_seconds if nxt is None else max(0.05, min(self.poll_seconds, nxt - self.clock.now()))
            await asyncio.sleep(wait)


def callback_digest(kind: str, token: str, params: dict) -> str:
    blob = json.dumps([kind, token, sorted(params.items())], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
