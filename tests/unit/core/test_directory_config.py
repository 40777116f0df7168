import pytest

from bot.config import ConfigError, Settings, parse_deployment
from bot.directory import BLMS, find_blm


@pytest.mark.parametrize(
    "name,expected",
    [
        ("tijuana", "san-diego"),
        ("Ciudad Acuña", "del-rio"),
        ("ciudad-acuña", "del-rio"),
        ("acuna", "del-rio"),
        ("juarez", "el-paso"),
        ("Ciudad Juárez", "el-paso"),
        ("nogales", "nogales"),
        ("NUEVO LAREDO", "laredo"),
        ("matamoros", "brownsville"),
        ("reynosa", "mcallen"),
        ("piedras-negras", "eagle-pass"),
        ("agua-prieta", "douglas"),
        ("mexicali", "calexico"),
    ],
)
def test_aliases_find_the_blm(name, expected):
    assert find_blm(name).id == expected


def test_directory_has_ten_blms_with_codes():
    assert len(BLMS) == 10
    laredo = find_blm("laredo")
    assert laredo.same == "048479" and laredo.ugc == "TXC479" and laredo.mx_tz == "America/Matamoros"
    assert find_blm("atlantis") is None


def test_deployment_errors_point_at_lines():
    text = (
        "blms:\n"
        "  Nogales:\n"
        "    slack_channel: C0NOGALES\n"
        "    slack_lang: fr\n"
        "people:\n"
        "  - name: Ana\n"
        "    telegram_user: 5550001\n"
        "    role: boss\n"
        "    blms: [nogales]\n"
        "  - name: Bob\n"
        "    slack_user: U1\n"
        "    role: liaison\n"
        "    blms: [nogales]\n"
        "    colour: red\n"
    )
    with pytest.raises(ConfigError) as err:
        parse_deployment(text, "blm.yaml")
    problems = err.value.problems
    assert "blm.yaml:4: blms.nogales.slack_lang: Input should be 'en' or 'es'" in problems
    assert any(p.startswith("blm.yaml:8: people.0.role") for p in problems)
    assert any(p.startswith("blm.yaml:14: people.1.colour: unknown key") for p in problems)


def test_yaml_syntax_error_has_line():
    with pytest.raises(ConfigError) as err:
        parse_deployment("blms:\n  nogales: [\n", "d.yaml")
    assert err.value.problems[0].startswith("d.yaml:3:")


def test_room_used_twice_is_refused():
    with pytest.raises(ConfigError) as err:
        parse_deployment("blms:\n  nogales:\n    slack_channel: C1\n  laredo:\n    slack_channel: C1\n", "d.yaml")
    assert "used by both nogales and laredo" in err.value.problems[0]


def test_alias_bomb_is_refused():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    )
    with pytest.raises(ConfigError) as err:
        parse_deployment(bomb, "bomb.yaml")
    assert "bomb.yaml:" in err.value.problems[0]


def test_settings_normalise_urls(monkeypatch):
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1/api")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:2/")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    s = Settings()
    assert s.slack_api_url == "http://127.0.0.1:1/api/"
    assert s.telegram_api_url == "http://127.0.0.1:2"
    assert "abc" not in repr(s)
