"""Commands declare their word, sub-word, the role they need and where they work, in one place;
the dispatcher enforces it, so no handler can forget a permission check.

A command module declares its commands in a `CommandSet` (nothing is registered by importing it);
the composition root (`bot.runtime.Runtime.build`) binds each set to what its handlers need and
builds the one `CommandRegistry` the core dispatches from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

from bot.model import Role

Where = Literal["any", "room", "blm"]  # anywhere; a BLM or the central room; a BLM room (or central with blm=)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    sub: str | None
    role: Role
    help_key: str
    handler: Callable[..., Awaitable[None]]  # handler(ctx, parsed) once bound
    where: Where = "any"
    usage: str = ""

    @property
    def label(self) -> str:
        return f"/{self.name} {self.sub}" if self.sub else f"/{self.name}"


class CommandSet:
    """The commands one module declares. `bound(*deps)` gives them with `deps` as the handlers'
    first arguments (the engine, say), for the registry."""

    def __init__(self) -> None:
        self.specs: list[CommandSpec] = []

    def command(
        self,
        name: str,
        sub: str | None = None,
        *,
        role: Role = Role.member,
        help_key: str,
        where: Where = "any",
        usage: str = "",
    ) -> Callable[[Callable[..., Awaitable[None]]], Callable[..., Awaitable[None]]]:
        def declare(fn: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
            self.specs.append(CommandSpec(name, sub, role, help_key, fn, where, usage))
            return fn

        return declare

    def bound(self, *deps: Any) -> list[CommandSpec]:
        if not deps:
            return list(self.specs)
        return [replace(spec, handler=partial(spec.handler, *deps)) for spec in self.specs]


class CommandRegistry:
    """Every command of this process, by (word, sub-word). Two commands with one name refuse to build."""

    def __init__(self, specs: Iterable[CommandSpec] = ()) -> None:
        self._specs: dict[tuple[str, str | None], CommandSpec] = {}
        for spec in specs:
            key = (spec.name, spec.sub)
            if key in self._specs:
                raise ValueError(f"command {spec.label} declared twice")
            self._specs[key] = spec

    def find(self, name: str, words: list[str]) -> tuple[CommandSpec | None, list[str]]:
        """The spec for `/name [sub] ...` and the words after the sub-word."""
        if words and (name, words[0].lower()) in self._specs:
            return self._specs[(name, words[0].lower())], words[1:]
        return self._specs.get((name, None)), words

    def names(self) -> list[str]:
        return sorted({name for name, _ in self._specs})

    def allowed(self, role: Role, in_room: bool) -> list[CommandSpec]:
        specs = [s for s in self._specs.values() if s.role <= role and (in_room or s.where == "any")]
        return sorted(specs, key=lambda s: (s.name, s.sub or ""))

    def __iter__(self):
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)
