"""`python -m bot <command>`: serve, worker, demo, console, validate, simulate, report, schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.config import ConfigError, Settings

log = logging.getLogger("bot")


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = ".".join(str(p) for p in err["loc"]).upper()
            print(f"environment: {name}: {err['msg']}", file=sys.stderr)
        raise SystemExit(2)


def _secrets(settings: Settings) -> list[str]:
    values = [
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.redis_url,
    ]
    return [v.get_secret_value() for v in values if v is not None]


def _build_runtime(settings: Settings):
    from bot.runtime import Runtime

    try:
        return Runtime.build(settings)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"start-up refused: {len(exc.problems)} problem(s) in the deployment config", file=sys.stderr)
        raise SystemExit(2)


def _runtime_with_edges(settings: Settings):
    from handlers import build_edges

    rt = _build_runtime(settings)
    try:
        for edge in build_edges(settings, rt.core):
            rt.add_edge(edge)
    except ValueError as exc:
        print(f"start-up refused: {exc}", file=sys.stderr)
        raise SystemExit(2)
    return rt


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


async def _start_answering_health(settings: Settings, port: int):
    """Open the port with `/healthz` first, then import and build everything else in a thread
    (the event loop keeps answering meanwhile). Returns the early listener and the runtime."""
    from bot.startup import EarlyHealth

    early = EarlyHealth(settings.host, port)
    await early.start()
    return early, await asyncio.to_thread(_runtime_with_edges, settings)


async def run_serve(settings: Settings, no_worker: bool) -> None:
    from bot.web import build_web_app

    stop = _stop_on_signals()
    early, rt = await _start_answering_health(settings, settings.port)
    runner, site = await early.hand_over(build_web_app(rt))
    log.info(
        "serving on http://%s:%s (%s)", settings.host, settings.port, "web only" if no_worker else "web and worker"
    )
    if not rt.edges:
        log.warning("no platform configured: set SLACK_BOT_TOKEN and/or TELEGRAM_BOT_TOKEN")
    for edge in rt.edges:
        await edge.start(rt, receive=True)
    if not no_worker:
        await rt.start_workers()
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await site.stop()  # stop taking requests first; queued work stays in Redis
        await rt.close()
        await runner.cleanup()


async def run_worker(settings: Settings) -> None:
    from bot.web import build_worker_app

    stop = _stop_on_signals()
    early, rt = await _start_answering_health(settings, settings.worker_port)
    runner, site = await early.hand_over(build_worker_app(rt))
    for edge in rt.edges:
        await edge.start(rt, receive=False)
    await rt.start_workers()
    log.info("worker running; health and metrics on port %s", settings.worker_port)
    try:
        await stop.wait()
    finally:
        await site.stop()
        await rt.close()
        await runner.cleanup()


def cmd_validate(paths: list[str], settings: Settings) -> int:
    from bot.validate import validate_paths

    targets = paths or [str(settings.playbooks_dir)] + ([str(p)] if (p := settings.deployment_path()) else [])
    problems, checked = validate_paths(targets)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {checked} file(s) valid", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Border Liaison chat-ops bot")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="HTTP server (and worker loops unless --no-worker)")
    p_serve.add_argument("--no-worker", action="store_true")
    sub.add_parser("worker", help="background work only")
    sub.add_parser("demo", help="a scripted scenario with no tokens and no Redis")
    sub.add_parser("console", help="an interactive local room")
    p_val = sub.add_parser("validate", help="validate playbooks and the deployment config")
    p_val.add_argument("paths", nargs="*")
    p_sim = sub.add_parser("simulate", help="run a playbook on a virtual clock")
    p_sim.add_argument("playbook")
    p_sim.add_argument("--blm")
    p_sim.add_argument("--set", dest="params", action="append", default=[], metavar="KEY=VALUE")
    p_sim.add_argument("--answer", dest="answers", action="append", default=[], metavar="STEP=TEXT")
    p_sim.add_argument("--ack", choices=["all", "none"], default="none")
    p_sim.add_argument("--lang", choices=["en", "es"], default="en")
    p_rep = sub.add_parser("report", help="an incident's report, or an advisory as CAP")
    p_rep.add_argument("id")
    p_rep.add_argument("--format", choices=["md", "json", "cap"], default="md")
    p_rep.add_argument("--lang", choices=["en", "es"], default="en")
    sub.add_parser("schema", help="print the playbook JSON Schema")
    args = parser.parse_args(argv)

    settings = _settings()
    from bot.logs import setup_logging

    quiet = args.command in ("demo", "console", "validate", "simulate", "report", "schema")
    setup_logging("WARNING" if quiet else settings.log_level, settings.log_format, _secrets(settings))

    if args.command == "serve":
        asyncio.run(run_serve(settings, args.no_worker))
        return 0
    if args.command == "worker":
        asyncio.run(run_worker(settings))
        return 0
    if args.command == "demo":
        from handlers.console.demo import run_demo

        return asyncio.run(run_demo())
    if args.command == "console":
        from handlers.console.repl import run_console

        return asyncio.run(run_console(settings))
    if args.command == "validate":
        return cmd_validate(args.paths, settings)
    if args.command == "report" and args.format == "cap":  # an advisory the bot issued, as CAP 1.2
        from bot.advisories.report import run_cap_report

        return asyncio.run(run_cap_report(args.id, settings))
    if args.command in ("simulate", "report", "schema"):
        try:
            from bot.engine import cli as engine_cli
        except ModuleNotFoundError:
            print(f"{args.command}: the playbook engine is not installed in this build", file=sys.stderr)
            return 2
        return engine_cli.run(args, settings)
    return 2
