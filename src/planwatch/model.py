"""Domain types shared by every layer (plain, immutable data).

The register converts its rows into these; evaluate, compare and report take
them, so the functional core never imports the ORM or the web framework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, not_
from typing import Any, Literal

Op = Literal[">=", ">", "<=", "<", "=", "range", "qualitative"]
TargetKind = Literal["level", "cumulative", "annual", "reduction", "change"]
Direction = Literal["up", "down"]
Aggregation = Literal["sum", "mean_pop", "none"]
ObservationStatus = Literal["draft", "submitted", "approved", "returned"]


@dataclass(frozen=True)
class Target:
    raw: str
    value: float | None
    op: Op = "="
    kind: TargetKind = "level"
    year: int = 2025
    value_low: float | None = None
    value_high: float | None = None


@dataclass(frozen=True)
class Indicator:
    id: str  # stable id within the register (e.g. "p3-i12")
    plan_id: str
    name: str
    target: Target
    unit: str | None = None
    domain: str | None = None
    binding: bool = False  # 约束性
    direction: Direction | None = None  # None: infer from baseline → target
    baseline: float | None = None
    baseline_year: int | None = None
    aggregation: Aggregation = "none"
    lead_department: str | None = None
    source: str = "table"  # table | prose
    # annual-rate targets (4*, 年均增长): what the yearly observations measure.
    # "rate": that year's growth in percent (as bulletins publish it); "level": the level
    # itself, growth taken as CAGR. None: "rate" when the unit is %, else "level".
    annual_observed: Literal["rate", "level"] | None = None
    # cumulative targets (【】, 新增): what the yearly observations are. "annual": each year's
    # additions (summed); "running": the running total since the base year (how bulletins
    # report 累计; the latest is the total). None: "annual", flagged when the series looks running.
    cumulative_convention: Literal["annual", "running"] | None = None
    metric_id: int | None = None  # the register's metric this target measures (None: outside a register)


@dataclass(frozen=True)
class Observation:
    indicator_id: str
    region_code: str
    year: int
    value: float | None = None
    judgement: str | None = None  # qualitative: 已实现 / 推进中 / 未启动
    status: ObservationStatus = "approved"
    series_break: bool = False  # 口径调整: never bridged across
    simulated: bool = False
    source: str | None = None

    @classmethod
    def many(cls, rows: Iterable[tuple[Any, ...]], refs: Mapping[Any, Sequence[str]] | None = None
             ) -> list[Observation]:
        """Observations from tuples of every field in order: equal to the constructor's, built 4x
        faster (one `__dict__` each instead of a frozen assignment per field) for the tens of
        thousands of values an evaluation reads. tests/test_model.py holds it equal to the constructor.

        `refs`: the rows are a register's (metric, region, year, …), one observation for each
        indicator id `refs[metric]` lists (built in the same pass, no tuple of fields in between)."""
        new, put = object.__new__, object.__setattr__
        out: list[Observation] = []
        add = out.append
        for key, region, year, value, judgement, status, series_break, simulated, source in rows:
            for ref in ((key,) if refs is None else refs[key]):
                o = new(cls)
                put(o, "__dict__", {"indicator_id": ref, "region_code": region, "year": year, "value": value,
                                    "judgement": judgement, "status": status,
                                    "series_break": bool(series_break),  # SQLite's flags are 0 / 1
                                    "simulated": bool(simulated), "source": source})
                add(o)
        return out


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # province | city | county | district | township
    parent_code: str | None = None
    population: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    region_code: str
    period: tuple[int, int] = (2021, 2025)
    base_year: int = 2020


class ValueRows:
    """Values as a register reads them, not yet `Observation`s: tuples of (key, region, year, value, rest),
    grouped by key (a metric); `refs[key]` the indicator ids each key serves. `rest` is None for a value
    with no judgement, in status `usual`, without a 口径 break and not simulated (nearly every value a
    register holds: one column read instead of four, ~20 % less to read), else the tuple (judgement,
    status, 口径 break, simulated). A county plan's sub-regions hold ~90 % of its values: the evaluation
    judges most of them straight from these rows (`evaluate.engine.subregions`) and builds an
    indicator's `Observation`s only where a rule needs them (`observations`)."""

    __slots__ = ("_odd", "_spans", "_usual_years", "refs", "rows", "usual")

    def __init__(self, rows: Sequence[tuple[Any, ...]], refs: Mapping[Any, Sequence[str]],
                 usual: str = "approved") -> None:
        self.rows = rows
        self.refs = refs
        self.usual = usual
        spans: dict[str, tuple[int, int]] = {}
        start = 0
        # The keys' counts in order of first appearance (counted in C): the rows are grouped by key.
        for key, n in Counter(map(itemgetter(0), rows)).items():
            for ref in refs.get(key, ()):
                spans[ref] = (start, start + n)
            start += n
        self._spans = spans
        # The years are found here, in C, while the rows are still in the CPU's caches: `years`, asked after
        # a batch's inputs are all read, walked every row again from memory (`rounds.data_year`: 1.3 ms a
        # county plan on PostgreSQL, 0.1 ms since).
        rests = list(map(itemgetter(4), rows))
        self._usual_years = set(compress(map(itemgetter(2), rows), map(not_, rests)))
        self._odd = list(compress(rows, rests))  # the rows with a rest

    # a row's `rest`: these fields of the value, in this order
    REST = ("judgement", "status", "series_break", "simulated")

    @staticmethod
    def rest(judgement: str | None, status: str, series_break: bool, simulated: bool,
             usual: str | None = "approved") -> tuple[Any, ...] | None:
        """A value's `rest`: None for a usual value (the rule `queries._values_select` states in SQL)."""
        if judgement is None and status == usual and not series_break and not simulated:
            return None
        return (judgement, status, bool(series_break), bool(simulated))  # SQLite's flags are 0 / 1

    @staticmethod
    def row(o: Observation, key: Any = None, usual: str = "approved") -> tuple[Any, ...]:
        """An observation as a row (its indicator id as the key unless `key`)."""
        return (o.indicator_id if key is None else key, o.region_code, o.year, o.value,
                ValueRows.rest(*(getattr(o, f) for f in ValueRows.REST), usual=usual))

    def of(self, ref: str) -> Sequence[tuple[Any, ...]]:
        """The rows indicator `ref` reads (its metric's), in the order given."""
        span = self._spans.get(ref)
        return self.rows[span[0]:span[1]] if span else ()

    def observations(self, ref: str, rows: Sequence[tuple[Any, ...]] | None = None) -> list[Observation]:
        """Indicator `ref`'s rows (or `rows`, of this layout) as `Observation`s."""
        rows = self.of(ref) if rows is None else rows
        plain = (None, self.usual, False, False)
        return Observation.many(((ref, region, year, value, *(rest or plain), None)
                                 for _, region, year, value, rest in rows))

    def years(self, statuses: Iterable[str]) -> set[int]:
        """The years with a value in one of `statuses`."""
        wanted = set(statuses)
        years = {r[2] for r in self._odd if r[4][1] in wanted}
        return years | self._usual_years if self.usual in wanted else years


@dataclass(frozen=True)
class EvaluationInput:
    """Everything evaluate needs for one plan, as the register hands it over.

    `below`: when given, the values of the plan's sub-regions (and deeper), as rows, and
    `observations` holds the plan region's own (`queries.evaluation_inputs(..., for_evaluation=True)`)."""

    plan: Plan
    indicators: list[Indicator]
    observations: list[Observation]
    regions: list[Region]
    below: ValueRows | None = None
