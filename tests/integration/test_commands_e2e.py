"""Commands through both platforms' fakes: menus, /contacts, /sitrep and refusals."""

import json

from testing.harness import make_settings, running_bot, slack_command, tg_command


async def test_telegram_menus_registered_in_both_languages(redis_url, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_telegram=fake_telegram), worker=False):
        calls = fake_telegram.calls_to("setMyCommands")
        by_lang = {c.params.get("language_code"): c.params["commands"] for c in calls}
        assert {"en", "es"} <= set(by_lang)
        es = json.loads(by_lang["es"]) if isinstance(by_lang["es"], str) else by_lang["es"]
        assert any(c["command"] == "sitrep" and "reporte" in c["description"] for c in es)


async def test_sitrep_from_telegram_reaches_both_central_rooms(redis_url, fake_slack, fake_telegram):
    async with running_bot(make_settings(redis_url, fake_slack, fake_telegram)) as bot:
        await tg_command(bot, 10, -1001000000003, 5550001, "/sitrep Puente cerrado, 3 carriles desviados a Mariposa")
        await fake_slack.wait_for(
            lambda f: any(c.params.get("channel") == "C0CENTRAL" for c in f.calls_to("chat.postMessage"))
        )
        await fake_telegram.wait_for(
            lambda f: any(str(c.params.get("chat_id")) == "-1001000000000" for c in f.calls_to("sendMessage"))
        )
        slack_post = next(c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == "C0CENTRAL")
        text = json.dumps(slack_post.params, ensure_ascii=False)
        assert "SITREP" in text and "Puente cerrado" in text and "Ana Ruiz" in text
        tg_central = next(
            c for c in fake_telegram.calls_to("sendMessage") if str(c.params.get("chat_id")) == "-1001000000000"
        )
        assert "REPORTE DE SITUACIÓN" in tg_central.params["text"]
        await fake_telegram.wait_for(
            lambda f: any("enviado a la sala central" in c.params.get("text", "") for c in f.calls_to("sendMessage"))
        )


async def test_member_sitrep_is_refused_and_recorded(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        await slack_command(bot, "/sitrep", "all quiet", "C0NOGALES", "U0JO")
        call = await fake_slack.wait_for(lambda f: next(iter(f.calls_to("chat.postEphemeral")), None))
        assert "liaison" in json.dumps(call.params)
        assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("channel") == "C0CENTRAL"]
        refusals = await bot.runtime.redis.xrange("blm:refusals")
        assert refusals and refusals[-1][1]["reason"] == "role" and refusals[-1][1]["user"] == "U0JO"


async def test_contacts_lists_people_in_the_askers_language(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        await slack_command(bot, "/contacts", "", "C0NOGALES", "U0BOB")
        call = await fake_slack.wait_for(lambda f: next(iter(f.calls_to("chat.postEphemeral")), None))
        text = json.dumps(call.params, ensure_ascii=False)
        assert "People of Nogales" in text and "Ana Ruiz" in text and "Protección Civil" in text


async def test_central_room_commands_need_blm(redis_url, fake_slack):
    async with running_bot(make_settings(redis_url, fake_slack)) as bot:
        await slack_command(bot, "/contacts", "", "C0CENTRAL", "U0CEN")
        await slack_command(bot, "/contacts", "blm=juarez", "C0CENTRAL", "U0CEN")
        await fake_slack.wait_for(lambda f: len(f.calls_to("chat.postEphemeral")) == 2)
        first, second = fake_slack.calls_to("chat.postEphemeral")
        assert "blm=" in json.dumps(first.params)
        assert "El Paso" in json.dumps(second.params)
