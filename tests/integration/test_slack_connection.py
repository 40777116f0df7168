"""The Slack Web API over one kept connection: slack-sdk, given no session, opens a new one (TCP
and, against Slack, TLS) for every call."""

from testing.harness import make_settings, running_bot, tg_command


async def test_relayed_messages_reach_slack_over_one_kept_connection(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        for i in range(4):
            await tg_command(bot, 7000 + i, -1001000000003, 5550001, f"mensaje {i}")
        # (a backed-up room combines messages: at least two posts carry the four)
        await fake_slack.wait_for(lambda f: "mensaje 3" in " ".join(map(str, f.calls)) or None, timeout=10)
        ports = {call.peer[1] for call in fake_slack.calls}  # auth.test and every post
        assert len(fake_slack.calls_to("chat.postMessage")) >= 2
        assert len(ports) == 1, ports
        edge = next(e for e in bot.runtime.edges if e.name == "slack")
    assert edge.client.session.closed  # closed with the bot
