"""`python -m bot verify FILE [--key PUBLIC_KEY_FILE] [--lang en|es]` and `verify --public-key`.

Checking a bundle needs no Redis and no configuration: only the file (and the expected public key).
Exit 0 when the bundle is intact, 1 when it is not (naming the first entry that does not fit, or
what else is wrong), 2 for a usage problem (no file given, an unreadable key file).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.i18n import t
from bot.record import bundle
from bot.record import messages as _messages  # noqa: F401  (registers the texts)
from bot.record.signing import SigningKeyError, fingerprint, load_public_pem, public_pem, signing_key
from bot.store import connect_store


def run_verify(args, settings) -> int:
    lang = getattr(args, "lang", None) or "en"
    if args.public_key:
        return asyncio.run(_print_public_key(settings))
    if not args.file:
        print("verify: give the bundle's FILE (or --public-key)", file=sys.stderr)
        return 2
    expected = None
    if args.key:
        try:
            expected = load_public_pem(Path(args.key).read_bytes(), f"--key {args.key}")
        except OSError as exc:
            print(f"verify: --key {args.key}: {exc.strerror}", file=sys.stderr)
            return 2
        except SigningKeyError as exc:
            print(f"verify: {exc}", file=sys.stderr)
            return 2
    try:
        document = bundle.parse(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"verify: {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except (ValueError, UnicodeDecodeError) as exc:
        print(f"verify: {args.file}: not JSON: {exc}", file=sys.stderr)
        return 1
    result = bundle.verify(document, expected)
    print("\n".join(report_lines(result, lang, expected)))
    return 0 if result.ok else 1


def report_lines(result: bundle.Verification, lang: str, expected=None) -> list[str]:
    """What was verified, or what does not fit, in `lang`."""
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    if result.malformed == "record.verify.not_bundle":
        return [tr("record.verify.failed", incident=result.incident), tr(result.malformed)]
    lines = [tr("record.verify.ok" if result.ok else "record.verify.failed", incident=result.incident)]
    if result.problem is not None:
        p = result.problem
        lines.append(tr("record.verify.entry", position=p.position, at=p.at, reason=tr(p.reason, **p.values)))
    else:
        lines.append(tr("record.verify.entries", count=result.count, first=result.first_at, last=result.last_at))
        lines.append(tr("record.verify.head_line", head=result.head))
        for position, count, head in result.anchors:
            lines.append(tr("record.verify.anchor_line", position=position, count=count, head=head))
        if result.erased:
            lines.append(tr("record.verify.erased_line", count=result.erased))
        for position, at, entries in result.erasures:
            lines.append(tr("record.verify.erasure_line", position=position, at=at, entries=entries))
    if result.malformed:
        lines.append(tr(result.malformed))
        return lines
    lines.append(
        tr(
            "record.verify.signature_ok" if result.signature_ok else "record.verify.signature_bad",
            fingerprint=result.fingerprint,
        )
    )
    if result.expected_key is None:
        lines.append(tr("record.verify.key_unchecked"))
    elif result.expected_key:
        lines.append(tr("record.verify.key_expected", fingerprint=result.fingerprint))
    else:
        lines.append(tr("record.verify.key_other", fingerprint=result.fingerprint, expected=fingerprint(expected)))
    return lines


async def _print_public_key(settings) -> int:
    redis = None
    if settings.report_signing_key is None and settings.redis_url is not None:
        redis = connect_store(settings.redis_url.get_secret_value())
    try:
        key = await signing_key(settings.report_signing_key, redis)
    except SigningKeyError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    finally:
        if redis is not None:
            await redis.aclose()
    print(public_pem(key.public_key()), end="")
    return 0
