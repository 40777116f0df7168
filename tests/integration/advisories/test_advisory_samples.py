"""The real captured NWS samples (../shared/fixtures/nws-geojson/captured/) served by the fake NWS over
HTTP and polled by the real advisory service: what the rooms read."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.advisories.publish import active_advisories
from bot.advisories.source_nws import coordinate
from bot.directory import get_blm
from testing.deployments import EL_PASO_LAREDO, data

MST = timezone(timedelta(hours=-7))  # Arizona and, in August, California (PDT): both UTC-7
SAMPLES = {
    "nogales": {"slack_channel": "C0NOGALES", "telegram_chat": -1001000000003},
    "calexico": {"slack_channel": "C0CALEXICO", "telegram_chat": -1001000000002},
}
NOG_SLACK, NOG_TG = "slack:C0NOGALES", "telegram:-1001000000003"
CAL_SLACK, CAL_TG = "slack:C0CALEXICO", "telegram:-1001000000002"


def point(blm_id: str) -> str:
    blm = get_blm(blm_id)
    return f"{coordinate(blm.us_lat)},{coordinate(blm.us_lon)}"


def deployment() -> dict:
    d = data(EL_PASO_LAREDO)
    d["blms"].update(SAMPLES)
    return d


async def poll(h, rt) -> None:
    h.clock.advance(1)
    assert await rt.advisory_service.tick()
    await h.drain()


async def test_tucson_heat_warning_shows_hazard_end_apart_from_message_expiry(harness, nws):
    """wwcollins_AZ_2021-08-27_tucson_excessive_heat.json: three versions of NWS Tucson's warning;
    the live one (sent 08-26 14:53 MST) expires 08-27 10:00 MST while the heat `ends` 20:00 MST.
    Its SAME codes include 004023 (Santa Cruz County: Nogales)."""
    harness.clock.set(datetime(2021, 8, 27, 6, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("nogales"), "captured/wwcollins_AZ_2021-08-27_tucson_excessive_heat.json")
    rt = harness.runtime(deployment=deployment())
    await poll(harness, rt)
    [us], [mx] = harness.posts(NOG_SLACK), harness.posts(NOG_TG)
    # onset 14:53 MST; ends 20:00 MST Friday (03:00 UTC Saturday); the message expires 10:00 MST
    assert "Begins: 2021-08-26 14:53 MST (21:53 UTC)" in us
    assert "Ends: 2021-08-27 20:00 MST (2021-08-28 03:00 UTC)" in us
    assert "This message expires: 2021-08-27 10:00 MST (17:00 UTC) (the issuer updates it by then)" in us
    assert "Termina: 2021-08-27 20:00 MST (2021-08-28 03:00 UTC)" in mx
    # NWS writes English only: the Spanish room gets NWS's own Spanish name for the product
    assert "Alerta meteorológica: Aviso de Calor Excesivo" in mx and "Excessive Heat Warning" not in mx.split("\n")[0]
    assert "Este mensaje vence: 2021-08-27 10:00 MST (17:00 UTC)" in mx
    # the live one only: the two older versions were past `expires` at this time
    assert "urn:oid:2.49.0.1.840.0.5c89a4b5b322aa0a5966d9874d015b2a385403af.001.1" in us
    assert harness.playbooks.calls == [
        (
            ("Excessive Heat Warning",),
            "nogales",
            "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.bbab71015cf54017cec802ca8818c9b7f8e9d148.001.2",
        )
    ]


async def test_imperial_warning_and_its_update_edit_one_post_keeping_the_hazard_end(harness, nws):
    """wwcollins_CA_2021-08-24_imperial_excessive_heat.json (the Alert, SAME 006025 Imperial County:
    Calexico) then …_2021-08-25_…_update.json (an Update whose `references` name it)."""
    harness.clock.set(datetime(2021, 8, 24, 14, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("calexico"), "captured/wwcollins_CA_2021-08-24_imperial_excessive_heat.json")
    rt = harness.runtime(deployment=deployment())
    await poll(harness, rt)
    [us] = harness.posts(CAL_SLACK)
    assert "Begins: 2021-08-25 10:00 PDT (17:00 UTC)" in us
    assert "Ends: 2021-08-27 20:00 PDT (2021-08-28 03:00 UTC)" in us
    assert "This message expires: 2021-08-25 05:00 PDT (12:00 UTC)" in us

    harness.clock.set(datetime(2021, 8, 25, 1, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("calexico"), "captured/wwcollins_CA_2021-08-25_imperial_excessive_heat_update.json")
    await poll(harness, rt)
    [us], [mx] = harness.posts(CAL_SLACK), harness.posts(CAL_TG)
    assert us.startswith("**UPDATED – ")
    # what changed is the message's expiry and the area, not the hazard's end
    assert "message expiry 2021-08-25 05:00 PDT (12:00 UTC) → 2021-08-25 16:00 PDT (23:00 UTC)" in us
    assert "Ends: 2021-08-27 20:00 PDT (2021-08-28 03:00 UTC)" in us
    assert "end 2021" not in us  # `ends` did not change
    assert "Termina: 2021-08-27 20:00 PDT (2021-08-28 03:00 UTC)" in mx
    assert len(harness.playbooks.calls) == 1  # one chain


async def test_webb_special_weather_statement_without_ends_says_so(harness, nws):
    """wwcollins_TX_2021-08-24_webb_special_weather_statement.json: `ends` is null (SAME 048479:
    Webb County, Laredo): the post says the issuer gives no end, never passes `expires` off as it."""
    harness.clock.set(datetime(2021, 8, 24, 9, 0, tzinfo=timezone(timedelta(hours=-5))).timestamp())
    nws.load_fixture(point("laredo"), "captured/wwcollins_TX_2021-08-24_webb_special_weather_statement.json")
    rt = harness.runtime()
    await poll(harness, rt)
    [us] = harness.posts("slack:C0LAREDO")
    assert "Ends: not given by the issuer" in us
    assert "This message expires: 2021-08-24 18:30 CDT (23:30 UTC)" in us


async def test_tucson_warning_past_its_expiry_without_an_update_is_marked_no_longer_active(harness, nws):
    """The same Tucson sample still served (304) after the live message's `expires` (10:00 MST): the
    post is marked expired, and says the hazard was forecast to last until `ends` (20:00 MST)."""
    harness.clock.set(datetime(2021, 8, 27, 6, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("nogales"), "captured/wwcollins_AZ_2021-08-27_tucson_excessive_heat.json")
    rt = harness.runtime(deployment=deployment())
    await poll(harness, rt)
    harness.clock.set(datetime(2021, 8, 27, 10, 5, tzinfo=MST).timestamp())
    await poll(harness, rt)
    [us], [mx] = harness.posts(NOG_SLACK), harness.posts(NOG_TG)
    assert us.startswith("**NO LONGER ACTIVE – ")
    assert "expired at 2021-08-27 10:00 MST (17:00 UTC)" in us
    assert "the hazard was forecast to last until 2021-08-27 20:00 MST (2021-08-28 03:00 UTC)" in us
    assert mx.startswith("**YA NO VIGENTE – ") and "se pronosticaba que el peligro duraría hasta" in mx
    assert await active_advisories(rt.redis, "nogales") == []


async def test_imperial_warning_gone_from_the_active_list_without_a_cancel(harness, nws):
    """wwcollins_CA_2021-08-24_imperial_excessive_heat.json, then Calexico's point lists nothing."""
    harness.clock.set(datetime(2021, 8, 24, 14, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("calexico"), "captured/wwcollins_CA_2021-08-24_imperial_excessive_heat.json")
    rt = harness.runtime(deployment=deployment())
    await poll(harness, rt)
    nws.set_point(point("calexico"), [])
    await poll(harness, rt)
    [us] = harness.posts(CAL_SLACK)
    assert us.startswith("**NO LONGER ACTIVE – ") and "no longer lists this advisory" in us
    assert await active_advisories(rt.redis, "calexico") == []


async def test_tucsons_new_alert_for_a_continuing_warning_edits_the_earlier_post(harness, nws):
    """The same sample a day earlier, reduced to the Update live then (…104141…, sent 08-26 02:39 MST);
    a day later NWS lists the newer message as an Alert that names it only in `expiredReferences`,
    next to the older versions it still lists: one post, edited to the newest, never back to an older
    version, and the playbook started once."""
    import json

    from testing.fakes.nws_api import fixtures_dir

    path = fixtures_dir() / "nws-geojson" / "captured" / "wwcollins_AZ_2021-08-27_tucson_excessive_heat.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    earlier = {**doc, "features": [f for f in doc["features"] if "104141e2" in f["properties"]["id"]]}
    harness.clock.set(datetime(2021, 8, 26, 6, 0, tzinfo=MST).timestamp())
    nws.set_point(point("nogales"), earlier)
    rt = harness.runtime(deployment=deployment())
    await poll(harness, rt)
    [us] = harness.posts(NOG_SLACK)
    assert "104141e2" in us and "This message expires: 2021-08-26 13:00 MST" in us

    harness.clock.set(datetime(2021, 8, 27, 6, 0, tzinfo=MST).timestamp())
    nws.load_fixture(point("nogales"), "captured/wwcollins_AZ_2021-08-27_tucson_excessive_heat.json")
    await poll(harness, rt)
    [us] = harness.posts(NOG_SLACK)
    assert us.startswith("**UPDATED – ") and "5c89a4b5" in us and "dd8d9be2" not in us
    assert "This message expires: 2021-08-27 10:00 MST" in us
    assert len(harness.playbooks.calls) == 1
    [active] = await active_advisories(rt.redis, "nogales")
    assert active.identifier.endswith("5c89a4b5b322aa0a5966d9874d015b2a385403af.001.1")
