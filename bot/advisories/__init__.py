"""Weather advisories: parse NWS and CAP alerts into one model, match them to BLMs, publish them to
both rooms of each BLM, start playbooks, and write what the bot issued as CAP."""

from bot.advisories.model import Advisory, AdvisoryInfo, Area, ParseResult, Reference

__all__ = ["Advisory", "AdvisoryInfo", "Area", "ParseResult", "Reference", "register", "add_routes", "advisory_cap_xml"]


def register(runtime) -> None:
    """Called by `Runtime._plug_in_domains`: texts, commands, and the poller loop (when polling is on).
    The service is kept as `runtime.advisory_service`."""
    import bot.commands.advisory  # noqa: F401  (registers /advisory and /advisory post)
    from bot.advisories import messages  # noqa: F401  (registers the texts)
    from bot.advisories.service import AdvisoryService

    service = AdvisoryService(runtime.core, runtime.settings)
    runtime.advisory_service = service
    if float(runtime.settings.advisory_poll_seconds or 0) > 0:
        runtime.extra_loops.append(service.run)


def add_routes(app) -> None:
    from bot.advisories.http import add_routes as _add

    _add(app)


async def advisory_cap_xml(redis, identifier: str) -> bytes:
    from bot.advisories.people import advisory_cap_xml as _cap

    return await _cap(redis, identifier)
