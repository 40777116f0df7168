"""Acting from the board through the chat's own code paths.

Acknowledge, tick, untick and answer call the engine's functions with the role the step asks for,
which is what the step's chat buttons carry (`ButtonSpec.role`); closing uses the role that
`/incident close` declares; a sitrep runs the `/sitrep` command itself through the dispatcher, in
the BLM's room, with a context whose replies come back to the board instead of the chat. Each
change is recorded on the timeline with `via: board` and edits or posts in both chat rooms, as the
chat's own actions do.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bot.commands.dispatch import run_command
from bot.commands.registry import CommandRegistry
from bot.core import Context, Core
from bot.delivery.outbox import Effects
from bot.engine.runs import Engine
from bot.engine.schema import AckStep, AskStep, ChecklistStep
from bot.engine.state import RunState
from bot.engine.steps import StepRefused
from bot.i18n import t
from bot.model import InboundEvent, Lang, Role, RoomRef, Sender

VIA = "board"


class Refused(Exception):
    """An act the person may not do, or that cannot be done now; `text` says why, in their language."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass
class BoardContext(Context):
    """A command's context for an act on the board: replies are kept to show on the page."""

    replies: list[str] = field(default_factory=list)
    via: str = VIA

    def reply(self, text: str = "", *, title=None, lines=None, buttons=None, key=None) -> None:
        self.replies.append(" ".join(x for x in [title or "", text, *(lines or [])] if x))


def lang_of(lang: str) -> Lang:
    return "es" if lang == "es" else "en"


def command_role(commands: CommandRegistry, name: str, sub: str | None = None) -> Role:
    """The role a chat command declares in the process's registry (the dispatcher enforces it in
    chat, the board here)."""
    spec, _ = commands.find(name, [sub] if sub else [])
    if spec is None:
        raise LookupError(f"no command /{name} {sub or ''}")
    return spec.role


class BoardActions:
    def __init__(self, core: Core, engine: Engine):
        self.core = core
        self.engine = engine

    def _allowed(self, person, state: RunState, needed: Role, lang: str) -> None:
        role = self.core.rooms.role(person, state.blm_id)
        if role < needed:
            raise Refused(
                t(
                    "board.refused.role",
                    lang,
                    needed=t(f"role.{needed.name}", lang),
                    role=t(f"role.{role.name}", lang),
                )
            )

    async def _step(self, state: RunState, step_id: str, kind, lang: str):
        step = (await self.engine.playbook_for(state)).step(step_id)
        if not isinstance(step, kind):
            raise Refused(t("board.refused.gone", lang))
        return step

    async def _run(self, call, lang: str) -> None:
        try:
            await call
        except StepRefused as exc:
            raise Refused(t(exc.key, lang, **exc.values)) from None
        self._wake()

    def _wake(self) -> None:
        """The posts are queued: wake this process's queue runner (when it runs one) to send them now."""
        self.core.hand_off.want_pass()

    async def ack(self, person, state: RunState, step_id: str, lang: str) -> str:
        step = await self._step(state, step_id, AckStep, lang)
        self._allowed(person, state, Role[step.role], lang)
        await self._run(self.engine.ack(state.id, step_id, person.name, via=VIA), lang)
        return t("board.done.ack", lang)

    async def tick(self, person, state: RunState, step_id: str, item_id: str, done: bool, lang: str) -> str:
        step = await self._step(state, step_id, ChecklistStep, lang)
        self._allowed(person, state, Role[step.role], lang)
        if done:
            await self._run(self.engine.check(state.id, step_id, item_id, person.name, via=VIA), lang)
            return t("board.done.check", lang)
        await self._run(self.engine.uncheck(state.id, step_id, item_id, person.name, via=VIA), lang)
        return t("board.done.uncheck", lang)

    async def answer(self, person, state: RunState, step_id: str, answer: str, lang: str) -> str:
        step = await self._step(state, step_id, AskStep, lang)
        self._allowed(person, state, Role[step.role], lang)
        await self._run(self.engine.answer(state.id, step_id, answer, person.name, via=VIA), lang)
        return t("board.done.answer", lang)

    async def close(self, person, state: RunState, note: str, lang: str) -> str:
        self._allowed(person, state, command_role(self.core.commands, "incident", "close"), lang)
        await self._run(self.engine.end(state.id, person.name, abort=False, note=note or None, via=VIA), lang)
        return t("board.done.close", lang)

    async def sitrep(self, person, person_key: str, state: RunState, text: str, lang: str) -> str:
        """`/sitrep <text>` as if sent in the BLM's room: the dispatcher checks the role, the command
        posts to the central room and notes it on the incident's timeline."""
        rooms = self.core.rooms.rooms_of(state.blm_id)
        if not rooms:
            raise Refused(t("board.refused.gone", lang))
        platform, _, user_id = person_key.partition(":")
        room = next((r for r in rooms if r.room.platform == platform), rooms[0])
        event = InboundEvent(
            kind="command",
            platform=room.room.platform,
            event_id=f"board-{secrets.token_hex(8)}",
            room=RoomRef(platform=room.room.platform, chat_id=room.room.chat_id),
            sender=Sender(user_id=user_id, display_name=person.name),
            text=text,
            command="sitrep",
            received_at=self.core.clock.now(),
        )
        effects = Effects(self.core.clock.now())
        ctx = BoardContext(
            self.core,
            event,
            room,
            person,
            self.core.rooms.role(person, state.blm_id),
            lang_of(lang),
            effects,
        )
        await run_command(ctx)
        await effects.commit(self.core.redis)
        self._wake()
        return " ".join(ctx.replies)
