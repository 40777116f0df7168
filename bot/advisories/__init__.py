"""Weather advisories: parse NWS and CAP alerts into one model, match them to BLMs, write CAP."""
from bot.advisories.model import Advisory, AdvisoryInfo, Area, ParseResult, Reference

__all__ = ["Advisory", "AdvisoryInfo", "Area", "ParseResult", "Reference"]
