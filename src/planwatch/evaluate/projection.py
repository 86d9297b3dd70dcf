"""Projection to the target year, the year the target is reached, and 需年均增长.

Rule that picks the model (documented in docs/methodology.md):
1. annual-rate and reduction targets are rates → constant growth;
2. cumulative targets → the running sum plus the mean yearly addition;
3. level and maintain targets: with ≥ 3 points, a model whose RMSE is below
   `clear_fit_ratio` × the other's is taken (the data clearly show the shape);
   otherwise the one less favourable to the target, because an early warning
   that errs should err towards warning;
4. constant growth needs all values > 0; with fewer than 2 points there is no projection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planwatch.evaluate.completion import Completion
from planwatch.evaluate.series import Series

_LAST_YEAR = 2100  # beyond this a "year reached" is meaningless


@dataclass(frozen=True)
class Projection:
    method: str | None  # linear | growth | mean_flow | realised_rate | None
    value_at_target: float | None  # the value (sum, rate %) expected at the target year
    meets_target: bool | None
    year_reached: int | None  # observed first year met, or the trend's; None if never
    required_rate: float | None  # 需年均增长, % a year, from the latest value to the target
    required_change: float | None  # the same as an absolute yearly change (or addition)
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "value_at_target": self.value_at_target, "meets_target": self.meets_target,
                "year_reached": self.year_reached, "required_rate": self.required_rate,
                "required_change": self.required_change, "reason": self.reason}


def fit_linear(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b·x → (a, b)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - b * mx, b


def fit_growth(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares on ln y: y = exp(a)·exp(b·x) → (a, b); needs y > 0."""
    return fit_linear(xs, [math.log(y) for y in ys])


def _rmse(pred: list[float], ys: list[float]) -> float:
    return math.sqrt(sum((p - y) ** 2 for p, y in zip(pred, ys, strict=True)) / len(ys))


def _crossing(a: float, b: float, target: float, log: bool) -> float | None:
    if b == 0:
        return None
    if log:
        if target <= 0:
            return None
        target = math.log(target)
    return (target - a) / b


def _none(reason: str, required_rate: float | None = None, required_change: float | None = None) -> Projection:
    return Projection(None, None, None, None, required_rate, required_change, reason)


def _required(c: Completion) -> tuple[float | None, float | None]:
    """Rate and absolute change a year still needed from the judged value to the target."""
    if c.year is None or c.year >= c.target_year or c.value is None or c.achieved:
        return None, None
    return c.kind.required(c)


def project(c: Completion, series: Series, clear_fit_ratio: float = 0.5, tolerance: float = 0.0) -> Projection:
    g, T = c.goal, c.target_year
    req_rate, req_change = _required(c)
    kind = c.kind
    if kind.evidence or c.year is None or c.value is None:
        return _none("无数值", req_rate, req_change)

    if kind.rate:
        realised = c.detail.get("realised_rate")
        if c.P is None or realised is None:
            return _none("无法计算增速", req_rate, None)
        B = c.base_year
        p_at_t = c.P * (T - B) / (c.year - B) if c.year > B else None
        reached = None
        if c.achieved:
            reached = c.year
        elif c.P > 0 and c.year > B:
            # P grows linearly in time at the realised rate: P(y) = P_t·(y − B)/(t − B).
            y = B + (c.year - B) / c.P
            reached = math.ceil(y - 1e-9) if y <= _LAST_YEAR else None
        meets = None if p_at_t is None else p_at_t >= 1 - 1e-12
        return Projection("realised_rate", realised, meets, reached, req_rate, None)

    if kind.flows:
        mean = kind.mean_addition(c, series)
        if mean is None or g.target is None:
            return _none("无新增数据", req_rate, req_change)
        at_t = c.value + mean * max(0, T - c.year)
        reached: int | None = c.year
        if not c.achieved:
            years_needed = (g.target - c.value) / mean if mean > 0 else math.inf
            reached = c.year + math.ceil(years_needed - 1e-9) if years_needed < _LAST_YEAR - c.year else None
        return Projection("mean_flow", at_t, at_t >= g.target, reached, req_rate, req_change)

    # level / reduction / maintain / range: fit the comparable segment, baseline included.
    pts = [(p.year, p.value) for p in series.segment() if p.value is not None and p.year >= c.base_year]
    brk = series.break_year()
    if c.baseline is not None and kind.baseline_in_fit and all(y != c.base_year for y, _ in pts) \
            and (brk is None or brk <= c.base_year):  # never bridge a 口径 break
        pts.insert(0, (c.base_year, c.baseline))
    if len(pts) < 2:
        return _none("数据点不足(少于2个)", req_rate, req_change)
    xs = [float(y) for y, _ in pts]
    ys = [float(v) for _, v in pts]
    d = g.direction
    line_target = kind.line(c)

    models: dict[str, tuple[float, float, float, float]] = {}  # name → (a, b, value at T, rmse)
    a, b = fit_linear(xs, ys)
    models["linear"] = (a, b, a + b * T, _rmse([a + b * x for x in xs], ys))
    if all(y > 0 for y in ys):
        ga, gb = fit_growth(xs, ys)
        models["growth"] = (ga, gb, math.exp(ga + gb * T), _rmse([math.exp(ga + gb * x) for x in xs], ys))
    if kind.constant_rate and "growth" in models:
        name = "growth"
    elif len(models) == 1:
        name = "linear"
    else:
        lin, gro = models["linear"], models["growth"]
        if len(pts) >= 3 and lin[3] < clear_fit_ratio * gro[3]:
            name = "linear"
        elif len(pts) >= 3 and gro[3] < clear_fit_ratio * lin[3]:
            name = "growth"
        else:  # the less favourable in the target's direction
            name = "linear" if (lin[2] - gro[2]) * d <= 0 else "growth"
    a, b, at_t, _ = models[name]
    tol = tolerance if kind.yearly else 0.0
    # Compared at 9 significant digits: a path that lands exactly on the target must not miss it
    # by floating-point noise (2.4999999999998863 against 2.5).
    at_cmp = float(f"{at_t:.9g}")
    meets = kind.projection_meets(c, at_cmp, tol)
    reached: int | None = None
    if c.achieved:
        reached = next((int(x) for x, y in zip(xs, ys, strict=True) if x > c.base_year and (
            kind.projection_meets(c, y, tol))), c.year)
    elif line_target is not None and b * d > 0:
        x = _crossing(a, b, line_target, name == "growth")
        if x is not None and x <= _LAST_YEAR:
            reached = max(math.ceil(x - 1e-9), c.year + 1)
    return Projection(name, at_t, meets, reached, req_rate, req_change)
