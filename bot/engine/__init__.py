"""The playbook engine: schema, loader, steps, runs, timers, timeline, reports, simulation.

The runtime builds `bot.engine.domain.EngineDomain` (the Engine, its timer loop, commands and
listeners). This package only re-exports the names other code and the tests use; it imports no
module for its side effects, and no submodule imports it back.
"""

from bot.engine.domain import EngineDomain, incident_report
from bot.engine.loader import LoadedPlaybook, PlaybookError, PlaybookLibrary, parse_playbook
from bot.engine.runs import Engine, ParamError, resolve_params
from bot.engine.schema import Playbook, json_schema
from bot.engine.state import RunState
from bot.engine.steps import StepRefused
from bot.engine.timers import TimerLoop

__all__ = [
    "Engine",
    "EngineDomain",
    "LoadedPlaybook",
    "ParamError",
    "Playbook",
    "PlaybookError",
    "PlaybookLibrary",
    "RunState",
    "StepRefused",
    "TimerLoop",
    "incident_report",
    "json_schema",
    "parse_playbook",
    "resolve_params",
]
