"""slack-manifest.yml against Slack's documented app manifest schema.

The rules are those of Slack's manifest reference as typed in Slack's own SDK
(slackapi/node-slack-sdk packages/web-api/src/types/request/manifest.ts): known keys only, the
documented lengths and characters, https URLs, and known bot scopes and events.
"""

import re
from pathlib import Path

import yaml

from testing.bot import build_bot
from testing.deployments import EMPTY

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = yaml.safe_load((ROOT / "slack-manifest.yml").read_text())

KEYS = {
    (): {"_metadata", "display_information", "features", "oauth_config", "settings", "functions"},
    ("_metadata",): {"major_version", "minor_version"},
    ("display_information",): {"name", "description", "long_description", "background_color"},
    ("features",): {"app_home", "bot_user", "shortcuts", "slash_commands", "unfurl_domains"},
    ("features", "app_home"): {"home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"},
    ("features", "bot_user"): {"display_name", "always_online"},
    ("features", "slash_commands"): {"command", "description", "should_escape", "url", "usage_hint"},
    ("oauth_config",): {"redirect_urls", "scopes", "token_management_enabled"},
    ("oauth_config", "scopes"): {"bot", "user"},
    ("settings",): {
        "allowed_ip_address_ranges",
        "event_subscriptions",
        "incoming_webhooks",
        "interactivity",
        "org_deploy_enabled",
        "socket_mode_enabled",
        "token_rotation_enabled",
        "function_runtime",
    },
    ("settings", "event_subscriptions"): {"bot_events", "user_events", "request_url"},
    ("settings", "interactivity"): {"is_enabled", "message_menu_options_url", "request_url"},
}
BOOLEANS = {
    "home_tab_enabled",
    "messages_tab_enabled",
    "messages_tab_read_only_enabled",
    "always_online",
    "should_escape",
    "is_enabled",
    "org_deploy_enabled",
    "socket_mode_enabled",
    "token_rotation_enabled",
    "token_management_enabled",
}
# The bot scopes and events this app may ask for (subset of Slack's lists that the bot uses).
BOT_SCOPES = {
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "chat:write.public",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
}
EVENT_SCOPE = {"message.channels": "channels:history", "message.groups": "groups:history", "message.im": "im:history"}


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, path)


def test_only_documented_keys_with_the_documented_types():
    problems = []
    for path, mapping in _walk(MANIFEST):
        allowed = KEYS.get(path)
        if allowed is None:
            continue
        problems += [f"{'.'.join(path) or '(top)'}: unknown key {k}" for k in set(mapping) - allowed]
        problems += [f"{k} must be true/false" for k, v in mapping.items() if k in BOOLEANS and not isinstance(v, bool)]
    assert not problems
    assert set(EVENT_SCOPE) >= set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def test_people_can_message_the_bot_in_its_app_home():
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert "message.im" in events and {"im:history", "im:write"} <= set(scopes)


def test_lengths_characters_urls_and_scopes():
    info = MANIFEST["display_information"]
    assert 0 < len(info["name"]) <= 35 and len(info.get("description", "")) <= 140
    assert re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", info["background_color"])
    bot = MANIFEST["features"]["bot_user"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", bot["display_name"])
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert set(scopes) <= BOT_SCOPES and len(scopes) == len(set(scopes))
    for event, scope in EVENT_SCOPE.items():
        if event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
            assert scope in scopes, f"{event} needs {scope}"
    urls = [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
    ]
    urls += [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    assert all(u.startswith("https://") and u.endswith("/slack/events") for u in urls)
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_slash_commands_are_the_bots_commands_within_slacks_limits():
    commands = MANIFEST["features"]["slash_commands"]
    assert len(commands) <= 50
    for c in commands:
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", c["command"]), c["command"]
        assert 0 < len(c["description"]) <= 2000 and len(c.get("usage_hint", "")) <= 1000
    declared = {c["command"].lstrip("/") for c in commands}
    rt = build_bot(EMPTY)  # every domain's
    # every command the bot answers is a slash command in Slack, and no other
    assert declared == set(rt.core.commands.names())
