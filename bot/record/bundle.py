"""Evidence bundles: an incident's chained timeline, its head, the public key, an Ed25519 signature.

A bundle is one JSON document. The signature covers the canonical encoding (chain.canonical) of the
whole document without its `signature` member, so any change anywhere shows; the chain check names
the first entry (1-based position and time) that does not fit. Checking needs nothing but the file
(and, to know it was signed by the deployment's key, that key: `--key`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.record import chain
from bot.record.signing import SigningKeyError, fingerprint, load_public_pem, public_pem, same_key, signature_valid

__all__ = ["FORMAT", "Verification", "build", "build_signature", "dumps", "parse", "public_pem", "verify"]

FORMAT = "blm-evidence-bundle/1"


def build(incident_id: str, elements: list[dict], about: dict, key: Ed25519PrivateKey, generated_at: str) -> dict:
    """A signed bundle from the stored timeline elements (parsed JSON) and facts about the incident
    (`about`: BLM, playbook, status... nothing the timeline does not already show)."""
    entries = [chain.bundle_entry(e) for e in elements]
    head = {"n": len(entries), "hash": entries[-1]["hash"] if entries else chain.GENESIS}
    document = {
        "format": FORMAT,
        "incident": {"id": incident_id, **about},
        "generated_at": generated_at,
        "chain": {
            "algorithm": "SHA-256",
            "encoding": chain.VERSION,
            "link": 'hash = SHA-256("blm-record/1\\n" incident "\\n" n "\\n" at "\\n" content_hash "\\n" previous)',
            "first_previous": chain.GENESIS,
        },
        "entries": entries,
        "head": head,
        "public_key": public_pem(key.public_key()),
    }
    return build_signature(document, key)


def build_signature(document: dict, key: Ed25519PrivateKey) -> dict:
    """The document with its `signature`: Ed25519 over the canonical encoding of the rest."""
    signature = key.sign(chain.canonical(document))
    return {**document, "signature": {"algorithm": "Ed25519", "value": base64.b64encode(signature).decode()}}


@dataclass
class Verification:
    """What `verify` found. `ok` only when the chain, the head, the signature (and the expected key,
    when one was given) all hold."""

    incident: str = "?"
    count: int = 0
    erased: int = 0
    first_at: str = ""
    last_at: str = ""
    head: str = ""
    fingerprint: str = ""
    expected_key: bool | None = None  # None: no key given to compare with
    signature_ok: bool = False
    problem: chain.Problem | None = None
    malformed: str | None = None  # the document itself is not a bundle
    anchors: list[tuple[int, int, str]] = field(default_factory=list)  # (position, count, head)
    erasures: list[tuple[int, str, int]] = field(default_factory=list)  # (position, at, entries)

    @property
    def ok(self) -> bool:
        return self.malformed is None and self.problem is None and self.signature_ok and self.expected_key is not False


def verify(document, expected: Ed25519PublicKey | None = None) -> Verification:
    result = Verification()
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        result.malformed = "record.verify.not_bundle"
        return result
    incident = document.get("incident")
    entries = document.get("entries")
    if not isinstance(incident, dict) or not isinstance(incident.get("id"), str) or not isinstance(entries, list):
        result.malformed = "record.verify.not_bundle"
        return result
    result.incident = incident["id"]
    result.count = len(entries)
    result.problem = chain.check(incident["id"], entries, document.get("head"))
    if entries and isinstance(entries[0], dict) and isinstance(entries[-1], dict):
        result.first_at, result.last_at = str(entries[0].get("at", "")), str(entries[-1].get("at", ""))
    head = document.get("head")
    result.head = str(head.get("hash", "")) if isinstance(head, dict) else ""
    for position, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            continue
        content = entry.get("content")
        if content is None:
            result.erased += 1
        elif isinstance(content, dict) and content.get("kind") == "anchor":
            detail = content["detail"] if isinstance(content.get("detail"), dict) else {}
            result.anchors.append((position, detail.get("count", 0), str(detail.get("head", ""))))
        elif isinstance(content, dict) and content.get("kind") == "erasure":
            detail = content["detail"] if isinstance(content.get("detail"), dict) else {}
            result.erasures.append((position, str(entry.get("at", "")), detail.get("entries", 0)))
    try:
        key = load_public_pem(str(document.get("public_key", "")).encode(), "public_key")
        signature = base64.b64decode(document["signature"]["value"], validate=True)
    except (SigningKeyError, KeyError, TypeError, binascii.Error):
        result.malformed = result.malformed or "record.verify.no_signature"
        return result
    result.fingerprint = fingerprint(key)
    if expected is not None:
        result.expected_key = same_key(key, expected)
    signed = {k: v for k, v in document.items() if k != "signature"}
    try:
        encoded = chain.canonical(signed)
    except ValueError:  # a number JSON cannot hold (NaN, Infinity): never what the bot signed
        result.malformed = result.malformed or "record.verify.not_bundle"
        return result
    result.signature_ok = signature_valid(key, signature, encoded)
    return result


def parse(text: str) -> dict:
    """The bundle in a file's text; ValueError with line and column when it is not JSON."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _no_constant(name: str):
    """NaN and Infinity are not JSON (RFC 8259), though Python's parser reads them."""
    raise ValueError(f"{name} is not a JSON number")
