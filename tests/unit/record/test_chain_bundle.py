"""The hash chain and evidence bundles, without Redis: what verifies, and what `verify` names."""

from __future__ import annotations

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.record import bundle, chain
from bot.record.cli import report_lines

T0 = 1_782_907_200.0  # 2026-07-01 12:00 UTC
KEY = Ed25519PrivateKey.generate()


def events(n: int = 6) -> list[dict]:
    people = ["Ana Coord", "Luis Enlace", "Bob Liaison"]
    return [
        {
            "at": T0 + 37.25 * i,
            "kind": "sitrep" if i % 2 else "check",
            "who": people[i % 3],
            "step": None if i % 2 else "call-taker",
            "detail": {"text": f"Entrada {i}: carril {i}, puente Morley — «sin novedad»"},
        }
        for i in range(n)
    ]


def stored(incident: str = "NOG-0001", n: int = 6) -> list[dict]:
    head = chain.Head()
    out: list[dict] = []
    for ev in events(n):  # one at a time, as the engine appends them
        elements, head = chain.chain(incident, head, [ev])
        out += [json.loads(e) for e in elements]
    return out


def signed(elements=None, key=KEY) -> dict:
    return bundle.build("NOG-0001", elements or stored(), {"blm": "nogales"}, key, "2026-07-01T13:00:00Z")


def resign(document: dict, key=KEY) -> dict:
    """The document signed again by `key`: what someone holding the key (or another key) could do."""
    doc = {k: v for k, v in document.items() if k != "signature"}
    doc["public_key"] = bundle.public_pem(key.public_key())
    return bundle.build_signature(doc, key)


def test_a_bundle_verifies_and_says_what_it_checked():
    doc = signed()
    result = bundle.verify(json.loads(bundle.dumps(doc)), KEY.public_key())
    assert result.ok, result
    assert (result.count, result.head) == (6, doc["entries"][-1]["hash"])
    assert result.expected_key is True and result.signature_ok
    assert doc["entries"][0]["at"] == "2026-07-01T12:00:00.000000Z"


def test_chain_of_a_batch_equals_the_chain_of_single_appends():
    batch, head = chain.chain("NOG-0001", chain.Head(), events())
    assert [json.loads(e) for e in batch] == stored()
    assert head == chain.Head(6, stored()[-1]["hash"])


def string_spots(entry: dict):
    """Every (path, index) of a character in the entry's string values, keys included."""

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, path + [k])
                yield path + [("key", k)], None
        elif isinstance(value, str):
            for i in range(len(value)):
                yield path, i
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield path, "number"

    yield from walk(entry, [])


def changed(entry: dict, path, index) -> dict:
    entry = copy.deepcopy(entry)
    parent = entry
    for p in path[:-1]:
        parent = parent[p]
    last = path[-1]
    if isinstance(last, tuple):  # rename a key by one character
        name = last[1]
        parent[name[:-1] + ("x" if name[-1] != "x" else "y")] = parent.pop(name)
        return entry
    value = parent[last]
    if index == "number":
        parent[last] = value + 1
    else:
        char = value[index]
        parent[last] = value[:index] + ("b" if char != "b" else "c") + value[index + 1 :]
    return entry


@pytest.mark.parametrize("position", range(1, 7))
def test_changing_any_one_character_of_an_entry_names_that_entry(position):
    doc = signed()
    entry = doc["entries"][position - 1]
    spots = list(string_spots(entry))
    assert len(spots) > 100
    for path, index in spots:
        tampered = copy.deepcopy(doc)
        tampered["entries"][position - 1] = changed(entry, path, index)
        result = bundle.verify(tampered, KEY.public_key())
        assert not result.ok, (path, index)
        assert result.problem is not None and result.problem.position == position, (path, index, result.problem)
        if path != ["at"]:
            assert result.problem.at == entry["at"]
        # re-signing does not help: the chain itself does not fit
        assert not bundle.verify(resign(tampered), KEY.public_key()).ok


@pytest.mark.parametrize("removed", [1, 3, 6])
def test_removing_an_entry_names_the_place(removed):
    doc = signed()
    del doc["entries"][removed - 1]
    result = bundle.verify(resign(doc))  # even re-signed with the right key
    assert not result.ok and result.problem is not None
    assert result.problem.position == removed
    if removed < 6:
        assert result.problem.reason == "record.verify.numbered"
        assert result.problem.at == doc["entries"][removed - 1]["at"]
    else:  # the last one: the head still counts it
        assert result.problem.reason in ("record.verify.missing_end", "record.verify.head")


def test_removing_the_last_entries_and_the_head_with_them_fails_by_signature_or_by_key():
    doc = signed()
    del doc["entries"][-1]
    doc["head"] = {"n": 5, "hash": doc["entries"][-1]["hash"]}
    assert not bundle.verify(doc).ok  # the signature no longer fits
    other = Ed25519PrivateKey.generate()
    forged = resign(doc, other)
    assert bundle.verify(forged).problem is None  # a shorter chain is a chain...
    result = bundle.verify(forged, KEY.public_key())
    assert not result.ok and result.expected_key is False  # ...but not signed by the deployment


@pytest.mark.parametrize("a,b", [(1, 2), (2, 5), (5, 6)])
def test_swapping_two_entries_names_the_first_of_them(a, b):
    doc = signed()
    entries = doc["entries"]
    entries[a - 1], entries[b - 1] = entries[b - 1], entries[a - 1]
    result = bundle.verify(resign(doc))
    assert not result.ok and result.problem.position == a
    assert result.problem.at == entries[a - 1]["at"]


def test_a_bundle_signed_by_another_key_fails():
    other = Ed25519PrivateKey.generate()
    doc = signed(key=other)
    assert bundle.verify(doc).signature_ok  # consistent in itself
    result = bundle.verify(doc, KEY.public_key())
    assert not result.ok and result.expected_key is False
    # the deployment's public key put in, the other key's signature kept: the signature fails
    doc["public_key"] = bundle.public_pem(KEY.public_key())
    result = bundle.verify(doc, KEY.public_key())
    assert not result.ok and not result.signature_ok and result.problem is None


def test_anything_outside_the_entries_is_covered_by_the_signature():
    doc = signed()
    doc["incident"]["blm"] = "laredo"
    result = bundle.verify(doc, KEY.public_key())
    assert not result.ok and result.problem is None and not result.signature_ok


def test_an_erased_chain_still_verifies_and_shows_the_erasure():
    elements = stored()
    erased = [chain.erased(e) for e in elements[:4]] + elements[4:]
    for e in erased[:4]:
        assert set(e) == chain.ERASED_FIELDS and "who" not in e
    doc = signed(erased)
    assert all("content" not in e for e in doc["entries"][:4])
    result = bundle.verify(doc, KEY.public_key())
    assert result.ok and result.erased == 4
    # an erased entry still has its place: changing its hash or its time is named
    for field in ("hash", "at", "content_hash"):
        tampered = copy.deepcopy(doc)
        value = tampered["entries"][1][field]
        tampered["entries"][1][field] = value[:-2] + ("0" if value[-2] != "0" else "1") + value[-1]
        assert bundle.verify(tampered).problem.position == 2, field


def test_an_anchor_must_match_the_entry_it_names():
    head = chain.Head()
    elements, head = chain.chain("NOG-0001", head, events(3))
    sealed = head
    more, head = chain.chain(
        "NOG-0001",
        head,
        [
            {
                "at": T0 + 500,
                "kind": "anchor",
                "who": "bot",
                "step": None,
                "detail": {"head": sealed.hash, "count": sealed.n},
            }
        ],
    )
    good = [json.loads(e) for e in elements + more]
    result = bundle.verify(signed(good))
    assert result.ok and result.anchors == [(4, 3, sealed.hash)]
    wrong, _ = chain.chain(
        "NOG-0001",
        sealed,
        [{"at": T0 + 500, "kind": "anchor", "who": "bot", "step": None, "detail": {"head": "f" * 64, "count": 3}}],
    )
    result = bundle.verify(signed([json.loads(e) for e in elements + wrong]))
    assert not result.ok and result.problem.position == 4 and result.problem.reason == "record.verify.anchor"


def test_an_entry_moved_to_another_incident_does_not_fit():
    doc = bundle.build("NOG-0002", stored("NOG-0001"), {}, KEY, "2026-07-01T13:00:00Z")
    result = bundle.verify(doc)
    assert result.problem.position == 1 and result.problem.reason == "record.verify.link"


def test_not_a_bundle():
    assert bundle.verify({"entries": []}).malformed == "record.verify.not_bundle"
    assert bundle.verify([1, 2]).malformed == "record.verify.not_bundle"
    with pytest.raises(ValueError, match="line 1"):
        bundle.parse('{"format": ')


def test_a_timeline_from_before_the_chain_does_not_stop_the_incident():
    legacy = json.dumps({"at": T0, "kind": "start", "who": "Ana", "step": None, "detail": {}})
    assert chain.head_of(legacy) == chain.Head()
    assert chain.head_of(None) == chain.Head()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    position=st.integers(0, 5),
    field=st.sampled_from(["n", "at", "content_hash", "hash", "content", "extra"]),
    value=json_values,
    top=st.sampled_from([None, "head", "incident", "entries", "public_key", "signature", "format"]),
    top_value=json_values,
)
def test_whatever_a_bundle_holds_verify_answers_and_never_crashes(position, field, value, top, top_value):
    doc = json.loads(json.dumps(signed()))
    assume(doc["entries"][position].get(field) != value)
    doc["entries"][position][field] = value
    if top:
        assume(doc[top] != top_value)
        doc[top] = top_value
    result = bundle.verify(doc, KEY.public_key())
    assert not result.ok
    lines = report_lines(result, "en", KEY.public_key())
    assert lines[0].startswith("FAILED")


def test_a_value_json_cannot_hold_in_a_bundle_is_a_failed_check_not_a_crash():
    """Found by the property test above: Python's json reads `Infinity` from a file, and the
    canonical form the hashes use refuses it."""
    doc = json.loads(json.dumps(signed()))
    doc["entries"][0]["content"] = {"": float("inf")}
    result = bundle.verify(doc, KEY.public_key())
    assert not result.ok
    assert report_lines(result, "en", KEY.public_key())[0].startswith("FAILED")
    doc = json.loads(json.dumps(signed()))
    doc["entries"][0]["content"]["at"] = float("inf")
    assert not bundle.verify(doc, KEY.public_key()).ok
