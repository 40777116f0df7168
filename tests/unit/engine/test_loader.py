"""Parsing and validating playbooks: every problem is `file:line: message`."""

import json

import pytest

from bot.engine import PlaybookLibrary, json_schema
from bot.engine.loader import PlaybookError, parse_playbook
from bot.validate import validate_paths
from testing.playbooks import FIXTURES, fixture

GOOD = (FIXTURES / "drill-basic.yaml").read_text()


def problems_of(text: str) -> list[str]:
    with pytest.raises(PlaybookError) as err:
        parse_playbook(text, "pb.yaml")
    return err.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_fixture_loads():
    lp = fixture()
    assert lp.playbook.id == "drill-basic" and lp.playbook.version == "3"
    assert len(lp.sha) == 32 and lp.sha == fixture().sha


def test_unknown_key_in_a_step_gives_its_line():
    text = GOOD.replace("    duration: 10m", "    duration: 10m\n    colour: red")
    (problem,) = problems_of(text)
    assert problem.startswith(f"pb.yaml:{line_of(text, 'colour: red')}:") and "unknown key" in problem


def test_yaml_syntax_error_gives_line():
    text = GOOD.replace("severity: moderate", "severity: [moderate")
    (problem,) = problems_of(text)
    assert problem.startswith("pb.yaml:") and "YAML" in problem


def test_missing_spanish_is_an_error_at_the_text():
    text = GOOD.replace('    title: {en: First actions, es: Primeras acciones}', '    title: {en: First actions}')
    (problem,) = problems_of(text)
    assert problem.startswith(f"pb.yaml:{line_of(text, 'title: {en: First actions}')}:") and "es" in problem


def test_unknown_step_kind():
    text = GOOD.replace("kind: wait", "kind: sleep")
    (problem,) = problems_of(text)
    assert problem.startswith(f"pb.yaml:{line_of(text, 'kind: sleep') - 1}:") and "unknown step kind" in problem


def test_duplicate_step_id_and_missing_target_and_bad_template():
    text = (
        GOOD.replace("  - id: hold\n", "  - id: where\n")
        .replace("otherwise: hold", "otherwise: nowhere")
        .replace("Shelter in place at {{ params.crossing }}.", "Shelter {{ params.crossing ")
    )
    problems = problems_of(text)
    assert any("used twice" in p for p in problems)
    assert any(f":{line_of(text, 'otherwise: nowhere')}:" in p and "nowhere" in p for p in problems)
    assert any("template error" in p for p in problems)
    assert all(p.startswith("pb.yaml:") for p in problems)


def test_bad_branch_expression_and_duration():
    text = GOOD.replace("answers.evacuate == 'yes'", "answers.evacuate ==")
    problems = problems_of(text)
    assert any("expression error" in p and f":{line_of(text, 'answers.evacuate ==')}:" in p for p in problems)
    text = GOOD.replace("within: 5m", "within: soon")
    assert any(f":{line_of(text, 'within: soon')}:" in p for p in problems_of(text))


def test_checklist_limits():
    items = "\n".join(f"      - {{id: i{n}, text: {{en: Item {n}, es: Punto {n}}}}}" for n in range(11))
    text = (
        GOOD.split("  - id: tasks")[0]
        + f"""  - id: tasks
    kind: checklist
    title: {{en: T, es: T}}
    items:
{items}
"""
    )
    assert any("at most 10" in p for p in problems_of(text))
    long = "x" * 80
    text = GOOD.replace("Record exact words and time", long)
    assert any("75" in p and f":{line_of(text, long)}:" in p for p in problems_of(text))


def test_yaml_booleans_in_texts_explained():
    text = GOOD.replace('{value: "no", label: {en: "No", es: "No"}}', '{value: "no", label: {en: No, es: No}}')
    assert any("quote it" in p for p in problems_of(text))


def test_a_playbook_must_start_without_arguments():
    text = GOOD.replace("    default: DeConcini", "    required: true")
    assert any("no arguments" in p for p in problems_of(text))


def test_alias_bomb_refused():
    bomb = "a: &a [x, x]\n" + "\n".join(f"b{i}: &b{i} [*a, *a]" for i in range(60))
    assert "aliases" in problems_of(bomb)[0]


def test_validate_paths_and_library(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(
        GOOD.replace("id: drill-basic", "id: other").replace("severity: moderate", "severity: huge")
    )
    (tmp_path / "notes.txt").write_text("not a playbook")
    problems, checked = validate_paths([tmp_path])
    assert checked == 2  # notes.txt is not a playbook file
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'bad.yaml'}:{line_of(GOOD, 'severity:')}:")
    assert validate_paths([str(FIXTURES / "drill-basic.yaml")]) == ([], 1)
    assert validate_paths([tmp_path / "missing.yaml"])[0][0].endswith("no such file or folder")
    lib = PlaybookLibrary.load(tmp_path)
    assert lib.ids() == ["drill-basic"] and len(lib.problems) == 1


def test_advisory_matching_any_language_and_blm_filter(tmp_path):
    lib = PlaybookLibrary.from_files(FIXTURES / "drill-basic.yaml")
    assert [lp.playbook.id for lp in lib.for_advisory(["AVISO DE ONDA DE CALOR"], "nogales")] == ["drill-basic"]
    assert lib.for_advisory(["Flood Warning"], "nogales") == []
    (tmp_path / "x.yaml").write_text(
        GOOD.replace('    - events: ["Extreme', '    - blms: [juarez]\n      events: ["Extreme')
    )
    lib = PlaybookLibrary.load(tmp_path)
    assert lib.for_advisory(["Extreme Heat Warning"], "nogales") == []
    assert lib.for_advisory(["Extreme Heat Warning"], "el-paso")


def test_json_schema_export():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    json.dumps(schema)
    assert "steps" in schema["properties"]
