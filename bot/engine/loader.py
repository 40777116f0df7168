"""Loading playbooks: YAML with line numbers, the strict schema, and the checks a schema cannot do.

Every problem is `file:line: message` (file as given). `PlaybookLibrary.load(dir)` keeps the good
playbooks and reports the broken ones, so one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.engine import templates
from bot.engine.schema import (
    MAX_ITEM_CHARS,
    STEP_KINDS,
    AckStep,
    AskStep,
    BranchStep,
    ChecklistStep,
    EndStep,
    Playbook,
    PostStep,
    Text,
)
from bot.engine.state import RunState
from bot.engine.steps import scope as make_scope
from bot.engine.template_check import template_problems
from bot.yamlload import PROBLEM_LINE, LoadedYaml, YamlProblem, load_yaml

log = logging.getLogger(__name__)

SUFFIXES = (".yaml", ".yml")


class PlaybookError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedPlaybook:
    playbook: Playbook
    source: str  # file name as given
    data: dict  # the validated document as plain data (what is snapshotted)

    @property
    def sha(self) -> str:
        return content_hash(self.data)


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _schema_problems(filename: str, loaded: LoadedYaml, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = list(err.get("loc", ()))
        # a discriminated union adds the step kind to the location: drop it for the line lookup
        clean = [p for i, p in enumerate(loc) if not (i == 2 and loc[0] == "steps" and p in STEP_KINDS)]
        where = ".".join(str(p) for p in clean) or "(top)"
        msg = err.get("msg", "invalid")
        etype = err.get("type")
        if etype == "extra_forbidden":
            msg = "unknown key"
        elif etype == "union_tag_invalid":
            msg = f"unknown step kind; use one of {', '.join(STEP_KINDS)}"
        elif etype == "string_type" and isinstance(err.get("input"), bool):
            msg = "expected text, got true/false: quote it (YAML reads yes, no, on, off as true/false)"
        elif etype == "union_tag_not_found":
            msg = f"a step needs kind: one of {', '.join(STEP_KINDS)}"
        line = loaded.line_of(tuple(clean))
        out.append(f"{filename}:{line}: {where}: {msg}")
    return out


def parse_playbook(text: str | bytes, filename: str) -> LoadedPlaybook:
    """Parse and check one playbook. Raises PlaybookError with every problem found."""
    try:
        loaded = load_yaml(text)
    except YamlProblem as exc:
        raise PlaybookError([f"{filename}:{exc.line}: {exc.message}"]) from None
    if not isinstance(loaded.data, dict):
        raise PlaybookError(
            [f"{filename}:1: a playbook is a mapping with id, version, title, summary, severity and steps"]
        )
    pb, problems = _check_all(loaded, filename)
    if problems or pb is None:
        raise PlaybookError(problems)
    return LoadedPlaybook(pb, filename, pb.model_dump(mode="json"))


def _by_line(problem: str) -> tuple[int, str]:
    found = PROBLEM_LINE.match(problem)
    return (int(found.group(1)) if found else 0, problem)


def _check_all(loaded: LoadedYaml, filename: str) -> tuple[Playbook | None, list[str]]:
    """Every problem in one pass: the schema's, the templates' (checked on the raw data, so
    they are reported with schema errors too), and the cross-checks once the schema holds."""
    problems = template_problems(loaded, filename)
    pb = None
    try:
        pb = Playbook.model_validate(loaded.data)
    except ValidationError as exc:
        problems += _schema_problems(filename, loaded, exc)
    if pb is not None:
        problems += check_playbook(pb, loaded, filename)
    else:
        problems += _raw_reference_problems(loaded, filename)
    return pb, [p for _, p in sorted({_by_line(p) for p in problems})]


def _raw_reference_problems(loaded: LoadedYaml, filename: str) -> list[str]:
    """Step ids used twice and jumps to no step, on the raw data: reported even when the schema
    fails elsewhere in the file (check_playbook does these once the schema holds)."""
    steps = loaded.data.get("steps") if isinstance(loaded.data, dict) else None
    if not isinstance(steps, list):
        return []
    problems: list[str] = []
    ids: dict[str, int] = {}
    for i, step in enumerate(steps):
        sid = step.get("id") if isinstance(step, dict) else None
        if isinstance(sid, str):
            if sid in ids:
                where = ("steps", i, "id")
                problems.append(
                    f"{filename}:{loaded.line_of(where)}: steps.{i}.id: step id {sid!r} is used twice "
                    f"(first by step {ids[sid] + 1})"
                )
            ids.setdefault(sid, i)
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        jumps: list[tuple[tuple, object]] = [(("steps", i, key), step.get(key)) for key in ("next", "otherwise")]
        for j, case in enumerate(step.get("cases") or []):
            if isinstance(case, dict):
                jumps.append((("steps", i, "cases", j, "goto"), case.get("goto")))
        for where, target in jumps:
            if isinstance(target, str) and target not in ids:
                problems.append(
                    f"{filename}:{loaded.line_of(where)}: {'.'.join(map(str, where))}: no step with id {target!r}"
                )
    return problems


def playbook_from_data(data: dict, source: str = "<snapshot>") -> Playbook:
    return Playbook.model_validate(data)


def check_playbook(pb: Playbook, loaded: LoadedYaml | None, filename: str) -> list[str]:
    """What the schema cannot say: unique ids, targets exist, templates and conditions compile,
    checklist items fit a button once rendered with the defaults."""
    problems: list[str] = []

    def at(loc: tuple, message: str) -> None:
        line = loaded.line_of(loc) if loaded else 1
        problems.append(f"{filename}:{line}: {'.'.join(str(p) for p in loc)}: {message}")

    ids: dict[str, int] = {}
    for i, step in enumerate(pb.steps):
        if step.id in ids:
            at(("steps", i, "id"), f"step id {step.id!r} is used twice (first by step {ids[step.id] + 1})")
        ids.setdefault(step.id, i)
    names = [p.name for p in pb.parameters]
    for i, name in enumerate(names):
        if name in names[:i]:
            at(("parameters", i, "name"), f"parameter {name!r} is declared twice")

    def target(loc: tuple, step_id: str | None) -> None:
        if step_id is not None and step_id not in ids:
            at(loc, f"no step with id {step_id!r}")

    def text(loc: tuple, value: Text | None) -> None:
        """Templates are checked on the raw data (template_check), with or without a schema error."""

    # a sample scope with the defaults, to catch undefined names in checklist items early
    sample = RunState(
        id="XXX-0000",
        blm_id="nogales",
        playbook_id=pb.id,
        playbook_version=pb.version,
        sha="",
        params=pb.defaults(),
        started_at=0.0,
        started_by="validate",
    )

    text(("title",), pb.title)
    text(("summary",), pb.summary)
    for i, step in enumerate(pb.steps):
        base = ("steps", i)
        target(base + ("next",), step.next)
        if isinstance(step, (PostStep,)):
            text(base + ("title",), step.title)
            text(base + ("text",), step.text)
        elif isinstance(step, AckStep):
            text(base + ("text",), step.text)
            if step.every is not None and step.repeat == 0:
                at(base + ("every",), "every is only used with repeat")
        elif isinstance(step, AskStep):
            text(base + ("question",), step.question)
            if step.default is not None and step.timeout is None:
                at(base + ("default",), "default is only used with timeout")
            if step.choices:
                values = [c.value.lower() for c in step.choices]
                if len(set(values)) != len(values):
                    at(base + ("choices",), "choice values must differ")
                if isinstance(step.default, Text):
                    at(base + ("default",), "a choice question's default is one of the choice values")
                elif step.default is not None and step.default.lower() not in values:
                    at(base + ("default",), "default must be one of the choices")
            elif isinstance(step.default, str) and any(ch.isalpha() for ch in step.default):
                # a room reads the default as the answer: it must be in the room's language
                at(base + ("default",), "a free-text default with words needs both languages: {en: ..., es: ...}")
        elif isinstance(step, ChecklistStep):
            text(base + ("title",), step.title)
            seen = set()
            for j, item in enumerate(step.items):
                loc = base + ("items", j)
                if item.id in seen:
                    at(loc + ("id",), f"item id {item.id!r} is used twice")
                seen.add(item.id)
                text(loc + ("text",), item.text)
                for lang in ("en", "es"):
                    src = item.text.get(lang)
                    if templates.compile_problem(src):
                        continue
                    try:
                        rendered = templates.render(src, make_scope(sample, lang))
                    except Exception:  # noqa: BLE001 - answers may not exist yet; checked at run time
                        continue
                    if len(rendered) > MAX_ITEM_CHARS:
                        at(loc + ("text", lang), f"{len(rendered)} characters; a checklist item holds {MAX_ITEM_CHARS}")
        elif isinstance(step, BranchStep):
            for j, case in enumerate(step.cases):
                target(base + ("cases", j, "goto"), case.goto)
            target(base + ("otherwise",), step.otherwise)
        elif isinstance(step, EndStep):
            text(base + ("text",), step.text)
    # a start must need no arguments
    for i, p in enumerate(pb.parameters):
        if p.required:
            at(
                ("parameters", i, "required"),
                "a playbook must start with no arguments: give a default instead (ask for the fact in a step)",
            )
    return problems


def playbook_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return [path]


def load_file(path: Path, shown: str | None = None) -> LoadedPlaybook:
    shown = shown or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlaybookError([f"{shown}:1: cannot read: {exc.strerror}"]) from None
    return parse_playbook(raw, shown)


@dataclass
class PlaybookLibrary:
    """The playbooks in use, by id."""

    playbooks: dict[str, LoadedPlaybook] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, directory: str | Path | None) -> PlaybookLibrary:
        lib = cls()
        if directory is None:
            return lib
        d = Path(directory)
        if not d.exists():
            log.warning("playbook folder %s does not exist: no playbooks", d)
            return lib
        for f in playbook_files(d):
            try:
                lp = load_file(f)
            except PlaybookError as exc:
                lib.problems.extend(exc.problems)
                for p in exc.problems:
                    log.error("playbook skipped: %s", p)
                continue
            lib.add(lp)
        return lib

    @classmethod
    def from_files(cls, *paths: str | Path) -> PlaybookLibrary:
        lib = cls()
        for p in paths:
            for f in playbook_files(Path(p)):
                try:
                    lib.add(load_file(f))
                except PlaybookError as exc:
                    lib.problems.extend(exc.problems)
        return lib

    def add(self, lp: LoadedPlaybook) -> None:
        if lp.playbook.id in self.playbooks:
            msg = (
                f"{lp.source}:1: id {lp.playbook.id!r} is also used by {self.playbooks[lp.playbook.id].source}; skipped"
            )
            self.problems.append(msg)
            log.error(msg)
            return
        self.playbooks[lp.playbook.id] = lp

    def get(self, playbook_id: str) -> LoadedPlaybook | None:
        return self.playbooks.get(playbook_id.strip().lower())

    def ids(self) -> list[str]:
        return sorted(self.playbooks)

    def for_advisory(self, event_names: list[str], blm_id: str) -> list[LoadedPlaybook]:
        """Playbooks with an advisory trigger naming one of these events for this BLM (tolerantly:
        see `event_matches`)."""
        wanted = [_norm(n) for n in event_names]
        out = []
        for lp in self.playbooks.values():
            for trig in lp.playbook.triggers.advisory:
                if trig.blms is not None and blm_id not in trig.blms:
                    continue
                if any(_starts_with_words(w, _norm(e)) for w in wanted for e in trig.events):
                    out.append(lp)
                    break
        return sorted(out, key=lambda lp: lp.playbook.id)


def event_matches(event: str, trigger: str) -> bool:
    """A trigger name matches an event name when the event begins with it as whole words, ignoring
    case, accents, punctuation and spacing: "Aviso de Ciclón Tropical" matches SMN's
    "AVISO DE CICLON TROPICAL EN EL PACIFICO"; "Flood Warning" does not match "Flash Flood Warning"."""
    return _starts_with_words(_norm(event), _norm(trigger))


def _starts_with_words(event: str, trigger: str) -> bool:
    return bool(trigger) and (event == trigger or event.startswith(trigger + " "))


def _norm(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded.lower()).split())


def validate_loaded_playbook(loaded: LoadedYaml, filename: str) -> list[str]:
    """Problems of one playbook already read as YAML (for `python -m bot validate`)."""
    if not isinstance(loaded.data, dict):
        return [f"{filename}:1: a playbook is a mapping with id, version, title, summary, severity and steps"]
    return _check_all(loaded, filename)[1]
