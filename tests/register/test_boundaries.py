"""Region outlines from a GeoJSON file: imported whole or not at all, every problem named by file,
feature index and field; stored in the register (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from planwatch.register import boundaries as bmod
from planwatch.register.boundaries import boundaries, import_boundaries
from planwatch.register.db import transaction
from planwatch.register.errors import InputError
from planwatch.register.schema import History, Region, RegionBoundary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "geo" / "test_county_towns.geojson"


@pytest.fixture
def towns(engine: Engine) -> Engine:
    with transaction(engine) as s:
        s.add_all([Region(code="990101", name="测试县", level="county"),
                   Region(code="990101001", name="东镇", level="township", parent_code="990101"),
                   Region(code="990101002", name="西镇", level="township", parent_code="990101"),
                   Region(code="990101003", name="南镇", level="township", parent_code="990101")])
    return engine


def _write(tmp_path: Path, data: Any, name: str = "bad.geojson") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _feature(props: dict[str, Any], geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    square = [[[104.0, 31.0], [104.1, 31.0], [104.1, 31.1], [104.0, 31.1], [104.0, 31.0]]]
    return {"type": "Feature", "properties": props, "geometry": geometry or {"type": "Polygon", "coordinates": square}}


def test_the_fixture_imports_by_code_adcode_and_name(towns: Engine) -> None:
    with transaction(towns) as s:
        r = import_boundaries(s, FIXTURE, by="test")
        assert (r.added, r.updated) == (3, 0)
    with transaction(towns) as s:
        got = boundaries(s)
        assert set(got) == {"990101001", "990101002", "990101003"}
        assert all(g["type"] == "MultiPolygon" for g in got.values())
        assert len(got["990101002"]["coordinates"][0]) == 2  # the outer ring and the lake
        assert len(got["990101003"]["coordinates"]) == 2  # two islands
        # re-importing updates in place, and the log records each import (a structure change for caches)
        assert import_boundaries(s, FIXTURE).updated == 3
        assert s.scalar(select(func.count()).select_from(History).where(History.entity == "boundaries")) == 2


@pytest.mark.parametrize(("data", "where"), [
    ("{not json", "第1行第2列 line 1 column 2"),
    ({"type": "Topology"}, "字段 field type"),
    ({"type": "FeatureCollection", "features": []}, "字段 field features"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}), _feature({"名称": "x"})]},
     "第1个要素 feature 1, 字段 field properties.code"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990199999"})]},
     "第0个要素 feature 0, 字段 field properties.code: 登记库中没有这个地区:990199999"),
    ({"type": "FeatureCollection", "features": [_feature({"name": "北镇"})]},
     "第0个要素 feature 0, 字段 field properties.name"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}, {"type": "Point",
                                                                                  "coordinates": [104, 31]})]},
     "第0个要素 feature 0, 字段 field geometry.type"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}, {"type": "Polygon", "coordinates": [
        [[104.0, 31.0], [104.1, 31.0], [104.1, 31.1], [104.0, 31.0]], [[1, 2], [3, 4]]]})]},
     "第0个要素 feature 0, 字段 field geometry.coordinates[1]"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}, {"type": "Polygon", "coordinates": [
        [[404000.0, 3431000.0], [404100.0, 3431000.0], [404100.0, 3431100.0], [404000.0, 3431000.0]]]})]},
     "geometry.coordinates[0][0]: 经纬度超出范围"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}, {"type": "Polygon", "coordinates": [
        [[104.0, 31.0], [104.1, 31.0], [104.1, 31.1], [104.0, 31.2]]]})]},
     "geometry.coordinates[0]: 环未闭合"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}, {"type": "Polygon", "coordinates": [
        [[104.0, 31.0], [104.1, "31"], [104.1, 31.1], [104.0, 31.0]]]})]},
     "geometry.coordinates[0][1]: 坐标应为 [经度, 纬度] 数字对"),
    ({"type": "FeatureCollection", "features": [_feature({"code": "990101001"}), _feature({"name": "东镇"})]},
     "第1个要素 feature 1, 字段 field properties.name: 与第0个要素是同一地区"),
])
def test_bad_input_names_file_feature_and_field_and_writes_nothing(towns: Engine, tmp_path: Path, data: Any,
                                                                     where: str) -> None:
    path = _write(tmp_path, data)
    with transaction(towns) as s, pytest.raises(InputError) as exc:
        import_boundaries(s, path)
    assert str(path) in str(exc.value)
    assert where in str(exc.value)
    with transaction(towns) as s:
        assert s.scalar(select(func.count()).select_from(RegionBoundary)) == 0


def test_one_bad_feature_among_good_ones_writes_nothing(towns: Engine, tmp_path: Path) -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["features"][2]["geometry"]["type"] = "LineString"
    path = _write(tmp_path, data)
    with transaction(towns) as s, pytest.raises(InputError, match="第2个要素 feature 2"):
        import_boundaries(s, path)
    with transaction(towns) as s:
        assert boundaries(s) == {}


def test_size_is_bounded(towns: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bmod, "MAX_POSITIONS", 10)
    with transaction(towns) as s, pytest.raises(InputError, match="坐标点总数超过上限 10"):
        import_boundaries(s, FIXTURE)
    monkeypatch.setattr(bmod, "MAX_BYTES", 100)
    with transaction(towns) as s, pytest.raises(InputError, match="文件过大"):
        import_boundaries(s, FIXTURE)


def test_cli_imports_and_reports_errors(tmp_path: Path) -> None:
    env = {"PLANWATCH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(bmod.__file__).parents[2])}
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name,level,parent_code\n990101,测试县,county,\n990101001,东镇,township,990101\n"
                       "990101002,西镇,township,990101\n990101003,南镇,township,990101\n", encoding="utf-8")
    run = [sys.executable, "-m", "planwatch.cli"]
    subprocess.run([*run, "regions", "import", str(regions)], env=env, check=True, capture_output=True)
    ok = subprocess.run([*run, "regions", "boundaries", str(FIXTURE)], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "新增 added 3" in ok.stdout
    bad = _write(tmp_path, {"type": "FeatureCollection", "features": [_feature({"code": "990199999"})]})
    err = subprocess.run([*run, "regions", "boundaries", str(bad)], env=env, capture_output=True, text=True)
    assert err.returncode == 1
    assert "第0个要素 feature 0, 字段 field properties.code" in err.stderr and "Traceback" not in err.stderr
