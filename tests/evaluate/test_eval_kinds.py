"""Target kinds: the registry, the change kind, running totals and years outside the target."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from evalkit import evaluate, make_indicator

from planwatch.evaluate import kinds
from planwatch.evaluate.engine import evaluate_plan
from planwatch.model import EvaluationInput, Observation, Plan


def test_registry_has_one_module_per_kind() -> None:
    assert set(kinds.NAMES) == {"level", "cumulative", "annual", "reduction", "change", "range", "maintain",
                                "qualitative"}
    assert len({k.code for k in kinds.REGISTRY.values()}) == len(kinds.NAMES)
    with pytest.raises(ValueError, match=r"unknown target kind 'levle'.*level"):
        kinds.get("levle")


# --- change: an increase over the baseline -----------------------------------------------------


def test_change_in_percentage_points_is_judged_against_baseline_plus_points() -> None:
    ind = make_indicator("提高3个百分点", 3, ">=", "change", baseline=90.0, unit="%")
    ev = evaluate(ind, {2021: 90.6, 2022: 91.2, 2023: 91.8}, 2023)
    assert ev.method == "change"
    assert math.isclose(ev.P, 0.6)  # 1.8 of 3 points
    assert ev.status == "on_track"  # S = 0.6
    assert evaluate(ind, {2023: 93.0}, 2023).status == "achieved"


def test_change_in_percent_and_doubling_are_relative_to_the_baseline() -> None:
    pct = make_indicator("增长20%", 20, ">=", "change", baseline=50.0, unit="万人")
    assert math.isclose(evaluate(pct, {2025: 60.0}, 2025).P, 1.0)  # 50 · 1.2
    assert evaluate(pct, {2025: 59.0}, 2025).status == "not_met"
    double = make_indicator("比2020年翻一番", 100, ">=", "change", baseline=4.0, unit="个")
    ev = evaluate(double, {2022: 6.0}, 2022)
    assert math.isclose(ev.P, 0.5)  # 4 → 8; 6 is half way
    assert ev.projection.meets_target is not None


def test_change_down_and_without_baseline() -> None:
    down = make_indicator("降低2个百分点", 2, ">=", "change", baseline=10.0, unit="%")
    ev = evaluate(down, {2021: 9.6}, 2021)
    assert ev.direction == -1 and math.isclose(ev.P, 0.2) and ev.status == "on_track"
    assert evaluate(down, {2021: 10.4}, 2021).backwards
    # No stated baseline: the first observation from the base year stands in (flagged).
    loose = make_indicator("提高3个百分点", 3, ">=", "change", unit="%")
    ev = evaluate(loose, {2020: 80.0, 2022: 81.2}, 2022)
    assert "baseline_provisional" in ev.flags and math.isclose(ev.P, 0.4)
    assert evaluate(loose, {}, 2022).status == "not_reported"


def test_change_capped_is_a_ceiling() -> None:
    cap = make_indicator("增长控制在5%以内", 5, "<=", "change", baseline=100.0, unit="元")
    assert evaluate(cap, {2023: 104.0}, 2023).status == "met"
    assert evaluate(cap, {2023: 106.0}, 2023).status == "below_floor"


def test_a_change_of_zero_keeps_the_baseline() -> None:
    zero = make_indicator("提高0个百分点", 0, ">=", "change", baseline=90.0, unit="%")
    assert evaluate(zero, {2023: 90.5}, 2023).status == "met"  # was a division by zero
    assert evaluate(zero, {2023: 89.0}, 2023).status == "below_floor"
    assert evaluate(zero, {2021: 90.0}, 2021).status == "met"


# --- running totals ----------------------------------------------------------------------------


def test_running_totals_are_flagged_and_a_declared_running_convention_is_not_summed() -> None:
    running = {2021: 0.1, 2022: 0.2, 2023: 0.3}  # 累计 as bulletins report it: 60 % of 0.5
    ind = make_indicator("【0.5】", 0.5, kind="cumulative")
    naive = evaluate(ind, running, 2023)
    assert math.isclose(naive.P, 1.2)  # summed again: the wrong answer, but now asked about
    assert "looks_running_total" in naive.flags
    assert any(w.kind == "running_total" and "累计" in w.reason for w in naive.warnings)
    declared = replace(ind, cumulative_convention="running")
    ev = evaluate(declared, running, 2023)
    assert math.isclose(ev.P, 0.6) and ev.status == "on_track" and ev.value == 0.3
    assert "looks_running_total" not in ev.flags and ev.detail["convention"] == "running"
    assert math.isclose(ev.projection.value_at_target or 0, 0.5)  # 0.3 + 0.1 a year × 2


def test_running_convention_declared_in_the_config() -> None:
    from planwatch.evaluate.config import EvaluationConfig

    ind = make_indicator("【0.5】", 0.5, kind="cumulative", id="p3-i12")
    cfg = EvaluationConfig(cumulative_conventions=(("p3-i12", "running"),))
    ev = evaluate(ind, {2021: 0.1, 2022: 0.2, 2023: 0.3}, 2023, cfg)
    assert math.isclose(ev.P, 0.6) and ev.detail["convention"] == "running"


def test_yearly_additions_are_not_flagged_as_running_totals() -> None:
    ind = make_indicator("【0.5】", 0.5, kind="cumulative")
    ev = evaluate(ind, {2021: 0.08, 2022: 0.12, 2023: 0.10}, 2023)
    assert math.isclose(ev.P, 0.6) and "looks_running_total" not in ev.flags
    assert not any(w.kind == "running_total" for w in ev.warnings)


# --- years outside the target ------------------------------------------------------------------


def test_values_after_the_target_year_are_not_judged_against_it() -> None:
    ind = make_indicator("2.5", 2.5, ">=", baseline=0.27, direction="up")
    ev = evaluate(ind, {2024: 2.0, 2025: 2.6, 2026: 1.0, 2027: 0.5}, 2027)
    assert ev.year == 2025 and ev.value == 2.6 and ev.status == "achieved"
    assert not ev.backwards and not ev.overdue
    floor = make_indicator("稳定在98以上", 98, ">=", baseline=98.5, direction="up")
    assert evaluate(floor, {2025: 98.4, 2026: 97.0}, 2026).status == "met"


def test_maintain_targets_do_not_judge_years_before_the_base_year() -> None:
    floor = make_indicator("稳定在98以上", 98, ">=", baseline=98.5, direction="up")
    ev = evaluate(floor, {2018: 90.0, 2019: 91.0}, 2021)
    assert ev.status == "not_reported" and ev.value is None
    ev = evaluate(floor, {2019: 90.0, 2021: 98.6, 2022: 98.7}, 2022)
    assert ev.status == "met" and ev.detail["years_not_met"] == []


def test_a_gap_in_an_annual_rate_series_is_not_zero_growth() -> None:
    ind = make_indicator("4*", 4, kind="annual", unit="%")
    full = evaluate(ind, {2021: 4.0, 2022: 4.0, 2023: 4.0}, 2023)
    gap = evaluate(ind, {2021: 4.0, 2023: 4.0}, 2023)
    assert math.isclose(full.P, 0.6) and math.isclose(gap.P, 0.6)  # 2022 not counted as 0 %
    assert gap.status == "on_track" and "gaps" in gap.flags
    assert gap.detail["missing_years"] == [2022]
    assert math.isclose(gap.detail["realised_rate"], 4.0)


def test_plan_with_a_change_target_evaluates_end_to_end() -> None:
    plan = Plan("p1", "测试规划", "511524", (2021, 2025), base_year=2020)
    ind = make_indicator("提高3个百分点", 3, ">=", "change", baseline=90.0, unit="%")
    obs = [Observation("i1", "511524", 2023, 91.8)]
    ev = evaluate_plan(EvaluationInput(plan, [ind], obs, []), 2023)
    assert ev.indicators[0].status == "on_track"
