"""One advisory model for every source (NWS GeoJSON, CAP 1.1/1.2 feeds, people posting).

Parsers normalise into these classes so matching, posting and playbooks never care where an alert
came from. Times are aware and converted to UTC on the way in; a naive time is rejected because
guessing a zone for an alert time is how "expired" alerts get posted or live ones get dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

Source = Literal["nws", "cap", "people"]
Status = Literal["Actual", "Exercise", "System", "Test", "Draft"]
MsgType = Literal["Alert", "Update", "Cancel", "Ack", "Error"]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must carry a UTC offset")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
LatLon = tuple[float, float]


def alert_key(sender: str, identifier: str) -> str:
    """One alert message's identity across senders: CAP's `sender,identifier`. CAP forbids commas
    in both; an issuer that uses one anyway gets it percent-encoded, so two keys never collide."""

    def part(text: str) -> str:
        return text.replace("%", "%25").replace(",", "%2C")

    return f"{part(sender)},{part(identifier)}"


def expired_references(parameters: dict[str, list[str]]) -> list[Reference]:
    """NWS's `expiredReferences` parameter ("sender,identifier,sent" triples, space-separated) ->
    References; a malformed triple is skipped (a hint, never a reason to drop the alert)."""
    out: list[Reference] = []
    for value in parameters.get("expiredReferences") or []:
        for token in value.split():
            parts = token.split(",")
            if len(parts) != 3:
                continue
            try:
                sent = parse_time(parts[2])
                if sent is not None:
                    out.append(Reference(sender=parts[0], identifier=parts[1], sent=sent))
            except ValueError:
                continue
    return out


def hazard_end(ends: str | None, parameters: dict[str, list[str]]) -> datetime | None:
    """The hazard's end: the given `ends`, else NWS's `eventEndingTime` parameter, else None."""
    if ends and ends.strip():
        return parse_time(ends)
    for value in parameters.get("eventEndingTime") or []:
        try:
            return parse_time(value)
        except ValueError:
            continue  # a parameter is a hint: a bad one is ignored, never the alert
    return None


def parse_time(text: str | None) -> datetime | None:
    """ISO 8601 with offset (CAP's `-00:00`, NWS's `-08:00`, or `Z`) -> aware UTC; blank -> None."""
    if text is None or not text.strip():
        return None
    return _utc(datetime.fromisoformat(text.strip()))


class Reference(BaseModel):
    """One earlier message this one updates or cancels (CAP `sender,identifier,sent`)."""

    sender: str
    identifier: str
    sent: UtcDatetime


class Area(BaseModel):
    """Polygons are lists of (lat, lon) -- CAP order, not GeoJSON's (lon, lat)."""

    desc: str = ""
    polygons: list[list[LatLon]] = Field(default_factory=list)
    circles: list[tuple[float, float, float]] = Field(default_factory=list)  # lat, lon, radius_km
    geocodes: dict[str, list[str]] = Field(default_factory=dict)  # SAME, UGC, FIPS6, ...

    @model_validator(mode="after")
    def _plausible_geometry(self) -> Area:
        """Out-of-range coordinates usually mean lat/lon were swapped: refuse rather than mis-match."""
        points = [p for ring in self.polygons for p in ring] + [(c[0], c[1]) for c in self.circles]
        for lat, lon in points:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"coordinate out of range: {lat},{lon}")
        for ring in self.polygons:
            if len(set(ring)) < 3:
                raise ValueError("polygon needs at least 3 distinct points")
        if any(c[2] < 0 for c in self.circles):
            raise ValueError("circle radius must not be negative")
        return self


class AdvisoryInfo(BaseModel):
    """One language's text of an alert (CAP `<info>`)."""

    language: str = "en-US"  # as written: en-US, es-US, es-419 ...
    event: str = Field(min_length=1)
    categories: list[str] = Field(default_factory=list)
    urgency: str = "Unknown"
    severity: str = "Unknown"
    certainty: str = "Unknown"
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    effective: UtcDatetime | None = None
    onset: UtcDatetime | None = None
    # When the hazard itself ends (NWS `ends`, or the `eventEndingTime` parameter of NWS CAP). Not
    # `expires`, which is when this message lapses: NWS re-issues a warning that runs until 8 PM
    # every few hours, each message expiring long before the heat does.
    ends: UtcDatetime | None = None
    expires: UtcDatetime | None = None
    sender_name: str | None = None
    web: str | None = None
    parameters: dict[str, list[str]] = Field(default_factory=dict)
    event_codes: dict[str, list[str]] = Field(default_factory=dict)
    areas: list[Area] = Field(default_factory=list)

    @property
    def category(self) -> str | None:
        """The first category; CAP allows several, NWS sends one."""
        return self.categories[0] if self.categories else None

    def speaks(self, lang: str) -> bool:
        """True if written in `lang` ("es" matches es-US, es-419, es-MX ...)."""
        written = self.language.strip().lower()
        return written == lang or written.startswith(lang + "-")


class Advisory(BaseModel):
    source: Source
    identifier: str = Field(min_length=1)
    sender: str = Field(min_length=1)
    sent: UtcDatetime
    status: Status
    msg_type: MsgType
    scope: str = "Public"
    references: list[str] = Field(default_factory=list)  # identifiers of earlier messages
    reference_details: list[Reference] = Field(default_factory=list)  # same, with sender and sent
    # Earlier messages of the same hazard that NWS no longer lists in `references` once they have
    # expired (its `expiredReferences` parameter): a new Alert for a continuing warning names its
    # predecessors only there, so the chain is found through them too (same sender only).
    expired_references: list[Reference] = Field(default_factory=list)
    infos: list[AdvisoryInfo] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_cover_details(self) -> Advisory:
        for ref in self.reference_details:
            if ref.identifier not in self.references:
                self.references.append(ref.identifier)
        return self

    # ---- identity: (sender, identifier) -----------------------------------------------------
    # CAP identifies a message by its sender and identifier together (and forbids commas in both,
    # so "sender,identifier" -- CAP's own reference form without the time -- is unambiguous).
    # Two senders may use the same identifier; an Update or Cancel counts only for its own
    # sender's messages, so a stranger's Cancel naming an alert cancels nothing.
    @property
    def key(self) -> str:
        return alert_key(self.sender, self.identifier)

    def _own_references(self) -> tuple[list[Reference], list[str]]:
        """The references that count: those from this message's own sender, and bare identifiers
        (a malformed reference without sender and time is taken to be the sender's own)."""
        detailed = {r.identifier for r in self.reference_details}
        own = [r for r in self.reference_details + self.expired_references if r.sender == self.sender]
        bare = [i for i in self.references if i not in detailed]
        return own, bare

    def reference_keys(self) -> list[str]:
        """Keys (`alert_key`) of the earlier messages this one may update or cancel."""
        own, bare = self._own_references()
        return [alert_key(r.sender, r.identifier) for r in own] + [alert_key(self.sender, i) for i in bare]

    @property
    def chain_key(self) -> str:
        """Key of the first message in this chain: the earliest-sent own reference when sent times
        are known, else the first own bare reference, else this message itself.

        NWS lists references in no particular order, hence "earliest sent", not "first listed".
        Only as good as the references: an Update that omits the original starts a new chain.
        """
        return alert_key(self.sender, self.chain_id)

    @property
    def chain_id(self) -> str:
        """The identifier of the chain's first message (its sender is this message's own)."""
        own, bare = self._own_references()
        if own:
            return min(own, key=lambda r: (r.sent, r.identifier)).identifier  # ties: same answer every time
        if bare:
            return bare[0]
        return self.identifier

    def as_reference(self) -> Reference:
        """What a later Update/Cancel puts in its references to point at this advisory."""
        return Reference(sender=self.sender, identifier=self.identifier, sent=self.sent)

    def info_for(self, lang: str) -> AdvisoryInfo | None:
        """The info a reader of `lang` ("en" or "es") should see; the first info if none matches."""
        lang = lang.strip().lower()
        for info in self.infos:
            if info.speaks(lang):
                return info
        return self.infos[0] if self.infos else None

    def event_names(self) -> list[str]:
        """Every event name in every language, so playbook triggers can be written in either."""
        return list(dict.fromkeys(info.event for info in self.infos))

    @property
    def expires(self) -> datetime | None:
        times = [info.expires for info in self.infos if info.expires is not None]
        return max(times) if times else None

    def is_expired(self, now: datetime) -> bool:
        """True once past the latest `expires`; never for an advisory without one."""
        expires = self.expires
        return expires is not None and _utc(now) >= expires


@dataclass
class ParseResult:
    """What a parser got: the good advisories, and one readable line per thing it had to skip."""

    advisories: list[Advisory] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def describe_error(exc: Exception) -> str:
    """A one-line reason for a problem list (pydantic's default message spans many lines)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            parts = [f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in errors()]
            return "; ".join(parts)
        except Exception:  # noqa: BLE001 - fall through to str()
            pass
    return f"{type(exc).__name__}: {exc}"
