"""Command lines: `/playbook run heat-wave crossing="Bridge of the Americas" blm=el-paso`.

Arguments are words and `key=value` pairs; values with spaces are quoted with straight or curly
quotes. Parsing never raises anything but `CommandSyntaxError`, whose message is shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb", "\u201e": "\u201c"}
_CLOSERS = {"\u201d": '"', "\u2019": "'"}
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
MAX_LINE = 8000


class CommandSyntaxError(ValueError):
    pass


@dataclass
class ParsedCommand:
    name: str  # lower-case, without slash or @botname
    words: list[str] = field(default_factory=list)  # positional words
    options: dict[str, str] = field(default_factory=dict)  # key=value
    rest: str = ""  # the raw text after the command name (for free-text commands)


def split_command(text: str) -> tuple[str, str] | None:
    """'/help@BlmBot  args' -> ('help', 'args'); None when the text is not a command."""
    stripped = text.lstrip()
    if not stripped.startswith("/"):
        return None
    head, _, rest = stripped[1:].partition(" ")
    head = head.split("\n", 1)[0]
    if "\n" in stripped[1:].split(" ", 1)[0]:
        head, _, more = stripped[1:].partition("\n")
        rest = more
    name = head.split("@", 1)[0].lower()
    if not name or not re.fullmatch(r"[a-z0-9_-]{1,32}", name):
        return None
    return name, rest.strip()


def tokenize(text: str) -> list[str]:
    if len(text) > MAX_LINE:
        raise CommandSyntaxError(f"the command is too long ({len(text)} characters)")
    tokens: list[str] = []
    buf: list[str] = []
    in_token = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            if in_token:
                tokens.append("".join(buf))
                buf, in_token = [], False
            i += 1
            continue
        opens_here = not in_token or text[i - 1] == "="  # an apostrophe inside a word is not a quote
        if (ch in _QUOTES or ch in _CLOSERS) and opens_here:
            closer = _QUOTES.get(ch) or _CLOSERS[ch]
            end = _find_close(text, i + 1, ch, closer)
            if end < 0:
                # An apostrophe in free text ("Don't cross") is not a quote: keep it as written.
                buf.append(ch)
                in_token = True
                i += 1
                continue
            buf.append(text[i + 1 : end])
            in_token = True
            i = end + 1
            continue
        buf.append(ch)
        in_token = True
        i += 1
    if in_token:
        tokens.append("".join(buf))
    return tokens


def _find_close(text: str, start: int, opener: str, closer: str) -> int:
    for j in range(start, len(text)):
        if (
            text[j] == closer
            or (text[j] == opener and opener in ('"', "'"))
            or _CLOSERS.get(text[j]) == _CLOSERS.get(closer, closer)
        ):
            return j
    return -1


def parse_arguments(name: str, text: str) -> ParsedCommand:
    parsed = ParsedCommand(name=name, rest=text)
    for token in tokenize(text):
        key, sep, value = token.partition("=")
        if sep and _KEY.match(key):
            parsed.options[key.lower()] = value
        else:
            parsed.words.append(token)
    return parsed


def parse_command_line(text: str) -> ParsedCommand | None:
    split = split_command(text)
    if split is None:
        return None
    return parse_arguments(*split)
