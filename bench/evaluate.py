"""Bulk evaluation speed: 3,000 counties × 60 indicators × 5 years = 900,000 values a year-set
(1,080,000 with the 2020 baselines), generated, evaluated on one core.

    .venv/bin/python bench/evaluate.py [--counties 3000] [--indicators 60] [--repeat 5] [--all-kinds]

--all-kinds also draws change and range targets and 口径 breaks (the default mix is the one the
earlier figures were measured on, so before/after runs stay comparable).

Prints the figures; the bar (< 2 s for ≥ 1,000,000 observations) is checked by eye, not by a test."""

from __future__ import annotations

import argparse
import os
import time

# one core: keep BLAS/OpenMP from spreading (numpy's elementwise work is single-threaded anyway)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from planwatch.evaluate.vectorised import (
    ANNUAL_RATE,
    CHANGE,
    CUMULATIVE,
    LEVEL,
    MAINTAIN,
    RANGE,
    REDUCTION,
    STATUS_CODES,
    BulkInput,
    evaluate_bulk,
)


def generate(counties: int, indicators: int, seed: int = 14, all_kinds: bool = False) -> BulkInput:
    """Series shaped like a public-service plan: mostly level targets, some floors, counts, rates."""
    rng = np.random.default_rng(seed)
    n = counties * indicators
    years = np.arange(2021, 2026)
    kinds = rng.choice([LEVEL, MAINTAIN, CUMULATIVE, ANNUAL_RATE, REDUCTION], size=indicators,
                       p=[0.55, 0.2, 0.12, 0.08, 0.05]).astype(np.int8)
    method = np.tile(kinds, counties)
    direction = np.where(rng.random(indicators) < 0.8, 1, -1).astype(np.int8)
    direction = np.tile(direction, counties)
    direction[method == REDUCTION] = -1
    base = rng.uniform(1, 100, n)
    gain = rng.uniform(0.02, 0.5, n)
    target = np.where(method == MAINTAIN, base * np.where(direction > 0, 0.98, 1.02), base * (1 + direction * gain))
    target = np.where(method == CUMULATIVE, rng.uniform(10, 1000, n), target)
    target = np.where(method == ANNUAL_RATE, rng.uniform(2, 8, n), target)
    target = np.where(method == REDUCTION, rng.uniform(5, 20, n), target)
    # yearly path with noise: each county progresses at its own pace
    pace = rng.uniform(0.2, 1.4, n)[:, None] * ((years - 2020) / 5)[None, :]
    values = base[:, None] + (target - base)[:, None] * pace + rng.normal(0, 0.02, (n, 5)) * base[:, None]
    values = np.where((method == CUMULATIVE)[:, None], target[:, None] / 5 * rng.uniform(0.5, 1.5, (n, 5)), values)
    values = np.where((method == ANNUAL_RATE)[:, None], rng.normal(target[:, None], 2, (n, 5)), values)
    values[rng.random((n, 5)) < 0.05] = np.nan  # 5 % not reported
    baseline = np.where(np.isin(method, [CUMULATIVE, ANNUAL_RATE]), np.nan, base)
    baseline[rng.random(n) < 0.03] = np.nan  # 3 % of baselines missing → provisional
    binding = np.tile(rng.random(indicators) < 0.3, counties)
    if not all_kinds:
        return BulkInput(values, years, baseline, target, method, direction, binding)
    # a tenth of the level series become changes (size of the gain) and ranges around the target
    level = np.flatnonzero(method == LEVEL)
    pick = rng.random(level.size)
    change, rng_ = level[pick < 0.1], level[(pick >= 0.1) & (pick < 0.15)]
    method[change] = CHANGE
    target[change] = np.abs(target[change] - base[change])
    method[rng_] = RANGE
    low, high = target - 2, target + 2
    breaks = np.zeros((n, 5), dtype=bool)
    breaks[rng.random((n, 5)) < 0.01] = True
    return BulkInput(values, years, baseline, target, method, direction, binding, breaks=breaks, low=low, high=high,
                     change_relative=np.zeros(n, dtype=bool))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=3000)
    ap.add_argument("--indicators", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--all-kinds", action="store_true", help="also change and range targets, and 口径 breaks")
    args = ap.parse_args()
    t0 = time.perf_counter()
    inp = generate(args.counties, args.indicators, all_kinds=args.all_kinds)
    gen = time.perf_counter() - t0
    n_series = inp.values.shape[0]
    n_obs = int(np.count_nonzero(~np.isnan(inp.values)))
    cells = inp.values.size
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = evaluate_bulk(inp, args.year)
        times.append(time.perf_counter() - t)
    best, median = min(times), sorted(times)[len(times) // 2]
    print(f"series (county × indicator): {n_series:,}")
    print(f"indicator × region × year cells: {cells:,}  (observed {n_obs:,}; + {np.count_nonzero(~np.isnan(inp.baseline)):,} baselines)")
    print(f"generate: {gen:.2f} s")
    print(f"evaluate_bulk, data year {args.year}: best {best:.3f} s, median {median:.3f} s over {args.repeat} runs")
    print(f"throughput: {cells / best / 1e6:.1f} M cells/s")
    counts = np.bincount(res.status, minlength=len(STATUS_CODES))
    print("statuses: " + ", ".join(f"{c} {k:,}" for c, k in zip(STATUS_CODES, counts, strict=True) if k))
    print(f"binding at risk: {int(res.binding_at_risk.sum()):,}; backwards: {int(res.backwards.sum()):,}; "
          f"overdue: {int(res.overdue.sum()):,}")
    print("bar: < 2 s for 1,000,000 observations →", "PASS" if best * 1_000_000 / max(cells, 1) < 2 else "FAIL")


if __name__ == "__main__":
    main()
