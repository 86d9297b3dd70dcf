"""Reduction targets (降低 p%): a = 1 − X_t/X₀, P = a/p.

The schedule may be the constant-rate path: expected completion (1 − (1 − p)^s)/p."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.goal import Goal
from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind
from planwatch.evaluate.schedule import geometric_reduction_schedule
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion


class Reduction(Kind):
    name = "reduction"
    code = 4
    level_target = False
    constant_rate = True

    def direction(self, ind: Indicator, x0: float | None) -> tuple[int, bool]:
        return -1, False

    def resolve(self, ind: Indicator, x0: float | None, direction: int, strict: bool,
                flags: tuple[str, ...]) -> Goal:
        return Goal("reduction", -1, ind.target.value, strict)

    def expected(self, s: float, goal: Goal, reduction_schedule: str = "linear") -> float:
        if reduction_schedule == "geometric" and goal.target:
            return geometric_reduction_schedule(s, goal.target / 100)
        return s

    def complete(self, j: Judging) -> Completion:
        nums, answer = j.opening()
        if answer is not None:
            return answer
        cur = nums[-1]
        assert cur.value is not None
        x0, goal = j.x0, j.goal
        assert x0 is not None
        assert goal.target is not None
        p = goal.target / 100
        if x0 == 0 or p == 0:
            return j.done(P=None, achieved=None, value=cur.value, year=cur.year, missing="bad_target")
        a = 1 - cur.value / x0
        detail = {"achieved_reduction": a * 100, "target_reduction": goal.target, "target_level": x0 * (1 - p)}
        if cur.year <= j.base_year:
            return j.done(P=None, achieved=a >= p, value=cur.value, year=cur.year, missing="only_baseline",
                          detail=detail)
        return j.done(P=a / p, achieved=a > p if goal.strict else a >= p, value=cur.value, year=cur.year,
                      detail=detail)

    def met(self, goal: Goal, x: float, tolerance: float = 0.0) -> bool:
        raise TypeError("a reduction is met against its baseline: use the completion")

    def line(self, c: Completion) -> float | None:
        return c.detail.get("target_level")

    def projection_meets(self, c: Completion, y: float, tolerance: float = 0.0) -> bool | None:
        line = self.line(c)
        return None if line is None else float(f"{y:.9g}") <= float(f"{line:.9g}")

    def chart(self, target_value, ev, series):  # type: ignore[no-untyped-def]
        return None, ev.detail.get("target_level")

    fixed_direction = -1

    def bulk_expected(self, s: np.ndarray, target: np.ndarray, reduction_schedule: str) -> np.ndarray:
        return bulk_expected(s, target / 100) if reduction_schedule == "geometric" else s

    def bulk_meets(self, f: Frame, at: np.ndarray, line: np.ndarray) -> np.ndarray:
        return at <= line

    def bulk(self, f: Frame) -> BulkPart:
        with np.errstate(invalid="ignore", divide="ignore"):
            a = 1 - f.latest / f.x0
            p = f.tgt / 100
            bad = (f.x0 == 0) | (p == 0)
            P = np.where(bad, np.nan, a / p)
            ach = ~bad & (a >= p)
        return BulkPart(P, ach, line=f.x0 * (1 - p))


KIND = Reduction()


def bulk_expected(s: np.ndarray, p: np.ndarray) -> np.ndarray:
    """`Reduction.expected` with the geometric schedule, over arrays."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (p > 0) & (p < 1)
        return np.where(ok, (1 - (1 - np.where(ok, p, 0.5)) ** s) / np.where(ok, p, 0.5), s)
