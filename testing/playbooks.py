from __future__ import annotations

from pathlib import Path

from bot.engine.loader import load_file, parse_playbook
from bot.engine.state import RunState

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "playbooks"
T0 = 1_782_907_200.0  # 2026-07-01 12:00 UTC


def fixture(name: str = "drill-basic.yaml"):
    return load_file(FIXTURES / name)


def pb_from(text: str):
    return parse_playbook(text, "t.yaml").playbook


def new_state(pb, drill: bool = False, params: dict | None = None) -> RunState:
    return RunState(
        id="NOG-0001",
        blm_id="nogales",
        playbook_id=pb.id,
        playbook_version=pb.version,
        sha="x",
        drill=drill,
        params={**pb.defaults(), **(params or {})},
        started_at=T0,
        started_by="Ana",
    )
