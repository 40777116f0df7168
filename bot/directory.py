"""The Border Liaison Mechanisms, shipped as data; a deployment may add or override entries.

Ids are lower-case US-city slugs; the Mexican city's slug is an accepted alias. Slugs are ASCII
with accents folded, so "Ciudad Acuña", "ciudad-acuña" and "acuna" all find del-rio.

Which BLMs exist (review D1, December 2026). No public source lists the mechanisms. BLMs date from
1993 and are chaired by the consuls of each sister-city pair (https://tamiu.edu./binationalcenter/BLM.shtml);
Mexico has 12 consulates in the border zone (https://beyondbordersnews.com/es_MX/los-consulados-de-frontera/),
so Yuma – San Luis Río Colorado and Presidio – Ojinaga (Mexican consulates in Yuma and Presidio) are
likely mechanisms too, and a "BLM for the New Mexico and Chihuahua region" met in 2005
(http://www.usembassy-mexico.gov/eng/releases/ep050824BLM.html). None of the three could be confirmed,
so they are not shipped: a deployment adds them (or corrects any entry) under `directory:` in its YAML
(see `configure` and README "BLM directory"), e.g. for Yuma: Yuma, AZ / San Luis Río Colorado, Son.,
America/Phoenix / America/Hermosillo, WFO PSR, Yuma County FIPS 04027, UGC AZC027; for Presidio:
Presidio, TX / Ojinaga, Chih., America/Chicago / America/Ojinaga (US Central rules since tzdata 2022g),
WFO MAF, Presidio County FIPS 48377, UGC TXC377.

Consulates (review B20 / A4 / A5). US posts in Mexico, from the Embassy's list of posts
(https://mx.usembassy.gov/services/): consulates general in Tijuana, Nogales, Hermosillo, Ciudad Juárez,
Nuevo Laredo, Matamoros, Monterrey, Guadalajara and Mérida; a consular agency in Piedras Negras; none in
Mexicali, Agua Prieta, Ciudad Acuña or Reynosa. For those four the responsible post is not verified
(`confirmed=False`): texts then say "the US consulate responsible for <city>" and name the likely post
as to be confirmed. Mexican consulates in the ten US cities: Calexico
(https://beyondbordersnews.com/es_MX/los-consulados-de-frontera/), El Paso (usembassy-mexico release above),
Laredo (https://consulmex.sre.gob.mx/laredo/index.php/asuntos-fronterizos/mecanismo-de-enlace-fronterizo),
Eagle Pass and Del Rio (https://archivo.prensa-latina.cu/2023/08/16/mexico-refuerza-proteccion-consular-preventiva-en-texas),
McAllen (https://www.elmanana.com/celebran-consulados-el-aniversario-de-tricarmex/4193070),
Brownsville (https://elvallenoticias.com/conoce-modulo-atencion-del-consulado-mexico-en-puente-nuevo),
San Diego (https://diario.mx/Nacional/2019-01-11_29e906bf/crece-trabajo-por-caravanas-/), Nogales (consulate
general) and Douglas (https://docslib.org/download/8158954/attachment-1-points-of-contact, the Arizona
repatriation arrangement's points of contact).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

PostKind = Literal["consulate_general", "consulate", "consular_agency"]
_KIND_NAMES = {
    "us": {
        "consulate_general": {"en": "US Consulate General", "es": "Consulado General de EUA"},
        "consulate": {"en": "US Consulate", "es": "Consulado de EUA"},
        "consular_agency": {"en": "US Consular Agency", "es": "Agencia Consular de EUA"},
    },
    "mx": {
        "consulate_general": {"en": "Consulate General of Mexico", "es": "Consulado General de México"},
        "consulate": {"en": "Consulate of Mexico", "es": "Consulado de México"},
        "consular_agency": {"en": "Consular Agency of Mexico", "es": "Agencia Consular de México"},
    },
}


@dataclass(frozen=True)
class Consulate:
    """A consular post that serves one side of a BLM: whose (us/mx), where, what kind."""

    country: Literal["us", "mx"]
    city: str
    kind: PostKind = "consulate"
    confirmed: bool = True  # False: the post responsible is believed, not verified

    def name(self, lang: str, served_city: str = "", article: Literal["the", "to"] = "the") -> str:
        """'the US Consulate General in Tijuana' / 'el Consulado General de EUA en Tijuana'; with
        article 'to', the Spanish contracts ('al Consulado …', 'a la Agencia …'). When unconfirmed:
        the post responsible for the city served, with the likely post to be confirmed."""
        if lang == "es":
            post = f"{_KIND_NAMES[self.country][self.kind]['es']} en {self.city}"
            feminine = self.kind == "consular_agency"
            if self.confirmed or not served_city:
                lead = ("a la " if feminine else "al ") if article == "to" else ("la " if feminine else "el ")
                return lead + post
            whose = "de EUA" if self.country == "us" else "de México"
            lead = "al" if article == "to" else "el"
            return f"{lead} consulado {whose} responsable de {served_city} (probablemente: {post}; por confirmar)"
        post = f"{_KIND_NAMES[self.country][self.kind]['en']} in {self.city}"
        if self.confirmed or not served_city:
            return "the " + post
        whose = "US" if self.country == "us" else "Mexican"
        return f"the {whose} consulate responsible for {served_city} (likely: {post}; to be confirmed)"


@dataclass(frozen=True)
class BLM:
    id: str
    us_city: str
    mx_city: str
    us_tz: str
    mx_tz: str
    us_lat: float
    us_lon: float
    mx_lat: float
    mx_lon: float
    nws_office: str
    county: str
    fips: str  # 5-digit state+county FIPS
    ugc: str  # county UGC, e.g. TXC479
    prefix: str  # incident id prefix, e.g. NOG
    aliases: tuple[str, ...] = field(default=())
    us_consulate: Consulate | None = None  # the US post serving the Mexican city
    mx_consulate: Consulate | None = None  # the Mexican post in the US city

    @property
    def same(self) -> str:
        """SAME geocode: '0' + FIPS."""
        return "0" + self.fips

    @property
    def us_zone(self) -> ZoneInfo:
        return ZoneInfo(self.us_tz)

    @property
    def mx_zone(self) -> ZoneInfo:
        return ZoneInfo(self.mx_tz)

    def name(self, lang: str = "en") -> str:
        return f"{self.us_city} – {self.mx_city}" if lang == "en" else f"{self.mx_city} – {self.us_city}"

    def us_consulate_name(self, lang: str, article: Literal["the", "to"] = "the") -> str:
        """The US post to notify for the Mexican city, in `lang`, with its article."""
        if self.us_consulate is None:
            lead = "al" if article == "to" else "el"
            return (
                f"{lead} consulado de EUA responsable de {self.mx_city}"
                if lang == "es"
                else f"the US consulate responsible for {self.mx_city}"
            )
        return self.us_consulate.name(lang, self.mx_city, article)

    def mx_consulate_name(self, lang: str, article: Literal["the", "to"] = "the") -> str:
        """The Mexican post to notify in the US city, in `lang`, with its article."""
        if self.mx_consulate is None:
            lead = "al" if article == "to" else "el"
            return (
                f"{lead} consulado de México responsable de {self.us_city}"
                if lang == "es"
                else f"the Mexican consulate responsible for {self.us_city}"
            )
        return self.mx_consulate.name(lang, self.us_city, article)


def _us(city: str, kind: PostKind = "consulate_general", confirmed: bool = True) -> Consulate:
    return Consulate("us", city, kind, confirmed)


def _mx(city: str, kind: PostKind = "consulate") -> Consulate:
    return Consulate("mx", city, kind)


_SHIPPED: tuple[BLM, ...] = (
    BLM(
        "san-diego",
        "San Diego, CA",
        "Tijuana, B.C.",
        "America/Los_Angeles",
        "America/Tijuana",
        32.716,
        -117.161,
        32.515,
        -117.038,
        "SGX",
        "San Diego",
        "06073",
        "CAC073",
        "SDT",
        ("tijuana",),
        _us("Tijuana"),
        _mx("San Diego", "consulate_general"),
    ),
    BLM(
        "calexico",
        "Calexico, CA",
        "Mexicali, B.C.",
        "America/Los_Angeles",
        "America/Tijuana",
        32.679,
        -115.499,
        32.625,
        -115.452,
        "PSR",
        "Imperial",
        "06025",
        "CAC025",
        "CAL",
        ("mexicali",),
        _us("Tijuana", confirmed=False),
        _mx("Calexico"),
    ),
    BLM(
        "nogales",
        "Nogales, AZ",
        "Nogales, Son.",
        "America/Phoenix",
        "America/Hermosillo",
        31.340,
        -110.934,
        31.309,
        -110.942,
        "TWC",
        "Santa Cruz",
        "04023",
        "AZC023",
        "NOG",
        (),
        _us("Nogales"),
        _mx("Nogales", "consulate_general"),
    ),
    BLM(
        "douglas",
        "Douglas, AZ",
        "Agua Prieta, Son.",
        "America/Phoenix",
        "America/Hermosillo",
        31.345,
        -109.545,
        31.328,
        -109.549,
        "TWC",
        "Cochise",
        "04003",
        "AZC003",
        "DOU",
        ("agua-prieta",),
        _us("Hermosillo", confirmed=False),
        _mx("Douglas"),
    ),
    BLM(
        "el-paso",
        "El Paso, TX",
        "Ciudad Juárez, Chih.",
        "America/Denver",
        "America/Ciudad_Juarez",
        31.762,
        -106.485,
        31.690,
        -106.425,
        "EPZ",
        "El Paso",
        "48141",
        "TXC141",
        "ELP",
        ("ciudad-juarez", "juarez"),
        _us("Ciudad Juárez"),
        _mx("El Paso", "consulate_general"),
    ),
    BLM(
        "del-rio",
        "Del Rio, TX",
        "Ciudad Acuña, Coah.",
        "America/Chicago",
        "America/Matamoros",
        29.363,
        -100.897,
        29.323,
        -100.952,
        "EWX",
        "Val Verde",
        "48465",
        "TXC465",
        "DRT",
        ("ciudad-acuna", "acuna"),
        _us("Piedras Negras", "consular_agency", confirmed=False),
        _mx("Del Rio"),
    ),
    BLM(
        "eagle-pass",
        "Eagle Pass, TX",
        "Piedras Negras, Coah.",
        "America/Chicago",
        "America/Matamoros",
        28.709,
        -100.500,
        28.700,
        -100.523,
        "EWX",
        "Maverick",
        "48323",
        "TXC323",
        "EGP",
        ("piedras-negras",),
        _us("Piedras Negras", "consular_agency", confirmed=False),
        _mx("Eagle Pass"),
    ),
    BLM(
        "laredo",
        "Laredo, TX",
        "Nuevo Laredo, Tamps.",
        "America/Chicago",
        "America/Matamoros",
        27.531,
        -99.480,
        27.476,
        -99.516,
        "CRP",
        "Webb",
        "48479",
        "TXC479",
        "LRD",
        ("nuevo-laredo",),
        _us("Nuevo Laredo"),
        _mx("Laredo", "consulate_general"),
    ),
    BLM(
        "mcallen",
        "McAllen, TX",
        "Reynosa, Tamps.",
        "America/Chicago",
        "America/Matamoros",
        26.203,
        -98.230,
        26.051,
        -98.298,
        "BRO",
        "Hidalgo",
        "48215",
        "TXC215",
        "MFE",
        ("reynosa",),
        _us("Matamoros", confirmed=False),
        _mx("McAllen"),
    ),
    BLM(
        "brownsville",
        "Brownsville, TX",
        "Matamoros, Tamps.",
        "America/Chicago",
        "America/Matamoros",
        25.902,
        -97.498,
        25.869,
        -97.503,
        "BRO",
        "Cameron",
        "48061",
        "TXC061",
        "BRO",
        ("matamoros",),
        _us("Matamoros"),
        _mx("Brownsville"),
    ),
)


def slugify(text: str) -> str:
    """ASCII slug with accents folded: 'Ciudad Acuña' -> 'ciudad-acuna'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


# The directory in use: the shipped entries plus a deployment's additions and overrides. A list
# changed in place by `configure`, so modules that hold it (e.g. as a default argument) see changes.
BLMS: list[BLM] = list(_SHIPPED)
_BY_SLUG: dict[str, BLM] = {}

_FLOATS = ("us_lat", "us_lon", "mx_lat", "mx_lon")
_REQUIRED_NEW = ("us_city", "mx_city", "us_tz", "mx_tz", *_FLOATS, "nws_office", "county", "fips", "ugc", "prefix")
_FIELDS = {f.name for f in dataclasses.fields(BLM)} - {"id"}


def _index() -> None:
    _BY_SLUG.clear()
    for blm in BLMS:
        _BY_SLUG[blm.id] = blm
        for alias in blm.aliases:
            _BY_SLUG.setdefault(slugify(alias), blm)


def _consulate(country: Literal["us", "mx"], value: Any, where: str) -> Consulate | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("city"), str) or not value["city"].strip():
        raise ValueError(f"{where}: a consulate is a mapping with city (and kind, confirmed)")
    unknown = set(value) - {"city", "kind", "confirmed"}
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r} (use city, kind, confirmed)")
    kind = value.get("kind", "consulate")
    if kind not in _KIND_NAMES[country]:
        raise ValueError(f"{where}: kind must be one of {', '.join(_KIND_NAMES[country])}")
    return Consulate(country, value["city"].strip(), kind, bool(value.get("confirmed", True)))


def _entry(blm_id: str, values: dict, base: BLM | None) -> BLM:
    """A BLM from a deployment's `directory:` entry (all fields for a new one, any for an override)."""
    where = f"directory.{blm_id}"
    if not isinstance(values, dict):
        raise ValueError(f"{where}: an entry is a mapping of fields ({', '.join(_REQUIRED_NEW)}, ...)")
    unknown = set(values) - _FIELDS
    if unknown:
        raise ValueError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    if base is None:
        missing = [f for f in _REQUIRED_NEW if f not in values]
        if missing:
            raise ValueError(f"{where}: a new BLM needs {', '.join(missing)}")
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name in _FLOATS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{where}.{name}: a number (decimal degrees)")
            fields[name] = float(value)
        elif name in ("us_consulate", "mx_consulate"):
            fields[name] = _consulate("us" if name == "us_consulate" else "mx", value, f"{where}.{name}")
        elif name == "aliases":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise ValueError(f"{where}.aliases: a list of names")
            fields[name] = tuple(slugify(a) for a in value)
        else:
            if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
                raise ValueError(f"{where}.{name}: text")
            fields[name] = str(value).strip()
    for tz in ("us_tz", "mx_tz"):
        if tz in fields:
            try:
                ZoneInfo(fields[tz])
            except (KeyError, ValueError):
                raise ValueError(f"{where}.{tz}: unknown time zone {fields[tz]!r} (an IANA name)") from None
    if "fips" in fields and not re.fullmatch(r"\d{5}", fields["fips"]):
        raise ValueError(f"{where}.fips: 5 digits (state + county), quoted")
    if "ugc" in fields and not re.fullmatch(r"[A-Z]{2}C\d{3}", fields["ugc"]):
        raise ValueError(f"{where}.ugc: a county UGC like TXC479")
    if base is None:
        return BLM(id=blm_id, **fields)
    return dataclasses.replace(base, **fields)


def configure(entries: dict[str, dict] | None) -> None:
    """Apply a deployment's `directory:` section: each key is a BLM id; an existing id is overridden
    field by field, a new one is added (with every field). Starts again from the shipped entries, so
    calling it twice does not stack. Raises ValueError naming the entry and field."""
    entries = entries or {}
    if not isinstance(entries, dict):
        raise ValueError("directory: a mapping of BLM id -> fields")
    shipped = {b.id: b for b in _SHIPPED}
    result = dict(shipped)
    for raw_id, values in entries.items():
        blm_id = slugify(str(raw_id))
        if not blm_id:
            raise ValueError(f"directory: {raw_id!r} is not a usable id")
        result[blm_id] = _entry(blm_id, values, result.get(blm_id))
    prefixes: dict[str, str] = {}
    for blm in result.values():
        if blm.prefix in prefixes:
            raise ValueError(f"directory: prefix {blm.prefix!r} is used by {prefixes[blm.prefix]} and {blm.id}")
        prefixes[blm.prefix] = blm.id
    BLMS[:] = list(result.values())
    _index()


def reset() -> None:
    """Back to the shipped directory (tests; a deployment without `directory:`)."""
    configure(None)


_index()


def find_blm(name: str) -> BLM | None:
    """The BLM for an id or alias in any spelling, or None."""
    return _BY_SLUG.get(slugify(name))


def get_blm(name: str) -> BLM:
    blm = find_blm(name)
    if blm is None:
        raise KeyError(name)
    return blm


def blm_ids(names) -> list[str]:
    """Ids for BLM names in any accepted spelling; ValueError naming the first unknown one."""
    out = []
    for name in names:
        blm = find_blm(str(name))
        if blm is None:
            raise ValueError(f"unknown BLM {name!r}")
        out.append(blm.id)
    return out
