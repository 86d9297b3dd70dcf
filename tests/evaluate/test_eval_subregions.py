"""Sub-regions judged in bulk equal sub-regions judged one by one.

`engine.subregions` judges the cells `vectorised.bulk_fields` covers with `evaluate_bulk` and the rest
with `_judge`; `bulk=False` judges every cell with `_judge` (the scalar rules). On generated plans
(every target kind and op, both directions and none, baselines given, missing and 0, base and target
years, missing years, values on the target, on the baseline and on the status bands' edges, 口径
breaks, duplicate years, judgements, simulated and uncounted values, regions rolled up from the
regions below them, evaluation years before, inside and after the plan) every sub-region row (status,
label, value, year, 完成度) and every equalisation is the same both ways."""

from __future__ import annotations

import random
from dataclasses import asdict, replace

import pytest

from planwatch.evaluate.config import Bands, EvaluationConfig
from planwatch.evaluate.engine import _tree, evaluate_indicator, evaluate_plan, subregions
from planwatch.evaluate.vectorised import bulk_fields
from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Region, Target, ValueRows

HOME = "P"
YEARS = range(2017, 2029)
CONFIG = EvaluationConfig(accepted_statuses=("approved", "submitted"))


def _regions(rng: random.Random) -> list[Region]:
    out = [Region(HOME, "全域", "county")]
    for c in range(14):
        pop = {2020: float(rng.randint(1, 9) * 1000)} if c % 3 else {}
        out.append(Region(f"C{c:02d}", f"乡镇{c}", "township", HOME, pop))
    for c in (12, 13):  # regions with regions below them: rolled up when they lack a value that counts
        out += [Region(f"C{c:02d}-{g}", f"村{g}", "village", f"C{c:02d}", {2020: 500.0}) for g in range(3)]
    return out


def _indicator(rng: random.Random, n: int) -> Indicator:
    kind = rng.choice(["level"] * 6 + ["reduction"] * 2 + ["range", "change", "cumulative", "annual", "qualitative"])
    op = rng.choice([">=", ">=", "<=", "<=", "=", ">", "<"])
    direction = rng.choice(["up", "down", None, None])
    baseline = rng.choice([None, 0.0, 40.0, 50.0, 60.0, 100.0, round(rng.uniform(1, 120), 1)])
    value: float | None = rng.choice([50.0, 60.0, 40.0, 0.0, 100.0, round(rng.uniform(1, 120), 1)])
    raw = f"{op}{value:g}"
    low = high = None
    if kind == "level" and rng.random() < 0.2:
        raw = f"稳定在{value:g}{'以上' if op != '<=' else '以下'}"
    if kind == "reduction":
        op, value, raw = "=", rng.choice([10.0, 20.0, 35.0]), "降低20%"
    elif kind == "range":
        op, low, high, value, raw = "range", 45.0, 65.0, None, "45-65"
    elif kind == "change" and not value:
        value = 5.0  # a change of 0 fails in the scalar path itself (ZeroDivisionError), reported apart
    elif kind == "qualitative":
        op, value, raw = "qualitative", None, "基本建成"
    elif kind == "level" and rng.random() < 0.05:
        value, raw = None, "保持稳定"
    target = Target(raw, value, op, kind, rng.choice([2025, 2025, 2025, 2030]), low, high)  # type: ignore[arg-type]
    return Indicator(f"i{n}", "p1", f"指标{n}", target, unit="%", direction=direction, baseline=baseline,
                     baseline_year=rng.choice([None, None, 2019, 2020, 2021]),
                     aggregation=rng.choice(["none", "mean_pop", "sum"]))  # type: ignore[arg-type]


def _cell(rng: random.Random, ind: Indicator, year: int) -> float:
    """A value: on the target, on the baseline, 0, on a band's edge, or anywhere near."""
    base = ind.baseline if ind.baseline is not None else 50.0
    tgt = ind.target.value if ind.target.value is not None else 55.0
    b0, T = ind.baseline_year or 2020, ind.target.year
    s = (year - b0) / (T - b0) if b0 < T else 1.0
    edge = rng.choice([Bands().ahead, Bands().on_track, Bands().lagging])
    return rng.choice([tgt, base, 0.0, base + edge * s * (tgt - base), round(base + (tgt - base) * rng.uniform(-0.5, 1.5), 2),
                       round(rng.uniform(0, 120), 1)])


def _observations(rng: random.Random, ind: Indicator, regions: list[Region]) -> list[Observation]:
    out = []
    for r in regions:
        if r.code == HOME or (r.code in ("C12", "C13") and rng.random() < 0.7):
            continue  # C12, C13 mostly rolled up from their villages
        if rng.random() < 0.1:
            continue  # a region that never reported
        for y in YEARS:
            if rng.random() < 0.35:
                continue
            status = rng.choice(["approved"] * 8 + ["submitted", "draft"])
            value: float | None = _cell(rng, ind, y)
            judgement = None
            if rng.random() < 0.03:
                value, judgement = None, rng.choice(["已实现", "推进中"])
            out.append(Observation(ind.id, r.code, y, value, judgement, status,  # type: ignore[arg-type]
                                   series_break=rng.random() < 0.04, simulated=rng.random() < 0.02))
            if rng.random() < 0.03:  # a second value the same year
                out.append(Observation(ind.id, r.code, y, _cell(rng, ind, y), None,
                                       rng.choice(["approved", "submitted"])))  # type: ignore[arg-type]
    return out


def _plan(seed: int, indicators: int = 60) -> EvaluationInput:
    rng = random.Random(seed)
    regions = _regions(rng)
    inds = [_indicator(rng, n) for n in range(indicators)]
    obs = [o for ind in inds for o in _observations(rng, ind, regions)]
    return EvaluationInput(Plan("p1", "规划", HOME, (2021, 2025), 2020), inds, obs, regions)


@pytest.mark.parametrize("seed", range(8))
def test_bulk_and_scalar_sub_regions_agree_on_every_field(seed: int) -> None:
    inp = _plan(seed)
    tree = _tree(inp)
    covered = rolled = 0
    for year in (2019, 2021, 2022, 2023, 2025, 2027):
        items = []
        for ind in inp.indicators:
            obs = [o for o in inp.observations if o.indicator_id == ind.id]
            items.append((ind, evaluate_indicator(ind, obs, HOME, year, 2020, CONFIG, inp.regions), obs))
        fast = subregions(items, inp, year, CONFIG, tree)
        slow = subregions(items, inp, year, CONFIG, tree, bulk=False)
        for (ind, _, _), a, b in zip(items, fast, slow, strict=True):
            assert a.subregions == b.subregions, (ind, year)
            assert (a.equalisation and asdict(a.equalisation)) == (b.equalisation and asdict(b.equalisation)), \
                (ind, year)
        covered += sum(len(ev.subregions) for (ind, _, _), ev in zip(items, fast, strict=True)
                       if bulk_fields(ind, 2020) is not None)
        # a region rolled up from the regions below it is judged as the indicator is in that region alone,
        # on every value of the plan (`subregions` hands `_judge` only the values below it)
        for (ind, _, obs), ev in zip(items, fast, strict=True):
            for row in ev.subregions:
                if row["code"] in ("C12", "C13"):
                    alone = evaluate_indicator(ind, obs, row["code"], year, 2020, CONFIG, inp.regions)
                    assert (row["status_code"], row["value"], row["year"], row["P"]) == \
                        (alone.status, alone.value, alone.year, alone.P), (ind, year, row)
                    rolled += "rolled_up" in alone.flags
    assert covered > 500  # the bulk path judged a good part of the cells compared
    assert rolled > 20


def test_bulk_fields_leaves_what_it_does_not_cover_to_the_scalar_path() -> None:
    def ind(raw: str, value: float | None, op: str, kind: str = "level", baseline: float | None = 50.0,
            direction: str | None = "up") -> Indicator:
        return Indicator("i", "p", "指标", Target(raw, value, op, kind), baseline=baseline,  # type: ignore[arg-type]
                         direction=direction)  # type: ignore[arg-type]

    assert bulk_fields(ind(">=60", 60.0, ">="), 2020) is not None
    assert bulk_fields(ind("<=40", 40.0, "<=", direction="down"), 2020) is not None
    assert bulk_fields(ind("降低20%", 20.0, "=", "reduction"), 2020) is not None
    assert bulk_fields(ind(">60", 60.0, ">"), 2020) is None  # strict: the scalar path
    assert bulk_fields(ind("45-65", None, "range"), 2020) is None
    assert bulk_fields(ind("基本建成", None, "qualitative", "qualitative"), 2020) is None
    assert bulk_fields(ind("【100】", 100.0, ">=", "cumulative"), 2020) is None
    assert bulk_fields(ind("=60", 60.0, "=", baseline=None, direction=None), 2020) is None  # direction per region


def test_an_evaluation_replaced_without_its_constructor_equals_dataclasses_replace() -> None:
    import dataclasses

    from planwatch.evaluate.engine import _replaced
    from planwatch.evaluate.results import IndicatorEvaluation

    assert not hasattr(IndicatorEvaluation, "__post_init__")  # else `_replaced` must run it
    assert all(f.init for f in dataclasses.fields(IndicatorEvaluation))
    ind = Indicator("p1-i1", "1", "x", Target(raw="≥90", value=90.0, op=">=", kind="level", year=2025),
                    baseline=80.0, baseline_year=2020)
    ev = evaluate_indicator(ind, [Observation("p1-i1", "510824", 2022, 85.0)], "510824", 2022)
    rows = ({"code": "510824001", "status_code": "on_track"},)
    fast, slow = _replaced(ev, subregions=rows), dataclasses.replace(ev, subregions=rows)
    assert fast == slow and repr(fast) == repr(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.status = "x"  # type: ignore[misc]


def _below_as_rows(inp: EvaluationInput) -> EvaluationInput:
    """The input as the register hands it to the evaluation (`queries.evaluation_inputs(...,
    for_evaluation=True)`): the plan region's values as Observations, the rest as `ValueRows` grouped
    by key (here one key an indicator, in the observations' order)."""
    own = [o for o in inp.observations if o.region_code == HOME]
    order = {ind.id: n for n, ind in enumerate(inp.indicators)}
    rest = sorted((o for o in inp.observations if o.region_code != HOME), key=lambda o: order[o.indicator_id])
    rows = [ValueRows.row(o, key=f"m-{o.indicator_id}") for o in rest]
    assert any(r[4] is None for r in rows) and any(r[4] is not None for r in rows)  # both kinds of row
    return replace(inp, observations=own, below=ValueRows(rows, {f"m-{i.id}": (i.id,) for i in inp.indicators}))


@pytest.mark.parametrize("seed", range(4))
def test_values_below_as_rows_evaluate_as_observations_do(seed: int) -> None:
    """`evaluate_plan` on an input whose sub-regions' values are rows equals it on their Observations:
    the plan region judged on its own values or rolled up from the rows, sub-regions in bulk or one by one."""
    inp = _plan(seed, indicators=40)
    rng = random.Random(seed)
    home = [Observation(ind.id, HOME, y, _cell(rng, ind, y)) for ind in inp.indicators[::2] for y in range(2020, 2025)]
    inp = replace(inp, observations=[*home, *inp.observations])
    rowed = _below_as_rows(inp)
    assert rowed.below is not None and len(rowed.observations) == len(home)
    every = [*rowed.observations, *(o for ind in inp.indicators for o in rowed.below.observations(ind.id))]
    assert sorted(map(repr, every)) == sorted(map(repr, inp.observations))
    for year in (2021, 2023, 2025):
        a, b = evaluate_plan(inp, year, CONFIG), evaluate_plan(rowed, year, CONFIG)
        assert a.summary == b.summary and a.early_warnings == b.early_warnings
        for x, y in zip(a.indicators, b.indicators, strict=True):
            assert x == y, (x.id, year)
        assert sum(len(e.subregions) for e in b.indicators) > 200


def test_value_rows_serve_each_indicator_of_a_key() -> None:
    rows = [(7, "C01", 2021, 1.0, None), (7, "C02", 2021, 2.0, (None, "approved", 1, 0)),
            (9, "C01", 2022, None, ("推进中", "draft", 0, 0))]
    below = ValueRows(rows, {7: ("a", "b"), 9: ("c",), 11: ("d",)})
    assert below.of("a") == below.of("b") == rows[:2] and below.of("c") == rows[2:] and below.of("d") == ()
    assert below.observations("b") == [Observation("b", "C01", 2021, 1.0),
                                       Observation("b", "C02", 2021, 2.0, series_break=True)]
    assert below.observations("c") == [Observation("c", "C01", 2022, None, "推进中", "draft")]
    assert below.observations("d") == []
    assert below.years(["approved"]) == {2021} and below.years(["draft"]) == {2022}
    assert below.years(["approved", "draft"]) == {2021, 2022} and below.years(["submitted"]) == set()
    # a year whose only value is unusual but counted, and one whose unusual value does not count
    more = ValueRows([*rows, (9, "C02", 2023, 3.0, (None, "approved", 1, 0)),
                      (9, "C03", 2024, 3.0, (None, "returned", 0, 0))], {}, usual="draft")
    assert more.years(["approved"]) == {2021, 2023} and more.years(["draft"]) == {2021, 2022}
    # a row's rest is given only where it is not the usual one
    odd = Observation("x", "C03", 2023, 4.0, status="submitted", simulated=True)
    assert ValueRows.row(Observation("x", "C03", 2023, 4.0)) == ("x", "C03", 2023, 4.0, None)
    assert ValueRows.row(odd) == ("x", "C03", 2023, 4.0, (None, "submitted", False, True))
    assert ValueRows.row(odd, key=5, usual="submitted") == (5, "C03", 2023, 4.0, (None, "submitted", False, True))
    assert ValueRows([ValueRows.row(odd)], {"x": ("x",)}).observations("x") == [odd]


def test_plans_evaluated_together_equal_each_evaluated_alone() -> None:
    """`evaluate_plans` judges the bulk cells of all its plans in one `evaluate_bulk` call per (base year,
    target year, evaluation year): plans with different value years, evaluation years and sub-regions
    (one with none), given as rows or as Observations, come out as `evaluate_plan` gives each alone."""
    from planwatch.evaluate import evaluate_plans

    a = _below_as_rows(_plan(1, indicators=30))
    late = _plan(2, indicators=30)  # values from 2022 on only: its matrices have fewer year columns
    late = replace(late, observations=[o for o in late.observations if o.year >= 2022])
    other = _plan(3, indicators=30)
    alone = replace(_plan(4, indicators=10), regions=[_regions(random.Random(4))[0]])  # no sub-region
    batch = [(a, 2023), (late, 2023), (_below_as_rows(late), 2025), (other, 2021), (alone, 2023), (a, 2023)]
    together = evaluate_plans(batch, CONFIG)
    assert sum(len(e.subregions) for r in together for e in r.indicators) > 500
    for (inp, year), got in zip(batch, together, strict=True):
        assert got == evaluate_plan(inp, year, CONFIG), (inp.plan.id, year)
