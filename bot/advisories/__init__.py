"""Weather advisories: parse NWS and CAP alerts into one model, match them to BLMs, publish them to
both rooms of each BLM, start playbooks, and write what the bot issued as CAP.

The domain object the runtime builds is `bot.advisories.domain.Advisories`."""

from bot.advisories.model import Advisory, AdvisoryInfo, Area, ParseResult, Reference
from bot.advisories.people import advisory_cap_xml

__all__ = ["Advisory", "AdvisoryInfo", "Area", "ParseResult", "Reference", "advisory_cap_xml"]
