"""What every target kind provides, and the shared inputs its rules read.

A kind module holds one kind's rules: how its goal is resolved, the expected completion at a
time share (时序进度), completion P, the met/unmet test, the level a projection is compared to,
its statuses, the bulk (numpy) version of the same rules, and how reports and pages show it.
The registry (`planwatch.evaluate.kinds`) maps a kind name to its module; every caller
dispatches through it instead of testing the kind name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from planwatch.evaluate.goal import Goal
from planwatch.evaluate.series import Point, Series
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion
    from planwatch.evaluate.status import Status


@dataclass
class Judging:
    """One indicator's series, prepared for its kind's scalar rules (built by completion.complete)."""

    ind: Indicator
    series: Series
    seg: tuple[Point, ...]  # the latest comparable segment (never across a 口径 break)
    brk: int | None  # first year of that segment when a break occurred
    b0: int  # the plan's base year for this indicator
    T: int
    x0: float | None  # baseline in use (plan figure or provisional first observation)
    base_year: int  # B of S(t): b0, or the provisional baseline's year
    goal: Goal
    tolerance: float
    baseline_broken: bool
    done: Callable[..., Completion]
    common: dict[str, Any]
    flags: list[str] = field(default_factory=list)

    def numeric(self, points: tuple[Point, ...] | None = None) -> list[Point]:
        return [p for p in (self.seg if points is None else points) if p.value is not None]

    def opening(self, target_known: bool = True) -> tuple[list[Point], Completion | None]:
        """The numeric points since the base year, and the answer when they cannot be judged against a
        level: no data, a 口径 break under the baseline, no baseline (or no target). None: go on."""
        nums = [p for p in self.numeric() if p.year >= self.base_year]
        if not nums:
            return nums, self.done(P=None, achieved=None, value=None, year=None, missing="no_data")
        cur = nums[-1]
        if self.baseline_broken:
            return nums, self.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="series_break",
                                   flags=("series_break",))
        if self.x0 is None or not target_known:
            return nums, self.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="no_baseline")
        return nums, None


@dataclass
class Frame:
    """The arrays every bulk rule reads, (years, series) oriented; built once by vectorised.py.

    The (k, n) arrays `vals`, `obs`, `judged` of a sub-frame (`take`) are cut only when a rule reads
    them: the level kinds never do, and they are most of the columns."""

    years: np.ndarray  # (k,) float data years ≤ the judged year
    yc: np.ndarray  # (k, 1)
    all_vals: np.ndarray  # (k, N) NaN before the latest break and where not reported
    all_obs: np.ndarray  # (k, N) bool
    all_judged: np.ndarray  # (k, N) bool: the points a kind judges
    x0: np.ndarray  # (n,) baseline in use
    B: np.ndarray  # (n,) base year of S
    B0: int
    T: int
    tgt: np.ndarray  # (n,) the target as stored (size for change, % for rates)
    d: np.ndarray  # (n,) float direction
    latest: np.ndarray
    lyear: np.ndarray
    has: np.ndarray
    n_judged: np.ndarray
    tol: float
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    change_relative: np.ndarray | None = None
    running: np.ndarray | None = None

    cols: np.ndarray | None = None  # the columns of all_* this frame stands for (None: all)
    _cut: dict[str, np.ndarray] = field(default_factory=dict)

    def _two_d(self, name: str) -> np.ndarray:
        a: np.ndarray = getattr(self, "all_" + name)
        if self.cols is None:
            return a
        if name not in self._cut:
            self._cut[name] = a[:, self.cols]
        return self._cut[name]

    @property
    def vals(self) -> np.ndarray:
        return self._two_d("vals")

    @property
    def obs(self) -> np.ndarray:
        return self._two_d("obs")

    @property
    def judged(self) -> np.ndarray:
        return self._two_d("judged")

    def take(self, idx: np.ndarray) -> Frame:
        """The same frame for the columns `idx` only: each kind computes on its own series."""
        def cut(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[idx]

        cols = idx if self.cols is None else self.cols[idx]
        return Frame(self.years, self.yc, self.all_vals, self.all_obs, self.all_judged, self.x0[idx],
                     self.B[idx], self.B0, self.T, self.tgt[idx], self.d[idx], self.latest[idx], self.lyear[idx],
                     self.has[idx], self.n_judged[idx], self.tol, cut(self.low), cut(self.high),
                     cut(self.change_relative), cut(self.running), cols)


@dataclass
class BulkPart:
    """One kind's bulk answer, one entry per column of the sub-frame it was given (Frame.take)."""

    P: np.ndarray
    achieved: np.ndarray
    value: np.ndarray | None = None  # judged value when not the latest level (running sum)
    line: np.ndarray | None = None  # the level the target means (projection, backwards)
    projected: np.ndarray | None = None  # the kind's own projection (rates, sums), else the fitted level
    meets: np.ndarray | None = None  # whether that projection meets the target
    gaps: np.ndarray | None = None  # flag `gaps`: a year of the flow not reported
    looks_running: np.ndarray | None = None  # flag `looks_running_total`


class Kind:
    """Default rules: a numeric target with a baseline and a schedule (the level kind)."""

    name = "level"
    code = 0  # bulk method code
    yearly = False  # judged year by year (达标/未达标): no schedule, no completion
    evidence = False  # judged from written evidence (qualitative)
    flows = False  # observations are yearly flows (新增, growth rates): no baseline needed
    rate = False  # the target is a rate: no level line, values shown in %
    direction_from_baseline = False  # with op "=", the direction is read off baseline → target
    fixed_direction: int | None = None  # the bulk path's direction whatever the input says
    value_label: str | None = None  # how the judged value is named in a report (累计)
    baseline_on_chart = True
    level_target = True  # the target is a level a value meets (not a rate, a sum or a judgement)
    baseline_in_fit = True  # a projection fits the baseline point with the observations
    constant_rate = False  # a projection always uses the constant-rate model (the target is a rate)

    # --- scalar -----------------------------------------------------------------------
    def direction(self, ind: Indicator, x0: float | None) -> tuple[int, bool]:
        """(direction, assumed) when the register gives none: the op, then baseline → target;
        when nothing tells, "up" is assumed and flagged."""
        t = ind.target
        if t.op in (">=", ">"):
            return 1, False
        if t.op in ("<=", "<"):
            return -1, False
        if x0 is not None and t.value is not None and t.value != x0:
            return (1 if t.value > x0 else -1), False
        return 1, True

    def resolve(self, ind: Indicator, x0: float | None, direction: int, strict: bool,
                flags: tuple[str, ...]) -> Goal:
        """The goal of a target with a value stated as this kind (goal.resolve_goal handles ranges
        and targets without a value first): the kind it is judged as, and its threshold."""
        return Goal(self.name, direction, ind.target.value, strict, flags=flags)  # type: ignore[arg-type]

    def flows_only(self, ind: Indicator) -> bool:
        return self.flows and ind.target.value is not None

    def expected(self, s: float, goal: Goal, reduction_schedule: str = "linear") -> float:
        """Completion expected at time share s on schedule (时序进度): linear by default."""
        return s

    def met(self, goal: Goal, x: float, tolerance: float = 0.0) -> bool:
        return goal.satisfied_by(x, tolerance)

    def complete(self, j: Judging) -> Completion:
        raise NotImplementedError

    def line(self, c: Completion) -> float | None:
        """The level the target means, that projections are compared to (None: no level)."""
        return c.goal.target

    def status(self, c: Completion, final: bool, st: Callable[..., Status]) -> Status | None:
        """A kind's own status, or None for the common progress bands (status.classify)."""
        return None

    def mean_addition(self, c: Completion, series: Series) -> float | None:
        """Flow kinds: the mean yearly addition a projection carries forward."""
        return None

    def projection_meets(self, c: Completion, y: float, tolerance: float = 0.0) -> bool | None:
        """Whether a projected (or observed) level y meets the target; None when nothing to meet."""
        g = c.goal
        if g.target is None and g.low is None:
            return None
        return g.satisfied_by(y, tolerance)

    def required(self, c: Completion) -> tuple[float | None, float | None]:
        """需年均增长: rate (% a year) and absolute change a year still needed."""
        target = self.line(c)
        if target is None or c.value is None or c.year is None:
            return None, None
        years = c.target_year - c.year
        rate = ((target / c.value) ** (1 / years) - 1) * 100 if target > 0 and c.value > 0 else None
        return rate, (target - c.value) / years

    def backwards(self, c: Completion, prev: Point | None) -> tuple[bool, Point | None]:
        """Moving away from the target: below the baseline (P < 0), or worse than `prev`, the
        previous observation of the segment. Returns the verdict and the point compared with."""
        if c.P is not None and c.P < 0:
            return True, None
        if prev is None or prev.value is None or c.value is None:
            return False, None
        return (c.value - prev.value) * c.goal.direction < 0, prev

    # --- bulk -------------------------------------------------------------------------
    def bulk(self, f: Frame) -> BulkPart:
        raise NotImplementedError

    def bulk_expected(self, s: np.ndarray, target: np.ndarray, reduction_schedule: str) -> np.ndarray:
        """`expected` over arrays."""
        return s

    def bulk_meets(self, f: Frame, at: np.ndarray, line: np.ndarray) -> np.ndarray:
        """Whether a projected level (at 9 significant digits) meets the line (`projection_meets`)."""
        tol = f.tol if self.yearly else 0.0
        return np.where(f.d > 0, at >= line - tol, at <= line + tol)

    def bulk_backwards(self, f: Frame, P: np.ndarray, step_back: np.ndarray) -> np.ndarray:
        """`backwards` over arrays (before the common 'reported and not achieved' condition)."""
        return (np.nan_to_num(P, nan=0.0) < 0) | step_back

    def bulk_missed(self, f: Frame) -> np.ndarray:
        """(k, n) years a yearly target was not met (with the tolerance)."""
        line = np.where(f.d > 0, f.tgt - f.tol, f.tgt + f.tol)
        return (f.vals - line[None, :]) * f.d[None, :] < 0

    # --- presentation -----------------------------------------------------------------
    def chart(self, target_value: float | None, ev: Any, series: Sequence[Any]
              ) -> tuple[tuple[tuple[int, float, bool], ...] | None, float | None]:
        """What a trajectory chart plots for this kind (None: the observed values) and where its
        target line is. `ev` is an IndicatorEvaluation, `series` points with year, value, simulated."""
        return None, target_value

    def chart_unit(self, unit: str | None) -> str | None:
        return unit

    def schedule_path(self) -> bool:
        """Whether a chart draws the straight schedule path from baseline to target."""
        return not self.yearly

    def shows_projection(self) -> bool:
        return not self.rate

    def added_verb(self, change: float) -> str:
        return "增加" if change >= 0 else "减少"
