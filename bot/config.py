"""Settings from the environment, and the deployment YAML (`BLM_CONFIG`).

Both are validated up front: a bad value stops start-up with every problem listed as
`file:line: message`, never a traceback.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.directory import BLMS, blm_ids, find_blm
from bot.directory import configure as configure_directory
from bot.model import Lang, Role, Side
from bot.yamlload import PROBLEM_LINE, LoadedYaml, YamlProblem, format_pydantic_errors, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
E164 = re.compile(r"\+[1-9][0-9]{7,14}")


class Settings(BaseSettings):
    """Environment variables (names fixed by the product spec)."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    slack_bot_token: SecretStr | None = Field(None, description="Slack bot token (xoxb-…)")
    slack_signing_secret: SecretStr | None = Field(None, description="Slack request signing secret")
    slack_app_token: SecretStr | None = Field(None, description="If set, Slack Socket Mode instead of HTTP")
    slack_api_url: str = Field("https://slack.com/api/", description="Slack Web API base URL")
    telegram_bot_token: SecretStr | None = Field(None, description="Telegram bot token")
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API server root")
    telegram_webhook_url: str | None = Field(None, description="Public webhook URL; unset = long polling")
    telegram_webhook_secret: SecretStr | None = Field(None, description="X-Telegram-Bot-Api-Secret-Token")
    redis_url: SecretStr | None = Field(None, description="Redis URL; unset = embedded in-process store")
    blm_config: Path | None = Field(None, description="Deployment YAML; default blm.yaml if present")
    playbooks_dir: Path = Field(PROJECT_ROOT / "playbooks", description="Playbook folder")
    nws_api_url: str = Field("https://api.weather.gov", description="NWS API root")
    nws_user_agent: str = Field("blm-bot (operator not configured)", description="User-Agent sent to NWS")
    cap_feeds: str = Field("", description="Comma-separated CAP / Atom feed URLs")
    advisory_poll_seconds: float = Field(120, ge=0, description="Advisory polling period; 0 = off")
    telegram_group_msgs_per_min: float = Field(20, gt=0)
    telegram_msgs_per_sec: float = Field(30, gt=0)
    slack_channel_msgs_per_sec: float = Field(1, gt=0)
    worker_port: int = Field(9090, ge=0, le=65535)
    public_url: str | None = Field(None, description="Public base URL for board sign-in links and Twilio callbacks")
    twilio_account_sid: SecretStr | None = Field(None, description="Twilio account SID (AC…); unset = no calls")
    twilio_auth_token: SecretStr | None = Field(None, description="Twilio auth token; also checks callback signatures")
    twilio_from_number: SecretStr | None = Field(None, description="Twilio caller number, E.164")
    twilio_api_url: str = Field("https://api.twilio.com", description="Twilio REST API root")
    report_signing_key: Path | None = Field(
        None, description="Ed25519 private key (PEM) for evidence bundles; unset = one kept in Redis"
    )
    host: str = "0.0.0.0"
    port: int = Field(8080, ge=0, le=65535)
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "text"

    @field_validator(
        "blm_config",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "telegram_bot_token",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "redis_url",
        "public_url",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from_number",
        "report_signing_key",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, v):
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("slack_api_url")
    @classmethod
    def _slash(cls, v: str) -> str:
        # slack-sdk joins method names with urljoin: without the slash the last segment is lost.
        return v if v.endswith("/") else v + "/"

    @field_validator("telegram_api_url", "nws_api_url", "twilio_api_url", "public_url")
    @classmethod
    def _no_slash(cls, v: str | None) -> str | None:
        return v.rstrip("/") if v else v

    @property
    def cap_feed_urls(self) -> list[str]:
        return [u.strip() for u in self.cap_feeds.split(",") if u.strip()]

    def deployment_path(self) -> Path | None:
        if self.blm_config:
            return self.blm_config
        default = Path("blm.yaml")
        return default if default.exists() else None

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def alarm_enabled(self) -> bool:
        """The telephone alarm needs Twilio's three values and a public URL for its callbacks."""
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number and self.public_url)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CentralConfig(_Strict):
    slack_channel: str | None = None
    telegram_chat: int | None = None


class BLMRooms(_Strict):
    slack_channel: str | None = None
    telegram_chat: int | None = None
    slack_lang: Lang = "en"
    telegram_lang: Lang = "es"


class PersonConfig(_Strict):
    name: str = Field(min_length=1)
    slack_user: str | None = None
    telegram_user: int | None = None
    role: Role = Role.member
    blms: list[str] = Field(default_factory=list)
    lang: Lang | None = None
    side: Side | None = None
    agency: str | None = None
    phone: str | None = Field(None, description="E.164 number the telephone alarm calls, e.g. +526311234567")

    @field_validator("phone")
    @classmethod
    def _e164(cls, v: str | None) -> str | None:
        if v is None:
            return v
        cleaned = v.strip()
        if not E164.fullmatch(cleaned):
            raise ValueError("phone must be E.164: a + and 8 to 15 digits, no spaces (e.g. +526311234567)")
        return cleaned

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, v):
        if isinstance(v, str):
            try:
                return Role.parse(v)
            except KeyError:
                raise ValueError("role must be one of member, liaison, coordinator, central") from None
        return v

    @field_validator("blms")
    @classmethod
    def _known_blms(cls, v: list[str]) -> list[str]:
        return blm_ids(v)

    @model_validator(mode="after")
    def _ids_and_blms(self):
        if not self.slack_user and self.telegram_user is None:
            raise ValueError("a person needs slack_user or telegram_user")
        if self.role != Role.central and not self.blms:
            raise ValueError("blms is required except for role central")
        return self


SEVERITIES = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")


class AdvisoriesConfig(_Strict):
    """Optional `advisories:` section: which source alerts are posted (people's are always posted)."""

    min_severity: Literal["Unknown", "Minor", "Moderate", "Severe", "Extreme"] = Field(
        "Unknown", description="Post alerts of this severity or higher (Unknown = all)"
    )
    events_allow: list[str] = Field(
        default_factory=list, description="If not empty, only these events (case-insensitive)"
    )
    events_deny: list[str] = Field(default_factory=list, description="Never these events (case-insensitive)")


class Deployment(_Strict):
    # safety branch: BLM directory additions/overrides (bot.directory.configure), applied first
    directory: dict[str, dict] = Field(
        default_factory=dict, description="Add or override BLM directory entries (see README, BLM directory)"
    )
    central: CentralConfig | None = None
    blms: dict[str, BLMRooms] = Field(default_factory=dict)
    people: list[PersonConfig] = Field(default_factory=list)
    retention_days: int = Field(365, ge=1, description="How long incidents and timelines are kept")
    message_map_days: int = Field(90, ge=1, description="How long relayed message ids are mapped")
    advisories: AdvisoriesConfig = Field(default_factory=AdvisoriesConfig)

    @field_validator("directory")
    @classmethod
    def _apply_directory(cls, v):
        # fields are validated in order: this runs before `blms` and `people`, which may name the
        # BLMs it adds
        if v:
            configure_directory(v)
        return v

    @field_validator("blms", mode="before")
    @classmethod
    def _canonical_ids(cls, v):
        if not isinstance(v, dict):
            return v
        out = {}
        for name, rooms in v.items():
            blm = find_blm(str(name))
            if blm is None:
                raise ValueError(f"unknown BLM {name!r} (use an id or alias from the directory)")
            if blm.id in out:
                raise ValueError(f"BLM {blm.id!r} configured twice")
            out[blm.id] = rooms
        return out

    @model_validator(mode="after")
    def _rooms_unique(self, info: ValidationInfo):
        if info.context and info.context.get("lines_checked"):
            return self  # deployment_from_loaded checked this already, with the lines
        problems = _duplicate_rooms_and_people(self.model_dump())
        if problems:
            raise ValueError(problems[0][1])
        return self


def _duplicate_rooms_and_people(data: dict) -> list[tuple[tuple, str]]:
    """(where, message) for every room used twice and every person id listed twice."""
    found: list[tuple[tuple, str]] = []
    seen: dict[str, str] = {}
    rooms: list[tuple[tuple, str, object]] = [(("central",), "central", data.get("central"))]
    rooms += [(("blms", name), name, r) for name, r in (data.get("blms") or {}).items()]
    for path, owner, r in rooms:
        if not isinstance(r, dict):
            continue
        for field_name, platform in (("slack_channel", "slack"), ("telegram_chat", "telegram")):
            if r.get(field_name) is None:
                continue
            room = f"{platform}:{r[field_name]}"
            if room in seen:
                found.append((path + (field_name,), f"room {room} is used by both {seen[room]} and {owner}"))
            else:
                seen[room] = owner
    people: dict[str, str] = {}
    for i, p in enumerate(data.get("people") or []):
        if not isinstance(p, dict):
            continue
        for field_name, platform in (("slack_user", "slack"), ("telegram_user", "telegram")):
            if p.get(field_name) is None:
                continue
            ident = f"{platform}:{p[field_name]}"
            if ident in people:
                found.append(
                    (("people", i, field_name), f"{ident} is listed for both {people[ident]} and {p.get('name')}")
                )
            else:
                people[ident] = str(p.get("name"))
    return found


class ConfigError(Exception):
    """Every problem found, each `file:line: message`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


DEPLOYMENT_KEYS = tuple(Deployment.model_fields)  # directory, central, blms, people, ...
PLAYBOOK_ONLY_KEYS = {"steps", "triggers", "severity", "parameters", "summary"}


def _close_key(key: object, known=DEPLOYMENT_KEYS) -> str | None:
    matches = difflib.get_close_matches(str(key).lower(), known, n=1, cutoff=0.7)
    return matches[0] if matches else None


def is_deployment_document(data: object) -> bool:
    """Known by its top-level keys, a misspelt one too (`bmls:`), unless it has a playbook's."""
    if not isinstance(data, dict) or PLAYBOOK_ONLY_KEYS & set(data):
        return False
    return any(key in DEPLOYMENT_KEYS or _close_key(key) for key in data)


def parse_deployment(text: str | bytes, filename: str) -> Deployment:
    try:
        loaded = load_yaml(text)
    except YamlProblem as exc:
        raise ConfigError([f"{filename}:{exc.line}: {exc.message}"]) from None
    return deployment_from_loaded(loaded, filename)


def deployment_from_loaded(loaded: LoadedYaml, filename: str) -> Deployment:
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError([f"{filename}:1: the deployment file must be a mapping with blms, central, people"])
    problems = _precheck(loaded, filename)
    _canonicalise_blm_keys(loaded)
    problems += [f"{filename}:{loaded.line_of(where)}: {msg}" for where, msg in _duplicate_rooms_and_people(data)]
    try:
        deployment = Deployment.model_validate(loaded.data, context={"lines_checked": True})
    except ValidationError as exc:
        problems += format_pydantic_errors(filename, loaded, exc)
    if problems:
        raise ConfigError(sorted(set(problems), key=_line_number))
    return deployment


def _line_number(problem: str) -> tuple[int, str]:
    found = PROBLEM_LINE.match(problem)
    return (int(found.group(1)) if found else 0, problem)


def _precheck(loaded: LoadedYaml, filename: str) -> list[str]:
    """What pydantic would report without a useful line, each at its own key, all in one pass:
    unknown top-level keys (with the likely meant one) and unknown or repeated BLM names. The
    offending entries are dropped so the rest of the file is still checked."""
    data = loaded.data
    problems = []
    if "directory" in data:  # first: `blms` and `people` may name the BLMs it adds
        try:
            configure_directory(data["directory"])
        except ValueError as exc:
            problems.append(f"{filename}:{loaded.line_of(('directory',))}: {exc}")
            del data["directory"]
            configure_directory(None)
    else:  # the shipped directory: not what a deployment read before this one added
        configure_directory(None)
    for key in list(data):
        if key not in DEPLOYMENT_KEYS:
            meant = _close_key(key)
            hint = f"; did you mean {meant}?" if meant else f"; the keys are {', '.join(DEPLOYMENT_KEYS)}"
            problems.append(f"{filename}:{loaded.line_of((key,))}: {key}: unknown key{hint}")
            del data[key]
    blms = data.get("blms")
    if isinstance(blms, dict):
        canonical: dict[str, str] = {}
        for name in list(blms):
            blm = find_blm(str(name))
            line = loaded.line_of(("blms", name))
            if blm is None:
                meant = _close_key(name, tuple(n for b in BLMS for n in (b.id, *b.aliases)))
                hint = f"; did you mean {meant}?" if meant else " (use an id or alias from the directory)"
                problems.append(f"{filename}:{line}: blms.{name}: unknown BLM {name!r}{hint}")
                del blms[name]
            elif blm.id in canonical:
                problems.append(
                    f"{filename}:{line}: blms.{name}: BLM {blm.id!r} configured twice (also as {canonical[blm.id]})"
                )
                del blms[name]
            else:
                canonical[blm.id] = str(name)
    return problems


def _canonicalise_blm_keys(loaded: LoadedYaml) -> None:
    """Rename `blms:` keys given as aliases to their ids, moving their line numbers along, so
    errors about `Ciudad Juárez:` still point at the line that says so."""
    blms = loaded.data.get("blms")
    if not isinstance(blms, dict):
        return
    renamed = {}
    for name, rooms in blms.items():
        blm = find_blm(str(name))
        new = blm.id if blm and blm.id not in renamed else name
        if new != name:
            old_prefix = ("blms", name)
            for path in [p for p in loaded.lines if p[:2] == old_prefix]:
                loaded.lines[("blms", new) + path[2:]] = loaded.lines[path]
        renamed[new] = rooms
    loaded.data["blms"] = renamed


def load_deployment(path: Path | None) -> Deployment:
    """The deployment config at `path`, an empty one when there is none. Raises ConfigError."""
    if path is None:
        return Deployment()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}:1: cannot read: {exc.strerror}"]) from None
    return parse_deployment(raw, str(path))
