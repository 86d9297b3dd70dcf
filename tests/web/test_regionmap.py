"""The sub-region map's projection: equirectangular with cos(latitude) scaling, north up, fitted to the box."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from planwatch.web.regionmap import fit, path_d, region_map

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "geo" / "test_county_towns.geojson"


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def test_a_degree_square_at_the_equator_stays_square() -> None:
    p = fit([square(10, 0, 1)], width=200, max_height=400, pad=0)
    assert p is not None
    (x0, y0), (x1, y1) = p.point(10, 0), p.point(11, 1)
    assert math.isclose(x1 - x0, 200) and math.isclose(y0 - y1, 200, rel_tol=1e-2)


def test_longitudes_shrink_by_cos_latitude() -> None:
    p = fit([square(10, 59.5, 1)], width=200, max_height=1000, pad=0)  # centred on 60°N: cos = 0.5
    assert p is not None
    (x0, y0), (x1, y1) = p.point(10, 59.5), p.point(11, 60.5)
    assert math.isclose((y0 - y1) / (x1 - x0), 1 / math.cos(math.radians(60)), rel_tol=1e-6)
    assert math.isclose(p.height, 400, rel_tol=1e-6)


def test_north_is_up_east_is_right_and_everything_fits() -> None:
    shapes = [json.loads(FIXTURE.read_text(encoding="utf-8"))["features"][i]["geometry"] for i in range(3)]
    shapes = [s if s["type"] == "MultiPolygon" else {"type": "MultiPolygon", "coordinates": [s["coordinates"]]}
              for s in shapes]
    p = fit(shapes, width=560, max_height=420, pad=8)
    assert p is not None and p.height <= 420
    assert p.point(104, 31.6)[1] < p.point(104, 31.3)[1]  # north up
    assert p.point(104.3, 31.5)[0] > p.point(103.8, 31.5)[0]  # east right
    for s in shapes:
        for x, y in re.findall(r"([\d.]+),([\d.]+)", path_d(s, p)):
            assert -0.1 <= float(x) <= 560.1 and -0.1 <= float(y) <= p.height + 0.1


def test_a_tall_shape_is_bounded_by_the_height() -> None:
    p = fit([square(10, 0, 1), square(10, 5, 1)], width=560, max_height=300, pad=0)
    assert p is not None and math.isclose(p.height, 300)
    assert p.point(11, 0)[0] - p.point(10, 0)[0] < 560


def test_points_closer_than_half_a_pixel_are_dropped() -> None:
    ring = [[0.0, 0.0]] + [[i * 1e-6, 0.0] for i in range(1, 500)] + [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    shape = {"type": "MultiPolygon", "coordinates": [[ring]]}
    p = fit([shape], width=100, pad=0)
    assert p is not None
    assert path_d(shape, p).count("L") < 10


def test_nothing_to_draw() -> None:
    assert fit([]) is None
    assert region_map([{"code": "1", "name": "x", "css": "st-nodata", "status": "未报送", "href": "/"}], {},
                      label="map") == ""


@pytest.mark.parametrize("name", ["<b>镇</b>"])
def test_names_are_escaped(name: str) -> None:
    svg = region_map([{"code": "1", "name": name, "css": "st-lagging", "status": "滞后", "href": "/x?a=1&b=2"}],
                     {"1": square(0, 0, 1)}, label="map")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a=1&amp;b=2" in svg
