"""Is a reported value unusual? The approval screen's outlier flag, with its explanation.

One rule, two tests, both against what was approved before:
- a jump: the change from last year's approved value is more than `JUMP` (50 %) of it;
- out of range: the value lies beyond the earlier years' minimum or maximum by more than their
  spread (the standard deviation of those years, at least `MIN_SPREAD` of their mean's size),
  once there are at least `MIN_YEARS` earlier years.
A pure function: the register gathers the values, pages show the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

JUMP = 0.5
MIN_YEARS = 3
MIN_SPREAD = 0.05


@dataclass(frozen=True)
class Change:
    """A value beside last year's: the absolute change and, when last year's is not zero, the relative one."""

    last: float | None
    absolute: float | None
    relative: float | None  # a fraction (0.5 = +50 %)


@dataclass(frozen=True)
class Outlier:
    """Why a value looks unusual, in Chinese and English."""

    kind: str  # jump | range
    zh: str
    en: str


def change(value: float | None, last: float | None) -> Change:
    if value is None or last is None:
        return Change(last, None, None)
    diff = value - last
    return Change(last, diff, diff / abs(last) if last != 0 else None)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def outlier(value: float | None, last: float | None, earlier: Sequence[float]) -> list[Outlier]:
    """The reasons `value` looks unusual (empty when it does not): `last` is last year's approved value,
    `earlier` every earlier year's approved value (last year's included)."""
    if value is None or not math.isfinite(value):
        return []
    out: list[Outlier] = []
    c = change(value, last)
    if c.relative is not None and abs(c.relative) > JUMP:
        pct = c.relative * 100
        out.append(Outlier("jump", f"较上年({_fmt(c.last)})变化 {pct:+.0f}%,超过 ±{JUMP * 100:.0f}%",  # type: ignore[arg-type]
                           f"changed {pct:+.0f}% from last year ({_fmt(c.last)}), more than ±{JUMP * 100:.0f}%"))  # type: ignore[arg-type]
    elif last == 0 and value != 0 and c.absolute is not None:
        out.append(Outlier("jump", f"上年为 0,本年为 {_fmt(value)}", f"last year was 0, this year {_fmt(value)}"))
    pts = [float(x) for x in earlier if x is not None and math.isfinite(x)]
    if len(pts) >= MIN_YEARS:
        lo, hi = min(pts), max(pts)
        mean = sum(pts) / len(pts)
        sd = math.sqrt(sum((x - mean) ** 2 for x in pts) / len(pts))
        spread = max(sd, MIN_SPREAD * abs(mean))
        if value < lo - spread or value > hi + spread:
            out.append(Outlier(
                "range", f"超出往年范围 {_fmt(lo)}–{_fmt(hi)}(±{_fmt(spread)},{len(pts)} 年)",
                f"outside earlier years' range {_fmt(lo)}–{_fmt(hi)} (±{_fmt(spread)}, {len(pts)} years)"))
    return out
