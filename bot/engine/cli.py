"""`python -m bot simulate | report | schema`."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.clock import Clock
from bot.config import ConfigError, load_deployment
from bot.engine.domain import EngineDomain
from bot.engine.evidence import incident_bundle, incident_pdf
from bot.engine.schema import json_schema
from bot.i18n import t
from bot.record import bundle
from bot.record.signing import SigningKeyError, signing_key
from bot.rooms import Rooms
from bot.simulate import simulate
from bot.store import connect_store


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
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    if args.command == "simulate":
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
        engine = EngineDomain.from_dir(
            redis, Clock(), Rooms(deployment), settings.playbooks_dir, deployment.retention_days
        )
        if args.format == "bundle":
            key = await signing_key(settings.report_signing_key, redis)
            document = await incident_bundle(engine.engine, args.id, key)
            sys.stdout.write(bundle.dumps(document))
        elif args.format == "pdf":
            sys.stdout.buffer.write(await incident_pdf(engine.engine, args.id, args.lang))
            sys.stdout.buffer.flush()
        else:
            print(await engine.incident_report(args.id.upper(), fmt=args.format, lang=args.lang))
        return 0
    except LookupError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    except SigningKeyError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    finally:
        await redis.aclose()
