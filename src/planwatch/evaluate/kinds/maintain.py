"""Maintain / floor / ceiling targets (稳定在98以上, 100→100, ≤4): met or not, year by year.

Only years from the base year on are judged: an earlier value predates the target."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion
    from planwatch.evaluate.status import Status


class Maintain(Kind):
    name = "maintain"
    code = 2
    yearly = True
    baseline_in_fit = False  # the baseline is a year judged like any other, not a start point

    def complete(self, j: Judging) -> Completion:
        nums = [p for p in j.numeric() if p.year >= j.base_year]
        if not nums:
            return j.done(P=None, achieved=None, value=None, year=None, missing="no_data")
        cur = nums[-1]
        assert cur.value is not None
        not_met = [p.year for p in nums if p.year > j.base_year
                   and not self.met(j.goal, p.value, j.tolerance)]  # type: ignore[arg-type]
        met = self.met(j.goal, cur.value, j.tolerance)
        return j.done(P=None, achieved=met, value=cur.value, year=cur.year, detail={"years_not_met": not_met})

    def status(self, c: Completion, final: bool, st: Callable[..., Status]) -> Status | None:
        return st("met") if c.achieved else st("below_floor")

    def line(self, c: Completion) -> float | None:
        return c.goal.target

    def required(self, c: Completion) -> tuple[float | None, float | None]:
        return None, None

    def bulk(self, f: Frame) -> BulkPart:
        line = f.tgt
        met = np.where(f.d > 0, f.latest >= line - f.tol, f.latest <= line + f.tol)
        return BulkPart(np.full(f.latest.shape, np.nan), met, line=line)


KIND = Maintain()
