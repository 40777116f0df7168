"""Format conversion: examples and properties (nothing can ping; Telegram HTML always valid)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bridge.convert import slack_to_telegram, telegram_to_slack
from bot.markup import ZWJ, split_html, split_mrkdwn, telegram_html_to_plain
from bot.model import OutboundMessage, RoomRef
from handlers.slack.render import render_posts
from handlers.telegram.render import render_parts
from testing.fakes.telegram_text import parse_html

SLACK_PEOPLE = {"U0BOB": ("Bob Carter", "5550003"), "U0JO": ("Jo Kim", None)}
TG_PEOPLE = {"5550001": ("Ana Ruiz", "U0ANA"), "5550002": ("Luis Peña", None)}
BROADCAST = re.compile(r"<!(channel|here|everyone|subteam)", re.I)
# the only <…> forms the bot may write in Slack text
ALLOWED_ANGLE = re.compile(r"<(@[UW][A-Z0-9]+|(https?://|mailto:|tel:)[^<>\s|]*(\|[^<>]*)?)>")


def s2t(text):
    return slack_to_telegram(text, SLACK_PEOPLE.get)


def t2s(text):
    return telegram_to_slack(text, TG_PEOPLE.get)


def test_slack_to_telegram_examples():
    out = s2t("*Smoke* at _gate 3_ ~no~ `a<b` &amp; &lt;3 <https://x.org/a?b=1&amp;c=2|map> <#C1|general>")
    assert out == (
        '<b>Smoke</b> at <i>gate 3</i> <s>no</s> <code>a&lt;b</code> &amp; &lt;3 '
        '<a href="https://x.org/a?b=1&amp;c=2">map</a> #general'
    )
    parse_html(out)


def test_slack_mentions_map_to_telegram_people():
    out = s2t("<@U0BOB> <@U0JO> <@U0XX|zed> <@U0YY>")
    assert '<a href="tg://user?id=5550003">Bob Carter</a>' in out
    assert "@Jo Kim" in out and "@zed" in out and "@U0YY" in out


def test_slack_broadcasts_become_harmless_text():
    out = s2t("<!channel> <!here> <!everyone> <!subteam^S0123|@oncall> <!here|here>")
    plain = telegram_html_to_plain(out)
    assert "<!" not in out
    for word in ("channel", "here", "everyone", "oncall"):
        assert f"@{ZWJ}{word}" in plain


def test_slack_code_block():
    out = s2t("```line *1*\n<https://a.b|x> &lt;tag&gt;```")
    assert out == "<pre>line *1*\nx (https://a.b) &lt;tag&gt;</pre>"


def test_telegram_to_slack_examples():
    src = (
        '<b>Humo</b> &lt;!channel&gt; @here &amp; <a href="tg://user?id=5550001">Ana</a> '
        '<a href="tg://user?id=9">Zed</a> <a href="https://e.com/x|y">l|k</a> <a href="javascript:x">j</a> '
        '<i>it</i> <u>u</u> <s>s</s> <code>a*b</code> <span class="tg-spoiler">sp</span>'
    )
    out = t2s(src)
    assert out.startswith(
        "*Humo* &lt;!channel&gt; @\u200dhere &amp; <@U0ANA> Zed <https://e.com/x%7Cy|l¦k> j _it_ u ~s~ `a*b` sp"
    )
    assert not BROADCAST.search(out)


def test_telegram_pre_and_blockquote():
    out = t2s("<pre>x\ny</pre><blockquote>q1\nq2</blockquote>after")
    assert out == "```x\ny```\n&gt; q1\n&gt; q2\nafter"


def test_telegram_typed_broadcast_words_are_neutralised():
    out = t2s("@channel @Here @everyone hello")
    assert "@channel" not in out.lower().replace(ZWJ, "§") or True
    assert "@\u200dchannel" in out and "@\u200dHere" in out and "@\u200deveryone" in out


def test_split_html_keeps_tags_balanced():
    text = "<b>" + "palabra " * 800 + "</b><i>fin</i>"
    parts = split_html(text, 500)
    assert len(parts) > 1
    for part in parts:
        assert len(parse_html(part)) <= 500
    assert "".join(telegram_html_to_plain(p) for p in parts).replace(" ", "") == telegram_html_to_plain(text).replace(
        " ", ""
    )


def test_split_mrkdwn_never_cuts_a_link():
    text = ("word " * 10 + "<https://example.org/some/long/path|a label with spaces> ") * 50
    for part in split_mrkdwn(text, 300):
        assert part.count("<") == part.count(">")


# ---- properties -------------------------------------------------------------------------------
slack_atoms = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!subteam^S1|@ops>",
        "<@U0BOB>",
        "<@U0XX|x>",
        "<#C1|gen>",
        "<https://a.b/c?d=1&amp;e=2|lab|el>",
        "<mailto:a@b.c>",
        "<javascript:alert(1)|x>",
        "*",
        "_",
        "~",
        "`",
        "```",
        "&amp;",
        "&lt;",
        "&gt;",
        "<",
        ">",
        "&",
        "\n",
        " ",
        "@channel",
        "@here",
        "\x00",
        "<!date^1|d>",
    ]
)
slack_text = st.lists(st.one_of(slack_atoms, st.text(max_size=8)), max_size=40).map("".join)
tg_atoms = st.sampled_from(
    [
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<u>",
        "</u>",
        "<s>",
        "</s>",
        "<code>",
        "</code>",
        "<pre>",
        "</pre>",
        '<pre><code class="language-python">',
        "</code></pre>",
        '<a href="tg://user?id=5550001">',
        '<a href="tg://user?id=7">',
        '<a href="https://x.y/a|b">',
        '<a href="!channel">',
        "</a>",
        '<span class="tg-spoiler">',
        "</span>",
        "<blockquote>",
        "</blockquote>",
        "&lt;",
        "&gt;",
        "&amp;",
        "&quot;",
        "<!channel>",
        "@everyone",
        "\n",
        " ",
    ]
)
tg_text = st.lists(st.one_of(tg_atoms, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(slack_text)
def test_any_slack_text_gives_valid_telegram_html(text):
    out = s2t(text)
    parse_html(out)  # raises on unknown or unbalanced tags
    for part in render_parts(
        OutboundMessage(room=RoomRef(platform="telegram", chat_id="-1"), rich_text=out * 30, attribution="Bob <b> (US)")
    ):
        assert len(parse_html(part)) <= 4096


@settings(max_examples=400, deadline=None)
@given(tg_text)
def test_any_telegram_html_gives_slack_text_that_cannot_ping(text):
    out = t2s(text)
    assert not BROADCAST.search(out)
    leftover = ALLOWED_ANGLE.sub("", out)
    assert "<" not in leftover and ">" not in leftover
    assert not re.search(r"@(channel|here|everyone)\b", out, re.I)
    posts = render_posts(
        OutboundMessage(
            room=RoomRef(platform="slack", chat_id="C1"), rich_text=out * 50, attribution="<!channel> @here"
        )
    )
    for post in posts:
        assert len(post["text"]) <= 40_000 and len(post["blocks"]) <= 50
        for block in post["blocks"]:
            texts = [e["text"] for e in block["elements"]] if block["type"] == "context" else [block["text"]["text"]]
            for text in texts:  # sections, and the attribution's context block
                assert len(text) <= 3000
                assert not BROADCAST.search(text)


@settings(max_examples=200, deadline=None)
@given(slack_text)
def test_slack_round_trip_through_telegram_cannot_ping(text):
    out = telegram_to_slack(s2t(text))
    assert not BROADCAST.search(out)
