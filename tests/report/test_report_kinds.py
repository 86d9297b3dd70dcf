"""Reports show each target kind in its own terms, through the kind modules: a change target's
line is the level it leads to, a cumulative declared as running totals is plotted as reported."""

from __future__ import annotations

from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Target
from planwatch.report.adapter import evaluate_for_report
from planwatch.report.sections import trajectory

PLAN = Plan("p1", "测试县“十四五”公共服务规划", "511524", (2021, 2025), 2020)


def _row(ind: Indicator, values: dict[int, float], year: int = 2023):  # type: ignore[no-untyped-def]
    obs = [Observation(ind.id, "511524", y, v) for y, v in values.items()]
    data = evaluate_for_report(EvaluationInput(PLAN, [ind], obs, []), year)
    return data.indicators[0]


def test_a_change_target_is_charted_at_the_level_it_means() -> None:
    ind = Indicator("i1", "p1", "普惠性幼儿园覆盖率", Target("提高5个百分点", 5.0, ">=", "change"), unit="%",
                    baseline=80.0, baseline_year=2020, direction="up")
    row = _row(ind, {2021: 81.0, 2022: 82.0, 2023: 83.0})
    assert row.method == "change" and row.target_line == 85.0
    chart = trajectory(row, 2020)
    assert chart.target == (2025, 85.0) and chart.baseline == (2020, 80.0) and chart.schedule_path


def test_running_totals_are_charted_as_reported_not_summed_again() -> None:
    ind = Indicator("i2", "p1", "开展补贴性职业技能培训人数", Target("【0.5】", 0.5, ">=", "cumulative"), unit="万人次",
                    cumulative_convention="running")
    row = _row(ind, {2021: 0.1, 2022: 0.2, 2023: 0.3})
    assert row.chart_series is not None and [round(v, 9) for _, v, _ in row.chart_series] == [0.1, 0.2, 0.3]
    chart = trajectory(row, 2020)
    assert chart.unit == "万人次（累计）" and chart.baseline == (2020, 0.0)
