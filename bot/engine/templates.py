"""Sandboxed Jinja2 for playbook texts and branch conditions.

Texts are rendered with StrictUndefined (a missing value is an error, found by `validate`), in an
immutable sandbox (no attribute tricks, no mutation). A template that fails at run time must not
stop an emergency run: `render_safe` then returns the raw text and says what went wrong.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from jinja2 import StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

log = logging.getLogger(__name__)

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
MAX_OUTPUT = 20_000
GLOBALS = frozenset(_ENV.globals)  # range, dict, namespace, ...: names every template may use


@lru_cache(maxsize=4096)
def _template(source: str):
    return _ENV.from_string(source)


@lru_cache(maxsize=1024)
def _expression(source: str):
    return _ENV.compile_expression(source, undefined_to_none=False)


def parse(source: str):
    """The template's syntax tree (for the checks `validate` makes). Raises TemplateError."""
    return _ENV.parse(source)


def compile_problem(source: str) -> str | None:
    """None when `source` compiles as a template, else the reason."""
    try:
        _template(source)
        return None
    except TemplateError as exc:
        return f"template error: {exc}"


def expression_problem(source: str) -> str | None:
    try:
        _expression(source)
        return None
    except TemplateError as exc:
        return f"expression error: {exc}"


def render(source: str, scope: dict) -> str:
    """Render or raise TemplateError (and the sandbox's SecurityError, a TemplateError)."""
    out = _template(source).render(**scope)
    if len(out) > MAX_OUTPUT:
        raise TemplateError(f"rendered text too long ({len(out)} characters)")
    return out


def render_safe(source: str, scope: dict) -> tuple[str, str | None]:
    """(text, problem): the raw source and the problem when rendering fails."""
    try:
        return render(source, scope), None
    except Exception as exc:  # noqa: BLE001 - any template failure falls back to the raw text
        problem = f"{type(exc).__name__}: {exc}"
        log.warning("template failed, posting the raw text: %s", problem)
        return source, problem


def evaluate(expression: str, scope: dict) -> bool:
    """A branch condition. Raises TemplateError on a broken or undefined-using expression."""
    return bool(_expression(expression)(**scope))
