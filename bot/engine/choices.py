"""Answers to choice questions and choice parameters, as people type them in either language.

A typed answer matches a choice by its value, its English or Spanish label, the playbook's aliases
or the common words below; else by the label's head (the words before "(", "/", ":" or ","); else
by the first words of exactly one label. Case, accents and punctuation do not matter; an answer
that could mean two choices matches none. "EUA", "lado mexicano", "ambos", "sí" and "no" work as
well as the English codes.
"""

from __future__ import annotations

import re
import unicodedata

# Words for the values the playbooks share, so each playbook need not repeat them.
KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("eua", "ee uu", "eeuu", "usa", "u s", "estados unidos", "lado de eua", "lado estadounidense", "us side"),
    "mx": ("mexico", "mex", "lado mexicano", "mexican side"),
    "both": ("ambos", "ambos lados", "los dos", "both sides"),
    "yes": ("si", "yes", "y", "s"),
    "no": ("no", "n"),
    "unknown": ("se desconoce", "desconocido", "no se sabe", "no se", "sin dato", "not known", "don't know"),
    "none": ("ninguno", "ninguna", "nada"),
}
_HEAD = re.compile(r"\s*(?:\(|/|:|,| – | - )")


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: 'Sí.' -> 'si'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.lower()).split())


def known_aliases(value: str) -> tuple[str, ...]:
    """Common words for a value; 'yes/sí' style values also take each half's words."""
    out: list[str] = []
    for part in [value, *value.split("/")]:
        out += KNOWN_ALIASES.get(fold(part), ())
        out.append(part)
    return tuple(out)


def head(label: str) -> str:
    """The label's first words: 'Lado mexicano (garita, aduana)' -> 'Lado mexicano'."""
    return _HEAD.split(label, maxsplit=1)[0]


def match(choices, text: str) -> str | None:
    """The value of the choice `text` names, or None (also when it could mean two choices)."""
    word = fold(text)
    if not word:  # all punctuation, like "?": only a value written the same way
        raw = text.strip()
        return next((c.value for c in choices if raw and c.value == raw), None)
    exact = []
    for choice in choices:
        names = [choice.value, choice.label.en, choice.label.es, *choice.aliases, *known_aliases(choice.value)]
        if word in {fold(n) for n in names}:
            exact.append(choice.value)
    if exact:
        return exact[0] if len(set(exact)) == 1 else None
    heads = [c.value for c in choices if word in {fold(head(c.label.en)), fold(head(c.label.es))}]
    if heads:
        return heads[0] if len(set(heads)) == 1 else None
    # the first words of one label: "algunos carriles" for "Algunos carriles cerrados"
    if len(word) >= 3:
        starts = [
            c.value
            for c in choices
            if any(fold(lb.get(x)).startswith(word + " ") for lb in [c.label] for x in ("en", "es"))
        ]
        if len(set(starts)) == 1:
            return starts[0]
    return None


def options(choices, lang: str) -> str:
    """The choices as a person reads them in `lang`, for a refusal."""
    return "; ".join(c.label.get(lang) for c in choices)
