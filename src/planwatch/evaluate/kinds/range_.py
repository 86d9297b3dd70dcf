"""Range targets (1–2, 控制在…之间): low ≤ X ≤ high, judged year by year like a maintain target.

A baseline outside the range is approached like a level target towards the nearer bound
(goal.py resolves that case to the level kind with the `range_approach` flag)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.kinds.base import BulkPart, Frame
from planwatch.evaluate.kinds.maintain import Maintain
from planwatch.evaluate.series import Point

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion
    from planwatch.evaluate.status import Status


class Range(Maintain):
    name = "range"
    code = 6
    baseline_in_fit = True

    def status(self, c: Completion, final: bool, st: Callable[..., Status]) -> Status | None:
        return st("met") if c.achieved else st("below_floor", label="未达标(超出区间)")

    def backwards(self, c: Completion, prev: Point | None) -> tuple[bool, Point | None]:
        return False, None  # either side of a range may be the way back in

    def line(self, c: Completion) -> float | None:
        g = c.goal
        if g.low is None or g.high is None:
            return None
        return g.low if g.direction > 0 else g.high

    fixed_direction = 1  # a range is judged either side; projections pick the model as for "up"

    def bulk_meets(self, f: Frame, at: np.ndarray, line: np.ndarray) -> np.ndarray:
        assert f.low is not None and f.high is not None
        tol = f.tol if self.yearly else 0.0
        return (at >= f.low - tol) & (at <= f.high + tol)

    def bulk_backwards(self, f: Frame, P: np.ndarray, step_back: np.ndarray) -> np.ndarray:
        return np.zeros(P.shape, dtype=bool)

    def bulk_missed(self, f: Frame) -> np.ndarray:
        assert f.low is not None and f.high is not None
        return (f.vals < f.low[None, :] - f.tol) | (f.vals > f.high[None, :] + f.tol)

    def bulk(self, f: Frame) -> BulkPart:
        assert f.low is not None and f.high is not None
        met = (f.latest >= f.low - f.tol) & (f.latest <= f.high + f.tol)
        return BulkPart(np.full(f.latest.shape, np.nan), met, line=f.low)


KIND = Range()
