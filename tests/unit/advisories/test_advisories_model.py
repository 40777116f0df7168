from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from bot.advisories.model import Advisory, AdvisoryInfo, Reference, parse_time

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def make(**kw) -> Advisory:
    base = dict(source="cap", identifier="B", sender="s", sent=T0, status="Actual", msg_type="Alert")
    return Advisory(**{**base, **kw})


def test_naive_times_are_rejected_and_aware_ones_become_utc():
    with pytest.raises(ValidationError):
        make(sent=datetime(2026, 7, 1, 12, 0))
    adv = make(sent=datetime(2026, 7, 1, 6, 0, tzinfo=timezone(timedelta(hours=-6))))
    assert adv.sent == T0 and adv.sent.tzinfo == UTC
    assert parse_time("2013-01-05T10:58:23-00:00") == datetime(2013, 1, 5, 10, 58, 23, tzinfo=UTC)
    assert parse_time("  ") is None


def test_bad_enums_are_rejected():
    with pytest.raises(ValidationError):
        make(status="Real")
    with pytest.raises(ValidationError):
        make(msg_type="Alarm")


def test_chain_id_is_earliest_reference_else_first_else_self():
    refs = [Reference(sender="s", identifier=i, sent=T0 + timedelta(hours=h)) for i, h in (("A2", 2), ("A0", 0))]
    assert make(reference_details=refs).chain_id == "A0"
    assert make(reference_details=refs).references == ["A2", "A0"]
    assert make(references=["X", "Y"]).chain_id == "X"
    assert make().chain_id == "B"


def test_info_for_languages_event_names_and_expiry():
    en = AdvisoryInfo(language="en-US", event="Heat Advisory", expires=T0 + timedelta(hours=1))
    es = AdvisoryInfo(language="es-419", event="Onda de Calor", expires=T0 + timedelta(hours=3))
    es2 = AdvisoryInfo(language="es-US", event="Onda de Calor")
    adv = make(infos=[en, es, es2])
    assert adv.info_for("es") is es and adv.info_for("en") is en and adv.info_for("fr") is en
    assert make(infos=[es]).info_for("en") is es
    assert adv.event_names() == ["Heat Advisory", "Onda de Calor"]
    assert adv.expires == T0 + timedelta(hours=3)
    assert not adv.is_expired(T0 + timedelta(hours=2))
    assert adv.is_expired(T0 + timedelta(hours=3))
    assert not make(infos=[es2]).is_expired(T0 + timedelta(days=999))


def test_info_language_prefix_is_not_a_substring_match():
    assert not AdvisoryInfo(language="est", event="x").speaks("es")
