from __future__ import annotations

import copy
import json

from bot.advisories.matching import blms_for
from bot.advisories.nws import parse_nws_geojson, problem_message
from bot.directory import get_blm


def _zone(fixtures) -> dict:
    return json.loads((fixtures / "nws-geojson/pynws_alerts_active_zone.json").read_bytes())


def test_same_id_twice_in_one_response_is_kept_once(fixtures):
    doc = _zone(fixtures)
    doc["features"].append(copy.deepcopy(doc["features"][0]))
    result = parse_nws_geojson(json.dumps(doc))
    assert [a.identifier for a in result.advisories] == ["NWS-IDP-PROD-3965873-3369046"]
    assert result.problems == []


def test_bad_feature_is_skipped_and_reported(fixtures):
    doc = _zone(fixtures)
    broken = copy.deepcopy(doc["features"][0])
    broken["properties"]["id"] = "broken-1"
    broken["properties"]["sent"] = "yesterday"
    no_props = {"type": "Feature", "geometry": None}
    doc["features"] = [broken, no_props, *doc["features"]]
    result = parse_nws_geojson(doc)
    assert [a.identifier for a in result.advisories] == ["NWS-IDP-PROD-3965873-3369046"]
    assert len(result.problems) == 2
    assert result.problems[0].startswith("feature 0 (broken-1)")


def test_geometry_polygon_is_swapped_to_lat_lon(fixtures):
    doc = _zone(fixtures)
    ring_lon_lat = [[-106.5, 31.7], [-106.4, 31.7], [-106.4, 31.8], [-106.5, 31.8], [-106.5, 31.7]]
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [ring_lon_lat]}
    [adv] = parse_nws_geojson(doc).advisories
    assert adv.infos[0].areas[0].polygons == [[(lat, lon) for lon, lat in ring_lon_lat]]
    assert [b.id for b in blms_for(adv)] == ["el-paso"]


def test_zone_only_alert_matches_only_the_queried_blm(fixtures):
    doc = _zone(fixtures)
    doc["features"][0]["properties"]["geocode"] = {"UGC": ["TXZ239"], "SAME": []}
    [adv] = parse_nws_geojson(doc).advisories
    assert blms_for(adv) == []
    assert blms_for(adv, queried_blm=get_blm("laredo")) == [get_blm("laredo")]


def test_garbage_is_a_problem_not_an_exception():
    assert parse_nws_geojson(b"\xff\xfe not json").problems
    assert parse_nws_geojson("[1, 2]").problems
    assert parse_nws_geojson({"type": "FeatureCollection", "features": [None, 3, "x"]}).problems
    result = parse_nws_geojson({"type": "FeatureCollection", "features": []})
    assert result.advisories == [] and result.problems == []


def test_problem_json_body_is_readable():
    body = json.dumps(
        {
            "correlationId": "1b2c3d",
            "title": "Bad Request",
            "type": "https://api.weather.gov/problems/BadRequest",
            "status": 400,
            "detail": "Query parameter \"point\" is invalid",
            "parameterErrors": [{"parameter": "point", "message": "Does not match pattern"}],
            "instance": "https://api.weather.gov/requests/1b2c3d",
        }
    ).encode()
    message = problem_message(body)
    assert message.startswith("400 Bad Request")
    assert 'Query parameter "point" is invalid' in message
    assert "point: Does not match pattern" in message
    assert "1b2c3d" in message


def test_problem_message_tolerates_non_json():
    assert problem_message(b"<html>  502 Bad   Gateway</html>") == "<html> 502 Bad Gateway</html>"
    assert problem_message(b"") == "empty error body"
    assert "unknown" in problem_message({})
