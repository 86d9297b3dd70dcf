"""Charts for reports (and the web): chart specs → PNG or SVG bytes.

Matplotlib with the Agg backend and a CJK font from the Debian packages
fonts-noto-cjk / fonts-wqy-zenhei. No network, no display.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Literal

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg  # no pyplot: no GUI backend, no global state
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FixedLocator, FuncFormatter
from PIL import Image

from planwatch.report import fmt
from planwatch.report.content import (
    Chart,
    DomainStatusChart,
    IndicatorChart,
    RegionChart,
    TrajectoryChart,
)
from planwatch.ticks import nice_axis

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC")

# Tone → colour, shared with the table cell shading in the renderers.
TONE_COLOURS: dict[str, str] = {
    "done": "#2e7d32",
    "ahead": "#7cb342",
    "normal": "#1e88e5",
    "lag": "#f9a825",
    "severe": "#c62828",
    "missing": "#9e9e9e",
}
INK = "#1f2d3d"
TARGET = "#c62828"
REFERENCE_COLOURS = ("#6a1b9a", "#ef6c00")  # national, superior plan targets
GRID = "#d9d9d9"

Format = Literal["png", "svg"]


class FontMissing(RuntimeError):
    pass


# Where Debian's CJK font packages put their files; searched when matplotlib's font cache
# was built before the fonts were installed (the cache is not rebuilt by itself).
CJK_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy", "/usr/share/fonts")
_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "wqy-zenhei", "wqy-microhei")


def _register_system_cjk_fonts() -> None:
    """Add the CJK font files on disk to matplotlib's in-memory font list (a stale cache misses them)."""
    for path in font_manager.findSystemFonts(fontpaths=list(CJK_FONT_DIRS)):
        name = path.rsplit("/", 1)[-1].lower()
        if any(h in name for h in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable file is skipped, not fatal
                continue


def _known_cjk_family() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((fam for fam in CJK_FAMILIES if fam in names), None)


@cache
def cjk_family() -> str:
    family = _known_cjk_family()
    if family is None:
        _register_system_cjk_fonts()
        family = _known_cjk_family()
    if family is None:
        raise FontMissing("图表缺少中文字体,请安装 fonts-noto-cjk / no CJK font for charts: "
                          "apt-get install fonts-noto-cjk (or fonts-wqy-zenhei)")
    return family


def _style() -> dict[str, object]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_family(), "DejaVu Sans"],
        "axes.unicode_minus": False,  # CJK fonts lack U+2212; it would print as a box
        "font.size": 9,
        "axes.edgecolor": "#888888",
        "axes.linewidth": 0.6,
        "axes.titlesize": 10,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.fonttype": "path",  # self-contained SVG: no font needed where it is shown
    }


def _figure(width_cm: float, height_cm: float) -> MplFigure:
    # A plain Figure (not pyplot): no global figure registry, nothing to close.
    # Fixed margins instead of constrained layout, which costs a second draw.
    return MplFigure(figsize=(width_cm / 2.54, height_cm / 2.54))


def _finish(fig: MplFigure, form: Format, dpi: int) -> bytes:
    buf = io.BytesIO()
    if form == "svg":
        fig.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
        return buf.getvalue()
    # Opaque RGB, not matplotlib's RGBA: PDF writers split an alpha channel into a
    # second image, which costs time and size for nothing on a white page.
    fig.set_dpi(dpi)
    fig.set_facecolor("white")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    rgba.convert("RGB").save(buf, format="PNG", compress_level=3, dpi=(dpi, dpi))
    return buf.getvalue()


def _corner(ax: Axes, text: str, right: bool = False) -> None:
    # Plain text in axes coordinates, not set_title: matplotlib re-places titles
    # against the tick labels on every draw, a fifth of a chart's drawing time.
    ax.text(1.0 if right else 0.0, 1.03, text, transform=ax.transAxes, fontsize=8, color="#444444",
            ha="right" if right else "left", va="bottom")


def _unit(ax: Axes, unit: str | None) -> None:
    if unit:
        _corner(ax, f"单位：{unit}")


def _round_ticks(ax: Axes) -> None:
    """The value axis at round ticks (planwatch.ticks, as the web's charts), spanning the data."""
    lo, hi = ax.get_ylim()
    axis = nice_axis(lo, hi)
    ax.set_ylim(axis.lo, axis.hi)
    ax.yaxis.set_major_locator(FixedLocator(list(axis.ticks)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: axis.label(v)))


def _trajectory(c: TrajectoryChart) -> MplFigure:
    fig = _figure(15.5, 7.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.09, right=0.97, top=0.91, bottom=0.25)
    _draw_trajectory(ax, c)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=6, frameon=False, fontsize=8)
    return fig


def _draw_trajectory(ax: Axes, c: TrajectoryChart) -> None:
    years: list[int] = [p[0] for p in c.points]
    if c.baseline:
        years.append(c.baseline[0])
    if c.target:
        years.append(c.target[0])
    lo, hi = (min(years), max(years)) if years else (2020, 2025)
    if c.schedule_path and c.baseline and c.target:
        ax.plot([c.baseline[0], c.target[0]], [c.baseline[1], c.target[1]], ls=":", lw=1.2, color="#7f7f7f",
                label="时序进度路径")
    if c.target:
        ax.axhline(c.target[1], ls="--", lw=1.1, color=TARGET, label=c.target_label)
    for (label, value), colour in zip(c.references, REFERENCE_COLOURS, strict=False):
        ax.axhline(value, ls="-.", lw=1.0, color=colour, label=label)
    real = [(y, v) for y, v, sim in c.points if not sim]
    series = sorted([(y, v) for y, v, _ in c.points])
    if c.baseline and all(y != c.baseline[0] for y, _ in series):
        series = sorted([c.baseline, *series])
    if series:
        ax.plot([y for y, _ in series], [v for _, v in series], color=INK, lw=1.6, zorder=3)
    if real:
        ax.scatter([y for y, _ in real], [v for _, v in real], s=22, color=INK, zorder=4, label="实际值")
    sim = [(y, v) for y, v, s in c.points if s]
    if sim:
        ax.scatter([y for y, _ in sim], [v for _, v in sim], s=26, facecolors="white", edgecolors=INK, zorder=4,
                   label=fmt.SIMULATED)
    if c.baseline and c.mark_baseline:
        ax.scatter([c.baseline[0]], [c.baseline[1]], marker="s", s=26, color="#7f7f7f", zorder=4, label="基期值")
    if c.projection and series:
        last = series[-1]
        ax.plot([last[0], c.projection[0]], [last[1], c.projection[1]], ls="--", lw=1.2, color="#1e88e5",
                label="趋势推算")
    for y in c.breaks:
        ax.axvline(y - 0.5, ls=":", color="#999999", lw=0.8)
        ax.text(y - 0.45, ax.get_ylim()[1], "口径调整", va="top", fontsize=7, color="#666666")
    ax.set_xlim(lo - 0.4, hi + 0.4)
    ax.set_xticks(range(lo, hi + 1), [f"{y}" for y in range(lo, hi + 1)])
    _unit(ax, c.unit)
    _round_ticks(ax)
    ax.grid(axis="y", color=GRID, lw=0.5)
    ax.spines[["top", "right"]].set_visible(False)


def _domains(c: DomainStatusChart) -> MplFigure:
    height = 2.4 + 0.75 * len(c.domains)
    height = min(height, 14.0)
    fig = _figure(15.5, height)
    ax = fig.add_subplot()
    longest = max((len(d) for d in c.domains), default=4)
    fig.subplots_adjust(left=min(0.08 + 0.022 * longest, 0.4), right=0.96, top=0.97, bottom=2.2 / height)
    ys = list(range(len(c.domains)))[::-1]
    left = [0] * len(c.domains)
    for j, status in enumerate(c.statuses):
        vals = [row[j] for row in c.counts]
        colour = TONE_COLOURS.get(c.tones[j] if c.tones else (fmt.tone(status) or ""), "#5c6bc0")
        bars = ax.barh(ys, vals, left=left, color=colour, height=0.6, label=status, edgecolor="white", lw=0.6)
        for rect, v in zip(bars, vals, strict=True):
            if v:
                ax.text(rect.get_x() + rect.get_width() / 2, rect.get_y() + rect.get_height() / 2, str(v),
                        ha="center", va="center", fontsize=8, color="white")
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_yticks(ys, list(c.domains))
    ax.set_xlabel("指标数（项）")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color=GRID, lw=0.5)
    ax.set_axisbelow(True)
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=min(len(c.statuses), 7), frameon=False,
               fontsize=8)
    return fig


def _regions(c: RegionChart) -> MplFigure:
    fig = _figure(15.5, 7.0)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.09, right=0.97, top=0.91, bottom=0.28 if len(c.names) > 6 else 0.15)
    _draw_regions(ax, c, rotate=len(c.names) > 6)
    return fig


def _draw_regions(ax: Axes, c: RegionChart, rotate: bool, legend: bool = True) -> None:
    xs = list(range(len(c.names)))
    sims = c.simulated or tuple(False for _ in c.names)
    vals = [v if v is not None else 0.0 for v in c.values]
    colours = ["white" if s else "#1e88e5" for s in sims]
    ax.bar(xs, vals, color=colours, edgecolor="#1e88e5", width=0.6, hatch=None)
    for x, v, s in zip(xs, c.values, sims, strict=True):
        if v is None:
            ax.text(x, 0, fmt.MISSING, ha="center", va="bottom", fontsize=7, color="#666666", rotation=90)
        else:
            ax.text(x, v, fmt.number(v) + ("*" if s else ""), ha="center", va="bottom", fontsize=7, color=INK)
    if c.target is not None:
        ax.axhline(c.target, ls="--", lw=1.1, color=TARGET, label="规划目标")
        if legend:
            ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.set_xticks(xs, list(c.names), rotation=35 if rotate else 0, ha="right" if rotate else "center")
    known = [v for v in c.values if v is not None] + ([c.target] if c.target is not None else [])
    top = max(known, default=1.0)
    ax.set_ylim(min(0.0, *known) if known else 0.0, top * 1.18 if top > 0 else 1.0)  # room for value labels
    _unit(ax, c.unit)
    _round_ticks(ax)
    if any(sims):
        ax.set_xlabel(f"*为{fmt.SIMULATED}（空心柱）", fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID, lw=0.5)
    ax.set_axisbelow(True)


def _indicator(c: IndicatorChart) -> MplFigure:
    """Trajectory on the left, sub-regions on the right: one image per indicator."""
    if c.regions is None:
        return _trajectory(c.trajectory)
    fig = _figure(15.5, 6.5)
    left = fig.add_axes((0.08, 0.27, 0.50, 0.63))
    right = fig.add_axes((0.66, 0.27, 0.32, 0.63))
    _draw_trajectory(left, c.trajectory)
    _draw_regions(right, c.regions, rotate=len(c.regions.names) > 3, legend=False)
    _corner(right, "各地区最新值", right=True)
    fig.legend(*left.get_legend_handles_labels(), loc="lower left", bbox_to_anchor=(0.02, 0.0), ncol=3,
               frameon=False, fontsize=7.5)
    return fig


def render_chart(chart: Chart, form: Format = "png", dpi: int = 200) -> bytes:
    with matplotlib.rc_context(_style()):
        if isinstance(chart, TrajectoryChart):
            fig = _trajectory(chart)
        elif isinstance(chart, DomainStatusChart):
            fig = _domains(chart)
        elif isinstance(chart, RegionChart):
            fig = _regions(chart)
        elif isinstance(chart, IndicatorChart):
            fig = _indicator(chart)
        else:  # pragma: no cover - exhaustive over Chart
            raise TypeError(f"unknown chart {type(chart).__name__}")
        return _finish(fig, form, dpi)
