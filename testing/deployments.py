"""Every deployment the tests and the bench run the bot with, each named by what it is.

A name is a string (`NOGALES_EL_PASO`, ...); the data behind it is handed out as a fresh deep copy
(`data(name)`), so a test that changes its copy changes nobody else's. `deployment(name_or_dict)`
turns a name or a dict into the `bot.config.Deployment` the bot is built with; the variations
(`with_agencies`, `with_phones`) take a name or a dict and return a new dict.

    from testing.deployments import NOGALES_EL_PASO, with_phones
    running_bot(settings, with_phones(NOGALES_EL_PASO, PHONES))
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from bot.config import Deployment

Data = dict[str, Any]
Source = str | Mapping[str, Any]  # a name from this module, or a deployment's data

# ---- the ten BLMs' rooms, as the cluster and the bench number them -----------------------------
BLM_IDS = [
    "san-diego",
    "calexico",
    "nogales",
    "douglas",
    "el-paso",
    "del-rio",
    "eagle-pass",
    "laredo",
    "mcallen",
    "brownsville",
]


def slack_channel(blm: str) -> str:
    """A BLM's Slack channel in `ALL_TEN` (C0NOGALES, C0ELPASO, ...)."""
    return "C0" + blm.replace("-", "").upper()


def tg_chat(i: int) -> int:
    """The Telegram group of `BLM_IDS[i]` in `ALL_TEN` (Nogales: -1001000000003)."""
    return -1001000000001 - i


# ---- the names ---------------------------------------------------------------------------------
NOGALES_EL_PASO = "nogales-el-paso"
"""The web tests' bot (testing.harness): Nogales and El Paso, both sides of Nogales with a
coordinator, member and liaison each (Ana Ruiz, Luis Peña, Rosa Díaz / Bob Carter, Jo Kim,
Pat Lee), and the Central Desk."""

NOGALES_SHORT_IDS = "nogales-short-ids"
"""The engine's tests' bot (testing.engine): short room ids (CNOG / -1003, central CCEN / -1009),
El Paso beside it; Ana Coord, Luis Enlace, Bob Liaison, Memo Member, Carla Central."""

NOGALES_ICS214 = "nogales-ics214"
"""`NOGALES_SHORT_IDS` with the sides and agencies an ICS 214 names (`ICS214_AGENCIES`)."""

EL_PASO_LAREDO = "el-paso-laredo"
"""The advisories' test bot (testing.advisories): El Paso and Laredo, El Paso's people only."""

ALL_TEN = "all-ten"
"""All ten BLMs and the central room (testing.cluster, the bench): advisory fan-out and per-room
ordering exercised widely. Bob Carter coordinates all ten; the rest are the Nogales people of
`NOGALES_EL_PASO` without its two liaisons."""

DEMO = "demo"
"""The console demo's Nogales (handlers.console.scenario.DEMO_DEPLOYMENT, product code)."""

EL_PASO_TWO_SIDES = "el-paso-two-sides"
"""El Paso with a coordinator and a liaison on each side, all with agencies; the Central Desk on
both platforms (the weather playbooks end to end)."""

NOGALES_TWO_SIDES = "nogales-two-sides"
"""Nogales with a coordinator and a liaison on each side; the Central Desk on both platforms (the
security playbooks end to end)."""

EL_PASO_NOGALES_CENTRAL_ONLY = "el-paso-nogales-central-only"
"""El Paso's and Nogales's rooms, nobody in them; only the Central Desk (advisory-first ordering)."""

NOGALES_TWO_LIAISONS = "nogales-two-liaisons"
"""Nogales alone with short ids: two liaisons (Bob Liaison on Slack, Luis Enlace on Telegram) and
a coordinator (the alarm's service tests add the liaisons' phones)."""

NOGALES_NO_LIAISON = "nogales-no-liaison"
"""Nogales with a coordinator and a member and no liaison (a page for a missing role)."""

EMPTY = "empty"
"""No rooms, no people: what the bot runs with when there is no deployment file."""

ICS214_AGENCIES: Mapping[str, tuple[str, str]] = {
    # the short-id Nogales people, with the (side, agency) an ICS 214 names
    "Ana Coord": ("us", "CBP Office of Field Operations, Nogales port"),
    "Luis Enlace": ("mx", "Aduana Nogales, Son."),
    "Bob Liaison": ("us", "U.S. Border Patrol, Tucson Sector"),
    "Carla Central": ("us", "DHS Office of International Affairs"),
}


# ---- the data (private: handed out only as copies) ---------------------------------------------
def _nogales_people() -> list[Data]:
    """Nogales's web-test people: a coordinator, member and liaison on each side, and the Central Desk."""
    return [
        {
            "name": "Ana Ruiz",
            "telegram_user": 5550001,
            "role": "coordinator",
            "blms": ["nogales"],
            "side": "mx",
            "agency": "Protección Civil",
        },
        {"name": "Luis Peña", "telegram_user": 5550002, "role": "member", "blms": ["nogales"], "lang": "en"},
        {
            "name": "Bob Carter",
            "slack_user": "U0BOB",
            "role": "coordinator",
            "blms": ["nogales"],
            "side": "us",
            "agency": "CBP",
        },
        {"name": "Jo Kim", "slack_user": "U0JO", "role": "member", "blms": ["nogales"]},
        {
            "name": "Pat Lee",
            "slack_user": "U0PAT",
            "role": "liaison",
            "blms": ["nogales"],
            "side": "us",
            "agency": "Border Patrol",
        },
        {
            "name": "Rosa Díaz",
            "telegram_user": 5550003,
            "role": "liaison",
            "blms": ["nogales"],
            "side": "mx",
            "agency": "INM",
        },
        {"name": "Central Desk", "slack_user": "U0CEN", "role": "central"},
    ]


def _nogales_el_paso() -> Data:
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {
            "nogales": {"slack_channel": "C0NOGALES", "telegram_chat": -1001000000003},
            "el-paso": {"slack_channel": "C0ELPASO", "telegram_chat": -1001000000005},
        },
        "people": _nogales_people(),
    }


def _nogales_short_ids() -> Data:
    return {
        "central": {"slack_channel": "CCEN", "telegram_chat": -1009},
        "blms": {
            "nogales": {"slack_channel": "CNOG", "telegram_chat": -1003},
            "el-paso": {"slack_channel": "CELP", "telegram_chat": -1004},
        },
        "people": [
            {"name": "Ana Coord", "slack_user": "UANA", "role": "coordinator", "blms": ["nogales"]},
            {"name": "Luis Enlace", "telegram_user": 501, "role": "liaison", "blms": ["nogales"], "lang": "es"},
            {"name": "Bob Liaison", "slack_user": "UBOB", "role": "liaison", "blms": ["nogales"]},
            {"name": "Memo Member", "telegram_user": 502, "role": "member", "blms": ["nogales"]},
            {"name": "Carla Central", "slack_user": "UCEN", "role": "central"},
        ],
    }


def _el_paso_laredo() -> Data:
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {
            "el-paso": {"slack_channel": "C0ELPASO", "telegram_chat": -1001000000005},
            "laredo": {"slack_channel": "C0LAREDO", "telegram_chat": -1001000000008},
        },
        "people": [
            {
                "name": "Bob Carter",
                "slack_user": "U0BOB",
                "role": "coordinator",
                "blms": ["el-paso"],
                "side": "us",
                "agency": "CBP",
            },
            {"name": "Jo Kim", "slack_user": "U0JO", "role": "member", "blms": ["el-paso"]},
            {"name": "Ana Ruiz", "telegram_user": 5550001, "role": "member", "blms": ["el-paso"]},
            {"name": "Dana Central", "slack_user": "U0CEN", "role": "central"},
        ],
    }


def _all_ten() -> Data:
    # Nogales's people without its two liaisons, and Bob Carter a coordinator of all ten BLMs
    people = [p for p in _nogales_people() if p["name"] not in ("Pat Lee", "Rosa Díaz")]
    for person in people:
        if person["name"] == "Bob Carter":
            person["blms"] = list(BLM_IDS)
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {
            blm: {"slack_channel": slack_channel(blm), "telegram_chat": tg_chat(i)} for i, blm in enumerate(BLM_IDS)
        },
        "people": people,
    }


def _demo() -> Data:
    from handlers.console.scenario import DEMO_DEPLOYMENT  # why: the whole bot, only when the demo is asked for

    return DEMO_DEPLOYMENT


def _el_paso_two_sides() -> Data:
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {"el-paso": {"slack_channel": "C0ELPASO", "telegram_chat": -1001000000005}},
        "people": [
            {
                "name": "Bob Carter",
                "slack_user": "U0BOB",
                "role": "coordinator",
                "blms": ["el-paso"],
                "side": "us",
                "agency": "CBP",
            },
            {
                "name": "Jo Kim",
                "slack_user": "U0JO",
                "role": "liaison",
                "blms": ["el-paso"],
                "side": "us",
                "agency": "Border Patrol",
            },
            {
                "name": "Ana Ruiz",
                "telegram_user": 5550001,
                "role": "coordinator",
                "blms": ["el-paso"],
                "side": "mx",
                "agency": "Protección Civil",
            },
            {
                "name": "Luis Peña",
                "telegram_user": 5550002,
                "role": "liaison",
                "blms": ["el-paso"],
                "side": "mx",
                "agency": "Grupo Beta",
            },
            {"name": "Central Desk", "slack_user": "U0CEN", "telegram_user": 5550009, "role": "central"},
        ],
    }


def _nogales_two_sides() -> Data:
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {"nogales": {"slack_channel": "C0NOGALES", "telegram_chat": -1001000000003}},
        "people": [
            {
                "name": "Bob Carter",
                "slack_user": "U0BOB",
                "role": "coordinator",
                "blms": ["nogales"],
                "side": "us",
                "agency": "CBP",
            },
            {
                "name": "Ana Ruiz",
                "telegram_user": 5550001,
                "role": "coordinator",
                "blms": ["nogales"],
                "side": "mx",
                "agency": "Protección Civil",
            },
            {"name": "Lee Park", "slack_user": "U0LEE", "role": "liaison", "blms": ["nogales"], "side": "us"},
            {"name": "Raúl Soto", "telegram_user": 5550004, "role": "liaison", "blms": ["nogales"], "side": "mx"},
            {"name": "Central Desk", "slack_user": "U0CEN", "telegram_user": 5550009, "role": "central"},
        ],
    }


def _el_paso_nogales_central_only() -> Data:
    return {
        "central": {"slack_channel": "C0CENTRAL", "telegram_chat": -1001000000000},
        "blms": {
            "el-paso": {"slack_channel": "C0ELPASO", "telegram_chat": -1001000000005},
            "nogales": {"slack_channel": "C0NOGALES", "telegram_chat": -1001000000003},
        },
        "people": [{"name": "Central Desk", "slack_user": "U0CEN", "role": "central"}],
    }


def _nogales_two_liaisons() -> Data:
    return {
        "central": {"slack_channel": "CCEN", "telegram_chat": -1009},
        "blms": {"nogales": {"slack_channel": "CNOG", "telegram_chat": -1003}},
        "people": [
            {"name": "Bob Liaison", "slack_user": "UBOB", "role": "liaison", "blms": ["nogales"]},
            {"name": "Luis Enlace", "telegram_user": 501, "role": "liaison", "blms": ["nogales"]},
            {"name": "Ana Coord", "slack_user": "UANA", "role": "coordinator", "blms": ["nogales"]},
        ],
    }


def _nogales_no_liaison() -> Data:
    return {
        "blms": {"nogales": {"slack_channel": "C1"}},
        "people": [
            {"name": "Coord", "slack_user": "U1", "role": "coordinator", "blms": ["nogales"]},
            {"name": "Member", "slack_user": "U2", "role": "member", "blms": ["nogales"]},
        ],
    }


_NAMED: dict[str, Callable[[], Data]] = {
    NOGALES_EL_PASO: _nogales_el_paso,
    NOGALES_SHORT_IDS: _nogales_short_ids,
    NOGALES_ICS214: lambda: with_agencies(NOGALES_SHORT_IDS, ICS214_AGENCIES),
    EL_PASO_LAREDO: _el_paso_laredo,
    ALL_TEN: _all_ten,
    DEMO: _demo,
    EL_PASO_TWO_SIDES: _el_paso_two_sides,
    NOGALES_TWO_SIDES: _nogales_two_sides,
    EL_PASO_NOGALES_CENTRAL_ONLY: _el_paso_nogales_central_only,
    NOGALES_TWO_LIAISONS: _nogales_two_liaisons,
    NOGALES_NO_LIAISON: _nogales_no_liaison,
    EMPTY: dict,
}
NAMES = tuple(_NAMED)


# ---- handing them out --------------------------------------------------------------------------
def data(source: Source) -> Data:
    """A fresh deep copy of the named deployment's data (or of the dict given): yours to change."""
    if isinstance(source, str):
        try:
            made = _NAMED[source]
        except KeyError:
            raise KeyError(f"no deployment named {source!r}; the names: {', '.join(NAMES)}") from None
        return copy.deepcopy(made())
    return copy.deepcopy(dict(source))


def deployment(source: Source | Deployment) -> Deployment:
    """The `bot.config.Deployment` of a name from this module or of a deployment's data."""
    if isinstance(source, Deployment):
        return source
    return Deployment.model_validate(data(source))


def with_agencies(base: Source, agencies: Mapping[str, tuple[str, str]]) -> Data:
    """`base` with each person named in `agencies` given its (side, agency)."""
    out = data(base)
    for person in out["people"]:
        if person["name"] in agencies:
            person["side"], person["agency"] = agencies[person["name"]]
    return out


def with_phones(base: Source, phones: Mapping[str, str]) -> Data:
    """`base` with each person named in `phones` given that phone number (E.164)."""
    out = data(base)
    for person in out["people"]:
        if person["name"] in phones:
            person["phone"] = phones[person["name"]]
    return out
