"""完成度 P by target kind (ANCHORS §4.4), from one indicator and its series.

Every formula is anchored at the baseline, never the ratio X_t/X_T: the ratio
overstates progress when X_0 is large and is not linear in effort for
decreasing indicators."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from planwatch.evaluate.goal import Goal, Method, resolve_goal
from planwatch.evaluate.series import Point, Series
from planwatch.extract import lexicon
from planwatch.model import Indicator

_COVERAGE_WORDS = ("应保尽保", "全覆盖", "全面覆盖", "应助尽助", "应扶尽扶", "100%")


@dataclass(frozen=True)
class Completion:
    goal: Goal
    P: float | None  # completion; None when it cannot (or need not) be computed
    achieved: bool | None  # target condition met at the judged year (met, for maintain/range)
    value: float | None  # the value judged: latest level; running sum for cumulative
    year: int | None  # data year judged
    baseline: float | None
    base_year: int  # B of S(t) = (t − B)/(T − B)
    target_year: int
    # why P is missing: no_data | only_baseline | series_break | no_baseline | bad_target
    missing: str | None = None
    judgement: str | None = None  # qualitative: 已实现 / 推进中 / 未启动
    flags: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> Method:
        return self.goal.method


def _numeric(points: tuple[Point, ...]) -> list[Point]:
    return [p for p in points if p.value is not None]


def _gaps(years: list[int], first: int, last: int) -> list[int]:
    have = set(years)
    return [y for y in range(first, last + 1) if y not in have]


def complete(ind: Indicator, series: Series, plan_base_year: int = 2020, tolerance: float = 0.0) -> Completion:
    """Completion of one indicator from its (already filtered, deduplicated) series."""
    b0 = ind.baseline_year or plan_base_year
    T = ind.target.year
    seg = series.segment()
    brk = series.break_year()
    flags: list[str] = []
    if series.duplicate_years:
        flags.append("duplicate_years")
    if any(p.simulated for p in seg):
        flags.append("simulated")

    annual_rates = ind.target.kind == "annual" and ind.target.op != "qualitative" and annual_observed_as(ind) == "rate"
    flows_only = annual_rates or (ind.target.kind == "cumulative" and ind.target.value is not None)
    # Baseline: the plan's own figure; else the first observation at or after the base year.
    # (Cumulative and rate series are yearly flows: they need no baseline.)
    x0, base_year = ind.baseline, b0
    if x0 is None and not flows_only:
        first = next((p for p in _numeric(seg) if p.year >= b0), None)
        if first is not None:
            x0, base_year = first.value, first.year
            flags.append("baseline_provisional")
    baseline_broken = brk is not None and brk > base_year and ind.baseline is not None

    goal = resolve_goal(ind, x0, "baseline_provisional" in flags)
    flags.extend(goal.flags)
    common = dict(goal=goal, baseline=x0, base_year=base_year, target_year=T)

    def done(**kw: Any) -> Completion:
        extra = kw.pop("flags", ())
        return Completion(**common, **kw, flags=(*flags, *extra))  # type: ignore[arg-type]

    if goal.method == "qualitative":
        return _qualitative(ind, seg, tolerance, done)
    if goal.method == "cumulative":
        return _cumulative(goal, series, b0, brk, done, common)
    if goal.method == "annual" and annual_rates:
        return _annual_rates(goal, seg, b0, T, brk, done, common)
    if goal.method in ("maintain", "range"):
        return _maintain(goal, seg, base_year, tolerance, done)

    nums = [p for p in _numeric(seg) if p.year >= base_year]
    if not nums:
        return done(P=None, achieved=None, value=None, year=None, missing="no_data")
    cur = nums[-1]
    assert cur.value is not None
    if baseline_broken:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="series_break",
                    flags=("series_break",))
    if goal.method == "annual":
        return _annual_levels(goal, nums, x0, base_year, T, done)
    if x0 is None:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="no_baseline")
    if goal.method == "reduction":
        return _reduction(goal, cur, x0, base_year, done)
    # level, increasing or decreasing: P = (X_t − X_0)/(X_T − X_0)
    assert goal.target is not None
    achieved = goal.satisfied_by(cur.value)
    if "range_approach" in goal.flags and not achieved and (cur.value - goal.target) * goal.direction > 0:
        flags.append("outside_range")  # overshot the far bound of a range
    if cur.year <= base_year:
        return done(P=None, achieved=achieved, value=cur.value, year=cur.year, missing="only_baseline")
    P = (cur.value - x0) / (goal.target - x0)
    return done(P=P, achieved=achieved, value=cur.value, year=cur.year)


def _qualitative(ind: Indicator, seg: tuple[Point, ...], tolerance: float, done: Any) -> Completion:
    """Evidence-based judgement. A coverage target (应保尽保, 全覆盖) with a % value is
    已实现 at 100 % (within tolerance), else 推进中."""
    if not seg:
        return done(P=None, achieved=None, value=None, year=None, missing="no_data")
    cur = seg[-1]
    judgement = None
    if cur.judgement:
        # Words outside the lexicon's judgements (free text) count as progress, never as achieved.
        judgement = lexicon.judgement(cur.judgement) or "推进中"
    elif cur.value is not None and (ind.unit or "").strip() in ("%", "％") and any(
            w in (ind.target.raw or "") for w in _COVERAGE_WORDS):
        judgement = "已实现" if cur.value >= 100 - tolerance else "推进中"
    if judgement is None:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="no_data")
    return done(P=None, achieved=judgement == "已实现", value=cur.value, year=cur.year, judgement=judgement)


def _cumulative(goal: Goal, series: Series, b0: int, brk: int | None, done: Any,
                common: dict[str, Any]) -> Completion:
    """P = Σ new_y / N over plan years; observations are each year's additions (新增)."""
    common["baseline"], common["base_year"] = None, b0  # a 【】 baseline is the previous plan's total
    flows = [p for p in _numeric(series.points) if p.year > b0]
    if not flows:
        return done(P=None, achieved=None, value=None, year=None, missing="no_data")
    last = flows[-1].year
    if brk is not None and brk > b0 + 1:
        return done(P=None, achieved=None, value=None, year=last, missing="series_break", flags=("series_break",))
    total = math.fsum(p.value for p in flows)  # type: ignore[misc]
    gaps = _gaps([p.year for p in flows], b0 + 1, last)
    detail = {"sum": total, "years": [p.year for p in flows], "missing_years": gaps}
    extra = ("gaps",) if gaps else ()
    N = goal.target
    if not N:
        return done(P=None, achieved=None, value=total, year=last, missing="bad_target", detail=detail)
    achieved = total > N if goal.strict else total >= N
    return done(P=total / N, achieved=achieved, value=total, year=last, detail=detail, flags=extra)


def _maintain(goal: Goal, seg: tuple[Point, ...], base_year: int, tolerance: float, done: Any) -> Completion:
    """Floor/ceiling/range: met or not every year; P is not meaningful."""
    nums = _numeric(seg)
    if not nums:
        return done(P=None, achieved=None, value=None, year=None, missing="no_data")
    cur = nums[-1]
    assert cur.value is not None
    not_met = [p.year for p in nums if p.year > base_year and not goal.satisfied_by(p.value, tolerance)]  # type: ignore[arg-type]
    met = goal.satisfied_by(cur.value, tolerance)
    return done(P=None, achieved=met, value=cur.value, year=cur.year, detail={"years_not_met": not_met})


def annual_observed_as(ind: Indicator) -> str:
    return ind.annual_observed or ("rate" if (ind.unit or "").strip() in ("%", "％") else "level")


def _annual_rates(goal: Goal, seg: tuple[Point, ...], b0: int, T: int, brk: int | None, done: Any,
                  common: dict[str, Any]) -> Completion:
    """Yearly growth rates observed: compound them; the baseline is not needed."""
    common["baseline"], common["base_year"] = None, b0
    rates = [p for p in _numeric(seg) if p.year > b0]
    if not rates:
        return done(P=None, achieved=None, value=None, year=None, missing="no_data")
    if brk is not None and brk > b0 + 1:
        return done(P=None, achieved=None, value=rates[-1].value, year=rates[-1].year, missing="series_break",
                    flags=("series_break",))
    factor = math.prod(1 + p.value / 100 for p in rates)  # type: ignore[operator]
    gaps = _gaps([p.year for p in rates], b0 + 1, rates[-1].year)
    return _annual_result(goal, factor, len(rates), b0, T, rates[-1], gaps, "rate", done)


def _annual_levels(goal: Goal, nums: list[Point], x0: float | None, base_year: int, T: int,
                   done: Any) -> Completion:
    """Levels observed: growth factor X_t/X_0 over t − B years."""
    cur = nums[-1]
    assert cur.value is not None
    if x0 is None:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="no_baseline")
    if cur.year <= base_year:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="only_baseline")
    if x0 <= 0 or cur.value <= 0:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="bad_target")
    return _annual_result(goal, cur.value / x0, cur.year - base_year, base_year, T, cur, [], "level", done)


def _annual_result(goal: Goal, factor: float, n: int, B: int, T: int, cur: Point, gaps: list[int], observed_as: str,
                   done: Any) -> Completion:
    """P = ln(growth so far)/((T − B)·ln(1 + r)), so Q = P/S = ln(1 + g)/ln(1 + r) ≈ g/r:
    the realised compound rate against the target rate. 需年均增长 is the rate that
    would still reach (1 + r)^(T − B) by T."""
    assert goal.target is not None
    r = goal.target / 100
    realised = factor ** (1 / n) - 1 if factor > 0 else None
    total = (1 + r) ** (T - B) if r > -1 else None
    required = None
    if total and factor > 0 and cur.year < T:
        required = ((total / factor) ** (1 / (T - cur.year)) - 1) * 100
    detail = {"realised_rate": None if realised is None else realised * 100, "target_rate": goal.target,
              "required_rate": required, "growth_factor": factor, "observed_as": observed_as,
              "missing_years": gaps}
    kw = dict(value=cur.value, year=cur.year, detail=detail, flags=("gaps",) if gaps else ())
    if factor <= 0 or r <= -1:
        return done(P=None, achieved=None, missing="bad_target", **kw)
    if r == 0:  # "no fall": judged as met or not
        return done(P=None, achieved=factor >= 1, missing="bad_target", **kw)
    P = math.log(factor) / ((T - B) * math.log(1 + r))
    return done(P=P, achieved=P > 1 if goal.strict else P >= 1 - 1e-12, **kw)


def _reduction(goal: Goal, cur: Point, x0: float, base_year: int, done: Any) -> Completion:
    """降低 p% against the baseline: achieved a = 1 − X_t/X_0; P = a/p."""
    assert goal.target is not None and cur.value is not None
    p = goal.target / 100
    if x0 == 0 or p == 0:
        return done(P=None, achieved=None, value=cur.value, year=cur.year, missing="bad_target")
    a = 1 - cur.value / x0
    detail = {"achieved_reduction": a * 100, "target_reduction": goal.target, "target_level": x0 * (1 - p)}
    if cur.year <= base_year:
        return done(P=None, achieved=a >= p, value=cur.value, year=cur.year, missing="only_baseline",
                    detail=detail)
    return done(P=a / p, achieved=a > p if goal.strict else a >= p, value=cur.value, year=cur.year, detail=detail)
