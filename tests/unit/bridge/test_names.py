"""Names of people not in the config: one clean line, whatever a profile holds."""

from bot.names import clean_name, slack_profile_name


def test_names_lose_control_and_invisible_characters_and_stay_short():
    assert clean_name("Ana\u202eziuR\u200d\nCarter\t\x00 ") == "AnaziuR Carter"  # bidi override, ZWJ, NUL gone
    assert clean_name("x" * 500) == "x" * 64
    assert clean_name(None) == "" and clean_name("\u200b\u200b") == ""


def test_slack_profile_name_prefers_the_display_name_then_the_real_name():
    assert slack_profile_name({"profile": {"display_name": "maria.l", "real_name": "Maria"}, "name": "m"}) == "maria.l"
    assert slack_profile_name({"profile": {"display_name": " ", "real_name": "Maria Lopez"}}) == "Maria Lopez"
    assert slack_profile_name({"real_name": "R", "profile": "not a dict"}) == "R"
    assert slack_profile_name({}) == ""
