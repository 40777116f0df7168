"""Templates checked at validate time, not met as raw text during an emergency.

Every string of a playbook that holds Jinja (`{{`, `{%`, `{#`) and every branch `when:` is
compiled in the sandbox, its names are checked against what a run can offer (`blm.*`,
`incident.*`, `params.<declared>`, `answers.<ask step id>`, `lang`), and it is rendered with
StrictUndefined against a representative context (the defaults, a sample answer for every ask).
This works on the raw YAML data, so it reports alongside schema errors in the same pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import meta, nodes
from jinja2.exceptions import TemplateError

from bot.directory import get_blm
from bot.engine import templates
from bot.engine.steps import blm_scope
from bot.yamlload import LoadedYaml

MARKERS = ("{{", "{%", "{#")
SAMPLE_BY_TYPE: dict[str, Any] = {"int": 1, "float": 1.0, "bool": True, "string": "sample", "choice": "sample"}


def _strings(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))
    elif isinstance(data, str):
        yield path, data


def sample_scope(data: dict, lang: str = "en") -> dict:
    """What a run of this (raw) playbook offers its templates: defaults, one answer per ask."""
    params: dict[str, Any] = {}
    for p in data.get("parameters") or []:
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            default = p.get("default")
            params[p["name"]] = default if default is not None else SAMPLE_BY_TYPE.get(str(p.get("type")), "sample")
    answers: dict[str, str] = {}
    for step in data.get("steps") or []:
        if isinstance(step, dict) and step.get("kind") == "ask" and isinstance(step.get("id"), str):
            choices = step.get("choices") or []
            first = choices[0] if choices and isinstance(choices[0], dict) else {}
            answers[step["id"]] = str(first.get("value", "sample answer"))
    return {
        "blm": blm_scope(get_blm("nogales"), lang),  # the names a run offers (bot.engine.steps.scope)
        "incident": {"id": "NOG-0001", "drill": False, "playbook": str(data.get("id", "")), "started_at": 0.0},
        "params": params,
        "answers": answers,
        "timed_out": [],
        "lang": lang,
    }


def name_problems(ast: nodes.Template, scope: dict) -> list[str]:
    """Names and `root.key` lookups a run could never satisfy (a misspelt `blm.nmae`)."""
    problems = []
    for name in sorted(meta.find_undeclared_variables(ast)):
        if name not in scope and name not in templates.GLOBALS:
            problems.append(f"unknown name {name!r}; a template can use {', '.join(sorted(scope))}")
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, (nodes.Getattr, nodes.Getitem))
        root = node.node
        if not (isinstance(root, nodes.Name) and root.ctx == "load" and isinstance(scope.get(root.name), dict)):
            continue
        if isinstance(node, nodes.Getattr):
            key = node.attr
            if hasattr(dict, key):  # answers.get('side', ...)
                continue
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            key = node.arg.value
        else:
            continue
        known = scope[root.name]
        if key not in known:
            offered = ", ".join(sorted(known)) or "nothing"
            problems.append(f"unknown name {root.name}.{key}; {root.name} has {offered}")
    return problems


def _check_one(source: str, scope: dict, expression: bool) -> str | None:
    text = "{{ (" + source + ") }}" if expression else source
    try:
        ast = templates.parse(text)
    except TemplateError as exc:
        return f"{'expression' if expression else 'template'} error: {exc}"
    found = name_problems(ast, scope)
    if found:
        return "; ".join(found)
    try:
        if expression:
            templates.evaluate(source, scope)
        else:
            templates.render(source, scope)
    except Exception as exc:  # noqa: BLE001 - any failure here would be raw text at run time
        return f"does not render with the defaults: {type(exc).__name__}: {exc}"
    return None


def template_problems(loaded: LoadedYaml, filename: str) -> list[str]:
    """`file:line: path: message` for every template a run would fail to render."""
    data = loaded.data
    if not isinstance(data, dict):
        return []
    problems = []
    scopes = {lang: sample_scope(data, lang) for lang in ("en", "es")}
    for path, value in _strings(data):
        expression = bool(path) and path[-1] == "when" and "steps" in path
        if not expression and not any(m in value for m in MARKERS):
            continue
        lang = path[-1] if path and path[-1] in scopes else "en"
        problem = _check_one(value, scopes[lang], expression)
        if problem:
            where = ".".join(str(p) for p in path)
            problems.append(f"{filename}:{loaded.line_of(path)}: {where}: {problem}")
    return problems
