"""The playbook schema: strict (unknown keys are errors), bilingual, typed.

A playbook is a YAML mapping; `Playbook.model_validate` checks its shape, `check_playbook` (in
loader.py) checks what a schema cannot: templates compile, step ids are unique, targets exist.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.directory import blm_ids
from bot.engine.choices import fold, known_aliases
from bot.model import Role

_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
AUDIENCES = ("blm", "central", "us", "mx")
ROLE_NAMES = tuple(r.name for r in Role)
MAX_CHECKLIST_ITEMS = 10
MAX_ITEM_CHARS = 75


def parse_duration(value: str | int | float) -> int:
    """'5m' -> 300, '1h30m' -> 5400, '45s' -> 45, 90 -> 90 (seconds)."""
    if isinstance(value, bool):
        raise ValueError("a duration is like 30s, 5m, 1h or 1h30m")
    if isinstance(value, (int, float)):
        seconds = int(value)
    else:
        m = _DURATION.match(str(value))
        if not m or not any(m.groups()):
            raise ValueError(f"{value!r} is not a duration (like 30s, 5m, 1h or 1h30m)")
        h, mi, s = (int(g or 0) for g in m.groups())
        seconds = h * 3600 + mi * 60 + s
    if seconds <= 0 or seconds > 7 * 86400:
        raise ValueError("a duration must be between 1 second and 7 days")
    return seconds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same text in both languages (a Jinja2 template each)."""

    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


Duration = Annotated[int, Field(gt=0)]


def _duration(v):
    return parse_duration(v)


class Parameter(_Strict):
    name: str = Field(pattern=r"^[a-z_][a-z0-9_]{0,39}$")
    type: Literal["string", "int", "number", "bool", "choice"] = "string"
    label: Text
    required: bool = False
    default: str | int | float | bool | None = None
    choices: list[str] | None = None
    aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For a choice: other words accepted for a value, e.g. us: [eua, 'estados unidos']",
    )

    @model_validator(mode="after")
    def _consistent(self):
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice parameter needs choices")
        if self.type != "choice" and self.choices:
            raise ValueError("choices are only for type choice")
        for value in self.aliases:
            if value not in (self.choices or []):
                raise ValueError(f"aliases name {value!r}, which is not one of the choices")
        if self.required and self.default is not None:
            raise ValueError("a parameter is either required or has a default, not both")
        if not self.required and self.default is None:
            raise ValueError("an optional parameter needs a default (every playbook must start with no arguments)")
        if self.default is not None:
            coerce_param(self, self.default)
        return self


def coerce_param(param: Parameter, value) -> str | int | float | bool:
    """A parameter value from YAML or a command word, converted to its type. Raises ValueError."""
    kind = param.type
    if kind == "string":
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError(f"{param.name} must be a whole number")
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValueError(f"{param.name} must be a whole number, not {value!r}") from None
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError(f"{param.name} must be a number")
        try:
            return float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"{param.name} must be a number, not {value!r}") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("true", "yes", "y", "1", "si", "sí", "on"):
            return True
        if word in ("false", "no", "n", "0", "off"):
            return False
        raise ValueError(f"{param.name} must be yes or no, not {value!r}")

    text = fold(str(value))
    for choice in param.choices or []:
        names = [choice, *param.aliases.get(choice, []), *known_aliases(choice)]
        if text in {fold(n) for n in names}:
            return choice
    raise ValueError(f"{param.name} must be one of {', '.join(param.choices or [])}, not {value!r}")


class AdvisoryTrigger(_Strict):
    events: list[str] = Field(min_length=1, description="Advisory event names, in any language a source uses")
    blms: list[str] | None = Field(None, description="Only for these BLMs (ids or aliases); all when absent")

    @field_validator("blms")
    @classmethod
    def _known(cls, v):
        if v is None:
            return v
        return blm_ids(v)


class Triggers(_Strict):
    manual: bool = True
    advisory: list[AdvisoryTrigger] = Field(default_factory=list)


def _check_audience(v: list[str]) -> list[str]:
    for a in v:
        if a in AUDIENCES:
            continue
        if a.startswith("role:") and a[5:] in ROLE_NAMES:
            continue
        raise ValueError(f"unknown audience {a!r}: use blm, central, us, mx or role:<{'|'.join(ROLE_NAMES)}>")
    return v


class _Step(_Strict):
    id: str = Field(pattern=_ID)
    next: str | None = Field(None, description="The step to go to after this one (default: the following step)")


class PostStep(_Step):
    kind: Literal["post"]
    to: list[str] = Field(default_factory=lambda: ["blm"], min_length=1)
    title: Text | None = None
    text: Text

    _aud = field_validator("to")(_check_audience)


class ChecklistItem(_Strict):
    id: str = Field(pattern=_ID)
    text: Text
    owner: str | None = Field(None, description="The role expected to tick it")
    required: bool = True

    @field_validator("owner")
    @classmethod
    def _role(cls, v):
        if v is not None and v not in ROLE_NAMES:
            raise ValueError(f"owner must be one of {', '.join(ROLE_NAMES)}")
        return v


class ChecklistStep(_Step):
    kind: Literal["checklist"]
    to: list[str] = Field(default_factory=lambda: ["blm"], min_length=1)
    title: Text
    items: list[ChecklistItem] = Field(min_length=1, max_length=MAX_CHECKLIST_ITEMS)
    role: str = Field("liaison", description="Who may tick items")

    _aud = field_validator("to")(_check_audience)

    @field_validator("role")
    @classmethod
    def _role(cls, v):
        if v not in ROLE_NAMES:
            raise ValueError(f"role must be one of {', '.join(ROLE_NAMES)}")
        return v


class Choice(_Strict):
    value: str = Field(min_length=1, max_length=40)
    label: Text
    aliases: list[str] = Field(
        default_factory=list, description="Other answers accepted for this choice, in either language"
    )


class AskStep(_Step):
    kind: Literal["ask"]
    to: list[str] = Field(default_factory=lambda: ["blm"], min_length=1)
    question: Text
    choices: list[Choice] | None = Field(None, max_length=10)
    role: str = Field("liaison", description="Who may answer")
    timeout: Duration | None = Field(None, description="Go on without an answer after this long")
    default: str | Text | None = Field(
        None,
        description="The answer recorded on timeout: a choice value, or for free text the words in both languages "
        "({en: not recorded, es: sin registro}) so no room reads the other language",
    )

    _aud = field_validator("to")(_check_audience)
    _t = field_validator("timeout", mode="before")(classmethod(lambda cls, v: None if v is None else _duration(v)))


class WaitStep(_Step):
    kind: Literal["wait"]
    duration: Duration

    _d = field_validator("duration", mode="before")(classmethod(lambda cls, v: _duration(v)))


class AckStep(_Step):
    kind: Literal["ack"]
    to: list[str] = Field(default_factory=lambda: ["blm"], min_length=1)
    text: Text
    role: str = Field("liaison", description="Who must acknowledge; named in reminders")
    within: Duration
    repeat: int = Field(0, ge=0, le=10, description="Reminders in the BLM's rooms before going to central")
    every: Duration | None = Field(None, description="Time between reminders (default: within)")
    escalate_to: str = Field("central", description="The role named when it reaches the central room")
    block: bool = Field(True, description="Wait for the acknowledgement before the next step")
    call: bool = Field(
        False, description="When overdue, ring the phones of `role`, then of `escalate_to` (telephone alarm)"
    )

    _aud = field_validator("to")(_check_audience)
    _w = field_validator("within", "every", mode="before")(
        classmethod(lambda cls, v: None if v is None else _duration(v))
    )

    @field_validator("role", "escalate_to")
    @classmethod
    def _role(cls, v):
        if v not in ROLE_NAMES:
            raise ValueError(f"must be one of {', '.join(ROLE_NAMES)}")
        return v


class BranchCase(_Strict):
    when: str = Field(min_length=1, description="A sandboxed Jinja2 expression over params and answers")
    goto: str = Field(pattern=_ID)


class BranchStep(_Step):
    kind: Literal["branch"]
    cases: list[BranchCase] = Field(min_length=1)
    otherwise: str | None = Field(None, description="When no case holds (default: the following step)")


class EndStep(_Step):
    kind: Literal["end"]
    text: Text | None = None
    to: list[str] = Field(default_factory=lambda: ["blm"], min_length=1)

    _aud = field_validator("to")(_check_audience)


Step = Annotated[
    PostStep | ChecklistStep | AskStep | WaitStep | AckStep | BranchStep | EndStep, Field(discriminator="kind")
]
STEP_KINDS = ("post", "checklist", "ask", "wait", "ack", "branch", "end")


class Playbook(_Strict):
    id: str = Field(pattern=_ID)
    version: str | int
    title: Text
    summary: Text
    severity: Literal["minor", "moderate", "severe", "extreme"]
    parameters: list[Parameter] = Field(default_factory=list)
    triggers: Triggers = Field(default_factory=Triggers)
    steps: list[Step] = Field(min_length=1)

    @field_validator("version", mode="after")
    @classmethod
    def _version(cls, v):
        return str(v)

    def step(self, step_id: str | None):
        for s in self.steps:
            if s.id == step_id:
                return s
        return None

    def following(self, step_id: str) -> str | None:
        ids = [s.id for s in self.steps]
        i = ids.index(step_id)
        return ids[i + 1] if i + 1 < len(ids) else None

    def param(self, name: str) -> Parameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.parameters if p.default is not None}


def json_schema() -> dict:
    """The playbook JSON Schema (for editors and `python -m bot schema`)."""
    schema = Playbook.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Border Liaison playbook"
    return schema
