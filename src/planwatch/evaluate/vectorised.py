"""Bulk evaluation with numpy: the same rules as the scalar path, one array row per series.

numpy is used (and only here) because the bar is 1,000,000 indicator × region × year
observations in under 2 s on one core; a Python loop over 180,000 series cannot do it.
Each numeric kind's rule is its module's `bulk` (planwatch.evaluate.kinds): level, change,
maintain/floor, range, cumulative, annual rate (rates observed) and reduction; this module
builds the shared arrays, resolves each column's kind as goal.py does, and applies the
common status, projection and flag rules. Qualitative targets are judged from text and go
through the scalar path. Comparisons are inclusive (≥, ≤); the scalar path also handles
strict > and <. `tests/evaluate/agreement.py` counts disagreements with the scalar path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planwatch.evaluate import kinds
from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.kinds.change import Change
from planwatch.evaluate.status import LABELS
from planwatch.model import Indicator

LEVEL, CUMULATIVE, MAINTAIN, ANNUAL_RATE, REDUCTION, CHANGE, RANGE = (
    kinds.get(k).code for k in ("level", "cumulative", "maintain", "annual", "reduction", "change", "range"))
STATUS_CODES = ("achieved", "ahead", "on_track", "lagging", "seriously_lagging", "not_met", "met",
                "below_floor", "not_reported", "unassessable")
_CODE = {c: i for i, c in enumerate(STATUS_CODES)}
_AT_RISK = [_CODE[c] for c in ("lagging", "seriously_lagging", "not_met", "below_floor")]
_BULK = tuple(k for k in kinds.REGISTRY.values() if not k.evidence)


def _table(attr: str) -> np.ndarray:
    """A kind attribute as a lookup array indexed by method code."""
    out = np.zeros(max(k.code for k in kinds.REGISTRY.values()) + 1, dtype=bool)
    for k in kinds.REGISTRY.values():
        out[k.code] = bool(getattr(k, attr))
    return out


_FLOWS, _YEARLY, _IN_FIT, _CONST_RATE, _LEVEL_TARGET, _RATE = (
    _table(a) for a in ("flows", "yearly", "baseline_in_fit", "constant_rate", "level_target", "rate"))
_FIXED_D = np.array([np.nan] * len(_FLOWS))
for _k in kinds.REGISTRY.values():
    _FIXED_D[_k.code] = np.nan if _k.fixed_direction is None else _k.fixed_direction


@dataclass
class BulkInput:
    values: np.ndarray  # (n, Y) float64; NaN = not reported
    years: np.ndarray  # (Y,) int, ascending data years of the columns
    baseline: np.ndarray  # (n,) float; NaN → the first observed value (flagged)
    target: np.ndarray  # (n,) X_T; N (cumulative); r % (annual); p % (reduction); size (change)
    method: np.ndarray  # (n,) int8 kind code: LEVEL | CUMULATIVE | MAINTAIN | ANNUAL_RATE | REDUCTION | CHANGE | RANGE
    direction: np.ndarray  # (n,) int8, +1 higher is better, −1 lower is better
    binding: np.ndarray  # (n,) bool
    base_year: int = 2020
    target_year: int = 2025
    break_year: np.ndarray | None = None  # (n,) int, 0 = none: first year of a new 口径 (one break)
    breaks: np.ndarray | None = None  # (n, Y) bool: 口径 break at that year (any number); wins over break_year
    low: np.ndarray | None = None  # (n,) range bounds (RANGE)
    high: np.ndarray | None = None
    change_relative: np.ndarray | None = None  # (n,) bool: CHANGE size in % of the baseline (else an amount)
    running: np.ndarray | None = None  # (n,) bool: CUMULATIVE values are running totals (cumulative_convention)


@dataclass
class BulkResult:
    status: np.ndarray  # (n,) int8 index into STATUS_CODES
    S: np.ndarray
    P: np.ndarray
    Q: np.ndarray
    value: np.ndarray  # judged value (running sum for cumulative)
    year: np.ndarray  # judged data year, 0 if none
    projected: np.ndarray  # value expected at the target year
    projected_meets: np.ndarray  # bool
    backwards: np.ndarray
    overdue: np.ndarray
    binding_at_risk: np.ndarray
    baseline_provisional: np.ndarray
    # the scalar path's flags of the same names
    series_break: np.ndarray | None = None
    gaps: np.ndarray | None = None
    looks_running_total: np.ndarray | None = None

    def codes(self) -> np.ndarray:
        return np.asarray(STATUS_CODES, dtype=object)[self.status]

    def labels(self) -> np.ndarray:
        labels = np.asarray([LABELS[c] for c in STATUS_CODES], dtype=object)[self.status]
        early = (self.status == _CODE["achieved"]) & (self.year < self._target_year)
        labels[early] = "提前实现"
        return labels

    _target_year: int = 2025


# Internally arrays are (years, series): reductions over the few years then run down
# contiguous rows, which is several times faster than reducing a short last axis.


def _last_index(mask: np.ndarray) -> np.ndarray:
    """Row index of the last True in each column (0 when none)."""
    k = mask.shape[0]
    return k - 1 - np.argmax(mask[::-1], axis=0)


def _sig9(x: np.ndarray) -> np.ndarray:
    """x at 9 significant digits, as projection.py compares (float noise never misses a target)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        e = np.floor(np.log10(np.abs(np.where(x == 0, 1.0, x))))
        scale = 10.0 ** (8 - e)
        return np.where(np.isfinite(x) & (x != 0), np.round(x * scale) / scale, x)


def _fit(x: np.ndarray, y: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-column least squares y = a + b·x over mask m, x already centred on the target year.

    Returns (a = value at the target year, slope b, rmse), from the six running sums."""
    n = np.zeros(y.shape[1])
    sx, sxx, sy, sxy, syy = (np.zeros(y.shape[1]) for _ in range(5))
    for j, xj in enumerate(x):
        w = m[j]
        yj = np.where(w, y[j], 0.0)
        n += w
        sx += w * xj
        sxx += w * (xj * xj)
        sy += yj
        sxy += yj * xj
        syy += yj * yj
    with np.errstate(invalid="ignore", divide="ignore"):
        den = n * sxx - sx * sx
        b = np.where(den > 0, (n * sxy - sx * sy) / den, 0.0)
        a = (sy - b * sx) / n
        sse = np.maximum(syy - a * sy - b * sxy, 0.0)
        rmse = np.sqrt(sse / n)
    return a, b, rmse


def _breaks(inp: BulkInput, keep: np.ndarray, yc: np.ndarray, n: int) -> np.ndarray | None:
    """(k, n) bool: a 口径 break marked at that year."""
    if inp.breaks is not None:
        return np.ascontiguousarray(np.asarray(inp.breaks, dtype=bool)[:, keep].T)
    if inp.break_year is not None:
        return (yc == inp.break_year[None, :]) & (inp.break_year[None, :] > 0)
    return None


def evaluate_bulk(inp: BulkInput, year: int, config: EvaluationConfig = DEFAULT_CONFIG) -> BulkResult:
    bands, tol = config.bands, config.maintain_tolerance
    T, B0 = inp.target_year, inp.base_year
    judged_to = min(year, T)  # a target is judged on data up to its own year
    keep = inp.years <= judged_to
    years = inp.years[keep].astype(np.float64)
    yc = years[:, None]  # (k, 1)
    vals = np.ascontiguousarray(np.asarray(inp.values, dtype=np.float64)[:, keep].T)  # (k, n), a copy
    n = vals.shape[1]
    cols = np.arange(n)
    code = np.asarray(inp.method, dtype=np.int64)
    if (code == kinds.get("qualitative").code).any():
        raise ValueError("evaluate_bulk: qualitative targets are judged one by one (evaluate_indicator)")
    d = np.where(np.isnan(_FIXED_D[code]), inp.direction.astype(np.float64), _FIXED_D[code])
    tgt = inp.target.astype(np.float64)
    flows = _FLOWS[code]

    # 口径 breaks: only a reported year carries one (as in the scalar series); never bridged.
    obs = ~np.isnan(vals)
    bm = _breaks(inp, keep, yc, n)
    has_brk = np.zeros(n, dtype=bool)
    brk = np.zeros(n)
    if bm is not None:
        bm = bm & obs
        has_brk = bm.any(0)
        brk = np.where(has_brk, years[_last_index(bm)] if len(years) else 0.0, 0.0)
        vals[has_brk[None, :] & (yc < brk[None, :])] = np.nan
        obs = ~np.isnan(vals)

    # Baseline: the plan's figure, else the first observation from the base year (provisional).
    in_plan = obs & (yc >= B0)
    first_idx = np.argmax(in_plan, axis=0)
    has_any = in_plan.any(0)
    prov = np.isnan(inp.baseline) & has_any & ~flows
    x0 = np.where(prov, vals[first_idx, cols] if len(years) else np.nan, inp.baseline)
    B = np.where(prov, years[first_idx] if len(years) else B0, float(B0))
    broken = has_brk & np.where(flows, brk > B0 + 1, (brk > B) & ~np.isnan(inp.baseline))

    # Resolve each column's kind as goal.py does: a level (or change) the baseline already meets
    # is a floor; a range whose baseline lies outside is approached as a level towards the nearer bound.
    if (code == CHANGE).any():
        rel = inp.change_relative if inp.change_relative is not None else np.zeros(n, dtype=bool)
        tgt = np.where(code == CHANGE, Change.bulk_line(x0, tgt, d, rel), tgt)
    low = inp.low if inp.low is not None else np.full(n, np.nan)
    high = inp.high if inp.high is not None else np.full(n, np.nan)
    approach = np.zeros(n, dtype=bool)
    if (code == RANGE).any():
        lo, hi = np.minimum(low, high), np.maximum(low, high)
        low, high = lo, hi
        below, above = (code == RANGE) & (x0 < lo), (code == RANGE) & (x0 > hi)
        approach = below | above
        d = np.where(below | (code == RANGE) & ~above, 1.0, np.where(above, -1.0, d))  # a range itself: +1
        tgt = np.where(below, lo, np.where(above, hi, tgt))
        code = np.where(approach, LEVEL, code)
    floor = (code == LEVEL) & ~approach & ((tgt - x0) * d <= 0)
    code = np.where(floor, MAINTAIN, code)
    yearly, flows = _YEARLY[code], _FLOWS[code]

    judged = obs & np.where(flows[None, :], yc > B0, yc >= B[None, :])
    has = judged.any(0)
    last = _last_index(judged)
    latest = np.where(has, vals[last, cols], np.nan) if len(years) else np.full(n, np.nan)
    lyear = np.where(has, years[last], 0.0) if len(years) else np.zeros(n)
    n_judged = judged.sum(0)
    frame = kinds.Frame(years, yc, vals, obs, judged, x0, B, B0, T, tgt, d, latest, lyear, has, n_judged, tol,
                        low, high, inp.change_relative, inp.running)


    # Each kind computes on its own columns (a sub-frame), and its answers are scattered back.
    groups = [(k, np.flatnonzero(code == k.code)) for k in _BULK]
    groups = [(k, idx, frame.take(idx)) for k, idx in groups if idx.size]
    P = np.full(n, np.nan)
    ach = np.zeros(n, dtype=bool)
    value = latest.copy()
    line = tgt.copy()
    own_proj = np.zeros(n, dtype=bool)
    gaps = np.zeros(n, dtype=bool)
    looks_running = np.zeros(n, dtype=bool)
    projected_own = np.full(n, np.nan)
    meets_own = np.zeros(n, dtype=bool)
    for kind, idx, sub in groups:
        part = kind.bulk(sub)
        P[idx] = part.P
        ach[idx] = part.achieved
        if part.value is not None:
            value[idx] = part.value
        if part.line is not None:
            line[idx] = part.line
        if part.gaps is not None:
            gaps[idx] = part.gaps
        if part.looks_running is not None:
            looks_running[idx] = part.looks_running
        if part.projected is not None:
            own_proj[idx] = True
            projected_own[idx] = part.projected
            meets_own[idx] = part.meets if part.meets is not None else False
    if approach.any():  # in the range is achieved; past the far bound is outside it
        inside = (latest >= low) & (latest <= high)
        ach = np.where(approach, inside, ach)
    outside = approach & ~ach & ((latest - tgt) * d > 0)

    with np.errstate(invalid="ignore", divide="ignore"):
        S = np.where(T > B, np.clip((lyear - B) / (T - B), 0.0, 1.0), np.nan)
        for kind, idx, _ in groups:
            S[idx] = kind.bulk_expected(S[idx], inp.target[idx], config.reduction_schedule)
        S = np.where(yearly, np.nan, S)
        q = P / S
    ach &= ~(broken & ~yearly)  # across a break nothing is achieved or missed: 无法评估
    line = np.where(broken & ~_LEVEL_TARGET[code], np.nan, line)  # a level read off a broken baseline
    only_base = has & (lyear <= B) & ~flows & ~yearly & ~broken
    P = np.where(only_base | broken | ~has, np.nan, P)
    q = np.where(np.isnan(P), np.nan, q)
    final = lyear >= T

    status = np.select(
        [~has | (only_base & ~prov & ~ach),
         yearly & ach, yearly, broken,
         ach, outside, final, np.isnan(P) | ~(S > 0),
         q >= bands.ahead, q >= bands.on_track, q >= bands.lagging],
        [_CODE["not_reported"], _CODE["met"], _CODE["below_floor"], _CODE["unassessable"], _CODE["achieved"],
         _CODE["below_floor"], _CODE["not_met"], _CODE["unassessable"], _CODE["ahead"], _CODE["on_track"],
         _CODE["lagging"]],
        default=_CODE["seriously_lagging"]).astype(np.int8)
    q = np.where(final & (status == _CODE["not_met"]), P, np.where(status == _CODE["unassessable"], np.nan, q))
    q = np.where(yearly | (status == _CODE["achieved"]) | (status == _CODE["below_floor"]), np.nan, q)

    # Projection (same rule as projection.py). Points: baseline (if given and not observed) + obs from B.
    base_col = ~np.isnan(inp.baseline) & _IN_FIT[code] & ~broken & ~(obs & (yc == B0)).any(0) & ~flows
    xs = np.concatenate([[float(B0)], years]) - T
    vp = np.concatenate([np.where(base_col, inp.baseline, np.nan)[None, :], vals], axis=0)
    mp = np.concatenate([base_col[None, :], obs & (yc >= B[None, :])], axis=0)
    lin_t, _, lin_e = _fit(xs, vp, mp)
    npts = mp.sum(0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pos = ~(mp & ~(vp > 0)).any(0)
        lv = np.log(np.where(mp & (vp > 0), vp, 1.0))
        g_a, g_b, _ = _fit(xs, lv, mp)
        g_t = np.exp(g_a)
        sse = np.zeros(n)
        for j, xj in enumerate(xs):  # growth model's RMSE in original units
            sse += np.where(mp[j], (np.exp(g_a + g_b * xj) - np.where(mp[j], vp[j], 0.0)) ** 2, 0.0)
        g_e = np.sqrt(sse / npts)
    r = config.clear_fit_ratio
    worse = (lin_t - g_t) * d > 0  # growth is the less favourable projection
    use_growth = pos & np.where(_CONST_RATE[code], True, np.where(npts >= 3, np.where(
        lin_e < r * g_e, False, np.where(g_e < r * lin_e, True, worse)), worse))
    projected = np.where(use_growth, g_t, lin_t)
    projected = np.where((npts >= 2) & has, projected, np.nan)
    at = _sig9(projected)
    ln9 = _sig9(line)
    pmeets = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for kind, idx, sub in groups:
            pmeets[idx] = kind.bulk_meets(sub, at[idx], ln9[idx])
        if approach.any():  # approached as a level, met once inside the range
            pmeets = np.where(approach, (at >= low) & (at <= high), pmeets)  # no tolerance: a level target
    pmeets &= ~np.isnan(projected) & ~np.isnan(line)
    projected = np.where(own_proj, projected_own, projected)
    # a kind's own projection needs its completion: none across a break, none for an uncomputable rate
    no_own = ~has | broken | (_RATE[code] & np.isnan(P))
    projected = np.where(own_proj & no_own, np.nan, projected)
    pmeets = np.where(own_proj, meets_own & has, pmeets)
    known = ~np.isnan(projected) & (own_proj | ~np.isnan(line))

    # Backwards: below the baseline, or worse than the previous observation (by the kind's rule).
    prev_mask = obs & (yc < lyear[None, :])
    has_prev = prev_mask.any(0)
    prev = vals[_last_index(prev_mask), cols] if len(years) else np.full(n, np.nan)
    step_back = has_prev & ((latest - prev) * d < 0)
    back = np.zeros(n, dtype=bool)
    floor_missed = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for kind, idx, sub in groups:
            back[idx] = kind.bulk_backwards(sub, P[idx], step_back[idx])
            if kind.yearly:  # any year from the base year on below the line
                floor_missed[idx] = (sub.obs & (yc > sub.B[None, :]) & kind.bulk_missed(sub)).any(0)
    back &= has & ~ach
    overdue = ~has | (lyear < judged_to - config.overdue_grace_years)
    risk = inp.binding & (np.isin(status, _AT_RISK) | (has & ~pmeets & known) | floor_missed)
    flagged = has & ~broken
    res = BulkResult(status, S, P, q, value, lyear.astype(np.int64), projected, pmeets, back, overdue, risk, prov,
                     series_break=has & broken & ~yearly, gaps=gaps & flagged, looks_running_total=looks_running & flagged)
    res._target_year = T
    return res


@dataclass(frozen=True)
class BulkFields:
    """One indicator's row of a `BulkInput`: how the bulk path judges it."""

    method: int
    direction: int
    target: float
    baseline: float  # NaN: none (the first observation is taken, as the scalar path does)
    base_year: int
    target_year: int


def bulk_fields(ind: Indicator, plan_base_year: int) -> BulkFields | None:
    """The bulk row of an indicator whose every region is judged alike, or None when only the scalar
    path judges it. Covered: level targets (and the floors and 稳定在 wordings they resolve to) with
    ≥ or ≤ (or = with a known direction), and reductions. Left to the scalar path: qualitative targets,
    strict > and <, ranges, changes, cumulative and annual targets, and a target whose direction or
    threshold is read off each region's own first value (no plan baseline and no stated direction)."""
    from planwatch.evaluate.goal import resolve_goal

    t = ind.target
    if t.value is None or t.op not in (">=", "<=", "=") or t.kind not in ("level", "reduction"):
        return None
    if ind.baseline is None and (ind.direction is None or t.kind != "level"):
        return None
    goal = resolve_goal(ind, ind.baseline)
    if goal.strict or goal.target is None or "target_from_baseline" in goal.flags:
        return None
    if goal.method == "maintain":  # a floor: by its wording, or a level the baseline already meets
        method = MAINTAIN
    elif goal.method == "level":
        method = LEVEL  # a level the region's own first value meets is a floor there too (as goal.py)
    elif goal.method == "reduction" and ind.baseline and goal.target:
        method = REDUCTION  # a reduction from or by nothing: the scalar path says why it is not judged
    else:
        return None
    return BulkFields(method, goal.direction, float(goal.target),
                      np.nan if ind.baseline is None else float(ind.baseline),
                      ind.baseline_year or plan_base_year, t.year)
