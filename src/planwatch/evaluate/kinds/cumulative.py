"""Cumulative targets (【】, 新增, 累计): P = Σ new_y / N over the plan years B+1…t.

Observations are each year's additions unless the indicator declares
`cumulative_convention="running"` (the bulletins' 累计: a running total since the base
year), in which case the latest running total is the sum. An undeclared series that never
falls and whose naive sum exceeds its latest value by a wide margin looks like running
totals: it is flagged `looks_running_total` so that someone confirms the convention."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.goal import Goal
from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind
from planwatch.evaluate.series import Point, Series
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion


def _gaps(years: list[int], first: int, last: int) -> list[int]:
    have = set(years)
    return [y for y in range(first, last + 1) if y not in have]


def looks_running(values: list[float]) -> bool:
    """A series of ≥ 3 positive values that never falls and grows by more than its first value
    in total reads like running totals (0.2, 0.5, 0.9 …), not yearly additions."""
    if len(values) < 3 or any(v <= 0 for v in values):
        return False
    rising = all(b >= a for a, b in itertools.pairwise(values))
    return rising and values[-1] >= 2 * values[0]


def bulk_looks_running(f: Frame) -> np.ndarray:
    """`looks_running` over the judged values of each column (gaps skipped)."""
    n = f.tgt.shape[0]
    count = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.nan)
    prev = np.full(n, np.nan)
    ok = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for j in range(f.vals.shape[0]):
            m = f.judged[j]
            v = f.vals[j]
            ok &= ~m | ((v > 0) & ~(v < prev))
            first = np.where(m & (count == 0), v, first)
            prev = np.where(m, v, prev)
            count += m
        return ok & (count >= 3) & (prev >= 2 * first)


class Cumulative(Kind):
    name = "cumulative"
    code = 1
    level_target = False
    flows = True
    value_label = "累计"
    baseline_on_chart = False

    def resolve(self, ind: Indicator, x0: float | None, direction: int, strict: bool,
                flags: tuple[str, ...]) -> Goal:
        return Goal("cumulative", 1, ind.target.value, strict)  # more added is always better

    def complete(self, j: Judging) -> Completion:
        j.common["baseline"], j.common["base_year"] = None, j.b0  # a 【】 baseline is the previous plan's total
        goal, b0, brk = j.goal, j.b0, j.brk
        flows = [p for p in j.numeric(j.series.points) if p.year > b0]
        if not flows:
            return j.done(P=None, achieved=None, value=None, year=None, missing="no_data")
        last = flows[-1].year
        if brk is not None and brk > b0 + 1:
            return j.done(P=None, achieved=None, value=None, year=last, missing="series_break",
                          flags=("series_break",))
        running = j.ind.cumulative_convention == "running"
        values = [p.value for p in flows]
        total = flows[-1].value if running else math.fsum(values)  # type: ignore[arg-type]
        assert total is not None
        gaps = _gaps([p.year for p in flows], b0 + 1, last)
        detail = {"sum": total, "years": [p.year for p in flows], "missing_years": gaps,
                  "convention": "running" if running else "annual"}
        extra: tuple[str, ...] = ("gaps",) if gaps and not running else ()
        if j.ind.cumulative_convention is None and looks_running(values):  # type: ignore[arg-type]
            extra = (*extra, "looks_running_total")
        N = goal.target
        if not N:
            return j.done(P=None, achieved=None, value=total, year=last, missing="bad_target", detail=detail,
                          flags=extra)
        achieved = total > N if goal.strict else total >= N
        return j.done(P=total / N, achieved=achieved, value=total, year=last, detail=detail, flags=extra)

    def mean_addition(self, c: Completion, series: Series) -> float | None:
        """The mean yearly addition so far: of the additions reported, or, for running totals,
        the latest total over the years elapsed."""
        if c.detail.get("convention") == "running":
            return None if c.value is None or c.year is None or c.year <= c.base_year \
                else c.value / (c.year - c.base_year)
        flows = [p.value for p in series.points if p.value is not None and c.base_year < p.year <= (c.year or 0)]
        return sum(flows) / len(flows) if flows else None  # type: ignore[arg-type]

    def met(self, goal, x, tolerance=0.0):  # type: ignore[no-untyped-def]
        return x >= (goal.target or 0)

    def line(self, c: Completion) -> float | None:
        return c.goal.target

    def required(self, c: Completion) -> tuple[float | None, float | None]:
        if c.goal.target is None or c.value is None or c.year is None:
            return None, None
        return None, max(0.0, c.goal.target - c.value) / (c.target_year - c.year)

    def backwards(self, c: Completion, prev: Point | None) -> tuple[bool, Point | None]:
        return False, None  # additions are never negative progress by themselves

    fixed_direction = 1

    def bulk_backwards(self, f: Frame, P: np.ndarray, step_back: np.ndarray) -> np.ndarray:
        return np.zeros(P.shape, dtype=bool)

    def bulk(self, f: Frame) -> BulkPart:
        csum = np.where(f.judged, f.vals, 0.0).sum(0)
        mean = csum / np.maximum(f.n_judged, 1)
        if f.running is not None:  # running totals: the latest is the sum
            csum = np.where(f.running, f.latest, csum)
            mean = np.where(f.running, f.latest / np.maximum(f.lyear - f.B0, 1), mean)
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(f.tgt != 0, csum / f.tgt, np.nan)
        # projection: the sum so far plus the mean yearly addition for each remaining year
        projected = csum + mean * np.maximum(0, f.T - f.lyear)
        running = f.running if f.running is not None else np.zeros(f.tgt.shape, dtype=bool)
        gaps = ~running & (f.n_judged < f.lyear - f.B0)
        return BulkPart(P, (f.tgt != 0) & (csum >= f.tgt), value=csum, line=f.tgt, projected=projected,
                        meets=projected >= f.tgt, gaps=gaps, looks_running=~running & bulk_looks_running(f))

    def chart(self, target_value, ev, series):  # type: ignore[no-untyped-def]
        """The running sum from nothing at the base year (running totals are plotted as reported)."""
        running = ev.detail.get("convention") == "running"
        total, pts = 0.0, []
        for p in series:
            if p.year > ev.base_year and p.value is not None:
                total = p.value if running else total + p.value
                pts.append((p.year, total, p.simulated))
        return tuple(pts), target_value

    def chart_unit(self, unit: str | None) -> str | None:
        return f"{unit or ''}（累计）"

    def added_verb(self, change: float) -> str:
        return "新增"


KIND = Cumulative()
