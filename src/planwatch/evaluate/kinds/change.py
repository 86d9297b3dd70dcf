"""Change targets: an increase (or decrease) over the baseline (提高3个百分点, 增长20%, 翻一番).

The target level is X₀ + N for a change in the indicator's own unit or in 个百分点, and
X₀·(1 ± N/100) for a change in % (翻一番 is +100 %, 翻两番 +300 %). Once the level is known
it is judged as a level target: P = (X_t − X₀)/(X_T − X₀). Without a baseline there is no
level to reach (无法评估). The words come from the lexicon (kind.change_*, kind.doubling)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planwatch.evaluate.goal import Goal
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

    def direction(self, ind: Indicator, x0: float | None) -> tuple[int, bool]:
        return direction(ind), False  # the op applies to the size of the change, not to the level

    def resolve(self, ind: Indicator, x0: float | None, d: int, strict: bool, flags: tuple[str, ...]) -> Goal:
        t = ind.target
        assert t.value is not None
        if x0 is None:
            return Goal("change", d, None, flags=flags)
        level = target_level(x0, t.value, d, relative(ind))
        if t.op in ("<=", "<"):  # a change capped (增长控制在5%以内): a ceiling on the level
            return Goal("maintain", -d, level, strict, flags=(*flags, "change_cap"))
        if level == x0:  # a change of 0 (提高0个百分点): keep the baseline, as a level the baseline meets
            return Goal("maintain", d, level, strict, flags=(*flags, "baseline_meets_target"))
        return Goal("change", d, level, False, flags=flags)

    def complete(self, j: Judging) -> Completion:
        c = judge_level(j, j.goal.target)
        if j.goal.target is not None:
            c.detail["target_level"] = j.goal.target
        return c

    def chart(self, target_value, ev, series):  # type: ignore[no-untyped-def]
        return None, ev.detail.get("target_level")  # the level the change leads to, not its size

    @staticmethod
    def bulk_line(x0: np.ndarray, size: np.ndarray, d: np.ndarray, rel: np.ndarray) -> np.ndarray:
        """`target_level` over arrays (vectorised.py resolves a change to its level with this)."""
        return np.where(rel, x0 * (1 + d * size / 100), x0 + d * size)

    def bulk(self, f: Frame) -> BulkPart:
        return bulk_level(f, f.tgt)  # f.tgt already holds the level (bulk_line)


KIND = Change()
