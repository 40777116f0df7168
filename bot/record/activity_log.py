"""What an ICS-214-style activity log holds: plain data, made by bot/engine/evidence.py and drawn
by bot/record/ics214.py (reportlab, imported only when a PDF is made)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Person:
    name: str
    position: str = ""
    agency: str = ""


@dataclass
class Moment:
    utc: str
    us: str
    mx: str


@dataclass
class Activity:
    when: Moment
    who: str
    text: str


@dataclass
class ActivityLog:
    incident_id: str
    incident_name: str
    blm_name: str
    us_place: str  # the columns' local times: "Nogales, AZ"
    mx_place: str
    started: Moment | None
    ended: Moment | None
    drill: bool = False
    responsible: Person | None = None
    resources: list[Person] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    chain_count: int = 0
    chain_head: str = ""
    generated: str = ""
    erased: bool = False
