"""`python -m bot validate` tells everything in one run, each problem at the line of its key."""

import ast
import subprocess
import sys
from pathlib import Path

from testing.playbooks import FIXTURES

ROOT = Path(__file__).resolve().parents[3]

PLAYBOOK_THREE_MISTAKES = """\
id: three-mistakes
version: 1
title: {en: T, es: T}
summary: {en: S, es: S}
severity: catastrophic
steps:
  - id: tell
    kind: post
    to: [blm]
    text:
      en: "Bomb threat at {{ blm.nmae }}"
      es: "Amenaza de bomba en {{ blm.name }}"
  - id: wait
    kind: ack
    role: liaison
    within: 10m
    text: {en: Acknowledge, es: Confirme}
    tilte: {en: X, es: X}
"""

DEPLOYMENT_THREE_MISTAKES = """\
central:
  slack_channel: C0CENTRAL
bmls:
  nogales:
    slack_channel: C0NOG
people:
  - name: Ana
    telegram_user: 5550001
    role: boss
    blms: [nogales]
retention_days: 0
"""


def validate(*paths):
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_playbook_with_three_mistakes_lists_all_three_at_their_lines(tmp_path):
    f = tmp_path / "pb.yaml"
    f.write_text(PLAYBOOK_THREE_MISTAKES)
    result = validate(f)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    assert lines[0].startswith(f"{f}:5: severity:")
    assert lines[1].startswith(f"{f}:11: steps.0.text.en: unknown name blm.nmae")
    assert lines[2].startswith(f"{f}:18: steps.1.tilte: unknown key")
    assert "3 problem(s) in 1 file(s)" in result.stderr


def test_a_deployment_with_a_misspelt_top_key_is_still_a_deployment(tmp_path):
    f = tmp_path / "blm.yaml"
    f.write_text(DEPLOYMENT_THREE_MISTAKES)
    result = validate(f)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{f}:3: bmls: unknown key; did you mean blms?",
        f"{f}:9: people.0.role: role must be one of member, liaison, coordinator, central",
        f"{f}:11: retention_days: Input should be greater than or equal to 1",
    ]


def test_an_unknown_blm_and_a_shared_room_point_at_their_own_lines(tmp_path):
    f = tmp_path / "blm.yaml"
    f.write_text(
        "blms:\n  nogales:\n    slack_channel: C0NOG\n  nogalez:\n    slack_channel: C1\n"
        "  juarez:\n    slack_channel: C0NOG\n"
    )
    out = validate(f).stdout.splitlines()
    assert out == [
        f"{f}:4: blms.nogalez: unknown BLM 'nogalez'; did you mean nogales?",
        f"{f}:7: room slack:C0NOG is used by both nogales and el-paso",
    ]


def test_a_jump_to_no_step_is_reported_with_a_schema_error(tmp_path):
    f = tmp_path / "pb.yaml"
    f.write_text(PLAYBOOK_THREE_MISTAKES.replace("    within: 10m\n", "    within: 10m\n    next: nowhere\n"))
    out = validate(f).stdout
    assert f"{f}:17: steps.1.next: no step with id 'nowhere'" in out and "tilte" in out


def test_the_shipped_playbooks_render_against_a_representative_run():
    result = validate(ROOT / "playbooks")
    assert result.returncode == 0, result.stdout
    assert "ok: 7 file(s) valid" in result.stderr


def test_a_playbook_id_used_twice_is_reported_at_the_second_file(tmp_path):
    good = (FIXTURES / "drill-basic.yaml").read_text()
    (tmp_path / "a.yaml").write_text(good)
    (tmp_path / "b.yml").write_text(good)
    (tmp_path / "notes.txt").write_text("not a playbook")
    result = validate(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'b.yml'}:1: id 'drill-basic' is also used by {tmp_path / 'a.yaml'}"
    ]
    assert "1 problem(s) in 2 file(s)" in result.stderr


def test_files_and_folders_are_validated_in_one_place():
    """One `validate_paths` (bot/validate.py, which also knows deployment files); the engine's
    loader checks one playbook and does not walk paths of its own."""
    defined = [
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers")
        for path in sorted((ROOT / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.FunctionDef) and node.name == "validate_paths"
    ]
    assert defined == ["bot/validate.py"]
