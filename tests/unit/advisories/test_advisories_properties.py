"""Property tests: point-in-polygon against plain bounds checks; the CAP parser never raises."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.advisories.cap import parse_cap_document
from bot.advisories.matching import haversine_km, point_in_polygon

coord_lat = st.floats(-80, 80, allow_nan=False)
coord_lon = st.floats(-175, 175, allow_nan=False)
size = st.floats(0.001, 5, allow_nan=False)


@given(
    lat0=coord_lat,
    lon0=coord_lon,
    side=size,
    dlat=st.floats(-2, 2, allow_nan=False),
    dlon=st.floats(-2, 2, allow_nan=False),
    clockwise=st.booleans(),
    closed=st.booleans(),
    start=st.integers(0, 3),
)
def test_point_in_square_agrees_with_bounds(lat0, lon0, side, dlat, dlon, clockwise, closed, start):
    lat, lon = lat0 + dlat * side, lon0 + dlon * side
    lat1, lon1 = lat0 + side, lon0 + side
    margin = side * 1e-6
    assume(min(abs(lat - lat0), abs(lat - lat1), abs(lon - lon0), abs(lon - lon1)) > margin)
    ring = [(lat0, lon0), (lat0, lon1), (lat1, lon1), (lat1, lon0)]
    if clockwise:
        ring.reverse()
    ring = ring[start:] + ring[:start]
    if closed:
        ring.append(ring[0])
    expected = lat0 < lat < lat1 and lon0 < lon < lon1
    assert point_in_polygon(lat, lon, ring) == expected


@given(lat=coord_lat, lon=coord_lon)
def test_haversine_zero_and_symmetric(lat, lon):
    assert haversine_km(lat, lon, lat, lon) == 0
    assert abs(haversine_km(lat, lon, lat + 1, lon) - 111.2) < 0.5


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_parse_cap_document_never_raises_on_bytes(data):
    result = parse_cap_document(data)
    assert result.advisories == [] or all(a.identifier for a in result.advisories)


XML_BITS = st.sampled_from(
    [
        "<alert>",
        "</alert>",
        "<feed>",
        "</feed>",
        "<entry>",
        "</entry>",
        "<info>",
        "</info>",
        "<identifier>x</identifier>",
        "<sender>s</sender>",
        "<sent>2026-07-01T12:00:00-00:00</sent>",
        "<sent>garbage</sent>",
        "<status>Actual</status>",
        "<msgType>Alert</msgType>",
        "<event>E</event>",
        "<area>",
        "</area>",
        "<polygon>1,2 3,4 5,6 1,2</polygon>",
        "<polygon>1;2</polygon>",
        "<circle>1,2 x</circle>",
        "<geocode><value>v</value></geocode>",
        "<references>a,b</references>",
        "<references>s,i,bad</references>",
        "&amp;",
        "&lol;",
        "<!DOCTYPE a>",
        "<cap:event>x</cap:event>",
        'xmlns="urn:oasis:names:tc:emergency:cap:1.2"',
    ]
)


@settings(max_examples=300)
@given(st.lists(XML_BITS, max_size=30))
def test_parse_cap_document_never_raises_on_xmlish_soup(bits):
    parse_cap_document("".join(bits).encode())
