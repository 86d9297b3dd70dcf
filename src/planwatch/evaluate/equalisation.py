"""均等化: how evenly an indicator is spread across sub-regions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Equalisation:
    n: int
    mean: float | None  # weighted when populations are given
    cv: float | None  # coefficient of variation (population form, weighted)
    theil: float | None  # Theil T index; 0 = perfectly equal, ln(n) = one region has everything
    max_min_ratio: float | None  # None when the minimum is ≤ 0
    share_meeting_target: float | None
    laggards: list[str]  # region codes not meeting the target, worst first
    weighted: bool = False  # population-weighted; False when any sub-region lacks a population

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def equalisation(values: Mapping[str, float], meets: Callable[[float], bool] | None = None,
                 direction: int = 1, weights: Mapping[str, float] | None = None,
                 laggard_count: int | None = None,
                 behind: Callable[[str], bool] | None = None) -> Equalisation:
    """values: region code → value for one indicator and year.

    meets: the target test for one value (gives the share meeting the target).
    behind: whether a region is behind its own schedule; when given, the laggards
    are those regions — before the target year a region on schedule has not met
    the end target yet and is no laggard. Otherwise the laggards are the regions
    failing `meets`, or without a target test the bottom `laggard_count` regions
    (default: the bottom fifth). Always worst first, by value in the indicator's
    direction."""
    items = sorted((k, v) for k, v in values.items() if v is not None and math.isfinite(v))
    n = len(items)
    if n == 0:
        return Equalisation(0, None, None, None, None, None, [])
    w = [float(weights.get(k) or 0.0) if weights else 1.0 for k, _ in items]
    # A sub-region without a population would weigh 0 and vanish from the spread (60 and 99
    # would come out "perfectly equal"): weight only when every sub-region has one.
    weighted = bool(weights) and all(wi > 0 for wi in w)
    if not weighted:
        w = [1.0] * n
    W = sum(w)
    xs = [v for _, v in items]
    pairs = list(zip(w, xs, strict=True))
    # Sums over lists, not generators: the same additions in the same order (a plan computes ~100 of these).
    mean = sum([wi * x for wi, x in pairs]) / W
    var = sum([wi * (x - mean) ** 2 for wi, x in pairs]) / W
    cv = math.sqrt(var) / mean if mean > 0 else None
    theil = None
    if mean > 0 and min(xs) >= 0:
        # T = Σ w_i/W · (x_i/μ) · ln(x_i/μ); a zero contributes 0 (limit of x ln x).
        theil = sum([wi / W * (x / mean) * math.log(x / mean) for wi, x in pairs if x > 0])
    lo, hi = min(xs), max(xs)
    ratio = hi / lo if lo > 0 else None
    worst_first = sorted(items, key=lambda kv: (kv[1] * direction, kv[0]))
    share = None if meets is None else len([v for _, v in items if meets(v)]) / n
    if behind is not None:
        laggards = [k for k, _ in worst_first if behind(k)]
    elif meets is not None:
        laggards = [k for k, v in worst_first if not meets(v)]
    else:
        laggards = [k for k, _ in worst_first[: laggard_count if laggard_count is not None else max(1, n // 5)]]
    return Equalisation(n, mean, cv, theil, ratio, share, laggards, weighted)
