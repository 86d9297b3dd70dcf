"""Charts as inline SVG strings, drawn on the server.

Inline SVG needs no script, no network and no font download, prints well and
stays crisp on phones. Every function takes plain numbers and returns markup
that is safe to embed (all text is escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from planwatch.ticks import nice_axis

FONT = "'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif"


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def sparkline(points: Sequence[tuple[int, float]], width: int = 96, height: int = 24,
              target: float | None = None, label: str = "") -> str:
    """A tiny line of the observed series; a dashed line marks the target."""
    if not points:
        return ""
    pts = sorted(points)
    ys = [y for _, y in pts] + ([target] if target is not None else [])
    lo, hi = min(ys), max(ys)
    span = (hi - lo) or 1.0
    x0, x1 = pts[0][0], pts[-1][0]
    xspan = (x1 - x0) or 1

    def sx(x: float) -> float:
        return 2 + (x - x0) / xspan * (width - 4) if x1 != x0 else width / 2

    def sy(y: float) -> float:
        return height - 3 - (y - lo) / span * (height - 6)

    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
    parts = [f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(label)}">']
    if target is not None:
        ty = sy(target)
        parts.append(f'<line x1="0" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" class="spark-target"/>')
    if len(pts) > 1:
        parts.append(f'<polyline points="{path}" class="spark-line"/>')
    lx, ly = sx(pts[-1][0]), sy(pts[-1][1])
    parts.append(f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.2" class="spark-dot"/>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class TrajectoryLabels:
    observed: str
    target: str
    schedule: str
    projection: str
    simulated: str = ""  # the legend of points that are simulated (shown only when there are some)


LABEL_H = 18  # the height a 12 px label takes on screen (CJK glyphs: ascent and descent)


def _line_label_y(line_y: float, above: bool, placed: list[float], top: float, bottom: float) -> float:
    """The baseline of a right-aligned label for a horizontal line at `line_y`: just above it (`above`) or
    just below it, whichever fits inside the plot (`top`..`bottom`, so it never reaches the year ticks
    under the axis or the unit above it) without touching a label already `placed`; the nearest free
    height when neither does. Appends the choice to `placed`."""
    lo, hi = top + 11, bottom - 5  # a baseline here keeps the whole text inside the plot
    over, under = line_y - 5, line_y + 14
    candidates = [over, under] if above else [under, over]
    step = 0.0
    while step <= bottom - top:
        for c in candidates:
            for y in (c - step, c + step) if step else (c,):
                if lo <= y <= hi and all(abs(y - p) >= LABEL_H for p in placed):
                    placed.append(y)
                    return y
        step += 2
    y = min(max(candidates[0], lo), hi)
    placed.append(y)
    return y


def trajectory(*, base_year: int, target_year: int, baseline: float | None, target: float | None,
               observed: Sequence[tuple[int, float]], projection: Sequence[tuple[int, float]] = (),
               labels: TrajectoryLabels, unit: str = "", width: int = 640, height: int = 280,
               simulated_years: frozenset[int] = frozenset(),
               references: Sequence[tuple[str, float]] = ()) -> str:
    """Baseline → observed values → target, with the straight schedule line
    (where the value should be if progress were linear in time) and the
    projection. Simulated points are drawn hollow and say so in their title.
    `references`: (label, value) lines such as the national or superior plan's target."""
    ml, mr, mt, mb = 56, 16, 28, 52
    w, h = width - ml - mr, height - mt - mb
    values = [v for _, v in observed] + [v for _, v in projection]
    values += [v for v in (baseline, target) if v is not None] + [v for _, v in references]
    if not values:
        return ""
    axis = nice_axis(min(values), max(values))
    lo, hi = axis.lo, axis.hi
    years = [y for y, _ in observed] + [y for y, _ in projection] + [base_year, target_year]
    y0, y1 = min(years), max(years)
    yspan = (y1 - y0) or 1

    def sx(x: float) -> float:
        return ml + (x - y0) / yspan * w

    def sy(v: float) -> float:
        return mt + h - (v - lo) / (hi - lo) * h

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'font-family="{FONT}" font-size="12" aria-label="{escape(labels.observed)}">']
    # horizontal grid at round values (planwatch.ticks)
    for v in axis.ticks:
        yy = sy(v)
        out.append(f'<line x1="{ml}" x2="{ml + w}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>')
        out.append(f'<text x="{ml - 6}" y="{yy + 4:.1f}" text-anchor="end" class="tick">{escape(axis.label(v))}</text>')
    for yr in range(y0, y1 + 1):
        out.append(f'<text x="{sx(yr):.1f}" y="{mt + h + 16}" text-anchor="middle" class="tick">{yr}</text>')
    if unit:
        out.append(f'<text x="{ml - 6}" y="{mt - 14}" text-anchor="end" class="tick">{escape(unit)}</text>')
    if baseline is not None and target is not None:
        out.append(f'<line x1="{sx(base_year):.1f}" y1="{sy(baseline):.1f}" x2="{sx(target_year):.1f}" '
                   f'y2="{sy(target):.1f}" class="schedule"><title>{escape(labels.schedule)}</title></line>')
    placed: list[float] = []  # baselines of the right-aligned line labels drawn so far
    if target is not None:
        ty = sy(target)
        out.append(f'<line x1="{ml}" x2="{ml + w}" y1="{ty:.1f}" y2="{ty:.1f}" class="target-line"/>')
        out.append(f'<text x="{ml + w}" y="{_line_label_y(ty, True, placed, mt, mt + h):.1f}" text-anchor="end" '
                   f'class="target-label">{escape(labels.target)} {escape(_fmt(target))}</text>')
    for n, (text, value) in enumerate(references):
        ry = sy(value)
        out.append(f'<line x1="{ml}" x2="{ml + w}" y1="{ry:.1f}" y2="{ry:.1f}" class="ref-line ref-{n}">'
                   f'<title>{escape(text)}</title></line>')
        # Right-aligned under its line (the target's label sits above its own), always inside the plot.
        out.append(f'<text x="{ml + w}" y="{_line_label_y(ry, False, placed, mt, mt + h):.1f}" text-anchor="end" '
                   f'class="ref-label ref-{n}">{escape(text)}</text>')
    series = sorted(observed)
    if baseline is not None and (not series or series[0][0] > base_year):
        series = [(base_year, baseline), *series]
    if projection and series:
        proj = [series[-1], *sorted(projection)]
        pts = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in proj)
        out.append(f'<polyline points="{pts}" class="projection"><title>{escape(labels.projection)}</title></polyline>')
    if len(series) > 1:
        pts = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in series)
        out.append(f'<polyline points="{pts}" class="observed"/>')
    for x, v in series:
        cls = "pt pt-sim" if x in simulated_years else "pt"
        sim = f" ({escape(labels.simulated)})" if x in simulated_years and labels.simulated else ""
        out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(v):.1f}" r="4" class="{cls}"><title>{x}: {escape(_fmt(v))}'
                   f'{" " + escape(unit) if unit else ""}{sim}</title></circle>')
        out.append(f'<text x="{sx(x):.1f}" y="{sy(v) - 8:.1f}" text-anchor="middle" class="pt-label">{escape(_fmt(v))}</text>')
    # legend
    ly = height - 12
    items = [("observed", labels.observed), ("target-line", labels.target),
             ("schedule", labels.schedule), ("projection", labels.projection)]
    x = ml
    for cls, text in items:
        out.append(f'<line x1="{x}" x2="{x + 22}" y1="{ly - 4}" y2="{ly - 4}" class="{cls}"/>')
        out.append(f'<text x="{x + 27}" y="{ly}" class="legend">{escape(text)}</text>')
        x += 40 + 13 * len(text) if any(ord(c) > 0x2E80 for c in text) else 40 + 7 * len(text)
    if labels.simulated and any(x_ in simulated_years for x_, _ in series):
        out.append(f'<circle cx="{x + 11}" cy="{ly - 4}" r="4" class="pt pt-sim"/>')
        out.append(f'<text x="{x + 27}" y="{ly}" class="legend" data-legend="simulated">'
                   f'{escape(labels.simulated)}</text>')
    out.append("</svg>")
    return "".join(out)


def ranked_bars(rows: Sequence[tuple[str, float, bool]], *, unit: str = "", target: float | None = None,
                width: int = 560, bar_h: int = 20, target_label: str = "", label: str = "") -> str:
    """Horizontal bars, largest first; rows are (name, value, meets_target)."""
    if not rows:
        return ""
    rows = sorted(rows, key=lambda r: r[1], reverse=True)
    label_w, value_w = 120, 70
    w = width - label_w - value_w
    hi = max([r[1] for r in rows] + ([target] if target is not None else []))
    lo = min(0.0, *[r[1] for r in rows])
    span = (hi - lo) or 1.0
    height = len(rows) * (bar_h + 6) + 10
    out = [f'<svg class="bars" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12" role="img" '
           f'aria-label="{escape(label or target_label)}">']
    for i, (name, value, ok) in enumerate(rows):
        y = 4 + i * (bar_h + 6)
        bw = max(1.0, (value - lo) / span * w)
        cls = "bar bar-ok" if ok else "bar bar-miss"
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h - 6}" text-anchor="end">{escape(name)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{bw:.1f}" height="{bar_h}" class="{cls}"/>')
        out.append(f'<text x="{label_w + bw + 4:.1f}" y="{y + bar_h - 6}">{escape(_fmt(value))}</text>')
    if target is not None:
        tx = label_w + (target - lo) / span * w
        out.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="0" y2="{height}" class="target-line">'
                   f'<title>{escape(target_label)} {escape(_fmt(target))}{escape(unit)}</title></line>')
    out.append("</svg>")
    return "".join(out)


def donut(segments: Sequence[tuple[str, str, int]], *, label: str, size: int = 88) -> str:
    """A ring of status counts: `segments` are (css class, label, count) in display order; the total
    in the middle. Each arc says its label and count in a tooltip, and the ring's label names them all."""
    total = sum(n for _, _, n in segments if n > 0)
    if total <= 0:
        return ""
    r = 15.915494309189533  # circumference 100: arc lengths are percentages
    text = "、".join(f"{name}{n}" for _, name, n in segments if n > 0)
    out = [f'<svg class="donut" width="{size}" height="{size}" viewBox="0 0 42 42" role="img" '
           f'aria-label="{escape(label)}:{escape(text)}" font-family="{FONT}">',
           f'<circle cx="21" cy="21" r="{r}" class="donut-hole"/>']
    start = 0.0
    for cls, name, n in segments:
        if n <= 0:
            continue
        share = n / total * 100
        # arcs start at 12 o'clock and run clockwise (offset 25 turns the circle's 3 o'clock start back)
        out.append(f'<circle cx="21" cy="21" r="{r}" class="seg {escape(cls)}" '
                   f'stroke-dasharray="{share:.3f} {100 - share:.3f}" stroke-dashoffset="{25 - start:.3f}">'
                   f'<title>{escape(name)} {n}</title></circle>')
        start += share
    out.append(f'<text x="21" y="24.5" text-anchor="middle" class="donut-total">{total}</text>')
    out.append("</svg>")
    return "".join(out)
