"""完成度 P by target kind (ANCHORS §4.4), from one indicator and its series.

Every formula is anchored at the baseline, never the ratio X_t/X_T: the ratio
overstates progress when X_0 is large and is not linear in effort for
decreasing indicators. The rules of each kind live in `planwatch.evaluate.kinds`;
this module prepares the series and the baseline they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planwatch.evaluate import kinds
from planwatch.evaluate.goal import Goal, Method, resolve_goal
from planwatch.evaluate.kinds.annual import observed_as as annual_observed_as
from planwatch.evaluate.series import Series
from planwatch.model import Indicator

__all__ = ["Completion", "annual_observed_as", "complete"]


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

    @property
    def kind(self) -> kinds.Kind:
        return kinds.get(self.goal.method)


def complete(ind: Indicator, series: Series, plan_base_year: int = 2020, tolerance: float = 0.0) -> Completion:
    """Completion of one indicator from its (already filtered, deduplicated) series.

    Only data years up to the target year count: a later value is not judged against this target."""
    b0 = ind.baseline_year or plan_base_year
    T = ind.target.year
    series = series.up_to(T)
    seg = series.segment()
    brk = series.break_year()
    flags: list[str] = []
    if series.duplicate_years:
        flags.append("duplicate_years")
    if any(p.simulated for p in seg):
        flags.append("simulated")

    stated = kinds.REGISTRY.get(ind.target.kind)
    flows_only = stated is not None and ind.target.value is not None and stated.flows_only(ind)
    # Baseline: the plan's own figure; else the first observation at or after the base year.
    # (Cumulative and rate series are yearly flows: they need no baseline.)
    x0, base_year = ind.baseline, b0
    if x0 is None and not flows_only:
        first = next((p for p in seg if p.value is not None and p.year >= b0), None)
        if first is not None:
            x0, base_year = first.value, first.year
            flags.append("baseline_provisional")
    baseline_broken = brk is not None and brk > base_year and ind.baseline is not None

    goal = resolve_goal(ind, x0, "baseline_provisional" in flags)
    flags.extend(goal.flags)
    common: dict[str, Any] = dict(goal=goal, baseline=x0, base_year=base_year, target_year=T)

    def done(**kw: Any) -> Completion:
        extra = kw.pop("flags", ())
        return Completion(**common, **kw, flags=(*flags, *extra))

    j = kinds.Judging(ind, series, seg, brk, b0, T, x0, base_year, goal, tolerance, baseline_broken, done, common,
                      flags)
    return kinds.get(goal.method).complete(j)
