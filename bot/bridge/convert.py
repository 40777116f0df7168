"""Format conversion between Slack mrkdwn and Telegram HTML (pure functions, no I/O).

Two promises hold for any input, whatever people type:
* Slack output can never ping a whole workspace: every `<`, `>` and `&` of people's text is
  escaped, the only `<…>` sequences written are user mentions `<@U…>` of configured people and
  links `<https://…|label>` whose URL is checked and percent-encoded; the literal words `@channel`,
  `@here`, `@everyone` get a zero-width joiner after the `@`.
* Telegram output is valid for `parse_mode=HTML`: only the tags Telegram knows, always balanced,
  and text escaped. Long HTML is split by `split_html` without breaking a tag.

Mentions of a person in the config become a mention of the same person on the other side
(`<@U…>` ↔ `<a href="tg://user?id=…">`); anyone else becomes `@Name` as plain text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

from bot.markup import (  # the escaping and splitting every edge shares
    ZWJ,
    neutralise_broadcasts,
    slack_escape,
    slack_unescape,
    tg_escape,
)

# Who a platform user is, as the bridge knows them: (name, id on the other platform or None).
PersonLookup = Callable[[str], "tuple[str, str | None] | None"]


def _no_person(_uid: str):
    return None


# ---------------------------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------------------------
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def safe_url(url: str) -> str | None:
    """The URL if it is a web, mail or phone link; percent-encode what could break markup."""
    url = url.strip()
    if not url.lower().startswith(_SAFE_SCHEMES) or len(url) > 2000:
        return None
    return quote(url, safe="/:?#[]@!$&'()*+,;=%-._~")


# ---------------------------------------------------------------------------------------------
# Slack mrkdwn -> Telegram HTML
# ---------------------------------------------------------------------------------------------
_ANGLE = re.compile(r"<([^<>\n]*)>")
_PH = "\x00"  # placeholder delimiter (removed from input first)
_PH_RE = re.compile(r"\x00(\d+)\x00")
_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_STYLES = [  # (marker regex, tag) in nesting order
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])"), "s"),
]


@dataclass
class _Angle:
    html: str  # what to put in Telegram HTML
    plain: str  # plain text (inside code)


def _slack_angle(inner: str, slack_person: PersonLookup) -> _Angle:
    """One Slack `<…>` sequence (already without the brackets)."""
    target, _, label = inner.partition("|")
    label = slack_unescape(label)
    if target.startswith("@"):
        uid = target[1:]
        found = slack_person(uid)
        name = (found[0] if found else "") or label.lstrip("@") or uid
        if found and found[1] and str(found[1]).lstrip("-").isdigit():
            return _Angle(f'<a href="tg://user?id={int(found[1])}">{tg_escape(name)}</a>', "@" + name)
        return _Angle(tg_escape(neutralise_broadcasts("@" + name)), neutralise_broadcasts("@" + name))
    if target.startswith("#"):
        name = "#" + (label or target[1:])
        return _Angle(tg_escape(name), name)
    if target.startswith("!"):
        word = target[1:]
        if word.startswith("subteam^"):
            word = (label or "group").lstrip("@")
        elif word.startswith("date^"):
            text = label or word
            return _Angle(tg_escape(text), text)
        elif label:
            word = label.lstrip("@")
        text = "@" + ZWJ + word  # harmless: never a broadcast on either side
        return _Angle(tg_escape(text), text)
    url = slack_unescape(target)
    good = safe_url(url)
    text = label or url
    if good is None:
        return _Angle(tg_escape(text), text)
    if not label or label == url:
        return _Angle(f'<a href="{html.escape(good, quote=True)}">{tg_escape(url)}</a>', url)
    return _Angle(f'<a href="{html.escape(good, quote=True)}">{tg_escape(label)}</a>', f"{label} ({url})")


def slack_to_telegram(text: str, slack_person: PersonLookup = _no_person) -> str:
    """Slack message text (mrkdwn) -> Telegram HTML for parse_mode=HTML."""
    text = text.replace(_PH, "")
    angles: list[_Angle] = []

    def stash(m: re.Match) -> str:
        angles.append(_slack_angle(m.group(1), slack_person))
        return f"{_PH}{len(angles) - 1}{_PH}"

    def plain_of(segment: str) -> str:  # inside code: no markup, links as their text
        return _PH_RE.sub(lambda m: angles[int(m.group(1))].plain, segment)

    text = _ANGLE.sub(stash, text)
    out: list[str] = []
    pos = 0
    for m in _FENCE.finditer(text):
        out.append(_inline(text[pos : m.start()], angles, plain_of))
        body = slack_unescape(plain_of(m.group(1))).strip("\n")
        out.append(f"<pre>{tg_escape(body)}</pre>" if body else "")
        pos = m.end()
    out.append(_inline(text[pos:], angles, plain_of))
    return "".join(out)


def _inline(segment: str, angles: list[_Angle], plain_of) -> str:
    out: list[str] = []
    pos = 0
    for m in _INLINE_CODE.finditer(segment):
        out.append(_styled(segment[pos : m.start()], angles, 0))
        out.append(f"<code>{tg_escape(slack_unescape(plain_of(m.group(1))))}</code>")
        pos = m.end()
    out.append(_styled(segment[pos:], angles, 0))
    return "".join(out)


def _styled(segment: str, angles: list[_Angle], level: int) -> str:
    """Apply bold, italic, strike (nested by construction, so tags always balance)."""
    if level == len(_STYLES):
        out: list[str] = []
        pos = 0
        for m in _PH_RE.finditer(segment):
            out.append(tg_escape(slack_unescape(segment[pos : m.start()])))
            out.append(angles[int(m.group(1))].html)
            pos = m.end()
        out.append(tg_escape(slack_unescape(segment[pos:])))
        return "".join(out)
    regex, tag = _STYLES[level]
    out = []
    pos = 0
    for m in regex.finditer(segment):
        out.append(_styled(segment[pos : m.start()], angles, level + 1))
        out.append(f"<{tag}>{_styled(m.group(1), angles, level + 1)}</{tag}>")
        pos = m.end()
    out.append(_styled(segment[pos:], angles, level + 1))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Telegram HTML (text_html) -> Slack mrkdwn
# ---------------------------------------------------------------------------------------------
_TG_USER = re.compile(r"^tg://user\?id=(\d+)$")
_MARK = {"b": "*", "strong": "*", "i": "_", "em": "_", "s": "~", "strike": "~", "del": "~"}


class _TgToSlack(HTMLParser):
    def __init__(self, telegram_person: PersonLookup):
        super().__init__(convert_charrefs=True)
        self.person = telegram_person
        self.out: list[str] = []
        self.stack: list[tuple[str, object]] = []  # (tag, state)
        self.in_code = 0

    # Text goes to the innermost open capture (links collect their label).
    def _emit(self, s: str) -> None:
        for tag, state in reversed(self.stack):
            if tag == "a" and isinstance(state, dict):
                state["label"].append(s)
                return
        self.out.append(s)

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag == "a":
            self.stack.append(("a", {"href": dict(attrs).get("href") or "", "label": []}))
            return
        if tag in ("code", "pre"):
            self.in_code += 1
            if tag == "pre":
                self._emit("```")
            elif self.in_code == 1:
                self._emit("`")
            self.stack.append((tag, None))
            return
        if tag == "blockquote":
            self._emit("\n" if self.out and not self.out[-1].endswith("\n") else "")
            self.stack.append((tag, len(self.out)))
            return
        mark = _MARK.get(tag) if not self.in_code else None
        self.stack.append((tag, mark))
        if mark:
            self._emit(mark)

    def handle_endtag(self, tag):
        tag = tag.lower()
        # close up to the matching tag (tolerates sloppy nesting)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                break
        else:
            return
        while len(self.stack) > i:
            self._close(*self.stack.pop())

    def _close(self, tag, state):
        if tag == "a":
            self._emit(self._link(state["href"], "".join(state["label"])))
        elif tag in ("code", "pre"):
            if tag == "pre":
                self._emit("```")
            elif self.in_code == 1:
                self._emit("`")
            self.in_code -= 1
        elif tag == "blockquote":
            start = state
            quoted = "".join(self.out[start:])
            del self.out[start:]
            self.out.append("\n".join("> " + line for line in quoted.strip("\n").split("\n")) + "\n")
        elif state:
            self._emit(state)

    def _link(self, href: str, label_slack: str) -> str:
        m = _TG_USER.match(href.strip())
        if m:
            found = self.person(m.group(1))
            if found and found[1]:
                return f"<@{found[1]}>"
            name = found[0] if found else None
            return label_slack if not name else slack_escape("@" + name)
        url = safe_url(href)
        if url is None:
            return label_slack
        url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
        label = label_slack.replace("|", "¦").strip()
        if not label or label == slack_escape(href):
            return f"<{url}>"
        return f"<{url}|{label}>"

    def handle_data(self, data):
        self._emit(slack_escape(data))

    def close_all(self) -> str:
        self.close()
        while self.stack:
            self._close(*self.stack.pop())
        return "".join(self.out)


def telegram_to_slack(text_html: str, telegram_person: PersonLookup = _no_person) -> str:
    """Telegram HTML (as python-telegram-bot's text_html gives it) -> Slack mrkdwn, escaped."""
    parser = _TgToSlack(telegram_person)
    parser.feed(text_html)
    out = parser.close_all()
    # Whatever came through (e.g. a stray '<' inside a malformed tag), a broadcast cannot.
    return _strip_unsafe_angles(out)


_SLACK_ANGLE_OK = re.compile(r"<(@[UW][A-Z0-9]+|(?:https?://|mailto:|tel:)[^<>\s|]*(?:\|[^<>]*)?)>")


def _strip_unsafe_angles(text: str) -> str:
    """Keep only the `<…>` forms we write; escape any other `<` or `>`."""
    out: list[str] = []
    pos = 0
    for m in _SLACK_ANGLE_OK.finditer(text):
        out.append(text[pos : m.start()].replace("<", "&lt;").replace(">", "&gt;"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# plain text (console, notices)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# splitting long formatted text
# ---------------------------------------------------------------------------------------------
