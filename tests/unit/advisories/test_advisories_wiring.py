"""Unit tests of the advisory wiring: URLs, command text, filters, times, lease, config, back-off."""

from __future__ import annotations

from datetime import UTC, datetime

import fakeredis
import pytest

from bot.advisories.fetch import backoff_seconds
from bot.advisories.model import Advisory, AdvisoryInfo
from bot.advisories.publish import format_when, passes_filters, render
from bot.advisories.source_nws import alerts_url, coordinate
from bot.commands.advisory import split_post_text
from bot.config import AdvisoriesConfig, ConfigError, parse_deployment
from bot.directory import get_blm
from bot.model import RoomRef
from bot.rooms import RoomInfo
from bot.store import keys
from bot.store.lease import Lease


def test_nws_point_has_at_most_four_decimals():
    assert coordinate(31.762) == "31.762" and coordinate(-106.48512) == "-106.4851" and coordinate(27.0) == "27"
    assert (
        alerts_url("https://api.weather.gov/", get_blm("laredo"))
        == "https://api.weather.gov/alerts/active?status=actual&point=27.531,-99.48"
    )


@pytest.mark.parametrize(
    "rest,central,expected",
    [
        ("post Road closed", False, (None, "Road closed", "Road closed")),
        ('post en="Road closed" es="Camino cerrado"', False, (None, "Road closed", "Camino cerrado")),
        ("post en=“Road closed” es=“Camino cerrado”", False, (None, "Road closed", "Camino cerrado")),
        ('post es="Camino cerrado"', False, (None, "Camino cerrado", "Camino cerrado")),
        ("post blm=juarez Shelter open", True, ("juarez", "Shelter open", "Shelter open")),
        ("post blm=juarez Shelter open", False, (None, "blm=juarez Shelter open", "blm=juarez Shelter open")),
        ("post en=x is the value of y", False, (None, "en=x is the value of y", "en=x is the value of y")),
    ],
)
def test_advisory_post_text(rest, central, expected):
    assert split_post_text(rest, central) == expected


def _adv(event="Heat Advisory", severity="Minor") -> Advisory:
    now = datetime(2026, 7, 1, 12, tzinfo=UTC)
    return Advisory(
        source="nws",
        identifier="x",
        sender="s",
        sent=now,
        status="Actual",
        msg_type="Alert",
        infos=[AdvisoryInfo(event=event, severity=severity, onset=now, expires=now)],
    )


def test_filters():
    assert passes_filters(_adv(), AdvisoriesConfig())
    assert not passes_filters(_adv(), AdvisoriesConfig(min_severity="Moderate"))
    assert passes_filters(_adv(severity="Extreme"), AdvisoriesConfig(min_severity="Severe"))
    assert not passes_filters(_adv(), AdvisoriesConfig(events_deny=["heat advisory"]))
    assert not passes_filters(_adv(), AdvisoriesConfig(events_allow=["Extreme Heat Warning"]))
    assert passes_filters(_adv("Extreme Heat Warning"), AdvisoriesConfig(events_allow=["Extreme Heat Warning"]))


def test_deployment_advisories_section_is_optional_and_strict():
    assert parse_deployment("blms: {}\n", "d.yaml").advisories.min_severity == "Unknown"
    d = parse_deployment("blms: {}\nadvisories:\n  min_severity: Severe\n  events_deny: [Test]\n", "d.yaml")
    assert d.advisories.min_severity == "Severe" and d.advisories.events_deny == ["Test"]
    with pytest.raises(ConfigError) as exc:
        parse_deployment("blms: {}\nadvisories:\n  min_severty: Severe\n", "d.yaml")
    assert exc.value.problems[0].startswith("d.yaml:3:")


def test_times_in_each_side_zone_and_utc():
    when = datetime(2026, 7, 2, 3, 30, tzinfo=UTC)
    blm = get_blm("san-diego")
    assert format_when(when, blm.us_zone) == "2026-07-01 20:30 PDT (2026-07-02 03:30 UTC)"
    assert (
        format_when(datetime(2026, 1, 5, 18, tzinfo=UTC), get_blm("nogales").mx_zone)
        == "2026-01-05 11:00 MST (18:00 UTC)"
    )


def test_render_uses_room_language_zone_and_key():
    blm = get_blm("brownsville")
    us = RoomInfo(RoomRef(platform="slack", chat_id="C1"), "brownsville", "en")
    mx = RoomInfo(RoomRef(platform="telegram", chat_id="-1"), "brownsville", "es")
    adv = _adv(severity="Severe")
    m_us, m_mx = render(adv, blm, us), render(adv, blm, mx)
    assert m_us.key == m_mx.key == "adv:brownsville:s,x"  # sender,identifier
    assert m_us.title == "Weather alert: Heat Advisory" and m_mx.title == "Alerta meteorológica: Advertencia de Calor"
    assert "CDT (12:00 UTC)" in m_us.text and "Gravedad: Grave" in m_mx.text
    assert m_us.lang == "en" and m_mx.lang == "es"


def test_backoff_grows_and_respects_retry_after():
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff_seconds(20) == 3600
    assert backoff_seconds(1, retry_after=300) == 300


async def test_lease_is_exclusive_renewable_and_released_only_by_its_holder():
    redis = fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(version=(7, 0)), decode_responses=True)
    a, b = Lease(redis, keys.lock("advisories"), 60_000), Lease(redis, keys.lock("advisories"), 60_000)
    assert await a.acquire() and await a.acquire()  # taken, then renewed
    assert not await b.acquire()
    await b.release()  # not b's: no effect
    assert not await b.acquire()
    await a.release()
    assert await b.acquire()
    assert await redis.ttl("blm:lock:advisories") > 0
