"""`python -m bot <command>`: serve, worker, demo, console, validate, simulate, report, verify, schema."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from typing import NoReturn

from pydantic import ValidationError

from bot.config import ConfigError, Deployment, Settings, load_deployment
from bot.i18n import t
from bot.logs import setup_logging
from bot.startup import check_startup, port_in_use_message

log = logging.getLogger("bot")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = ".".join(str(p) for p in err["loc"]).upper()
            print(f"environment: {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(2) from None


def _secrets(settings: Settings) -> list[str]:
    values = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.redis_url,
        settings.twilio_auth_token,  # the telephone alarm's
    ]
    return [v.get_secret_value() for v in values if v is not None]


def _refuse_config(exc: ConfigError) -> NoReturn:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    print(f"start-up refused: {len(exc.problems)} problem(s) in the deployment config", file=sys.stderr)
    raise SystemExit(2) from None


def _checked_deployment(settings: Settings) -> Deployment:
    """The deployment config, checked before the port opens (no Redis, no network, cheap): a bad
    file or a refusal exits 2 before a supervisor ever hears "alive"."""
    try:
        deployment = load_deployment(settings.deployment_path())
    except ConfigError as exc:
        _refuse_config(exc)
    report = check_startup(settings, deployment)
    for warning in report.warnings:
        log.warning("%s", warning)
    for refusal in report.refusals:
        print(f"start-up refused: {refusal}", file=sys.stderr)
    if report.refusals:
        raise SystemExit(2)
    return deployment


def _load_the_rest() -> None:
    """The slow imports (the platform libraries above all), done in a thread while the early
    listener answers."""
    import bot.runtime  # noqa: F401  # why: only serve and worker need it, after the port opens
    import bot.web  # noqa: F401  # why: only serve and worker need it, after the port opens
    import handlers  # noqa: F401  # why: only serve and worker need it, after the port opens


def _runtime_with_edges(settings: Settings, deployment: Deployment, dialer):
    """The playbooks, the runtime and its edges, built in a thread while the early listener answers."""
    from bot.runtime import Runtime  # why: only serve and worker need it (loaded by _load_the_rest)
    from handlers import build_edges  # why: only serve and worker need it (loaded by _load_the_rest)

    try:
        return Runtime.build(
            settings, deployment, dialer=dialer, edges=lambda core: build_edges(settings, core, dialer)
        )
    except ConfigError as exc:
        _refuse_config(exc)
    except ValueError as exc:  # an edge refusing its settings (e.g. a webhook URL without its secret)
        print(f"start-up refused: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _build(settings: Settings, deployment: Deployment):
    await asyncio.to_thread(_load_the_rest)
    from handlers import make_dialer  # why: only serve and worker need it (loaded just now)

    # On the event loop: the Twilio client's aiohttp session belongs to the loop it is made on.
    dialer = make_dialer(settings)  # the telephone alarm's calls, when Twilio is configured
    rt = await asyncio.to_thread(_runtime_with_edges, settings, deployment, dialer)
    settle_heap()
    return rt


def settle_heap() -> None:
    """What start-up built (modules, schemas, the runtime) lives as long as the process: out of the
    garbage collector's way (`gc.freeze`), so each collection scans only what requests and timers
    make since. A burst of 10,000 timer firings ran ~8 % faster in the bench (bench/timers.py,
    whose workers call this as `python -m bot worker` does)."""
    gc.collect()
    gc.freeze()


async def _open_port(host: str, port: int, variable: str):
    """The early listener on the port (/healthz 200 at once), or one clear line on why the port
    cannot be had (a second worker on 9090) and exit 2."""
    from bot.early import EarlyListener  # why: only serve and worker need it

    early = EarlyListener(host, port)
    try:
        await early.start()
    except OSError as exc:
        message = (
            port_in_use_message(exc, host, port, variable)
            or f"start-up refused: cannot listen on {host}:{port}: {exc.strerror}"
        )
        print(message, file=sys.stderr)
        raise SystemExit(2) from None
    return early


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM/SIGINT, installed first so a signal during start-up stops cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover
            pass
    return stop


def _web_app(rt):
    from bot.web import build_web_app  # why: only serve needs it (its imports are loaded by then)

    return build_web_app(rt)


def _worker_app(rt):
    from bot.web import build_worker_app  # why: only worker needs it (its imports are loaded by then)

    return build_worker_app(rt)


async def _start(settings: Settings, port: int, variable: str, stop: asyncio.Event, make_app):
    """Checks, then the port, then the rest built in a thread (the event loop keeps answering
    /healthz meanwhile), then the real app `make_app(rt)` takes the port over. Returns its runner,
    the runtime and the port listened on; None when a signal came during start-up (nothing was
    started: no webhook set, no loop run)."""
    deployment = _checked_deployment(settings)
    early = await _open_port(settings.host, port, variable)
    try:
        rt = await _build(settings, deployment)
    except BaseException:
        await early.close()
        raise
    try:
        if stop.is_set():
            log.info("stopped during start-up")
            await rt.close()
            return None
        bound_port = early.bound_port
        return await early.hand_over(make_app(rt)), rt, bound_port
    except BaseException:
        await rt.close()
        raise
    finally:
        await early.close()  # a no-op once handed over


async def _stop(runner, rt) -> None:
    for site in list(runner.sites):
        await site.stop()  # stop taking requests first; queued work stays in Redis
    await rt.close()
    await runner.cleanup()


async def run_serve(settings: Settings, no_worker: bool) -> None:
    stop = _stop_on_signals()
    started = await _start(settings, settings.port, "PORT", stop, _web_app)
    if started is None:
        return
    runner, rt, port = started
    log.info("serving on http://%s:%s (%s)", settings.host, port, "web only" if no_worker else "web and worker")
    if not rt.edges:
        log.warning("no platform configured: set SLACK_BOT_TOKEN and/or TELEGRAM_BOT_TOKEN")
    try:
        for edge in rt.edges:
            await edge.start(rt, receive=True)
        if not no_worker:
            await rt.start_workers()
        await stop.wait()
    finally:
        log.info("shutting down")
        await _stop(runner, rt)


async def run_worker(settings: Settings) -> None:
    stop = _stop_on_signals()
    started = await _start(settings, settings.worker_port, "WORKER_PORT", stop, _worker_app)
    if started is None:
        return
    runner, rt, port = started
    try:
        for edge in rt.edges:
            await edge.start(rt, receive=False)
        await rt.start_workers()
        log.info("worker running; health and metrics on port %s", port)
        await stop.wait()
    finally:
        await _stop(runner, rt)


def cmd_validate(paths: list[str], settings: Settings) -> int:
    from bot.validate import validate_paths  # why: only this command needs it

    targets = paths or [str(settings.playbooks_dir)] + ([str(p)] if (p := settings.deployment_path()) else [])
    problems, checked = validate_paths(targets)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {checked} file(s) valid", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Border Liaison chat-ops bot: one conversation per BLM across Slack and Telegram, "
        "with playbooks, advisories and escalations. Settings come from the environment (README).",
        epilog="`python -m bot <command> --help` describes each command's options.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    p_serve = sub.add_parser(
        "serve",
        help="HTTP server on $HOST:$PORT (and the worker loops unless --no-worker)",
        description="Slack events, the Telegram webhook, /healthz, /readyz and /metrics on $HOST:$PORT.",
    )
    p_serve.add_argument(
        "--no-worker",
        action="store_true",
        help="serve HTTP only; run delivery, timers and advisory polling in separate `worker` processes",
    )
    sub.add_parser(
        "worker",
        help="background work only: delivery queues, timers, escalations, advisory polling",
        description="Background work; /healthz and /metrics on $WORKER_PORT (default 9090, one port per worker "
        "on a host; 0 picks a free one).",
    )
    sub.add_parser("demo", help="a scripted scenario with no tokens and no Redis")
    p_con = sub.add_parser(
        "console",
        help="an interactive local room: type as Slack and Telegram people, see both sides (`help` inside)",
        description="A local room on an in-memory store. Uses BLM_CONFIG / blm.yaml when present, else the "
        "demo's people. Type `help` inside for replies, buttons and `wait`.",
    )
    p_con.add_argument(
        "--blm", help="the BLM to sit in (an id or alias); default the deployment file's first, or Nogales"
    )
    p_val = sub.add_parser(
        "validate",
        help="validate playbooks and the deployment config",
        description="Prints every problem as file:line: message; exit 1 on any.",
    )
    p_val.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a playbook file, a folder of playbooks, or a deployment YAML; default PLAYBOOKS_DIR and BLM_CONFIG",
    )
    p_sim = sub.add_parser(
        "simulate",
        help="run a playbook on a virtual clock",
        description="Runs a playbook from 2026-07-01 12:00 UTC on a virtual clock and prints its timeline. "
        "Needs no tokens and no Redis.",
    )
    p_sim.add_argument("playbook", help="a playbook id (from PLAYBOOKS_DIR) or a playbook file")
    p_sim.add_argument("--blm", help="the BLM it runs for (an id or alias); default the directory's first")
    p_sim.add_argument(
        "--set", dest="params", action="append", default=[], metavar="KEY=VALUE", help="a parameter; repeatable"
    )
    p_sim.add_argument(
        "--answer",
        dest="answers",
        action="append",
        default=[],
        metavar="STEP=TEXT",
        help="the answer to the ask step STEP; repeatable (unanswered questions wait for their timeout)",
    )
    p_sim.add_argument(
        "--ack",
        choices=["all", "none"],
        default="none",
        help="acknowledge every ack step at once (all), or never, to show the escalations (none, the default)",
    )
    p_sim.add_argument("--lang", choices=["en", "es"], default="en", help="the language of the timeline and errors")
    p_rep = sub.add_parser(
        "report",
        help="an incident's report, or an advisory as CAP",
        description="Reads the bot's Redis (REDIS_URL) and prints an incident's after-action report.",
    )
    p_rep.add_argument("id", help="an incident id such as NOG-0142 (with --format cap: an advisory's id)")
    p_rep.add_argument(
        "--format",
        choices=["md", "json", "cap", "pdf", "bundle"],
        default="md",
        help="md: readable report (default); json: the same as data; pdf: the ICS-214 activity log (binary, "
        "to stdout); bundle: the signed evidence bundle (JSON); cap: an advisory the bot issued, as CAP 1.2",
    )
    p_rep.add_argument("--lang", choices=["en", "es"], default="en", help="the language of the report and errors")
    p_ver = sub.add_parser(
        "verify",
        help="check an evidence bundle: hash chain and signature (no Redis)",
        description="Exit 0 with what was verified, or 1 naming the first entry that does not fit.",
    )
    p_ver.add_argument("file", nargs="?", help="the bundle (JSON) written by report --format bundle")
    p_ver.add_argument("--key", metavar="PUBLIC_KEY_FILE", help="the expected signer's public key (PEM)")
    p_ver.add_argument("--public-key", action="store_true", help="print this deployment's public key (PEM)")
    p_ver.add_argument("--lang", choices=["en", "es"], default="en", help="the language of the verdict")
    sub.add_parser("schema", help="print the playbook JSON Schema")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    settings = _settings()
    quiet = args.command in ("demo", "console", "validate", "simulate", "report", "schema", "verify")
    setup_logging("WARNING" if quiet else settings.log_level, settings.log_format, _secrets(settings))

    if args.command == "serve":
        asyncio.run(run_serve(settings, args.no_worker))
        return 0
    if args.command == "worker":
        asyncio.run(run_worker(settings))
        return 0
    if args.command == "demo":
        from handlers.console.demo import run_demo  # why: only this command needs it

        return asyncio.run(run_demo())
    if args.command == "console":
        from handlers.console.repl import run_console  # why: only this command needs it

        return asyncio.run(run_console(settings, blm=args.blm))
    if args.command == "validate":
        return cmd_validate(args.paths, settings)
    if args.command == "verify":  # record (issue 18)
        from bot.record.cli import run_verify  # why: only this command needs it

        return run_verify(args, settings)
    if args.command == "report" and args.format == "cap":  # an advisory the bot issued, as CAP 1.2
        from redis.exceptions import ConnectionError as RedisConnectionError  # why: only this command needs it

        from bot.advisories.report import run_cap_report  # why: only this command needs it

        try:
            return asyncio.run(run_cap_report(args.id, settings))
        except (RedisConnectionError, OSError) as exc:
            import bot.engine.messages  # noqa: F401  # why: registers the engine's CLI texts, only here

            reason = str(exc).splitlines()[0][:200]
            print(f"report: {t('engine.cli.redis_down', args.lang, reason=reason)}", file=sys.stderr)
            return 2
    if args.command in ("simulate", "report", "schema"):
        from bot.engine import cli as engine_cli  # why: only this command needs it

        return engine_cli.run(args, settings)
    return 2
