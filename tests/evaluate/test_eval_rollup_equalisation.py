"""Roll-up of sub-region values, status summaries, equalisation across sub-regions."""

import math

import pytest
from evalkit import make_indicator

from planwatch.evaluate.engine import evaluate_plan
from planwatch.evaluate.equalisation import equalisation
from planwatch.evaluate.rollup import aggregate, rollup_observations
from planwatch.model import EvaluationInput, Observation, Plan, Region

CITY = "140400"
COUNTIES = [Region("140429", "武乡县", "county", CITY, {2020: 100.0}),
            Region("140430", "沁县", "county", CITY, {2020: 300.0})]
REGIONS = [Region(CITY, "长治市", "city"), *COUNTIES]


def test_aggregate_rules() -> None:
    assert aggregate({"a": 10, "b": 20}, "sum") == 30
    # (10·100 + 20·300)/400 = 17.5
    assert aggregate({"a": 10, "b": 20}, "mean_pop", {"a": 100, "b": 300}) == pytest.approx(17.5)
    assert aggregate({"a": 10, "b": 20}, "mean_pop", {"a": 100}) is None  # no weight, no mean
    assert aggregate({"a": 10}, "none") is None


def test_rollup_only_years_every_child_reported() -> None:
    obs = [Observation("i1", "140429", 2021, 10), Observation("i1", "140430", 2021, 20),
           Observation("i1", "140429", 2022, 12)]
    out = rollup_observations("i1", "mean_pop", CITY, obs, REGIONS)
    assert [(o.year, o.value) for o in out] == [(2021, pytest.approx(17.5))]


def city_input(ind, obs):  # type: ignore[no-untyped-def]
    return EvaluationInput(Plan("p", "长治市规划", CITY), [ind], obs, REGIONS)


def test_plan_region_value_rolled_up_from_counties() -> None:
    ind = make_indicator("【1000】", 1000, kind="cumulative", aggregation="sum", name="新增托位")
    obs = [Observation("i1", c.code, y, v) for c in COUNTIES for y, v in ((2021, 100), (2022, 150))]
    ev = evaluate_plan(city_input(ind, obs), 2022).indicators[0]
    assert "rolled_up" in ev.flags
    assert ev.value == 500 and pytest.approx(0.5) == ev.P
    assert [s["code"] for s in ev.subregions] == ["140429", "140430"]
    assert ev.equalisation is not None and ev.equalisation.share_meeting_target is None  # decomposed counts


def test_equalisation_figures() -> None:
    eq = equalisation({"a": 1.0, "b": 3.0}, meets=lambda x: x >= 2)
    assert eq.mean == 2 and eq.cv == pytest.approx(0.5)
    # Theil = ½[(0.5 ln 0.5) + (1.5 ln 1.5)] = 0.130812
    assert eq.theil == pytest.approx(0.130812, abs=1e-6)
    assert eq.max_min_ratio == 3 and eq.share_meeting_target == 0.5 and eq.laggards == ["a"]
    equal = equalisation({"a": 2.0, "b": 2.0, "c": 2.0})
    assert equal.cv == 0 and equal.theil == 0 and equal.max_min_ratio == 1


def test_equalisation_edge_cases() -> None:
    eq = equalisation({"a": 0.0, "b": 2.0})
    assert eq.theil == pytest.approx(math.log(2))  # all in one region: ln n
    assert eq.max_min_ratio is None
    down = equalisation({"a": 5.0, "b": 7.0, "c": 6.0}, meets=lambda x: x <= 5.5, direction=-1)
    assert down.laggards == ["b", "c"]  # worst (highest) first
    weighted = equalisation({"a": 10.0, "b": 20.0}, weights={"a": 100, "b": 300})
    assert weighted.mean == pytest.approx(17.5)
    assert equalisation({}).n == 0


def test_rate_indicator_equalisation_uses_the_target() -> None:
    ind = make_indicator("≥95", 95, ">=", baseline=90, aggregation="mean_pop", unit="%")
    obs = [Observation("i1", "140429", 2023, 96.0), Observation("i1", "140430", 2023, 92.0)]
    ev = evaluate_plan(city_input(ind, obs), 2023).indicators[0]
    assert ev.value == pytest.approx(93.0)  # (96·100 + 92·300)/400
    assert ev.equalisation.share_meeting_target == 0.5 and ev.equalisation.laggards == ["140430"]


def test_summary_counts_and_never_averages_away_a_binding_failure() -> None:
    good = [make_indicator("2.5", 2.5, baseline=0.5, id=f"g{i}", domain="幼有所育") for i in range(9)]
    bad = make_indicator("≥98", 98, ">=", baseline=98, id="b", binding=True, name="参保率", domain="病有所医")
    obs = [Observation(f"g{i}", CITY, 2023, 3.0) for i in range(9)] + [Observation("b", CITY, 2023, 96.0)]
    ev = evaluate_plan(EvaluationInput(Plan("p", "规划", CITY), [*good, bad], obs, []), 2023)
    s = ev.summary
    assert s["counts"] == {"提前实现": 9, "未达标": 1}
    assert s["completion_rate"] == pytest.approx(0.9)
    assert s["binding_at_risk"] == [{"id": "b", "name": "参保率", "status": "未达标"}]
    assert s["worst_binding_status"] == "未达标"
    assert "参保率(未达标)" in s["headline"]
    domains = {d["domain"]: d for d in s["domains"]}
    assert domains["病有所医"]["binding_at_risk"] and not domains["幼有所育"]["binding_at_risk"]
    assert ev.early_warnings[0].severity == "red" and ev.early_warnings[0].indicator_id == "b"


def test_mid_plan_laggards_are_the_sub_regions_behind_schedule_not_all_short_of_the_end_target() -> None:
    # 0.27 → 2.5 places per 1,000 by 2025; in 2023 (S = 60 %) nobody has reached 2.5 yet.
    ind = make_indicator("2.5", 2.5, baseline=0.27, aggregation="mean_pop", unit="个")
    obs = [Observation("i1", "140429", 2023, 2.2), Observation("i1", "140430", 2023, 0.6)]
    eq = evaluate_plan(city_input(ind, obs), 2023).indicators[0].equalisation
    assert eq.share_meeting_target == 0  # the end target, as the issue defines the share
    # 2.2 is 87 % of the way at 60 % of the time (ahead); 0.6 is 15 % (seriously lagging).
    assert eq.laggards == ["140430"]


def test_equalisation_behind_overrides_the_target_test() -> None:
    eq = equalisation({"a": 1.0, "b": 2.0, "c": 3.0}, meets=lambda x: x >= 5, behind=lambda k: k != "c")
    assert eq.share_meeting_target == 0 and eq.laggards == ["a", "b"]


def test_a_sub_region_without_population_is_not_weighted_out_of_the_spread() -> None:
    from planwatch.evaluate.equalisation import equalisation as eq

    partial = eq({"a": 60.0, "b": 99.0}, weights={"a": 0.0, "b": 1000.0})
    assert partial.cv is not None and partial.cv > 0.2
    assert partial.weighted is False
    full = eq({"a": 60.0, "b": 99.0}, weights={"a": 1000.0, "b": 1000.0})
    assert full.weighted is True and abs(full.cv - partial.cv) < 1e-12
