"""`python -m bot simulate | report | schema`.

Bad input gets one sentence in the person's language (`--lang`) on stderr and exit 2; never a
traceback or a raw message key.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.clock import Clock
from bot.config import ConfigError, load_deployment
from bot.engine.domain import EngineDomain
from bot.engine.evidence import incident_bundle, incident_pdf
from bot.engine.loader import PlaybookError
from bot.engine.runs import ParamError
from bot.engine.schema import json_schema
from bot.i18n import t
from bot.record import bundle
from bot.record.signing import SigningKeyError, signing_key
from bot.rooms import Rooms
from bot.simulate import SimulateError, simulate
from bot.store import connect_store

INCIDENT_ID = re.compile(r"^[A-Za-z]{3}-\d{1,6}$")


class _BadInput(Exception):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise _BadInput("engine.cli.pair", option=option, given=repr(item))
        out[key.strip()] = value
    return out


def _say(lang: str, command: str, key: str, **values) -> int:
    print(f"{command}: {t(key, lang, **values)}", file=sys.stderr)
    return 2


def run(args, settings) -> int:
    if args.command == "schema":
        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return 0
    if args.command == "simulate":
        return _simulate(args, settings)
    if args.command == "report":
        return asyncio.run(_report(args, settings))
    return 2


def _simulate(args, settings) -> int:
    lang = args.lang
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
            lang=lang,
            playbooks_dir=settings.playbooks_dir,
        )
    except (_BadInput, SimulateError, ParamError) as exc:
        return _say(lang, "simulate", exc.key, **exc.values)
    except PlaybookError as exc:  # a playbook file given by path: its problems, file:line each
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    print(text)
    return 0


async def _report(args, settings) -> int:
    lang = args.lang
    if not INCIDENT_ID.match(args.id):
        return _say(lang, "report", "engine.cli.bad_id", given=args.id)
    if settings.redis_url is None:
        return _say(lang, "report", "engine.cli.no_redis")
    try:
        deployment = load_deployment(settings.deployment_path())
    except ConfigError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    if args.format == "pdf" and sys.stdout.isatty():  # binary: only into a file or a pipe
        print(t("record.cli.pdf_tty", lang, incident=args.id.upper()), file=sys.stderr)
        return 2
    redis = connect_store(settings.redis_url.get_secret_value())
    try:
        engine = EngineDomain.from_dir(
            redis, Clock(), Rooms(deployment), settings.playbooks_dir, deployment.retention_days
        )
        if args.format == "bundle":  # the signed evidence bundle (bot/record)
            key = await signing_key(settings.report_signing_key, redis)
            document = await incident_bundle(engine.engine, args.id, key)
            sys.stdout.write(bundle.dumps(document))
        elif args.format == "pdf":  # the ICS-214 activity log, binary on stdout
            sys.stdout.buffer.write(await incident_pdf(engine.engine, args.id, lang))
            sys.stdout.buffer.flush()
        else:
            print(await engine.incident_report(args.id.upper(), fmt=args.format, lang=lang))
        return 0
    except LookupError:  # well-formed, but not there: exit 1, as `verify` does for what does not fit
        _say(lang, "report", "engine.cli.no_incident", incident=args.id.upper())
        return 1
    except SigningKeyError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        return _say(lang, "report", "engine.cli.redis_down", reason=str(exc).splitlines()[0][:200])
    finally:
        try:
            await redis.aclose()
        except Exception:  # noqa: BLE001 - closing a connection that never opened
            pass
