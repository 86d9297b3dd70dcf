"""What a report is drafted from: the evaluation of one plan for one data year,
flattened into the figures a report prints.

This is the report's own view. `adapter.py` fills it from the register's
`EvaluationInput` and the `evaluate` module's results; the section builders
read only these types, so they are tested with hand-built data and never
compute a progress figure themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Point:
    """One observed value of an indicator for one region and year."""

    year: int
    value: float | None
    judgement: str | None = None
    simulated: bool = False
    source: str | None = None
    series_break: bool = False


@dataclass(frozen=True)
class RegionValue:
    """The latest value of an indicator in one sub-region."""

    region_code: str
    region_name: str
    year: int | None
    value: float | None
    meets_target: bool | None = None
    simulated: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Equalisation:
    """Spread across sub-regions, as evaluate computes it."""

    cv: float | None = None
    theil: float | None = None
    max_min_ratio: float | None = None
    share_meeting: float | None = None
    laggards: tuple[str, ...] = ()  # sub-region names


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    name: str
    unit: str | None
    domain: str
    binding: bool
    target_raw: str
    target_value: float | None
    target_year: int
    status: str  # the label evaluate gives: 已完成 / 进度超前 / 进度正常 / 滞后 / 严重滞后 / 未报送 …
    baseline: float | None = None
    baseline_year: int | None = None
    baseline_provisional: bool = False  # first observed year stands in for a missing baseline
    lead_department: str | None = None
    latest: Point | None = None
    completion: float | None = None  # P, a fraction (1.0 = 100 %)
    schedule: float | None = None  # S, a fraction
    projected_value: float | None = None
    projection_method: str | None = None
    reach_year: int | None = None
    required_rate: float | None = None  # 需年均增长, a fraction per year
    overdue: bool = False
    warnings: tuple[str, ...] = ()  # risks only (overdue data is `overdue`)
    series: tuple[Point, ...] = ()  # the plan region's own values, oldest first
    subregions: tuple[RegionValue, ...] = ()
    equalisation: Equalisation | None = None
    status_code: str | None = None  # evaluate's code (achieved, lagging, …)
    method: str | None = None  # level / cumulative / annual / reduction / maintain / range / qualitative
    value_label: str | None = None  # e.g. "累计" when the latest value is a running sum
    required_change: float | None = None  # the same as an absolute yearly change (or addition)
    target_line: float | None = None  # where a chart draws the target, in the series' own terms
    main: bool = True  # a row of the plan's indicator table (主要指标), not a target from its running text
    chart_series: tuple[tuple[int, float, bool], ...] | None = None  # when the chart plots other than `series`
    projection_meets: bool | None = None

    @property
    def tone(self) -> str | None:
        from planwatch.report.fmt import tone

        return tone(self.status, self.status_code)

    @property
    def reported(self) -> bool:
        return self.latest is not None and (self.latest.value is not None or self.latest.judgement is not None)


@dataclass(frozen=True)
class TaskRow:
    """A task (重点任务) or project (重大工程项目) with its reported state."""

    name: str
    kind: str  # "task" | "project"
    domain: str | None = None
    state: str | None = None  # as reported, e.g. 已完成 / 推进中 / 未启动; None = 未报送
    progress: float | None = None  # fraction complete, when reported
    lead_department: str | None = None
    year: int | None = None
    source: str | None = None
    simulated: bool = False


@dataclass(frozen=True)
class WarningItem:
    indicator_id: str
    indicator_name: str
    level: str  # e.g. 红色 / 黄色, or evaluate's own label
    reason: str  # one Chinese sentence
    kind: str = ""  # evaluate's kind: binding_at_risk | seriously_lagging | backwards | overdue …


@dataclass(frozen=True)
class BenchmarkRow:
    """One item of the plan beside the same metric's target in the national and the superior plan
    (planwatch.compare decides which items are the same metric)."""

    indicator_id: str
    name: str
    unit: str | None
    target_raw: str
    target_value: float | None
    national_target: str | None = None
    national_value: float | None = None
    national_stance: str | None = None  # stricter | same | weaker: the local target against it
    superior_plan: str | None = None
    superior_region: str | None = None
    superior_target: str | None = None
    superior_value: float | None = None
    superior_stance: str | None = None


@dataclass(frozen=True)
class ReportData:
    plan_id: str
    plan_title: str
    region_name: str
    period: tuple[int, int]
    base_year: int
    year: int  # the data year evaluated
    indicators: tuple[IndicatorRow, ...]
    tasks: tuple[TaskRow, ...] = ()
    warnings: tuple[WarningItem, ...] = ()
    subregion_names: tuple[str, ...] = ()
    # 'register' for a real register; any simulated value is labelled wherever shown.
    has_simulated: bool = False
    evaluation_note: str | None = None  # which evaluate config / method produced the figures
    summary: dict[str, Any] = field(default_factory=dict)  # evaluate's plan summary (completion_rate …)
    benchmarks: tuple[BenchmarkRow, ...] = ()  # items with a national or superior target on the same metric

    @property
    def with_data(self) -> int:
        """Indicators with a value counted up to the data year."""
        return sum(1 for r in self.indicators if r.latest is not None)

    @property
    def sparse(self) -> bool:
        return sparse_data(len(self.indicators), self.with_data)


def sparse_data(indicators: int, with_data: int) -> bool:
    """Most indicators have no data: the report warns on its cover and the web says so before it is
    made (one rule for the CLI, the web and the cover)."""
    return indicators > 0 and with_data * 2 < indicators
