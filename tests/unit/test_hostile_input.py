"""Hostile and random input to every parser that reads the outside world: the Slack and Telegram
edges' translators, the command parser, the playbook loader, the deployment file and CAP feeds.
Each either gives its result or its documented error, fast; nothing else escapes."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, load_deployment
from bot.engine.loader import PlaybookError, parse_playbook
from bot.model import InboundEvent

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_value = st.recursive(
    json_scalar,
    lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(st.text(max_size=12), c, max_size=5)),
    max_leaves=20,
)
SLACK_KEYS = [
    "event",
    "event_id",
    "type",
    "channel",
    "user",
    "text",
    "ts",
    "thread_ts",
    "subtype",
    "message",
    "previous_message",
    "files",
    "channel_type",
    "bot_id",
    "deleted_ts",
    "event_ts",
    "actions",
    "container",
    "trigger_id",
    "value",
    "action_ts",
    "selected_option",
    "id",
    "name",
    "channel_id",
    "user_id",
    "command",
    "channel_name",
    "user_name",
]


def slack_like(depth: int = 1):
    values = (
        json_value
        if depth == 0
        else st.one_of(json_value, slack_like(depth - 1), st.lists(slack_like(depth - 1), max_size=2))
    )
    return st.dictionaries(st.sampled_from(SLACK_KEYS), values, max_size=8)


class _Identity:
    user_id, bot_id, team_id = "U0BOT", "B0BOT", "T0TEAM"


@FAST
@given(slack_like())
def test_slack_translators_give_an_event_or_none_for_any_payload(body):
    from handlers.slack.listeners.actions import action_to_inbound
    from handlers.slack.listeners.commands import command_to_inbound
    from handlers.slack.listeners.events import message_to_inbound

    for result in (message_to_inbound(body, _Identity()), command_to_inbound(body), action_to_inbound(body)):
        assert result is None or isinstance(result, InboundEvent)


TG_KEYS = [
    "update_id",
    "message",
    "edited_message",
    "callback_query",
    "chat",
    "from",
    "id",
    "type",
    "text",
    "message_id",
    "date",
    "entities",
    "offset",
    "length",
    "reply_to_message",
    "data",
    "caption",
    "photo",
    "location",
    "latitude",
    "longitude",
    "first_name",
    "is_bot",
    "migrate_to_chat_id",
    "document",
    "file_id",
    "file_unique_id",
    "venue",
    "sticker",
    "contact",
]


def tg_like(depth: int = 2):
    values = (
        json_value
        if depth == 0
        else st.one_of(json_value, tg_like(depth - 1), st.lists(tg_like(depth - 1), max_size=2))
    )
    return st.dictionaries(st.sampled_from(TG_KEYS), values, max_size=8)


_BOT = []


def _tg_bot():
    if not _BOT:
        from telegram import Bot

        _BOT.append(Bot("123456:TEST-token"))
    return _BOT[0]


@FAST
@given(tg_like())
def test_telegram_update_to_inbound_never_raises_on_what_de_json_accepts(data):
    from telegram import Update

    from handlers.telegram.inbound import update_to_inbound

    bot = _tg_bot()
    try:
        update = Update.de_json(data, bot)
    except Exception:
        return  # the webhook answers 400 to what PTB cannot read
    if update is None:
        return
    result = update_to_inbound(update, "blm_test_bot")
    assert result is None or isinstance(result, InboundEvent)


@FAST
@given(st.text(max_size=200))
def test_command_parser_parses_or_says_what_is_wrong(text):
    from bot.commands.parser import CommandSyntaxError, parse_command_line

    try:
        parse_command_line(text)
    except CommandSyntaxError as exc:
        assert str(exc)


yaml_chars = st.sampled_from(list("abc:- \n\t'\"{}[]&*!|>#%@`,?012") + ["id: x\n", "steps:\n", "  - ", "<<: *a\n"])


@FAST
@given(st.one_of(st.text(max_size=300), st.lists(yaml_chars, max_size=120).map("".join)))
def test_playbook_loader_raises_only_its_documented_error(text):
    try:
        parse_playbook(text, "fuzz.yaml")
    except PlaybookError as exc:
        assert exc.problems and all(p.startswith("fuzz.yaml:") for p in exc.problems)


# ---- hostile YAML files ----------------------------------------------------------------
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False)
)
DEEP = "x: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_MAP = "".join("  " * i + f"k{i}:\n" for i in range(600)) + "  " * 600 + "v\n"
HUGE = "id: big\nnotes: |\n" + ("  " + "z" * 100 + "\n") * 21_000


HOSTILE_YAML = {
    "alias-bomb": ALIAS_BOMB,
    "deep-flow": DEEP,
    "deep-block": DEEP_MAP,
    "2mb": HUGE,
    "binary": "\x00\x01\x02",
    "tags": "!!python/object/apply:os.system [echo hi]",
}


@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_hostile_yaml_playbook_and_config_give_file_line_errors_fast(tmp_path, name):
    text = HOSTILE_YAML[name]
    started = time.monotonic()
    with pytest.raises(PlaybookError) as pb:
        parse_playbook(text, f"{name}.yaml")
    assert all(p.startswith(f"{name}.yaml:") and p.split(":")[1].isdigit() for p in pb.value.problems), (
        pb.value.problems
    )
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as cfg:
        load_deployment(path)
    assert all(str(path) in p or path.name in p for p in cfg.value.problems), cfg.value.problems
    assert time.monotonic() - started < 10


def test_hostile_yaml_through_validate_lists_the_problem_and_checks_the_rest(tmp_path):
    from bot.validate import validate_paths
    from testing.cluster import FIXTURE_PLAYBOOKS

    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    for p in FIXTURE_PLAYBOOKS.glob("*.yaml"):
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    problems, checked = validate_paths([str(tmp_path)])
    assert checked == 3
    assert len(problems) == 1 and "bomb.yaml:" in problems[0] and "alias" in problems[0], problems


# ---- hostile XML in feeds ------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol4;</identifier></alert>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""
XXE_REMOTE = """<?xml version="1.0"?>
<!DOCTYPE alert SYSTEM "http://198.51.100.7/evil.dtd">
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>"""


@pytest.mark.parametrize(
    "doc",
    [BILLION_LAUGHS, XXE, XXE_REMOTE, "<alert", "\x00\xff", "<a>" * 100_000],
    ids=["billion-laughs", "xxe-file", "xxe-remote-dtd", "truncated", "binary", "deep"],
)
def test_hostile_xml_is_a_problem_not_a_crash(doc):
    from bot.advisories.cap import parse_cap_document

    started = time.monotonic()
    result = parse_cap_document(doc.encode("utf-8", "surrogateescape") if isinstance(doc, str) else doc)
    assert result.problems and not result.advisories
    assert "root:" not in json.dumps(result.problems)  # /etc/passwd never read
    assert time.monotonic() - started < 5


def test_a_feed_with_one_hostile_item_still_gives_the_good_ones():
    from bot.advisories.cap import parse_cap_document
    from testing.fakes.alerts import JUAREZ_POLYGON, atom_feed, cap_alert

    good = cap_alert(
        "urn:smn:good:1",
        infos=[
            dict(
                language="es-419",
                event="Aviso de Onda de Calor",
                headline="Calor",
                description="Mucho calor",
                polygon=JUAREZ_POLYGON,
            )
        ],
    )
    broken = (
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>urn:smn:bad</identifier>'
        '<sent>not a date</sent><info><area><polygon>1,2 x</polygon></area></info></alert>'
    )
    result = parse_cap_document(atom_feed(broken, good).encode())
    assert [a.identifier for a in result.advisories] == ["urn:smn:good:1"]
    assert result.problems
