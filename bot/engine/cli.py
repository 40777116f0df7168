"""`python -m bot simulate | report | schema`."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.engine.evidence import incident_bundle, incident_pdf
from bot.i18n import t
from bot.record import bundle
from bot.record.signing import SigningKeyError, signing_key


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"{what} takes KEY=VALUE, not {item!r}")
        out[key.strip()] = value
    return out


def run(args, settings) -> int:
    if args.command == "schema":
        from bot.engine import json_schema

        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    if args.command == "simulate":
        from bot.config import ConfigError, load_deployment
        from bot.engine import simulate

        try:  # the deployment's `directory:` may add or correct the BLM simulated
            load_deployment(settings.deployment_path())
        except ConfigError as exc:
            print("\n".join(exc.problems), file=sys.stderr)
            return 2
        try:
            text = simulate(
                args.playbook,
                blm=args.blm,
                params=_pairs(args.params, "--set"),
                answers=_pairs(args.answers, "--answer"),
                ack=args.ack,
                lang=args.lang,
                playbooks_dir=settings.playbooks_dir,
            )
        except (LookupError, ValueError) as exc:
            print(f"simulate: {exc}", file=sys.stderr)
            return 2
        print(text)
        return 0
    if args.command == "report":
        return asyncio.run(_report(args, settings))
    return 2


async def _report(args, settings) -> int:
    from bot.config import ConfigError, load_deployment
    from bot.core import Core
    from bot.engine import get_engine, report
    from bot.store import connect_store

    if settings.redis_url is None:
        print("report: incidents live in Redis; set REDIS_URL to the bot's Redis", file=sys.stderr)
        return 2
    try:
        deployment = load_deployment(settings.deployment_path())
    except ConfigError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    if args.format == "pdf" and sys.stdout.isatty():
        print(t("record.cli.pdf_tty", args.lang, incident=args.id.upper()), file=sys.stderr)
        return 2
    redis = connect_store(settings.redis_url.get_secret_value())
    try:
        core = Core(settings, deployment, redis)
        if args.format == "bundle":
            key = await signing_key(settings.report_signing_key, redis)
            document = await incident_bundle(get_engine(core), args.id, key)
            sys.stdout.write(bundle.dumps(document))
        elif args.format == "pdf":
            sys.stdout.buffer.write(await incident_pdf(get_engine(core), args.id, args.lang))
            sys.stdout.buffer.flush()
        else:
            print(await report(core, args.id.upper(), fmt=args.format, lang=args.lang))
        return 0
    except LookupError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    except SigningKeyError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    finally:
        await redis.aclose()
