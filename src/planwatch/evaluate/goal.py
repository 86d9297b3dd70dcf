"""Resolve what an indicator is judged against: method, direction and threshold.

The register stores target *kind* and *op* as the plan wrote them; evaluation needs
one of a few methods. Resolution is explicit so the rule can be documented and tested:
a level target the baseline already meets is a maintain/floor target, a range whose
baseline lies outside it is approached like a level target, and so on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from planwatch.model import Indicator

Method = Literal["level", "cumulative", "annual", "reduction", "change", "maintain", "range", "qualitative"]

# Target wording that means "keep it where it is" (稳定在98以上, 保持稳定).
KEEP_WORDS = ("稳定", "保持", "不低于", "不高于", "维持")


@dataclass(frozen=True)
class Goal:
    method: Method
    direction: int  # +1: higher is better; -1: lower is better
    target: float | None  # X_T; N for cumulative; r (%) for annual; p (%) for reduction
    strict: bool = False  # op > or <
    low: float | None = None  # range bounds (also kept when a range is approached as a level)
    high: float | None = None
    flags: tuple[str, ...] = ()

    def satisfied_by(self, x: float, tolerance: float = 0.0) -> bool:
        """Whether a level x meets the target condition (not meaningful for cumulative/annual)."""
        if self.low is not None and self.high is not None:
            return self.low - tolerance <= x <= self.high + tolerance
        assert self.target is not None
        if self.direction > 0:
            return x > self.target - tolerance if self.strict else x >= self.target - tolerance
        return x < self.target + tolerance if self.strict else x <= self.target + tolerance


def infer_direction(ind: Indicator, x0: float | None) -> tuple[int, bool]:
    """(direction, assumed). Explicit direction wins; then the op; then baseline → target.

    When nothing tells, "up" is assumed and flagged: most public-service targets with
    equal baseline and target are coverage rates (参保率, 保障率 100 → 100)."""
    if ind.direction is not None:
        return (1 if ind.direction == "up" else -1), False
    return _kind(ind).direction(ind, x0)


def _kind(ind: Indicator):  # type: ignore[no-untyped-def]
    from planwatch.evaluate import kinds  # the kind modules build on Goal

    return kinds.get(ind.target.kind)


def resolve_goal(ind: Indicator, x0: float | None, provisional: bool = False) -> Goal:
    """x0: the baseline value in use (plan baseline, or provisional first observation).

    A direction read off a provisional baseline is flagged as assumed: one observed
    value says little about which way the plan wants the indicator to move."""
    t = ind.target
    raw = t.raw or ""
    direction, assumed = infer_direction(ind, x0)
    if provisional and ind.direction is None and t.op == "=" and _kind(ind).direction_from_baseline:
        assumed = True
    flags = ("direction_assumed",) if assumed else ()
    strict = t.op in (">", "<")
    if t.op == "range" and t.value_low is not None and t.value_high is not None:
        low, high = sorted((t.value_low, t.value_high))
        if x0 is not None and x0 < low:
            return Goal("level", 1, low, False, low, high, flags=("range_approach",))
        if x0 is not None and x0 > high:
            return Goal("level", -1, high, False, low, high, flags=("range_approach",))
        return Goal("range", 1, None, False, low, high)
    if t.value is None:
        if x0 is not None and any(w in raw for w in KEEP_WORDS):
            # "保持稳定" with a baseline: keep at least (or at most) the baseline.
            return Goal("maintain", direction, x0, False, flags=(*flags, "target_from_baseline"))
        return Goal("qualitative", 1, None)
    return _kind(ind).resolve(ind, x0, direction, strict, flags)
