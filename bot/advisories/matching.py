"""Which BLMs an advisory concerns.

By code: county SAME / FIPS6 (`0` + FIPS) or county UGC (`TXC479`). Public-zone UGCs (`TXZ239`)
are renumbered over time, so they are never matched by code: the NWS poller asks by point and
passes the BLM it asked for as `queried_blm`. By shape: a polygon or circle containing either the
BLM's US or its Mexican coordinates (Mexico's SMN sends polygons with no geocodes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.advisories.model import Advisory, Area
from bot.directory import BLM, BLMS

EARTH_RADIUS_KM = 6371.0088


def blms_for(advisory: Advisory, queried_blm: BLM | None = None, blms: Sequence[BLM] = BLMS) -> list[BLM]:
    """The BLMs the advisory covers, in directory order, each once."""
    areas = [area for info in advisory.infos for area in info.areas]
    return [
        blm
        for blm in blms
        if (queried_blm is not None and blm.id == queried_blm.id) or any(area_covers(area, blm) for area in areas)
    ]


def area_covers(area: Area, blm: BLM) -> bool:
    codes = {name.upper(): {v.strip().upper() for v in values} for name, values in area.geocodes.items()}
    if blm.same in codes.get("SAME", set()) | codes.get("FIPS6", set()):
        return True
    if blm.ugc.upper() in codes.get("UGC", set()):
        return True
    points = ((blm.us_lat, blm.us_lon), (blm.mx_lat, blm.mx_lon))
    for lat, lon in points:
        if any(point_in_polygon(lat, lon, ring) for ring in area.polygons):
            return True
        if any(haversine_km(lat, lon, c_lat, c_lon) <= radius for c_lat, c_lon, radius in area.circles):
            return True
    return False


def point_in_polygon(lat: float, lon: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Ray casting on a (lat, lon) ring, closed or not; lon is x, lat is y.

    Planar, which is fine for alert-sized shapes away from the poles and the antimeridian (the
    border is neither). Points exactly on an edge may fall either way.
    """
    inside = False
    n = len(ring)
    for i in range(n):
        y1, x1 = ring[i]
        y2, x2 = ring[i - 1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
