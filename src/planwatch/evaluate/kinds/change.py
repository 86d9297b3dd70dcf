"""Change targets: an increase (or decrease) over the baseline (提高3个百分点, 增长20%, 翻一番).

The target level is X₀ + N for a change in the indicator's own unit or in 个百分点, and
X₀·(1 ± N/100) for a change in % (翻一番 is +100 %, 翻两番 +300 %). Once the level is known
it is judged as a level target: P = (X_t − X₀)/(X_T − X₀). Without a baseline there is no
level to reach (无法评估). The words come from the lexicon (kind.change_*, kind.doubling)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind
from planwatch.evaluate.kinds.level import bulk_level, judge_level
from planwatch.extract import lexicon
from planwatch.model import Indicator

if TYPE_CHECKING:
    from planwatch.evaluate.completion import Completion


def direction(ind: Indicator) -> int:
    """+1 for an increase, −1 for a decrease: the register's direction, else the target's words."""
    if ind.direction is not None:
        return 1 if ind.direction == "up" else -1
    raw = ind.target.raw or ""
    return -1 if any(w in raw for w in lexicon.words("kind.change_down")) else 1


def relative(ind: Indicator) -> bool:
    """Whether the size is a percentage of the baseline (增长20%, 翻一番) rather than an amount."""
    raw = ind.target.raw or ""
    if any(w in raw for w in lexicon.words("kind.doubling")):
        return True
    if any(w in raw for w in lexicon.words("kind.change_unit")):
        return False
    return "%" in raw or "％" in raw


def target_level(x0: float, size: float, d: int, rel: bool) -> float:
    return x0 * (1 + d * size / 100) if rel else x0 + d * size


class Change(Kind):
    name = "change"
    code = 5

    def complete(self, j: Judging) -> Completion:
        return judge_level(j, j.goal.target)

    @staticmethod
    def bulk_line(x0: np.ndarray, size: np.ndarray, d: np.ndarray, rel: np.ndarray) -> np.ndarray:
        """`target_level` over arrays (vectorised.py resolves a change to its level with this)."""
        return np.where(rel, x0 * (1 + d * size / 100), x0 + d * size)

    def bulk(self, f: Frame) -> BulkPart:
        return bulk_level(f, f.tgt)  # f.tgt already holds the level (bulk_line)


KIND = Change()
