"""Level targets (递增或递减): P = (X_t − X₀)/(X_T − X₀), anchored at the baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.goal import KEEP_WORDS, Goal
from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion


def judge_level(j: Judging, target: float | None) -> Completion:
    """The level rule, shared by the kinds that end in a level (change, a range approached)."""
    nums, answer = j.opening(target_known=target is not None)
    if answer is not None:
        return answer
    cur = nums[-1]
    assert cur.value is not None
    goal = j.goal
    achieved = goal.satisfied_by(cur.value)
    extra: tuple[str, ...] = ()
    if "range_approach" in goal.flags and not achieved and (cur.value - target) * goal.direction > 0:
        extra = ("outside_range",)  # overshot the far bound of a range
    if cur.year <= j.base_year:
        return j.done(P=None, achieved=achieved, value=cur.value, year=cur.year, missing="only_baseline",
                      flags=extra)
    P = (cur.value - j.x0) / (target - j.x0)
    return j.done(P=P, achieved=achieved, value=cur.value, year=cur.year, flags=extra)


def bulk_level(f: Frame, line: np.ndarray) -> BulkPart:
    with np.errstate(invalid="ignore", divide="ignore"):
        P = (f.latest - f.x0) / (line - f.x0)
    ach = np.where(f.d > 0, f.latest >= line, f.latest <= line)
    return BulkPart(P, ach, line=line)


class Level(Kind):
    name = "level"
    code = 0
    direction_from_baseline = True

    def resolve(self, ind: Indicator, x0: float | None, direction: int, strict: bool,
                flags: tuple[str, ...]) -> Goal:
        """A level the baseline already meets (100→100, 3.8→≤4), or worded as keeping it
        (稳定在98以上), is a maintain/floor target."""
        t = ind.target
        assert t.value is not None
        if x0 is not None and (t.value - x0) * direction <= 0:
            return Goal("maintain", direction, t.value, strict, flags=(*flags, "baseline_meets_target"))
        if any(w in (t.raw or "") for w in KEEP_WORDS):
            return Goal("maintain", direction, t.value, strict, flags=flags)
        return Goal("level", direction, t.value, strict, flags=flags)

    def complete(self, j: Judging) -> Completion:
        return judge_level(j, j.goal.target)

    def bulk(self, f: Frame) -> BulkPart:
        return bulk_level(f, f.tgt)


KIND = Level()
