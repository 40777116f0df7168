"""The Ed25519 key that signs evidence bundles: from REPORT_SIGNING_KEY, or made once in Redis.

Without a key file, the first process that needs a key generates one and stores it with SET NX;
every process (a racing one included) then reads back the one that won, so a deployment signs with
one key for good. The public key is what the other side keeps to check bundles with
(`python -m bot verify --public-key`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.store import keys


class SigningKeyError(ValueError):
    """A key that cannot be used, with a message saying why (never the key itself)."""


def load_private_pem(data: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{where}: not an unencrypted PEM private key ({exc.__class__.__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{where}: the key is not an Ed25519 key")
    return key


def load_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"REPORT_SIGNING_KEY {path}: {exc.strerror}") from None
    return load_private_pem(data, f"REPORT_SIGNING_KEY {path}")


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_pem(data: bytes, where: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise SigningKeyError(f"{where}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{where}: the key is not an Ed25519 key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, in hex groups: short enough to read over a phone."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def same_key(a: Ed25519PublicKey, b: Ed25519PublicKey) -> bool:
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    return a.public_bytes(*raw) == b.public_bytes(*raw)


def signature_valid(key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


async def signing_key(key_file: Path | None, redis) -> Ed25519PrivateKey:
    """The deployment's key: the file when given, else the one kept in Redis (made on first use)."""
    if key_file is not None:
        return load_key_file(key_file)
    if redis is None:
        raise SigningKeyError("no signing key: set REPORT_SIGNING_KEY, or REDIS_URL to the bot's Redis")
    stored = await redis.get(keys.RECORD_SIGNING_KEY)
    if stored is None:
        fresh = private_pem(Ed25519PrivateKey.generate()).decode()
        await redis.set(keys.RECORD_SIGNING_KEY, fresh, nx=True)  # a racing process may win: use its key
        stored = await redis.get(keys.RECORD_SIGNING_KEY)
    if stored is None:
        raise SigningKeyError("the signing key kept in Redis vanished while it was being made")
    data = stored.encode() if isinstance(stored, str) else stored
    return load_private_pem(data, f"Redis {keys.RECORD_SIGNING_KEY}")
