"""Scalar and bulk evaluation agree: generated cases judged both ways, disagreements counted.

    PYTHONPATH=src .venv/bin/python tests/evaluate/agreement.py [--n 4000] [--seed 11]

Prints, per family of inputs (pre-base data, series breaks before and after the evaluation
year, gaps, running totals declared or not, evaluation years outside the plan, every numeric kind,
both directions), how many
cases disagree on status, P or a flag, e.g. "breaks: 0/4000", and the first few that do.
The same comparison backs the hypothesis test in test_eval_properties.py."""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.engine import evaluate_indicator
from planwatch.evaluate.vectorised import (
    ANNUAL_RATE,
    CHANGE,
    CUMULATIVE,
    LEVEL,
    MAINTAIN,
    RANGE,
    REDUCTION,
    BulkInput,
    evaluate_bulk,
)
from planwatch.model import Indicator, Observation, Target

REGION = "511524"
YEARS = tuple(range(2018, 2028))  # two years before the base year, two after the target year
BASE, TARGET_YEAR = 2020, 2025
KINDS = ("level", "change", "maintain", "range", "cumulative", "annual", "reduction")
CODE = {"level": LEVEL, "change": CHANGE, "maintain": MAINTAIN, "range": RANGE, "cumulative": CUMULATIVE,
        "annual": ANNUAL_RATE, "reduction": REDUCTION}


@dataclass(frozen=True)
class Case:
    kind: str
    target: float  # level, size of a change, N, r %, p %
    direction: int
    cells: tuple[float | None, ...]  # one per YEARS
    year: int  # evaluation (data) year
    baseline: float | None = None
    breaks: tuple[bool, ...] = field(default=(False,) * len(YEARS))
    low: float | None = None
    high: float | None = None
    relative: bool = False  # change: size in % of the baseline
    running: bool = False  # cumulative: values are running totals (declared)


def indicator(c: Case) -> Indicator:
    up = c.direction > 0
    op = ">=" if up else "<="
    if c.kind == "level":
        t = Target(f"{c.target:g}", c.target, op, "level", TARGET_YEAR)
    elif c.kind == "maintain":
        t = Target(f"稳定在{c.target:g}{'以上' if up else '以下'}", c.target, op, "level", TARGET_YEAR)
    elif c.kind == "range":
        t = Target(f"{c.low:g}-{c.high:g}", None, "range", "level", TARGET_YEAR, c.low, c.high)
    elif c.kind == "change":
        word = "提高" if up else "降低"
        raw = f"{word}{c.target:g}%" if c.relative else f"{word}{c.target:g}个百分点"
        t = Target(raw, c.target, ">=", "change", TARGET_YEAR)
    elif c.kind == "cumulative":
        t = Target(f"【{c.target:g}】", c.target, ">=", "cumulative", TARGET_YEAR)
    elif c.kind == "annual":
        t = Target(f"{c.target:g}*", c.target, ">=", "annual", TARGET_YEAR)
    else:
        t = Target(f"降低{c.target:g}%", c.target, "=", "reduction", TARGET_YEAR)
    return Indicator("i1", "p1", "指标", t, unit="%" if c.kind == "annual" else "个", binding=True,
                     direction="up" if up else "down", baseline=c.baseline, baseline_year=BASE,
                     cumulative_convention="running" if c.running else None)


def observations(c: Case) -> list[Observation]:
    return [Observation("i1", REGION, y, v, series_break=b)
            for y, v, b in zip(YEARS, c.cells, c.breaks, strict=True) if v is not None]


def bulk_input(cases: list[Case]) -> BulkInput:
    def arr(f, dtype=float):  # type: ignore[no-untyped-def]
        return np.array([f(c) for c in cases], dtype=dtype)

    return BulkInput(
        values=np.array([[np.nan if v is None else v for v in c.cells] for c in cases], dtype=float),
        years=np.array(YEARS), baseline=arr(lambda c: np.nan if c.baseline is None else c.baseline),
        target=arr(lambda c: np.nan if c.kind == "range" else c.target), method=arr(lambda c: CODE[c.kind], np.int8),
        direction=arr(lambda c: c.direction, np.int8), binding=np.ones(len(cases), dtype=bool),
        base_year=BASE, target_year=TARGET_YEAR, breaks=np.array([c.breaks for c in cases], dtype=bool),
        low=arr(lambda c: np.nan if c.low is None else c.low), high=arr(lambda c: np.nan if c.high is None else c.high),
        change_relative=arr(lambda c: c.relative, bool), running=arr(lambda c: c.running, bool))


def _close(a: float | None, b: float) -> bool:
    if a is None:
        return math.isnan(b)
    return not math.isnan(b) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def disagreements(cases: list[Case], config: EvaluationConfig = DEFAULT_CONFIG
                  ) -> list[tuple[Case, str, object, object]]:
    """Every (case, field, scalar, bulk) where the two paths differ; cases may mix evaluation years."""
    out: list[tuple[Case, str, object, object]] = []
    for year in sorted({c.year for c in cases}):
        group = [c for c in cases if c.year == year]
        res = evaluate_bulk(bulk_input(group), year, config)
        codes = res.codes()
        for i, c in enumerate(group):
            ev = evaluate_indicator(indicator(c), observations(c), REGION, year, BASE, config)
            checks: list[tuple[str, object, object, bool]] = [
                ("status", ev.status, codes[i], ev.status == codes[i]),
                ("P", ev.P, float(res.P[i]), _close(ev.P, float(res.P[i]))),
                ("overdue", ev.overdue, bool(res.overdue[i]), ev.overdue == bool(res.overdue[i])),
                ("backwards", ev.backwards, bool(res.backwards[i]), ev.backwards == bool(res.backwards[i])),
                ("baseline_provisional", "baseline_provisional" in ev.flags, bool(res.baseline_provisional[i]),
                 ("baseline_provisional" in ev.flags) == bool(res.baseline_provisional[i])),
            ]
            for flag in ("series_break", "gaps", "looks_running_total"):
                mine = flag in ev.flags
                theirs = bool(getattr(res, flag)[i])
                checks.append((flag, mine, theirs, mine == theirs))
            risk = any(w.kind == "binding_at_risk" for w in ev.warnings)
            checks.append(("binding_at_risk", risk, bool(res.binding_at_risk[i]), risk == bool(res.binding_at_risk[i])))
            pj = ev.projection
            if pj.value_at_target is not None:
                got = float(res.projected[i])
                checks.append(("projected", pj.value_at_target, got,
                               not math.isnan(got) and math.isclose(pj.value_at_target, got, rel_tol=1e-6,
                                                                    abs_tol=1e-9)))
            if pj.meets_target is not None:
                checks.append(("projected_meets", pj.meets_target, bool(res.projected_meets[i]),
                               pj.meets_target == bool(res.projected_meets[i])))
            out.extend((c, name, a, b) for name, a, b, ok in checks if not ok)
    return out


# --- generated families -------------------------------------------------------------------------


def _case(rng: np.random.Generator, family: str) -> Case:
    kind = "cumulative" if family == "running" else str(rng.choice(KINDS))
    d = int(rng.choice([1, -1]))
    n = len(YEARS)
    base = float(np.round(rng.uniform(10, 100), 1))
    baseline: float | None = base if rng.random() < 0.8 else None
    low = high = None
    relative = False
    if kind == "cumulative":
        target, baseline = float(np.round(rng.uniform(5, 50), 1)), None
        cells = np.round(rng.uniform(0, target / 3, n), 2)
    elif kind == "annual":
        target, baseline = float(np.round(rng.uniform(-2, 8), 1)), None
        cells = np.round(rng.normal(target, 3, n), 2)
    elif kind == "reduction":
        target = float(np.round(rng.uniform(2, 40), 1))
        cells = np.round(base * (1 - rng.uniform(-0.1, 0.5, n)), 2)
    elif kind == "range":
        a = float(np.round(rng.uniform(10, 100), 1))
        low, high = a, float(np.round(a + rng.uniform(1, 20), 1))
        target = float("nan")
        cells = np.round(rng.uniform(low - 15, high + 15, n), 2)
    else:
        gain = float(rng.uniform(-0.3, 0.5))
        target = float(np.round(base * (1 + d * gain), 1)) if kind != "change" else float(np.round(rng.uniform(1, 20), 1))
        relative = kind == "change" and bool(rng.random() < 0.5)
        span = abs(target - base) + 5 if kind != "change" else target + 5
        cells = np.round(base + d * rng.uniform(-span / 2, span * 1.2, n), 2)
    present = rng.random(n) < (0.6 if family == "gaps" else 0.85)
    if family != "prebase":
        present[:2] = False
    vals = tuple(float(v) if p else None for v, p in zip(cells, present, strict=True))
    breaks = [False] * n
    if family == "breaks":
        for _ in range(int(rng.integers(1, 3))):
            breaks[int(rng.integers(0, n))] = True
    year = int(rng.integers(2019, 2028)) if family in ("outside", "breaks", "prebase") else int(rng.integers(2021, 2026))
    running = kind == "cumulative" and bool(rng.random() < 0.3)
    if family == "running" or running:  # running totals as bulletins report 累计 (declared or not)
        vals = tuple(None if v is None else round(float(v) * (i + 1), 2) for i, v in enumerate(vals))
    return Case(kind, target, d, vals, year, baseline, tuple(breaks), low, high, relative, running)


FAMILIES = ("prebase", "breaks", "gaps", "outside", "running", "plain")


def generate(n: int, seed: int, family: str) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [_case(rng, family) for _ in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    total = 0
    for fam in FAMILIES:
        cases = generate(args.n, args.seed, fam)
        bad = disagreements(cases)
        wrong = {id(c) for c, *_ in bad}
        total += len(wrong)
        fields = sorted({f for _, f, *_ in bad})
        print(f"{fam}: {len(wrong)}/{len(cases)} disagree" + (f" (on {', '.join(fields)})" if fields else ""))
        for c, f, a, b in bad[:args.show]:
            print(f"    {f}: scalar {a!r} bulk {b!r} — {c}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    raise SystemExit(main())
