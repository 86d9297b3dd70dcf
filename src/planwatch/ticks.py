"""Round axis ticks ("nice numbers"): 77.4, 77.6, 77.8 rather than 77.33, 77.51, 77.7.

One home for every chart's value axis: the web's inline SVG (`web/charts.py`) and the
reports' figures (`report/charts.py`) both ask here, so a page and a report never
label the same series differently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Steps a reader counts in without effort, times a power of ten.
_MANTISSAS = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Axis:
    ticks: tuple[float, ...]
    step: float

    @property
    def lo(self) -> float:
        return self.ticks[0]

    @property
    def hi(self) -> float:
        return self.ticks[-1]

    def label(self, value: float) -> str:
        """`value` printed with exactly the decimals the step needs (0.2 → one, 2.5 → one, 50 → none)."""
        return tick_label(value, self.step)


def nice_step(span: float, intervals: int) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at least `span / intervals`."""
    raw = abs(span) / max(intervals, 1)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in _MANTISSAS:
        if raw <= m * mag * (1 + 1e-9):
            return m * mag
    return 10.0 * mag


def _decimals(step: float) -> int:
    """Decimals needed to print multiples of `step` exactly (0.25 → 2, 0.2 → 1, 5 → 0)."""
    for d in range(0, 12):
        if abs(round(step, d) - step) < step * 1e-6:
            return d
    return 12


def nice_axis(lo: float, hi: float, ticks: int = 5) -> Axis:
    """Round ticks covering [lo, hi], about `ticks` of them (never fewer than two).

    The first tick is at or below `lo` and the last at or above `hi`, so the axis spans the data;
    a flat series (lo == hi) gets an axis around its value."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"axis bounds must be finite numbers, got {lo!r}..{hi!r}")
    if lo > hi:
        lo, hi = hi, lo
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):  # flat (civic figures are never finer than 1e-9)
        mid = (lo + hi) / 2
        pad = abs(mid) * 0.1 if abs(mid) >= 1e-6 else 1.0
        lo, hi = mid, mid
        lo, hi = lo - pad, hi + pad
    step = nice_step(hi - lo, max(ticks - 1, 1))
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    n = round((end - start) / step)
    d = _decimals(step)
    values = tuple(round(start + i * step, d) + 0.0 for i in range(n + 1))  # + 0.0: no "-0"
    if len(values) < 2:
        values = (values[0], round(values[0] + step, d))
    return Axis(values, step)


def nice_ticks(lo: float, hi: float, ticks: int = 5) -> list[float]:
    """The tick values of `nice_axis`."""
    return list(nice_axis(lo, hi, ticks).ticks)


def tick_label(value: float, step: float) -> str:
    d = _decimals(step)
    text = f"{value:,.{d}f}" if abs(value) >= 10_000 else f"{value:.{d}f}"
    return text.lstrip("-") if text.strip("-0.,") == "" else text  # never "-0.0"
