"""A deployment adds or overrides BLM entries in its YAML (`directory:`), no code change: cities,
coordinates, time zones, counties and consulates; the rest of the config may then name them."""

from __future__ import annotations

import inspect

import pytest

from bot import directory
from bot.advisories.matching import blms_for
from bot.config import ConfigError, parse_deployment
from bot.engine.times import three
from bot.simulate import simulate

YUMA = """\
directory:
  yuma:
    us_city: Yuma, AZ
    mx_city: San Luis Río Colorado, Son.
    us_tz: America/Phoenix
    mx_tz: America/Hermosillo
    us_lat: 32.6927
    us_lon: -114.6277
    mx_lat: 32.4561
    mx_lon: -114.7719
    nws_office: PSR
    county: Yuma
    fips: "04027"
    ugc: AZC027
    prefix: YUM
    aliases: [San Luis Río Colorado]
    mx_consulate: {city: Yuma}
  calexico:
    us_consulate: {city: Tijuana, kind: consulate_general, confirmed: true}
blms:
  San Luis Río Colorado:
    slack_channel: C0YUMA
people:
  - name: Ana
    slack_user: U1
    role: liaison
    blms: [yuma]
"""


@pytest.fixture(autouse=True)
def shipped_directory():
    directory.reset()
    yield
    directory.reset()


def test_a_deployment_adds_a_blm_and_overrides_another():
    dep = parse_deployment(YUMA, "blm.yaml")
    assert list(dep.blms) == ["yuma"] and dep.people[0].blms == ["yuma"]
    yuma = directory.find_blm("san-luis-rio-colorado")
    assert yuma.id == "yuma" and yuma.ugc == "AZC027" and yuma.same == "004027" and yuma.prefix == "YUM"
    assert three(1_782_907_200.0, "yuma")["mx"].endswith("MST")
    assert yuma.mx_consulate_name("es") == "el Consulado de México en Yuma"
    assert yuma.us_consulate_name("en") == "the US consulate responsible for San Luis Río Colorado, Son."
    calexico = directory.get_blm("calexico")
    assert calexico.us_consulate_name("en") == "the US Consulate General in Tijuana"  # confirmed by the deployment
    assert calexico.county == "Imperial"  # the other fields stay
    assert any(b.id == "yuma" for b in directory.BLMS) and len(directory.BLMS) == 11
    # advisory matching holds the directory list itself, so it sees the added BLM (by UGC / FIPS)
    assert inspect.signature(blms_for).parameters["blms"].default is directory.BLMS
    out = simulate("bomb-threat", blm="yuma", params={"side": "us"}, playbooks_dir="playbooks", lang="es")
    assert "YUM-0001" in out and "Avisen al Consulado de México en Yuma" in out


def test_reset_and_a_second_configuration_do_not_stack():
    parse_deployment(YUMA, "blm.yaml")
    directory.configure({"presidio": {**_presidio()}})
    assert directory.find_blm("yuma") is None and directory.find_blm("ojinaga").id == "presidio"
    assert directory.get_blm("calexico").us_consulate.confirmed is False
    directory.reset()
    assert directory.find_blm("presidio") is None and len(directory.BLMS) == 10


def _presidio() -> dict:
    return {
        "us_city": "Presidio, TX",
        "mx_city": "Ojinaga, Chih.",
        "us_tz": "America/Chicago",
        "mx_tz": "America/Ojinaga",
        "us_lat": 29.5607,
        "us_lon": -104.3722,
        "mx_lat": 29.5460,
        "mx_lon": -104.4166,
        "nws_office": "MAF",
        "county": "Presidio",
        "fips": "48377",
        "ugc": "TXC377",
        "prefix": "PRS",
        "aliases": ["Ojinaga"],
    }


@pytest.mark.parametrize(
    "entry,problem",
    [
        ({"yuma": {"us_city": "Yuma, AZ"}}, "directory.yuma: a new BLM needs mx_city"),
        ({"calexico": {"us_tz": "America/Calexico"}}, "unknown time zone 'America/Calexico'"),
        ({"calexico": {"fips": "6025"}}, "5 digits"),
        ({"calexico": {"colour": "red"}}, "unknown field 'colour'"),
        ({"calexico": {"prefix": "NOG"}}, "prefix 'NOG' is used by"),
        ({"calexico": {"us_consulate": {"city": "Tijuana", "kind": "embassy"}}}, "kind must be one of"),
        ({"calexico": {"us_lat": "north"}}, "a number"),
    ],
)
def test_bad_entries_are_clear_errors_and_change_nothing(entry, problem):
    with pytest.raises(ConfigError) as err:
        parse_deployment(
            "directory:\n" + "".join(f"  {k}: {v!r}\n".replace("'", '"') for k, v in entry.items()), "blm.yaml"
        )
    assert any(problem in p for p in err.value.problems), err.value.problems
    assert len(directory.BLMS) == 10 and directory.get_blm("calexico").us_tz == "America/Los_Angeles"


YUMA_PLAYBOOK = """\
id: yuma-heat
version: 1
title: {en: Yuma heat, es: Calor en Yuma}
summary: {en: A heat advisory for Yuma., es: Un aviso de calor para Yuma.}
severity: minor
triggers:
  advisory:
    - events: [Extreme Heat Warning]
      blms: [yuma]
steps:
  - id: done
    kind: end
"""


def test_validate_reads_the_deployment_before_the_playbooks_that_name_its_blms(tmp_path):
    from bot.validate import validate_paths

    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "yuma-heat.yaml").write_text(YUMA_PLAYBOOK, encoding="utf-8")
    (tmp_path / "blm.yaml").write_text(YUMA, encoding="utf-8")
    # the default order of `python -m bot validate`: the playbooks folder, then the deployment
    problems, checked = validate_paths([tmp_path / "playbooks", tmp_path / "blm.yaml"])
    assert (problems, checked) == ([], 2)


def test_a_deployment_without_a_directory_does_not_see_what_another_added(tmp_path):
    from bot.validate import validate_paths

    (tmp_path / "a.yaml").write_text(YUMA, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(YUMA[YUMA.index("blms:") :], encoding="utf-8")  # no directory: section
    problems, _ = validate_paths([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert len(problems) >= 1 and all(p.startswith(str(tmp_path / "b.yaml")) for p in problems)
    assert "unknown BLM" in problems[0]
