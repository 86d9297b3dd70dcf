"""Properties: a better value never gives a worse status; arrival order never matters;
the vectorised path agrees with the scalar one."""

from __future__ import annotations

import math

import numpy as np
from evalkit import REGION, evaluate, make_indicator
from hypothesis import given, settings
from hypothesis import strategies as st

from planwatch.evaluate.engine import evaluate_indicator
from planwatch.evaluate.status import RANK
from planwatch.evaluate.vectorised import ANNUAL_RATE, CUMULATIVE, LEVEL, REDUCTION, BulkInput, evaluate_bulk
from planwatch.model import Observation

values = st.floats(min_value=0.1, max_value=200, allow_nan=False).map(lambda x: round(x, 2))
years = st.integers(min_value=2021, max_value=2025)


@given(base=values, target=values, v=values, delta=st.floats(min_value=0.01, max_value=50), year=years,
       up=st.booleans(), prev=st.one_of(st.none(), values))
@settings(max_examples=300, deadline=None)
def test_better_level_value_never_worse_status(base: float, target: float, v: float, delta: float, year: int,
                                               up: bool, prev: float | None) -> None:
    ind = make_indicator(str(target), target, ">=" if up else "<=", baseline=base, direction="up" if up else "down")
    better = v + delta if up else max(0.0, v - delta)
    history = {} if prev is None or year == 2021 else {year - 1: prev}
    a = evaluate(ind, {**history, year: v}, year)
    b = evaluate(ind, {**history, year: better}, year)
    if a.status in RANK and b.status in RANK:
        assert RANK[b.status] <= RANK[a.status], (a.label, b.label)


@given(flows=st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=5), extra=st.floats(0.01, 5),
       target=st.floats(min_value=1, max_value=30))
@settings(max_examples=200, deadline=None)
def test_more_added_never_worse_status(flows: list[float], extra: float, target: float) -> None:
    ind = make_indicator("【N】", target, kind="cumulative")
    series = {2021 + i: f for i, f in enumerate(flows)}
    year = 2020 + len(flows)
    a = evaluate(ind, series, year)
    b = evaluate(ind, {**series, year: series[year] + extra}, year)
    assert RANK[b.status] <= RANK[a.status]


@given(rates=st.lists(st.floats(min_value=-5, max_value=15), min_size=1, max_size=5), extra=st.floats(0.01, 5))
@settings(max_examples=200, deadline=None)
def test_faster_growth_never_worse_status(rates: list[float], extra: float) -> None:
    ind = make_indicator("4*", 4, kind="annual", unit="%")
    series = {2021 + i: r for i, r in enumerate(rates)}
    year = 2020 + len(rates)
    a = evaluate(ind, series, year)
    b = evaluate(ind, {**series, year: series[year] + extra}, year)
    assert RANK[b.status] <= RANK[a.status]


def test_qualitative_judgements_are_ordered() -> None:
    ind = make_indicator("全覆盖", None, "qualitative")
    ranks = [RANK[evaluate(ind, {2023: j}, 2023).status] for j in ("未启动", "推进中", "已实现")]
    assert ranks == sorted(ranks, reverse=True)


observation = st.builds(
    Observation, indicator_id=st.just("i1"), region_code=st.just(REGION), year=st.integers(2019, 2025),
    value=st.one_of(st.none(), values), status=st.sampled_from(["approved", "submitted", "draft"]),
    series_break=st.booleans(),
)


@given(obs=st.lists(observation, max_size=8), data=st.data(),
       kind=st.sampled_from(["level", "cumulative", "annual"]), baseline=st.one_of(st.none(), values))
@settings(max_examples=300, deadline=None)
def test_status_does_not_depend_on_arrival_order(obs: list[Observation], data: st.DataObject, kind: str,
                                                 baseline: float | None) -> None:
    ind = make_indicator("50", 50.0, kind=kind, baseline=baseline, unit="%" if kind == "annual" else "个")
    shuffled = data.draw(st.permutations(obs))
    a = evaluate_indicator(ind, obs, REGION, 2024)
    b = evaluate_indicator(ind, list(shuffled), REGION, 2024)
    assert a.to_dict() == b.to_dict()


# ---- vectorised path agrees with the scalar path --------------------------------------------

KIND_OF = {LEVEL: "level", CUMULATIVE: "cumulative", ANNUAL_RATE: "annual", REDUCTION: "reduction"}
cell = st.one_of(st.none(), values)


@given(rows=st.lists(st.tuples(st.sampled_from(list(KIND_OF)), st.one_of(st.none(), values), values,
                               st.sampled_from([1, -1]), st.lists(cell, min_size=5, max_size=5)),
                     min_size=1, max_size=12),
       year=st.integers(2021, 2025))
@settings(max_examples=150, deadline=None)
def test_vectorised_agrees_with_scalar(rows: list, year: int) -> None:
    yrs = np.arange(2021, 2026)
    method, baseline, target, direction, vals = [], [], [], [], []
    scalar = []
    for k, base, tgt, d, cells in rows:
        if k in (CUMULATIVE, ANNUAL_RATE):
            base = None
        if k == REDUCTION:
            d, tgt = -1, min(tgt, 90.0)
            base = base if base is not None else 50.0
        method.append(k)
        baseline.append(np.nan if base is None else base)
        target.append(tgt)
        direction.append(d)
        vals.append([np.nan if c is None else c for c in cells])
        ind = make_indicator(str(tgt), tgt, kind=KIND_OF[k], baseline=base, direction="up" if d > 0 else "down",
                             unit="%" if k == ANNUAL_RATE else "个")
        obs = [Observation("i1", REGION, int(y), c) for y, c in zip(yrs, cells, strict=True) if c is not None]
        scalar.append(evaluate_indicator(ind, obs, REGION, year))
    res = evaluate_bulk(BulkInput(np.array(vals, dtype=float), yrs, np.array(baseline, dtype=float),
                                  np.array(target, dtype=float), np.array(method, dtype=np.int8),
                                  np.array(direction, dtype=np.int8), np.zeros(len(rows), dtype=bool)), year)
    codes = res.codes()
    for i, ev in enumerate(scalar):
        assert codes[i] == ev.status, (rows[i], ev.status, codes[i], ev.P, res.P[i])
        if ev.P is None:
            assert math.isnan(res.P[i])
        else:
            assert res.P[i] == np.float64(ev.P) or math.isclose(res.P[i], ev.P, rel_tol=1e-9, abs_tol=1e-12)
        assert bool(res.overdue[i]) == ev.overdue
        assert bool(res.backwards[i]) == ev.backwards, (rows[i], ev.backwards)
        if ev.projection.value_at_target is not None and ev.method not in ("annual",):
            assert math.isclose(res.projected[i], ev.projection.value_at_target, rel_tol=1e-6, abs_tol=1e-9), \
                (rows[i], ev.projection, res.projected[i])


# ---- every kind, breaks, pre-base data, gaps, years outside the plan: no disagreement --------

from agreement import KINDS as AGREE_KINDS  # noqa: E402
from agreement import YEARS as AGREE_YEARS  # noqa: E402
from agreement import Case, disagreements  # noqa: E402

level_cell = st.one_of(st.none(), st.floats(min_value=1, max_value=150).map(lambda x: round(x, 1)))
rate_cell = st.one_of(st.none(), st.floats(min_value=-8, max_value=15).map(lambda x: round(x, 1)))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(AGREE_KINDS))
    n = len(AGREE_YEARS)
    cells = tuple(draw(st.lists(rate_cell if kind == "annual" else level_cell, min_size=n, max_size=n)))
    breaks = tuple(draw(st.lists(st.booleans().map(lambda b: b and draw(st.booleans())), min_size=n, max_size=n)))
    baseline = None if kind in ("cumulative", "annual") else draw(st.one_of(st.none(), level_cell))
    target = draw(st.floats(min_value=-5, max_value=12) if kind == "annual"
                  else st.floats(min_value=1, max_value=60) if kind in ("reduction", "change")
                  else st.floats(min_value=1, max_value=150)).__round__(1)
    low = high = None
    if kind == "range":
        low = round(draw(st.floats(min_value=1, max_value=140)), 1)
        high = round(low + draw(st.floats(min_value=0.5, max_value=30)), 1)
    return Case(kind, target, draw(st.sampled_from([1, -1])), cells, draw(st.integers(2019, 2027)), baseline,
                breaks, low, high, draw(st.booleans()) if kind == "change" else False,
                draw(st.booleans()) if kind == "cumulative" else False)


@given(batch=st.lists(cases(), min_size=1, max_size=10))
@settings(max_examples=300, deadline=None)
def test_scalar_and_bulk_agree_on_every_kind(batch: list[Case]) -> None:
    """Status, P, overdue, backwards, provisional baseline, binding risk and projection agree."""
    assert disagreements(batch) == []


@given(batch=st.lists(cases(), min_size=1, max_size=8), tol=st.sampled_from([0.0, 0.5, 2.0]),
       schedule=st.sampled_from(["linear", "geometric"]), grace=st.integers(0, 1))
@settings(max_examples=100, deadline=None)
def test_scalar_and_bulk_agree_under_any_config(batch: list[Case], tol: float, schedule: str, grace: int) -> None:
    from planwatch.evaluate.config import EvaluationConfig

    config = EvaluationConfig(maintain_tolerance=tol, reduction_schedule=schedule,  # type: ignore[arg-type]
                              overdue_grace_years=grace)
    assert disagreements(batch, config) == []


def test_agreement_script_counts_none_on_a_generated_set() -> None:
    from agreement import FAMILIES, generate

    for fam in FAMILIES:
        assert disagreements(generate(150, 5, fam)) == [], fam
