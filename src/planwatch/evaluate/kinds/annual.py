"""Annual-rate targets (4*, 年均增长 r%): P = ln(growth so far)/((T − B)·ln(1 + r)).

So Q = P/S = ln(1 + g)/ln(1 + r) ≈ g/r, the realised compound rate against the target rate.
Observations are that year's growth in % (as bulletins publish it) or levels
(`annual_observed="level"`, growth taken as CAGR). A year not reported is not 0 % growth:
the realised rate is the mean over the years reported, and the growth so far is that rate
over every elapsed year (flag `gaps`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.goal import Goal
from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind
from planwatch.evaluate.series import Point
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion


def observed_as(ind: Indicator) -> str:
    return ind.annual_observed or ("rate" if (ind.unit or "").strip() in ("%", "％") else "level")


def _gaps(years: list[int], first: int, last: int) -> list[int]:
    have = set(years)
    return [y for y in range(first, last + 1) if y not in have]


class Annual(Kind):
    name = "annual"
    code = 3
    level_target = False
    flows = True
    rate = True
    baseline_on_chart = False

    def direction(self, ind: Indicator, x0: float | None) -> tuple[int, bool]:
        t = ind.target
        if t.op not in (">=", ">", "<=", "<") and t.value is not None:
            return (1 if t.value >= 0 else -1), False  # a negative rate (年均下降) wants the level down
        return super().direction(ind, x0)

    def resolve(self, ind: Indicator, x0: float | None, direction: int, strict: bool,
                flags: tuple[str, ...]) -> Goal:
        return Goal("annual", direction, ind.target.value, strict)

    def flows_only(self, ind: Indicator) -> bool:
        return ind.target.op != "qualitative" and observed_as(ind) == "rate"

    def complete(self, j: Judging) -> Completion:
        if self.flows_only(j.ind):
            return self._rates(j)
        return self._levels(j)

    def _rates(self, j: Judging) -> Completion:
        j.common["baseline"], j.common["base_year"] = None, j.b0
        rates = [p for p in j.numeric() if p.year > j.b0]
        if not rates:
            return j.done(P=None, achieved=None, value=None, year=None, missing="no_data")
        if j.brk is not None and j.brk > j.b0 + 1:
            return j.done(P=None, achieved=None, value=rates[-1].value, year=rates[-1].year,
                          missing="series_break", flags=("series_break",), detail={"observed_as": "rate"})
        if any(p.value <= -100 for p in rates):  # type: ignore[operator]
            return j.done(P=None, achieved=None, value=rates[-1].value, year=rates[-1].year, missing="bad_target",
                          detail={"observed_as": "rate"})
        log_sum = math.fsum(math.log1p(p.value / 100) for p in rates)  # type: ignore[operator]
        elapsed = rates[-1].year - j.b0
        gaps = _gaps([p.year for p in rates], j.b0 + 1, rates[-1].year)
        # Missing years at the realised mean rate, never at 0 %.
        factor = math.exp(log_sum * elapsed / len(rates))
        return self._result(j, factor, elapsed, j.b0, rates[-1], gaps, "rate")

    def _levels(self, j: Judging) -> Completion:
        nums, answer = j.opening()
        if answer is not None:
            return answer
        cur = nums[-1]
        assert cur.value is not None and j.x0 is not None
        if cur.year <= j.base_year:
            return j.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="only_baseline")
        if j.x0 <= 0 or cur.value <= 0:
            return j.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="bad_target")
        return self._result(j, cur.value / j.x0, cur.year - j.base_year, j.base_year, cur, [], "level")

    def _result(self, j: Judging, factor: float, n: int, B: int, cur: Point, gaps: list[int],
                how: str) -> Completion:
        """需年均增长 is the rate that would still reach (1 + r)^(T − B) by T."""
        goal, T = j.goal, j.T
        assert goal.target is not None
        r = goal.target / 100
        realised = factor ** (1 / n) - 1 if factor > 0 else None
        total = (1 + r) ** (T - B) if r > -1 else None
        required = None
        if total and factor > 0 and cur.year < T:
            required = ((total / factor) ** (1 / (T - cur.year)) - 1) * 100
        detail = {"realised_rate": None if realised is None else realised * 100, "target_rate": goal.target,
                  "required_rate": required, "growth_factor": factor, "observed_as": how,
                  "missing_years": gaps}
        kw = dict(value=cur.value, year=cur.year, detail=detail, flags=("gaps",) if gaps else ())
        if factor <= 0 or r <= -1:
            return j.done(P=None, achieved=None, missing="bad_target", **kw)
        if r == 0:  # "no fall": judged as met or not
            return j.done(P=None, achieved=factor >= 1, missing="bad_target", **kw)
        P = math.log(factor) / ((T - B) * math.log(1 + r))
        return j.done(P=P, achieved=P > 1 if goal.strict else P >= 1 - 1e-12, **kw)

    def line(self, c: Completion) -> float | None:
        return None  # a growth rate has no level to reach

    def required(self, c: Completion) -> tuple[float | None, float | None]:
        return c.detail.get("required_rate"), None

    def backwards(self, c: Completion, prev: Point | None) -> tuple[bool, Point | None]:
        if c.detail.get("observed_as") == "rate":  # a negative growth rate against a positive target
            return (c.goal.target or 0) > 0 and c.value is not None and c.value < 0, None
        return super().backwards(c, prev)

    def met(self, goal: Goal, x: float, tolerance: float = 0.0) -> bool:
        return x >= (goal.target or 0) - tolerance

    def bulk_backwards(self, f: Frame, P: np.ndarray, step_back: np.ndarray) -> np.ndarray:
        return (f.latest < 0) & (f.tgt > 0)  # rates observed: a negative year against a positive target

    def bulk(self, f: Frame) -> BulkPart:
        """Rates observed (the bulk path's convention for this kind)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            logs = np.where(f.judged, np.log1p(f.vals / 100), 0.0).sum(0)
            mean_log = logs / np.maximum(f.n_judged, 1)
            P = mean_log * (f.lyear - f.B0) / ((f.T - f.B0) * np.log1p(f.tgt / 100))
            bad = (np.where(f.judged, f.vals, 0.0) <= -100).any(0) | (f.tgt <= -100)
            P = np.where(bad | (f.tgt == 0), np.nan, P)
            ach = np.where(f.tgt == 0, mean_log >= 0, P >= 1 - 1e-12)
            ach = np.where(bad, False, ach)
            # projection: the realised mean rate, in %
            projected = np.expm1(mean_log) * 100
            meets = mean_log / np.log1p(f.tgt / 100) >= 1 - 1e-12
        return BulkPart(P, ach, projected=projected, meets=meets & ~bad,
                        gaps=~bad & (f.n_judged < f.lyear - f.B0))

    def chart(self, target_value, ev, series):  # type: ignore[no-untyped-def]
        if ev.detail.get("observed_as") == "rate":
            return None, ev.detail.get("target_rate")
        return None, None  # a growth-rate target has no level line to draw

    def chart_unit(self, unit: str | None) -> str | None:
        return "%"


KIND = Annual()
