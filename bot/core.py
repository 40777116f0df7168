"""The core: accepts inbound events durably, then decides what they mean.

`accept` is all an edge's HTTP handler does (one atomic Redis call: dedupe and enqueue), so Slack
gets its acknowledgement in milliseconds and nothing accepted can be lost. `handle_inbound` runs
in the worker, one event at a time per room, and commits its effects with the event's removal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from redis.asyncio import Redis

from bot.clock import Clock
from bot.commands.dispatch import run_command
from bot.commands.registry import CommandRegistry
from bot.config import Deployment, PersonConfig, Settings
from bot.delivery.ordering import ACCEPT_IN_ORDER, sequence_of
from bot.delivery.outbox import Effects
from bot.delivery.queues import Done, Entry, HandOff
from bot.i18n import normalise_lang, t
from bot.metrics import METRICS
from bot.model import InboundEvent, Lang, OutboundMessage, Role, RoomRef
from bot.names import PeopleNames
from bot.rooms import RoomInfo, Rooms
from bot.store import keys

log = logging.getLogger(__name__)

DEDUPE_SECONDS = 7 * 86400

# Dedupe and enqueue in one step: a retry of an accepted event is dropped, a first one is queued.
_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'p', ARGV[2])
  redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
  if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], '1') end  -- wakes idle runners elsewhere
  return 1
end
return 0
"""


def in_group(room: RoomRef) -> str:
    return f"in:{room.key}"


@dataclass
class Context:
    """Everything a command, button or relay handler needs about one inbound event."""

    core: Core
    event: InboundEvent
    room: RoomInfo | None
    person: PersonConfig | None
    role: Role
    lang: Lang
    effects: Effects

    @property
    def blm_id(self) -> str | None:
        return self.room.blm_id if self.room else None

    @property
    def actor(self) -> str:
        """Who acted, as one name everywhere (timelines, sitreps, advisories, relayed posts): the
        configured person's name, else the platform's display name, else "platform:user id"."""
        if self.person:
            return self.person.name
        sender = self.event.sender
        return sender.display_name or f"{self.event.platform}:{sender.user_id}"

    def reply(
        self,
        text: str = "",
        *,
        title: str | None = None,
        lines: list[str] | None = None,
        buttons=None,
        key: str | None = None,
    ) -> None:
        """Answer only the person who asked, never the room (see bot.delivery.private): Slack
        ephemeral; Telegram the tap's answerCallbackQuery text, or their private chat."""
        ev = self.event
        tap = ev.platform == "telegram" and ev.kind == "action" and bool(ev.text)
        self.effects.post(
            OutboundMessage(
                room=ev.room,
                text=text,
                title=title,
                lines=lines or [],
                buttons=buttons or [],
                ephemeral_to=None if ev.private and not tap else ev.sender.user_id,
                ephemeral_name=ev.sender.display_name or None,
                tap_answer=ev.text if tap else None,
                priority="interactive",
                lang=self.lang,
                key=key,
            )
        )

    def tr(self, key: str, **values) -> str:
        return t(key, self.lang, **values)


Listener = Callable[[Context], Awaitable[None]]
ActionListener = Callable[[Context], Awaitable[bool]]


@dataclass
class Core:
    """Dispatch, as PTB's handler groups: a command goes to the one registry entry it names; a tap
    goes to the action listeners in order until one returns True (it was its own); a message, an
    edit or a deletion goes to every message listener, in order. All of it is given here, at
    construction, by `Runtime.build`."""

    settings: Settings
    deployment: Deployment
    redis: Redis
    clock: Clock = field(default_factory=Clock)
    rooms: Rooms = field(kw_only=True)
    commands: CommandRegistry = field(default_factory=CommandRegistry)
    message_listeners: Sequence[Listener] = ()
    action_listeners: Sequence[ActionListener] = ()
    hand_off: HandOff = field(default_factory=HandOff)  # to this process's own queue runner

    def __post_init__(self):
        self.names = PeopleNames(self.redis)  # platform names of people not in the config
        self._moves_loaded = False
        self._accept = self.redis.register_script(_ACCEPT)
        self._accept_in_order = self.redis.register_script(ACCEPT_IN_ORDER)

    # ---- the edge side ---------------------------------------------------------------------
    async def accept(self, event: InboundEvent) -> bool:
        """Durably queue an inbound event unless it was seen before. Returns False for a repeat.
        With this process's queue runner running, the same round trip leases the room's group
        for it with its head entry (see HandOff)."""
        if not event.received_at:
            event = event.model_copy(update={"received_at": self.clock.now()})
        payload = event.model_dump_json(exclude_defaults=True)
        group = in_group(event.room)
        token = self.hand_off.offer(group)
        wake = "" if token else keys.QUEUE_WAKE  # a group leased here wakes no other process
        seq = sequence_of(event.platform, event.event_id)
        if seq is not None:  # Telegram: in update_id order per chat, however requests overlap
            script, script_keys = ACCEPT_IN_ORDER, [keys.dedupe(event.platform, event.event_id), keys.queue(group)]
            script_keys += [keys.READY, keys.lease(group)]
            args: list[str | int | float] = [DEDUPE_SECONDS, payload, self.clock.now(), group, seq, wake]
        else:
            script, script_keys = _ACCEPT, [keys.dedupe(event.platform, event.event_id), keys.queue(group), keys.READY]
            args = [DEDUPE_SECONDS, payload, self.clock.now(), group, wake]
        if token is None:
            accept = self._accept_in_order if seq is not None else self._accept
            queued = await accept(keys=script_keys, args=args)
        else:
            lang_key = keys.person_lang(event.platform, event.sender.user_id)
            async with self.redis.pipeline(transaction=True) as pipe:
                # EVAL with the source (not EVALSHA): inside MULTI a missing script could not be retried
                pipe.eval(script, len(script_keys), *script_keys, *args)
                self.hand_off.lease_into(pipe, group, token, read_along=[lang_key])
                queued, leased, chosen = await pipe.execute()
            # the /lang choice read with it holds only if the head is this very event: anything
            # queued before it (a /lang among them) is handled first
            head = leased[3] if len(leased) > 3 and leased[0] == 1 else None
            ours = bool(queued) and head is not None and json.loads(head).get("event_id") == event.event_id
            self.hand_off.hand_over(group, token, leased, {lang_key: chosen} if ours else None)
        if not queued:
            METRICS.duplicates.labels(event.platform).inc()
            return False
        METRICS.inbound.labels(event.platform, event.kind).inc()
        if token is None:
            self.hand_off.want_pass()  # this process's runner, if it runs, looks now
        return True

    # ---- the worker side -------------------------------------------------------------------
    async def handle_inbound(self, entry: Entry) -> Done:
        event = InboundEvent.model_validate(entry.payload)
        effects = Effects(self.clock.now())
        await self.dispatch(event, effects, read_along=entry.read_along)
        if event.platform == "telegram" and event.kind == "action" and event.text:
            answered = any(op.message.tap_answer == event.text for op in effects.ops)
            if not answered:  # every tap gets its one answer: it stops the spinner on their phone
                effects.post(
                    OutboundMessage(
                        room=event.room,
                        ephemeral_to=event.sender.user_id,
                        tap_answer=event.text,
                        priority="interactive",
                    )
                )
        return Done(effects.commit_into, pushed=effects.groups(), quiet_commit=partial(effects.commit_into, wake=False))

    async def dispatch(
        self, event: InboundEvent, effects: Effects, read_along: dict[str, str | None] | None = None
    ) -> None:
        """`read_along`: Redis values read when the event was handed over (its sender's /lang)."""
        if event.sender.is_bot:
            return  # never answer or relay bots, ourselves included: no loops
        if event.kind == "migrate" and event.migrate_to_chat_id:
            new = RoomRef(platform=event.room.platform, chat_id=event.migrate_to_chat_id)
            moved = self.rooms.move_room(event.room, new)
            log.warning(
                "room %s moved to %s (%s)",
                event.room.key,
                event.migrate_to_chat_id,
                "configured" if moved else "not configured",
            )
            if moved:  # other processes and restarts learn it from Redis
                effects.also(lambda pipe: pipe.hset(keys.ROOM_MOVES, event.room.key, new.key))
            return
        if not self._moves_loaded:
            await self.load_room_moves()
        room = self.rooms.room(event.room)
        if room is None and not event.private and event.room.platform == "telegram":
            await self.load_room_moves()  # a group another process saw upgraded to a supergroup
            room = self.rooms.room(event.room)
        person = self.rooms.person(event.platform, event.sender.user_id)
        if room is None and not event.private:
            await self._unconfigured(event, effects, person)
            return
        role = self._role(person, room)
        lang = await self.language_of(event, person, room, read_along)
        ctx = Context(self, event, room, person, role, lang, effects)
        if event.kind == "command" and event.command:
            await run_command(ctx)
        elif event.kind == "action":
            for on_action in self.action_listeners:
                if await on_action(ctx):
                    break
        elif event.kind in ("message", "edit", "delete"):
            for listener in self.message_listeners:
                await listener(ctx)

    async def load_room_moves(self) -> None:
        """Apply the room moves recorded in Redis (old room key -> new room key)."""
        moves = await self.redis.hgetall(keys.ROOM_MOVES)  # type: ignore[misc]  # redis-py types it Awaitable[T] | T
        for old, new in moves.items():
            self.rooms.move_room(RoomRef.from_key(old), RoomRef.from_key(new))
        self._moves_loaded = True

    def _role(self, person: PersonConfig | None, room: RoomInfo | None) -> Role:
        if room is None:  # a private chat: the person's own role, to tell them what they can do
            return person.role if person else Role.member
        return self.rooms.role(person, room.blm_id)

    async def _unconfigured(self, event: InboundEvent, effects: Effects, person) -> None:
        if event.kind != "command":
            return  # ordinary chatter in an unknown room: nothing relayed, nothing said
        first = await self.redis.set(keys.notice(f"unconfigured:{event.room.key}"), "1", nx=True, ex=30 * 86400)
        if first:
            lang = await self.language_of(event, person, None)
            effects.post(
                OutboundMessage(
                    room=event.room, text=t("notice.unconfigured_room", lang), priority="interactive", lang=lang
                )
            )
        self.record_refusal(effects, event, "unconfigured room")

    async def language_of(
        self,
        event: InboundEvent,
        person: PersonConfig | None,
        room: RoomInfo | None,
        read_along: dict[str, str | None] | None = None,
    ) -> Lang:
        """/lang choice, else the config's lang, else Telegram's language_code, else the room's."""
        key = keys.person_lang(event.platform, event.sender.user_id)
        chosen = read_along[key] if read_along and key in read_along else await self.redis.get(key)
        if chosen in ("en", "es"):
            return chosen  # type: ignore[return-value]
        if person and person.lang:
            return person.lang
        hinted = normalise_lang(event.sender.language_code)
        if hinted:
            return hinted
        if room:
            return room.lang
        return "en" if event.platform == "slack" else "es"

    def record_refusal(self, effects: Effects, event: InboundEvent, reason: str) -> None:
        record: dict[str, str] = {
            "at": str(self.clock.now()),
            "platform": event.platform,
            "room": event.room.key,
            "user": event.sender.user_id,
            "what": event.command or event.action or event.kind,
            "text": event.text[:500],
            "reason": reason,
        }
        log.info("refused %s", json.dumps(record, ensure_ascii=False))
        effects.also(lambda pipe: pipe.xadd(keys.REFUSALS, record, maxlen=100_000, approximate=True))  # type: ignore[arg-type]
