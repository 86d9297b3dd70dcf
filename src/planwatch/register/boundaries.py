"""Region outlines from a GeoJSON file the office provides (自然资源 data), for the dashboard's map.

`planwatch regions boundaries FILE.geojson` reads a FeatureCollection of Polygon / MultiPolygon
features in lon/lat (WGS-84 or CGCS2000 degrees) and stores each feature's geometry against the
register region it names. Nothing is ever fetched online.

A feature names its region by code (property `code`, `adcode` or `region_code`; GB/T 2260 six or
nine digits) or else by name (`name`), matched as `planwatch dept assign --region` matches names.
The whole file is checked before anything is written: every problem is reported with the file,
the feature's index (from 0, as in the file) and the field, and a file with any problem writes
nothing. Size is bounded (`MAX_BYTES`, `MAX_POSITIONS`) so a hostile file costs bounded time and memory.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.errors import InputError, RegisterError
from planwatch.register.history import record
from planwatch.register.regions import resolve_region
from planwatch.register.schema import RegionBoundary, utcnow

MAX_BYTES = 64 * 1024 * 1024
MAX_POSITIONS = 2_000_000  # lon/lat pairs in the whole file
MAX_PROBLEMS = 30  # listed; the count of the rest is given
CODE_KEYS = ("code", "adcode", "region_code")
NAME_KEYS = ("name",)
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
DIGITS = 6  # decimals kept: ~0.1 m, far finer than a dashboard map draws


@dataclass
class BoundaryImport:
    added: int = 0
    updated: int = 0
    regions: list[str] = field(default_factory=list)


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, index: int | None, fld: str, zh: str, en: str) -> None:
        where = f"{self.path}" + (f", 第{index}个要素 feature {index}" if index is not None else "")
        self.items.append(f"{where}, 字段 field {fld}: {zh} / {en}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        if more:
            shown.append(f"{self.path}: 另有{more}处问题 / {more} more problems")
        raise InputError("\n".join(shown))


def _ring(ring: Any, where: str, problems: _Problems, index: int, counter: list[int]) -> list[list[float]] | None:
    if not isinstance(ring, list) or len(ring) < 4:
        problems.add(index, where, "环至少需要4个坐标点(首尾相同)", "a ring needs at least 4 positions (first = last)")
        return None
    out: list[list[float]] = []
    for k, pos in enumerate(ring):
        counter[0] += 1
        if counter[0] > MAX_POSITIONS:
            return None
        if (not isinstance(pos, list) or len(pos) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])):
            problems.add(index, f"{where}[{k}]", "坐标应为 [经度, 纬度] 数字对", "a position must be [lon, lat] numbers")
            return None
        lon, lat = float(pos[0]), float(pos[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            problems.add(index, f"{where}[{k}]", f"经纬度超出范围:{pos[:2]}(须为经纬度坐标,不是投影坐标)",
                         f"lon/lat out of range: {pos[:2]} (degrees expected, not projected metres)")
            return None
        out.append([round(lon, DIGITS), round(lat, DIGITS)])
    if out[0] != out[-1]:
        problems.add(index, where, "环未闭合(首尾坐标应相同)", "the ring is not closed (first and last positions differ)")
        return None
    return out


def _geometry(geom: Any, problems: _Problems, index: int, counter: list[int]) -> dict[str, Any] | None:
    if not isinstance(geom, dict):
        problems.add(index, "geometry", "缺少几何图形", "no geometry")
        return None
    kind = geom.get("type")
    if kind not in GEOMETRY_TYPES:
        problems.add(index, "geometry.type", f"应为面(Polygon 或 MultiPolygon),而不是 {kind!r}",
                     f"must be Polygon or MultiPolygon, not {kind!r}")
        return None
    coords = geom.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        problems.add(index, "geometry.coordinates", "坐标为空或格式不对", "empty or malformed coordinates")
        return None
    out: list[list[list[list[float]]]] = []
    for p, poly in enumerate(polygons):
        base = "geometry.coordinates" + ("" if kind == "Polygon" else f"[{p}]")
        if not isinstance(poly, list) or not poly:
            problems.add(index, base, "面至少需要一个环", "a polygon needs at least one ring")
            return None
        rings = []
        for r, ring in enumerate(poly):
            got = _ring(ring, f"{base}[{r}]", problems, index, counter)
            if got is None:
                return None
            rings.append(got)
        out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def _region_ref(props: dict[str, Any]) -> tuple[str, str] | None:
    for key in CODE_KEYS:
        v = props.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str) and v.strip():
            return f"properties.{key}", v.strip()
    for key in NAME_KEYS:
        v = props.get(key)
        if isinstance(v, str) and v.strip():
            return f"properties.{key}", v.strip()
    return None


def read_geojson(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: 文件过大({size // (1024 * 1024)} MB,上限 {MAX_BYTES // (1024 * 1024)} MB)"
                         f" / the file is too large ({size} bytes, at most {MAX_BYTES})")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: 不是 UTF-8 编码的文本 / not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}, 第{exc.lineno}行第{exc.colno}列 line {exc.lineno} column {exc.colno}: "
                         f"不是有效的 GeoJSON(JSON 语法错误)/ not valid JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: 嵌套过深 / nested too deeply") from exc


def import_boundaries(session: Session, path: Path, by: str | None = None) -> BoundaryImport:
    """Check the whole file, then upsert one outline per region it names (all or nothing)."""
    data = read_geojson(path)
    problems = _Problems(path)
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: Any = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            problems.add(None, "features", "应为要素列表", "must be a list of features")
            problems.raise_if_any()
    else:
        problems.add(None, "type", "应为 FeatureCollection 或 Feature", "must be a FeatureCollection or a Feature")
        problems.raise_if_any()
    if not features:
        problems.add(None, "features", "文件中没有要素", "the file holds no features")
        problems.raise_if_any()
    counter = [0]
    parsed: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, feat in enumerate(features):
        if counter[0] > MAX_POSITIONS:
            problems.add(i, "geometry", f"坐标点总数超过上限 {MAX_POSITIONS}", f"more than {MAX_POSITIONS} positions")
            break
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.add(i, "type", "应为 Feature", "must be a Feature")
            continue
        props = feat.get("properties")
        ref = _region_ref(props) if isinstance(props, dict) else None
        if ref is None:
            problems.add(i, "properties.code", "缺少区划代码或名称(code、adcode 或 name)",
                         "no region code or name (code, adcode or name)")
            continue
        fld, value = ref
        try:
            region = resolve_region(session, value)
        except RegisterError as exc:
            problems.add(i, fld, f"登记库中没有这个地区:{value}(请先导入区划)",
                         f"no such region in the register: {value} (import regions first) — {exc}")
            continue
        geom = _geometry(feat.get("geometry"), problems, i, counter)
        if geom is None:
            continue
        if region.code in parsed:
            problems.add(i, fld, f"与第{parsed[region.code][0]}个要素是同一地区 {region.code}",
                         f"the same region as feature {parsed[region.code][0]}: {region.code}")
            continue
        parsed[region.code] = (i, geom)
    if counter[0] > MAX_POSITIONS and not any("positions" in p for p in problems.items):
        problems.add(None, "geometry", f"坐标点总数超过上限 {MAX_POSITIONS}", f"more than {MAX_POSITIONS} positions")
    problems.raise_if_any()

    result = BoundaryImport()
    existing = {b.region_code: b for b in session.scalars(
        select(RegionBoundary).where(RegionBoundary.region_code.in_(list(parsed))))}
    for code, (_, geom) in parsed.items():
        row = existing.get(code)
        if row is None:
            session.add(RegionBoundary(region_code=code, geometry=geom, source=path.name))
            result.added += 1
        else:
            row.geometry, row.source, row.imported_at = geom, path.name, utcnow()
            result.updated += 1
        result.regions.append(code)
    # A structure change in the log: every cached page that draws the map is rebuilt.
    record(session, "boundaries", len(parsed), "import", new={"regions": sorted(parsed), "file": path.name}, by=by)
    session.flush()
    return result


def boundaries(session: Session, codes: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Stored outlines (MultiPolygon geometry) by region code; all of them when `codes` is None."""
    q = select(RegionBoundary.region_code, RegionBoundary.geometry)
    if codes is not None:
        q = q.where(RegionBoundary.region_code.in_(codes))
    return {code: geom for code, geom in session.execute(q)}

