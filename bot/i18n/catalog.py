"""The message catalogue: every user-facing text, keyed by type, in English and Spanish.

Each domain keeps its texts in its own `messages.py` and registers them here at import. Texts are
`str.format` templates; `t()` never fails on a missing value (a safety message must still go out),
it leaves the placeholder visible and logs it.
"""

from __future__ import annotations

import logging
import string

from bot.model import Lang

log = logging.getLogger(__name__)

CATALOG: dict[str, dict[str, str]] = {}
LANGS: tuple[Lang, ...] = ("en", "es")


def register(messages: dict[str, dict[str, str]]) -> None:
    for key, texts in messages.items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        if key in CATALOG and CATALOG[key] != texts:
            raise ValueError(f"message {key!r} registered twice with different texts")
        CATALOG[key] = texts


class _Keep(dict):
    def __missing__(self, name):
        log.warning("message placeholder {%s} had no value", name)
        return "{" + name + "}"


def t(key: str, lang: str, **values) -> str:
    texts = CATALOG.get(key)
    if texts is None:
        log.error("no message %r in the catalogue", key)
        return key
    template = texts.get(lang) or texts["en"]
    # a value given per language ({"en": ..., "es": ...}) is shown in the reader's language
    values = {
        k: (v.get(lang) or v.get("en", "")) if isinstance(v, dict) and "en" in v else v for k, v in values.items()
    }
    return template.format_map(_Keep(values))  # (str.format_map: string.Formatter's rules, in C)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def normalise_lang(value: str | None) -> Lang | None:
    """'es-MX', 'ES', 'es_419' -> 'es'; anything else we do not speak -> None."""
    if not value:
        return None
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGS else None  # type: ignore[return-value]
