"""An advisory's event name in a room's language.

The issuer's own name comes first: a CAP `<info>` in the room's language (OASIS's bilingual example,
SMN's es-419 alerts). NWS writes its alerts in English only, so a Spanish room otherwise gets NWS's
own Spanish name for the product, from the table below; an event not in it is shown as the issuer
wrote it (never guessed word by word: a wrong hazard name is worse than an English one).

Sources of the Spanish names (NWS's own usage, not a machine translation):
- NWS San Juan, the office that issues NWS products in Spanish, defines its heat products in both
  languages at https://www.weather.gov/sju/heat_risk: "Advertencia de Calor" (Heat Advisory),
  "Vigilancia de Calor Excesivo" (Excessive Heat Watch), "Aviso de Calor Excesivo" (Excessive Heat
  Warning). Since March 2025 the products are named Extreme Heat Watch / Warning; the Spanish
  follows the same pattern: "Vigilancia / Aviso de Calor Extremo".
- The terms for the product kinds are NWS's (and FEMA's): Warning = "Aviso", Watch = "Vigilancia",
  Advisory = "Advertencia", Statement = "Comunicado" -- documented in Trujillo-Falcón et al., "¿Aviso
  o Alerta? Developing Effective, Inclusive, and Consistent Watch and Warning Translations for U.S.
  Spanish Speakers", Weather, Climate, and Society (2022), and used in NWS San Juan's Spanish
  products (e.g. its "Comunicado sobre Inundaciones" with "Advertencia de Inundaciones Urbanas y de
  Riachuelos", TJSJ FLSSPN, 2018-10-23; tropical products "Aviso / Vigilancia de Huracán",
  "Aviso / Vigilancia de Tormenta Tropical", "Aviso / Vigilancia de Marejada Ciclónica").
- The hazard nouns for the rest (tornado, flooding, wind, dust, fire weather, winter) are those of
  NWS San Juan's and NWS's Spanish safety pages. Reviewers: change a name here, with its source.
"""

from __future__ import annotations

from bot.advisories.model import Advisory

# NWS event name (as in the API's `event`) -> NWS's Spanish product name.
NWS_SPANISH: dict[str, str] = {
    # heat (weather.gov/sju/heat_risk)
    "Extreme Heat Warning": "Aviso de Calor Extremo",
    "Extreme Heat Watch": "Vigilancia de Calor Extremo",
    "Excessive Heat Warning": "Aviso de Calor Excesivo",
    "Excessive Heat Watch": "Vigilancia de Calor Excesivo",
    "Heat Advisory": "Advertencia de Calor",
    # flooding
    "Flash Flood Warning": "Aviso de Inundaciones Repentinas",
    "Flash Flood Watch": "Vigilancia de Inundaciones Repentinas",
    "Flash Flood Statement": "Comunicado de Inundaciones Repentinas",
    "Flood Warning": "Aviso de Inundaciones",
    "Flood Watch": "Vigilancia de Inundaciones",
    "Flood Advisory": "Advertencia de Inundaciones",
    "Flood Statement": "Comunicado sobre Inundaciones",
    # convective
    "Tornado Warning": "Aviso de Tornado",
    "Tornado Watch": "Vigilancia de Tornado",
    "Severe Thunderstorm Warning": "Aviso de Tormenta Severa",
    "Severe Thunderstorm Watch": "Vigilancia de Tormenta Severa",
    "Severe Weather Statement": "Comunicado de Tiempo Severo",
    "Special Weather Statement": "Comunicado Especial del Tiempo",
    # tropical
    "Hurricane Warning": "Aviso de Huracán",
    "Hurricane Watch": "Vigilancia de Huracán",
    "Tropical Storm Warning": "Aviso de Tormenta Tropical",
    "Tropical Storm Watch": "Vigilancia de Tormenta Tropical",
    "Storm Surge Warning": "Aviso de Marejada Ciclónica",
    "Storm Surge Watch": "Vigilancia de Marejada Ciclónica",
    "Extreme Wind Warning": "Aviso de Viento Extremo",
    # wind, dust, fire weather
    "High Wind Warning": "Aviso de Vientos Fuertes",
    "High Wind Watch": "Vigilancia de Vientos Fuertes",
    "Wind Advisory": "Advertencia de Vientos",
    "Dust Storm Warning": "Aviso de Tormenta de Polvo",
    "Blowing Dust Advisory": "Advertencia de Polvo",
    "Dust Advisory": "Advertencia de Polvo",
    "Red Flag Warning": "Aviso de Bandera Roja",
    "Fire Weather Watch": "Vigilancia de Tiempo de Incendios",
    # winter and cold
    "Winter Storm Warning": "Aviso de Tormenta Invernal",
    "Winter Storm Watch": "Vigilancia de Tormenta Invernal",
    "Winter Weather Advisory": "Advertencia de Tiempo Invernal",
    "Blizzard Warning": "Aviso de Ventisca",
    "Freeze Warning": "Aviso de Congelación",
    "Freeze Watch": "Vigilancia de Congelación",
    "Frost Advisory": "Advertencia de Escarcha",
    "Extreme Cold Warning": "Aviso de Frío Extremo",
    "Extreme Cold Watch": "Vigilancia de Frío Extremo",
    "Cold Weather Advisory": "Advertencia de Frío",
    "Dense Fog Advisory": "Advertencia de Niebla Densa",
    # other
    "Tsunami Warning": "Aviso de Tsunami",
    "Tsunami Watch": "Vigilancia de Tsunami",
    "Tsunami Advisory": "Advertencia de Tsunami",
    "Air Quality Alert": "Alerta de Calidad del Aire",
    "Civil Emergency Message": "Mensaje de Emergencia Civil",
}
_BY_FOLDED = {name.casefold(): spanish for name, spanish in NWS_SPANISH.items()}


def spanish_product_name(event: str) -> str | None:
    """NWS's Spanish name for an English NWS event name (any case, spacing), or None."""
    return _BY_FOLDED.get(" ".join(event.split()).casefold())


def event_name(advisory: Advisory, lang: str) -> str:
    """The event's name for a reader of `lang`: the issuer's own in that language, else (Spanish)
    NWS's Spanish product name, else the name as the issuer wrote it."""
    info = advisory.info_for(lang)
    if info is None:
        return "?"
    if lang != "es" or info.speaks("es"):
        return info.event
    return spanish_product_name(info.event) or info.event
