"""完成度 P by target kind, with hand-computed figures from real seed indicators (gold/)."""

import pytest
from evalkit import completion_of, evaluate, make_indicator, make_obs

from planwatch.evaluate.config import EvaluationConfig

# 苍溪县 表1: 每千人口3岁以下婴幼儿托位数 0.27 → 2.5 (预期性)
NURSERY = make_indicator("2.5", 2.5, baseline=0.27, name="每千人口3岁以下婴幼儿托位数", unit="个")


def test_level_increasing() -> None:
    c = completion_of(NURSERY, {2023: 1.2}, 2023)
    assert c.method == "level"
    assert pytest.approx((1.2 - 0.27) / (2.5 - 0.27)) == c.P  # 0.41704
    ev = evaluate(NURSERY, {2023: 1.2}, 2023)
    assert pytest.approx(0.6) == ev.S
    assert pytest.approx(0.41704 / 0.6, abs=1e-4) == ev.Q  # 0.695
    assert ev.label == "滞后"


def test_level_decreasing() -> None:
    # 石嘴山 城镇调查失业率 6.1 → 5.5 (约束性): 5.8 in 2022 covers half the distance at S = 0.4
    ind = make_indicator("5.5", 5.5, baseline=6.1, name="城镇调查失业率", unit="%", binding=True)
    ev = evaluate(ind, {2022: 5.8}, 2022)
    assert ev.direction == -1
    assert pytest.approx(0.5) == ev.P
    assert pytest.approx(1.25) == ev.Q
    assert ev.label == "进度超前"


def test_level_achieved_early_and_final() -> None:
    assert evaluate(NURSERY, {2023: 2.6}, 2023).label == "提前实现"
    assert evaluate(NURSERY, {2025: 2.5}, 2025).label == "已完成"
    final = evaluate(NURSERY, {2025: 2.0}, 2025)
    assert final.status == "not_met" and final.label == "未完成"
    assert pytest.approx((2.0 - 0.27) / 2.23) == final.Q


def test_over_achievement_is_not_capped() -> None:
    assert pytest.approx(2.0) == completion_of(NURSERY, {2023: 4.73}, 2023).P


def test_strict_operator() -> None:
    # 苍溪 城镇就业占比 ">45": 45 exactly is not achieved
    ind = make_indicator(">45", 45, ">", baseline=40)
    assert not completion_of(ind, {2023: 45}, 2023).achieved
    assert completion_of(ind, {2023: 45.1}, 2023).achieved


def test_ceiling_already_met_is_maintain() -> None:
    # 苍溪 城镇登记失业率 3.8 → ≤4: a ceiling the baseline already meets
    ind = make_indicator("≤4", 4, "<=", baseline=3.8, name="城镇登记失业率", unit="%")
    assert completion_of(ind, {2023: 3.9}, 2023).method == "maintain"
    assert evaluate(ind, {2023: 3.9}, 2023).label == "达标"
    assert evaluate(ind, {2023: 4.2}, 2023).label == "未达标"
    tolerant = EvaluationConfig(maintain_tolerance=0.5)
    assert evaluate(ind, {2023: 4.2}, 2023, tolerant).label == "达标"


def test_floor_stable_above_98() -> None:
    # 苍溪 基本医疗保险参保率 98以上 → 稳定在98以上 (约束性)
    ind = make_indicator("稳定在98以上", 98, ">=", baseline=98, name="基本医疗保险参保率", unit="%", binding=True)
    ok = evaluate(ind, {2022: 98.5, 2023: 98.2}, 2023)
    assert ok.method == "maintain" and ok.label == "达标" and ok.P is None and ok.S is None
    bad = evaluate(ind, {2022: 98.5, 2023: 97.8}, 2023)
    assert bad.label == "未达标"
    assert any(w.kind == "binding_at_risk" and "底线" in w.reason for w in bad.warnings)
    # met now, but missed in 2022: still a warning for a binding floor ("met every year")
    again = evaluate(ind, {2022: 97.5, 2023: 98.4}, 2023)
    assert again.label == "达标"
    assert again.detail["years_not_met"] == [2022]
    assert any(w.kind == "binding_at_risk" for w in again.warnings)


def test_100_to_100_maintain() -> None:
    # 苍溪 九年义务教育巩固率 100 → 100
    ind = make_indicator("100", 100, baseline=100, unit="%")
    assert evaluate(ind, {2023: 100}, 2023).label == "达标"
    assert evaluate(ind, {2023: 99.6}, 2023).label == "未达标"
    assert evaluate(ind, {2023: 99.6}, 2023, EvaluationConfig(maintain_tolerance=0.5)).label == "达标"


def test_keep_stable_without_value_uses_baseline() -> None:
    # 苍溪 职工医保政策范围内住院报销比例 85 → 保持稳定
    ind = make_indicator("保持稳定", None, "qualitative", baseline=85, unit="%")
    c = completion_of(ind, {2023: 85.2}, 2023)
    assert c.method == "maintain" and c.goal.target == 85 and "target_from_baseline" in c.flags
    assert evaluate(ind, {2023: 84}, 2023).label == "未达标"


def test_cumulative_bracket_target() -> None:
    # 苍溪 开展补贴性职业技能培训人数 【0.88】 → 【0.5】 万人次, yearly additions
    ind = make_indicator("【0.5】", 0.5, kind="cumulative", name="开展补贴性职业技能培训人数", unit="万人次")
    ev = evaluate(ind, {2021: 0.08, 2022: 0.12, 2023: 0.10}, 2023)
    assert ev.method == "cumulative"
    assert pytest.approx(0.6) == ev.P
    assert pytest.approx(0.6) == ev.S
    assert ev.label == "进度正常"
    assert ev.projection.value_at_target == pytest.approx(0.5)  # 0.3 + 0.1 × 2
    assert ev.projection.required_change == pytest.approx(0.1)  # (0.5 − 0.3)/2
    assert "baseline_provisional" not in ev.flags


def test_cumulative_ignores_pre_plan_years_and_flags_gaps() -> None:
    ind = make_indicator("【0.5】", 0.5, kind="cumulative")
    c = completion_of(ind, {2020: 0.9, 2021: 0.1, 2023: 0.1}, 2023)
    assert pytest.approx(0.4) == c.P
    assert c.detail["missing_years"] == [2022] and "gaps" in c.flags


def test_annual_rate_from_yearly_rates() -> None:
    # 苍溪 城镇全部单位就业人员平均工资增长 4* (年均): +5 % in 2021, +3 % in 2022
    ind = make_indicator("4*", 4, kind="annual", unit="%", name="城镇全部单位就业人员平均工资增长")
    c = completion_of(ind, {2021: 5, 2022: 3}, 2022)
    # P = ln(1.05·1.03) / (5·ln 1.04) = 0.078349 / 0.196104 = 0.39953
    assert pytest.approx(0.39953, abs=1e-5) == c.P
    assert c.detail["realised_rate"] == pytest.approx(3.9952, abs=1e-3)  # √1.0815 − 1
    # still needed: (1.04^5 / 1.0815)^(1/3) − 1 = 4.0031 %
    assert c.detail["required_rate"] == pytest.approx(4.0031, abs=1e-3)
    assert evaluate(ind, {2021: 5, 2022: 3}, 2022).label == "进度正常"  # Q = 0.9988


def test_annual_rate_bands_precisely() -> None:
    ind = make_indicator("4*", 4, kind="annual", unit="%")
    ev = evaluate(ind, {2021: 2, 2022: 2}, 2022)
    assert pytest.approx(0.50490, abs=1e-4) == ev.Q
    assert ev.label == "严重滞后"
    down = evaluate(ind, {2021: 2, 2022: -1}, 2022)
    assert down.backwards


def test_annual_rate_from_levels() -> None:
    ind = make_indicator("4*", 4, kind="annual", baseline=80000, unit="元", annual_observed="level")
    c = completion_of(ind, {2023: 90000}, 2023)
    assert pytest.approx(0.117783 / 0.196104, abs=1e-5) == c.P  # ln 1.125 / (5 ln 1.04)
    assert evaluate(ind, {2023: 90000}, 2023).label == "进度正常"


def test_reduction() -> None:
    ind = make_indicator("降低13.5%", 13.5, kind="reduction", baseline=100)
    c = completion_of(ind, {2023: 92}, 2023)
    assert pytest.approx(0.08 / 0.135) == c.P
    assert evaluate(ind, {2023: 92}, 2023).label == "进度正常"  # Q = 0.9877
    geo = evaluate(ind, {2023: 92}, 2023, EvaluationConfig(reduction_schedule="geometric"))
    assert pytest.approx(0.61731, abs=1e-5) == geo.S
    assert evaluate(ind, {2023: 86}, 2023).label == "提前实现"


def test_range_approached_from_below_then_inside_then_overshot() -> None:
    ind = make_indicator("1-2", None, "range", baseline=0.5, low=1, high=2)
    up = evaluate(ind, {2022: 0.8}, 2022)
    assert up.method == "level" and pytest.approx(0.6) == up.P and up.label == "进度超前"
    assert evaluate(ind, {2022: 1.5}, 2022).label == "提前实现"
    assert evaluate(ind, {2022: 2.5}, 2022).label == "未达标(超出区间)"


def test_range_maintained() -> None:
    ind = make_indicator("1-2", None, "range", baseline=1.5, low=1, high=2)
    assert evaluate(ind, {2022: 1.8}, 2022).label == "达标"
    assert evaluate(ind, {2022: 2.2}, 2022).label == "未达标(超出区间)"


def test_qualitative_judgements() -> None:
    # 苍溪 孤儿和事实无人抚养儿童保障覆盖率 应保尽保 (约束性)
    ind = make_indicator("应保尽保", None, "qualitative", unit="%", binding=True, name="孤儿保障")
    assert evaluate(ind, {2023: "已实现"}, 2023).label == "已实现"
    assert evaluate(ind, {2023: "推进中"}, 2023).label == "推进中"
    ns = evaluate(ind, {2023: "未启动"}, 2023)
    assert ns.label == "未启动" and any(w.kind == "binding_at_risk" for w in ns.warnings)
    assert evaluate(ind, {2025: "推进中"}, 2025).label == "未完成"
    assert evaluate(ind, {2023: 100.0}, 2023).label == "已实现"  # coverage 100 %
    assert evaluate(ind, {2023: 97.0}, 2023).label == "推进中"


def test_missing_baseline_uses_first_observation_flagged() -> None:
    # 苍溪 新建城区、居住(小)区配套建设养老服务设施达标率: no baseline → 70 (约束性)
    ind = make_indicator("70", 70, binding=True, unit="%")
    ev = evaluate(ind, {2021: 50, 2023: 62}, 2023)
    assert "baseline_provisional" in ev.flags
    assert (ev.baseline, ev.base_year) == (50, 2021)
    assert pytest.approx(0.6) == ev.P  # (62 − 50)/(70 − 50)
    assert pytest.approx(0.5) == ev.S  # (2023 − 2021)/(2025 − 2021)
    assert ev.label == "进度超前"  # Q = 1.2


def test_missing_baseline_single_point_is_unassessable() -> None:
    ind = make_indicator("70", 70, unit="%")
    assert evaluate(ind, {2023: 62}, 2023).label == "无法评估"
    # One value above an "=" target says nothing about direction: flagged, not judged.
    above = evaluate(ind, {2023: 75}, 2023)
    assert above.label == "无法评估" and "direction_assumed" in above.flags
    up = make_indicator("70", 70, unit="%", direction="up")
    assert evaluate(up, {2023: 75}, 2023).label == "达标"  # the first value already meets the target


def test_series_break_is_never_bridged() -> None:
    obs = make_obs({2021: 0.5, 2023: 1.8}) + make_obs({2022: 1.5}, series_break=True)
    ev = evaluate(NURSERY, obs, 2023)
    assert ev.label == "无法评估" and ev.P is None and "series_break" in ev.flags
    # projection uses the new segment only: 1.5 (2022), 1.8 (2023) → 2.4 in 2025
    assert ev.projection.value_at_target == pytest.approx(2.4)


def test_series_break_does_not_stop_a_floor_check() -> None:
    ind = make_indicator("≥95", 95, ">=", baseline=96, unit="%")
    obs = make_obs({2021: 96}) + make_obs({2022: 94}, series_break=True)
    assert evaluate(ind, obs, 2022).label == "未达标"


def test_series_break_inside_cumulative_period() -> None:
    ind = make_indicator("【0.5】", 0.5, kind="cumulative")
    obs = make_obs({2021: 0.1}) + make_obs({2022: 0.1}, series_break=True)
    assert evaluate(ind, obs, 2022).label == "无法评估"


def test_no_data_is_not_reported_and_overdue() -> None:
    ev = evaluate(NURSERY, {}, 2023)
    assert ev.label == "未报送" and ev.overdue
    assert any(w.kind == "overdue" and "尚无任何数据" in w.reason for w in ev.warnings)
    only_base = evaluate(NURSERY, {2020: 0.27}, 2023)
    assert only_base.label == "未报送"


def test_stale_data_is_judged_but_overdue() -> None:
    ev = evaluate(NURSERY, {2022: 1.2}, 2023)
    assert ev.year == 2022 and pytest.approx(0.4) == ev.S  # the data year, not the report year
    assert ev.overdue
    assert any("2023年数据未报送,最近数据为2022年" in w.reason for w in ev.warnings)


def test_future_observations_are_ignored() -> None:
    ev = evaluate(NURSERY, {2022: 1.2, 2024: 2.6}, 2022)
    assert ev.year == 2022 and ev.label != "提前实现"


def test_draft_and_returned_values_are_not_evaluated() -> None:
    obs = make_obs({2022: 2.6}, status="draft") + make_obs({2022: 1.0}, status="returned")
    assert evaluate(NURSERY, obs, 2022).label == "未报送"


def test_approved_value_wins_over_submitted_same_year() -> None:
    obs = make_obs({2022: 2.6}, status="submitted") + make_obs({2022: 1.0})
    ev = evaluate(NURSERY, obs, 2022)
    assert ev.value == 1.0 and "duplicate_years" in ev.flags
    sub = evaluate(NURSERY, make_obs({2022: 1.0}, status="submitted"), 2022)
    assert "provisional" in sub.flags


def test_direction_inferred_from_baseline_and_target() -> None:
    # 石嘴山 孕产妇死亡率 19.38 → ≤16: lower is better
    ind = make_indicator("≤16", 16, "<=", baseline=19.38)
    ev = evaluate(ind, {2022: 18.0}, 2022)
    assert ev.direction == -1 and pytest.approx((18 - 19.38) / (16 - 19.38)) == ev.P
    eq = make_indicator("4", 4, baseline=4)
    assert "direction_assumed" in completion_of(eq, {2022: 4}, 2022).flags


def test_a_series_break_in_the_final_year_is_unassessable_not_failed() -> None:
    ind = make_indicator("2.5", 2.5, baseline=0.27, binding=True, name="托位数", unit="个")
    obs = make_obs({2021: 0.5, 2023: 1.8}) + make_obs({2025: 2.6}, series_break=True)
    ev = evaluate(ind, obs, 2025)
    assert ev.label == "无法评估" and ev.status == "unassessable"
    assert not any(w.severity == "red" for w in ev.warnings)
