"""Sub-regions drawn as an inline SVG map from their stored outlines (lon/lat GeoJSON geometry).

The projection is equirectangular with the longitudes scaled by cos(mean latitude), so shapes
of a county or a city keep their proportions; north is up. Points closer than half a pixel to the
previous one are dropped, so a detailed outline from 自然资源 data stays a small page.
No script, no tiles, no network: the map prints and works offline.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any

FONT = "'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif"
MIN_STEP = 0.5  # px between kept points


def _positions(geometry: dict[str, Any]) -> Iterable[tuple[float, float]]:
    for poly in geometry.get("coordinates") or ():
        for ring in poly:
            for lon, lat, *_ in ring:
                yield float(lon), float(lat)


@dataclass(frozen=True)
class Projection:
    """lon/lat → SVG pixels for a box of `width` × `height` (height follows the shapes' aspect)."""

    k: float  # cos(mean latitude)
    scale: float
    x0: float
    y0: float
    width: float
    height: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + lon * self.k * self.scale, self.y0 - lat * self.scale)


def fit(geometries: Sequence[dict[str, Any]], width: float = 560, max_height: float = 420,
        pad: float = 8) -> Projection | None:
    """The projection that fits every geometry into `width` (and at most `max_height`), centred."""
    pts = [p for g in geometries for p in _positions(g)]
    if not pts:
        return None
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    lat_mid = (min(lats) + max(lats)) / 2
    k = max(math.cos(math.radians(lat_mid)), 0.05)
    xs_lo, xs_hi = min(lons) * k, max(lons) * k
    span_x, span_y = (xs_hi - xs_lo) or 1e-9, (max(lats) - min(lats)) or 1e-9
    inner_w = width - 2 * pad
    scale = inner_w / span_x
    height = span_y * scale + 2 * pad
    if height > max_height:
        scale = (max_height - 2 * pad) / span_y
        height = max_height
    # centre horizontally; top edge at the northernmost point
    x0 = pad + (inner_w - span_x * scale) / 2 - xs_lo * scale
    y0 = pad + max(lats) * scale
    return Projection(k, scale, x0, y0, width, height)


def path_d(geometry: dict[str, Any], proj: Projection) -> str:
    """SVG path data for a (Multi)Polygon: one closed subpath per ring, holes drawn even-odd."""
    parts: list[str] = []
    for poly in geometry.get("coordinates") or ():
        for ring in poly:
            last: tuple[float, float] | None = None
            cmds: list[str] = []
            for lon, lat, *_ in ring:
                x, y = proj.point(float(lon), float(lat))
                if last is not None and abs(x - last[0]) < MIN_STEP and abs(y - last[1]) < MIN_STEP:
                    continue
                cmds.append(f"{'M' if last is None else 'L'}{x:.1f},{y:.1f}")
                last = (x, y)
            if len(cmds) >= 3:
                parts.append("".join(cmds) + "Z")
    return "".join(parts)


def _crossings(rings: list[list[tuple[float, float]]], value: float, axis: int) -> list[float]:
    """Where the line `coordinate[axis] == value` crosses the rings' edges (the other coordinate), sorted."""
    other = 1 - axis
    out: list[float] = []
    for ring in rings:
        for a, b in pairwise(ring):
            if (a[axis] <= value) != (b[axis] <= value):
                t = (value - a[axis]) / (b[axis] - a[axis])
                out.append(a[other] + t * (b[other] - a[other]))
    return sorted(out)


def _inside_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float, float] | None:
    """A point well inside a polygon with holes (even-odd), and its clearance: of the middles of the inside
    stretches of nine horizontal lines, the one farthest from an edge both across and up and down."""
    ys = [y for ring in rings for _, y in ring]
    lo, hi = min(ys), max(ys)
    best: tuple[float, float, float] | None = None
    for k in range(1, 10):
        y = lo + (hi - lo) * k / 10
        xs = _crossings(rings, y, 1)
        for a, b in zip(xs[::2], xs[1::2], strict=False):
            x = (a + b) / 2
            col = _crossings(rings, x, 0)
            above = max((c for c in col if c <= y), default=y)
            below = min((c for c in col if c >= y), default=y)
            clearance = min((b - a) / 2, y - above, below - y)
            if best is None or clearance > best[2]:
                best = (x, (above + below) / 2 if below - above < (b - a) else y, clearance)
    return best


def _label_point(geometry: dict[str, Any], proj: Projection) -> tuple[float, float]:
    """Where a region's name goes: inside its largest part, clear of holes."""
    best: tuple[float, float, float] | None = None
    for poly in geometry.get("coordinates") or ():
        rings = [[proj.point(float(lon), float(lat)) for lon, lat, *_ in ring] for ring in poly]
        got = _inside_point(rings) if rings and rings[0] else None
        if got is not None and (best is None or got[2] > best[2]):
            best = got
    return (best[0], best[1]) if best else (proj.width / 2, proj.height / 2)


def region_map(regions: Sequence[dict[str, Any]], outlines: dict[str, dict[str, Any]], *, label: str,
               width: float = 560) -> str:
    """Regions with an outline as coloured shapes. `regions`: dicts with code, name, css (status class),
    status (label), href. Regions without an outline are left out (the caller tiles them)."""
    drawn = [r for r in regions if r["code"] in outlines]
    proj = fit([outlines[r["code"]] for r in drawn], width=width)
    if proj is None:
        return ""
    out = [f'<svg class="regionmap" viewBox="0 0 {proj.width:.0f} {proj.height:.0f}" role="img" '
           f'aria-label="{escape(label)}" font-family="{FONT}" font-size="12">']
    labels = []
    for r in drawn:
        geom = outlines[r["code"]]
        title = f"{r['name']}:{r['status']}"
        out.append(f'<a href="{escape(r["href"])}" data-region="{escape(r["code"])}">'
                   f'<path d="{path_d(geom, proj)}" class="region {escape(r["css"])}" fill-rule="evenodd">'
                   f'<title>{escape(title)}</title></path></a>')
        x, y = _label_point(geom, proj)
        labels.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" class="region-label">'
                      f'{escape(r["name"])}</text>')
    out.extend(labels)  # above every shape
    out.append("</svg>")
    return "".join(out)
