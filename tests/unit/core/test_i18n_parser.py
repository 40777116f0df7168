from hypothesis import given, settings
from hypothesis import strategies as st

import bot.commands.basic  # noqa: F401  (registers commands and their texts)
from bot.commands.parser import CommandSyntaxError, parse_command_line
from bot.i18n import CATALOG, placeholders, t


def test_every_message_has_both_languages_with_the_same_placeholders():
    assert CATALOG
    for key, texts in CATALOG.items():
        assert texts.get("en") and texts.get("es"), key
        assert placeholders(texts["en"]) == placeholders(texts["es"]), key


def test_missing_placeholder_never_raises():
    assert "{role}" in t("help.intro.private", "en")


def test_quoted_values_and_botname():
    parsed = parse_command_line('/playbook@BlmBot run bomb-threat crossing="Bridge of the Americas" blm=el-paso')
    assert parsed.name == "playbook"
    assert parsed.words == ["run", "bomb-threat"]
    assert parsed.options == {"crossing": "Bridge of the Americas", "blm": "el-paso"}
    curly = parse_command_line("/advisory post en=\u201cRoad closed\u201d es=\u201cCamino cerrado\u201d")
    assert curly.options == {"en": "Road closed", "es": "Camino cerrado"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parser_gives_a_result_or_a_clear_error(text):
    try:
        result = parse_command_line("/" + text)
    except CommandSyntaxError as exc:
        assert str(exc)
    else:
        assert result is None or result.name


def test_apostrophes_in_free_text_are_kept():
    parsed = parse_command_line("/sitrep Don't cross at Mariposa, it's flooded")
    assert parsed.words == ["Don't", "cross", "at", "Mariposa,", "it's", "flooded"]
