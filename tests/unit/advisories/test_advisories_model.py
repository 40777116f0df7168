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


def test_identity_is_sender_and_identifier_and_only_own_references_count():
    own = Reference(sender="s", identifier="A", sent=T0 - timedelta(hours=2))
    foreign = Reference(sender="other", identifier="Z", sent=T0 - timedelta(hours=5))
    adv = make(msg_type="Update", reference_details=[own, foreign])
    assert adv.key == "s,B"
    assert adv.reference_keys() == ["s,A"]  # the other sender's message is not this one's to update
    assert adv.chain_key == "s,A" and adv.chain_id == "A"  # not Z, though Z was sent earlier
    only_foreign = make(msg_type="Cancel", reference_details=[foreign])
    assert only_foreign.reference_keys() == [] and only_foreign.chain_key == "s,B"
    bare = make(msg_type="Update", references=["A0"])  # no sender given: taken as the sender's own
    assert bare.reference_keys() == ["s,A0"] and bare.chain_key == "s,A0"
    assert make(identifier="X", sender="a").key != make(identifier="X", sender="b").key


def test_keys_never_collide_when_an_issuer_puts_commas_in_sender_or_identifier():
    assert make(sender="a,b", identifier="c").key != make(sender="a", identifier="b,c").key
    assert make(sender="a%2Cb", identifier="c").key != make(sender="a,b", identifier="c").key


def test_hazard_end_is_separate_from_message_expiry():
    from bot.advisories.model import hazard_end

    assert hazard_end("2021-08-27T20:00:00-07:00", {}) == datetime(2021, 8, 28, 3, tzinfo=UTC)
    assert hazard_end(None, {"eventEndingTime": ["2021-08-28T03:00:00+00:00"]}) == datetime(2021, 8, 28, 3, tzinfo=UTC)
    assert hazard_end(None, {"eventEndingTime": ["soon"]}) is None  # a bad hint is ignored, not the alert
    assert hazard_end("", {}) is None
