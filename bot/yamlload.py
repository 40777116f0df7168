"""Safe YAML loading that remembers where every value came from.

PyYAML's compose step gives nodes with marks, so errors can say `file:line`. Aliases are allowed
only a few times and the document size is capped, so an alias bomb or a huge file is an error,
not an outage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_ALIASES = 50
MAX_NODES = 100_000
PROBLEM_LINE = re.compile(r"^.*?:(\d+): ")  # the line of a `file:line: message`, for sorting

Path_ = tuple[Any, ...]


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class LoadedYaml:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)  # path of keys/indexes -> 1-based line

    def line_of(self, loc: Path_) -> int:
        """The line of the deepest known path prefix of `loc` (pydantic error locations)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


class _CountingLoader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlProblem(mark.line + 1, f"too many YAML aliases (more than {MAX_ALIASES})")
        return super().compose_node(parent, index)


def load_yaml(text: str | bytes) -> LoadedYaml:
    """Parse one YAML document into plain Python data plus a line map. Raises YamlProblem."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise YamlProblem(1, f"file too large ({len(text)} bytes; the limit is {MAX_BYTES})")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlProblem(1, f"not UTF-8 text: {exc}") from None
    if len(text) > MAX_BYTES:
        raise YamlProblem(1, f"file too large ({len(text)} characters; the limit is {MAX_BYTES})")
    loader = None
    try:
        loader = _CountingLoader(text)  # the reader refuses control characters already here
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(None, {(): 1})
        lines: dict[Path_, int] = {}
        budget = [MAX_NODES]
        data = _to_python(loader, node, (), lines, budget)
        return LoadedYaml(data, lines)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML: {exc}".splitlines()[0]) from None
    except RecursionError:
        raise YamlProblem(1, "YAML nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _to_python(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, lines: dict, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlProblem(node.start_mark.line + 1, f"document too large (more than {MAX_NODES} values)")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_node.start_mark.line + 1, "YAML merge keys (<<) are not supported")
            key = _to_python(loader, key_node, path + ("<key>",), {}, budget)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlProblem(key_node.start_mark.line + 1, "mapping keys must be plain values")
            if key in out:
                raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _to_python(loader, value_node, path + (key,), lines, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(loader, item, path + (i,), lines, budget) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def format_pydantic_errors(filename: str, loaded: LoadedYaml, error: Any) -> list[str]:
    """`file:line: message` for each error of a pydantic ValidationError."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        where = ".".join(str(p) for p in loc) or "(top)"
        msg = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            msg = "unknown key"
        elif err.get("type") == "value_error":
            msg = msg.removeprefix("Value error, ")
        problems.append(f"{filename}:{loaded.line_of(loc)}: {where}: {msg}")
    return problems
