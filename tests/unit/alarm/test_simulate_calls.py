"""`python -m bot simulate` shows the calls the telephone alarm would place, on the virtual clock."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bot.simulate import simulate

ROOT = Path(__file__).resolve().parents[3]


def call_lines(text: str) -> list[tuple[str, str]]:
    """(time stamp in UTC, ☎ line) for each call line, in order."""
    out, when = [], ""
    for line in text.splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", line)
        if m:
            when = m.group(1)
        elif line.strip().startswith("☎"):
            out.append((when, line.strip()))
    return out


def test_bomb_threat_without_ack_shows_who_would_be_called_and_when():
    done = subprocess.run(
        [sys.executable, "-m", "bot", "simulate", "bomb-threat", "--ack", "none"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PLAYBOOKS_DIR": str(ROOT / "playbooks")},
    )
    assert done.returncode == 0, done.stderr
    calls = call_lines(done.stdout)
    # overdue at 12:06 (3 min, then a 3 min reminder): the liaisons one after another, 25 s of
    # ringing each; at the escalation (12:08) the escalation role's people
    assert calls == [
        ("2026-07-01 12:06:00", "☎ Phone call to US Liaison (must acknowledge), and an SMS"),
        ("2026-07-01 12:06:25", "☎ Phone call to US Liaison: no answer"),
        ("2026-07-01 12:06:25", "☎ Phone call to Enlace MX (must acknowledge), and an SMS"),
        ("2026-07-01 12:06:50", "☎ Phone call to Enlace MX: no answer"),
        ("2026-07-01 12:08:00", "☎ Phone call to Central Desk (escalation), and an SMS"),
        ("2026-07-01 12:08:25", "☎ Phone call to Central Desk: no answer"),
    ]


def test_acknowledged_in_time_nobody_is_called_and_spanish_reads_spanish():
    assert call_lines(simulate(str(ROOT / "playbooks" / "bomb-threat.yaml"), ack="all")) == []
    spanish = call_lines(simulate(str(ROOT / "playbooks" / "migrant-search-rescue.yaml"), ack="none", lang="es"))
    assert spanish[0][1] == "☎ Llamada telefónica a US Liaison (debe confirmar), y un SMS"
