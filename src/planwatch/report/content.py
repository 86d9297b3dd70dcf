"""The report as plain data: headings, paragraphs, tables and chart specs.

Section builders produce a `Document`; the docx, HTML and PDF renderers only
lay it out. Nothing here knows about a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- charts (specs only; charts.py draws them) ---------------------------------


@dataclass(frozen=True)
class TrajectoryChart:
    """Observed values against the target and the time-schedule path."""

    title: str
    unit: str | None
    points: tuple[tuple[int, float, bool], ...]  # (year, value, simulated)
    baseline: tuple[int, float] | None = None
    target: tuple[int, float] | None = None
    target_label: str = "目标值"
    schedule_path: bool = True  # draw the straight baseline → target path (时序进度)
    projection: tuple[int, float] | None = None
    breaks: tuple[int, ...] = ()  # years where 口径 changed
    mark_baseline: bool = True  # False when the path starts from a notional zero (cumulative)
    references: tuple[tuple[str, float], ...] = ()  # (label, value): national / superior plan targets


@dataclass(frozen=True)
class DomainStatusChart:
    title: str
    domains: tuple[str, ...]
    statuses: tuple[str, ...]  # legend labels, one per group
    counts: tuple[tuple[int, ...], ...]  # counts[domain][group]
    tones: tuple[str, ...] = ()  # colour of each group


@dataclass(frozen=True)
class RegionChart:
    title: str
    unit: str | None
    names: tuple[str, ...]
    values: tuple[float | None, ...]  # None = 未报送, drawn as a labelled gap
    simulated: tuple[bool, ...] = ()
    target: float | None = None


@dataclass(frozen=True)
class IndicatorChart:
    """One indicator's figure: its trajectory, and beside it the sub-regions when reported."""

    trajectory: TrajectoryChart
    regions: RegionChart | None = None


Chart = TrajectoryChart | DomainStatusChart | RegionChart | IndicatorChart

# --- blocks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    tone: str | None = None  # status tone: done / ahead / normal / lag / severe / missing
    bold: bool = False
    align: str | None = None  # left / center / right; None = column default


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # relative width; renderers scale to the text block
    align: str = "center"


@dataclass(frozen=True)
class GroupRow:
    """A full-width row that opens a group, e.g. a domain such as 幼有所育."""

    text: str


Row = tuple[Cell, ...] | GroupRow


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    font_size: float = 9.0  # pt; wide tables print smaller
    landscape: bool = False


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str | None = None  # a bold lead-in such as "一是" or "（一）…。"
    draft: bool = False
    style: str = "body"  # body | note | draft-mark


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 = 一、 (section), 2 = （一）, 3 = 1.


@dataclass(frozen=True)
class Figure:
    chart: Chart
    caption: str
    key: str  # stable file-safe id, e.g. "fig-3"


Block = Paragraph | Heading | Table | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # already numbered, e.g. "四、进展滞后指标分析"
    blocks: tuple[Block, ...]
    draft: bool = False  # drafted from the data for the office to rewrite


@dataclass(frozen=True)
class Cover:
    plan_title: str
    report_title: str  # e.g. "（2021—2025年）总结评估报告"
    region_name: str
    data_year: int
    issuer: str | None
    date_text: str
    notes: tuple[str, ...] = ()
    plan_title_lines: tuple[str, ...] = ()  # plan_title wrapped at natural breaks (textwidth.title_lines)

    @property
    def plan_title_wrapped(self) -> tuple[str, ...]:
        return self.plan_title_lines or (self.plan_title,)


@dataclass(frozen=True)
class Document:
    title: str  # full title for metadata and the HTML <title>
    cover: Cover
    sections: tuple[Section, ...]
    appendix: tuple[Section, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        return [b for s in (*self.sections, *self.appendix) for b in s.blocks if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        return [b for s in (*self.sections, *self.appendix) for b in s.blocks if isinstance(b, Table)]
