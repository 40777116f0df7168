"""Commands declare their word, sub-word, the role they need and where they work, in one place;
the dispatcher enforces it, so no handler can forget a permission check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.model import Role

Where = Literal["any", "room", "blm"]  # anywhere; a BLM or the central room; a BLM room (or central with blm=)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    sub: str | None
    role: Role
    help_key: str
    handler: Callable[..., Awaitable[None]]
    where: Where = "any"
    usage: str = ""

    @property
    def label(self) -> str:
        return f"/{self.name} {self.sub}" if self.sub else f"/{self.name}"


COMMANDS: dict[tuple[str, str | None], CommandSpec] = {}


def command(
    name: str, sub: str | None = None, *, role: Role = Role.member, help_key: str, where: Where = "any", usage: str = ""
):
    def decorate(fn):
        COMMANDS[(name, sub)] = CommandSpec(name, sub, role, help_key, fn, where, usage)
        return fn

    return decorate


def find(name: str, words: list[str]) -> tuple[CommandSpec | None, list[str]]:
    """The spec for `/name [sub] ...` and the words after the sub-word."""
    if words and (name, words[0].lower()) in COMMANDS:
        return COMMANDS[(name, words[0].lower())], words[1:]
    spec = COMMANDS.get((name, None))
    return spec, words


def command_names() -> list[str]:
    return sorted({name for name, _ in COMMANDS})
