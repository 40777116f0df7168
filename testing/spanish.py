"""An English-word detector for what the bot posts in Spanish rooms.

`english_words(line)` lists the words of a line that are common English and never Spanish. The
issuers' official English names (NWS products, California's evacuation terms, "Ready, Set, Go!"),
the platforms' and agencies' names, and commands are taken out first: a Spanish text may quote
them on purpose, in parentheses, after the Spanish term.
"""

from __future__ import annotations

import re

# Common English words that are not Spanish words (so "no", "a", "me", "he", "van", "decide",
# "use", "radio" are not here). Lower case; checked against whole words (accented letters are
# part of a word, so "usó" is not "us").
ENGLISH = frozenset(
    """
    the and or of to in on at by for from with without into onto over under about after before
    until within between through during is are was were be been being am has have had do does did
    done will would can could should must may might shall not yes none this that these those there
    here where when what which who whom whose why how all any some every each other another both
    either neither only also just still yet already again then than too very more most less least
    it its it's they them their we our you your he's she his her my us
    please reply answer answered answers question questions tap click button item items checklist
    acknowledge acknowledged acknowledgement reminder escalation escalated drill exercise started
    start stop stopped ended end done step steps playbook playbooks incident incidents report
    sitrep officer officers liaison coordinator coordinators member members desk room
    rooms channel side sides now soon today tonight time times minute minutes hour hours day
    pending undecided unknown known given recorded record recording received sent posted
    notified notify told tell call called caller calls phone phones email written
    other others something nothing anything everything someone nobody everyone people person
    lane lanes crossing crossings port ports bridge closed close open opened reopen reopened
    decision decided search evacuate evacuation shelter place wait waiting warning watch
    advisory alert alerts heat cold freeze flood fire smoke storm snow rain wind water weather
    high low level levels danger caution extreme major minor moderate little
    north south northbound southbound left right up down out off back away
    new old good bad first last next same own such many much few several
    see seen show shown used make made take taken give get got keep kept leave left go going
    want need needed needs help helped know think say said ask asked
    """.split()
)

# Names an issuer or a programme gives in English; a Spanish text may quote them.
OFFICIAL = [
    r"Ready, Set, Go!?",
    r"Evacuation Warning",
    r"Evacuation Order",
    r"Shelter in place",
    r"Red Flag Warning",
    r"Fire Weather Watch",
    r"(?:Extreme|Excessive) Heat (?:Warning|Watch)",
    r"Heat Advisory",
    r"HeatRisk",
    r"Flash Flood Warning",
    r"Flood Warning",
    r"Winter Storm (?:Warning|Watch)",
    r"Winter Weather Advisory",
    r"Blizzard Warning",
    r"Ice Storm Warning",
    r"Extreme Cold (?:Warning|Watch)",
    r"Cold Weather Advisory",
    r"Freeze (?:Warning|Watch)",
    r"Border Patrol",
]
_OFFICIAL = re.compile("|".join(OFFICIAL), re.IGNORECASE)
_COMMAND = re.compile(r"(?<!\w)/\w+(?: (?:list|run|drill|abort|show|close|report|post|en|es))?")
_OPTION = re.compile(r"--\w+(?:\s+\S+)?")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def english_words(line: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English words of a line, after official names, commands and the given names go."""
    for name in names:
        line = line.replace(name, " ")
    line = _OFFICIAL.sub(" ", line)
    line = _COMMAND.sub(" ", line)
    line = _OPTION.sub(" ", line)
    return [w for w in _WORD.findall(line) if w.lower() in ENGLISH]


_HEAD = re.compile(r"^\s*(?:!! |! |✉ )?→ (?P<room>.*?) \((?P<lang>en|es)\): ")
_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")


def room_lines(output: str, lang: str) -> list[str]:
    """The lines of a `simulate` print-out that rooms or people of `lang` receive (room labels
    dropped): a message starts at its arrow and runs to the next arrow, time line or blank line."""
    out: list[str] = []
    current: str | None = None
    for raw in output.splitlines():
        head = _HEAD.match(raw)
        if head:
            current = head.group("lang")
            raw = raw[head.end() :]
        elif _TIME.match(raw) or not raw.strip():
            current = None
            continue
        elif raw.startswith(("La ejecución espera", "The run waits", "Fin de la simulación", "End of simulation")):
            current = None
            continue
        if current == lang:
            out.append(raw)
    return out
