"""Baselines: quantified base-period facts in the background part of a plan."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import build_outline
from planwatch.extract.prose import extract_baselines

PERIOD = (2021, 2025)


def baselines(*background: str, front: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    lines = [*front, "一、发展基础", *background, "二、主要目标", "到2025年,参保率达到98%以上。"]
    return extract_baselines(lines, build_outline(lines), [], PERIOD)


def facts(*background: str) -> list[tuple[Any, ...]]:
    return [(b["value"], b["unit"], b["year"]) for b in baselines(*background)]


def test_each_number_of_an_achievement_paragraph_is_a_baseline_of_2020() -> None:
    got = facts("2020年,全县累计城镇新增就业人员10414人,农村劳动力转移1.44万人,签约率达53.6%。")
    assert got == [(10414.0, "人", 2020), (1.44, "万人", 2020), (53.6, "%", 2020)]


def test_year_attached_to_the_value_wins() -> None:
    got = facts("学前教育毛入园率、义务教育巩固率分别由2015年的83.2%、94%提高到2020年的90.3%、96%。")
    assert got == [(83.2, "%", 2015), (94.0, "%", 2015), (90.3, "%", 2020), (96.0, "%", 2020)]


def test_comparison_year_is_not_the_year_of_the_fact() -> None:
    assert facts("机构养老床位4956张,比2015年增加39%。") == [(4956.0, "张", 2020), (39.0, "%", 2020)]


def test_starting_value_without_a_year_has_no_year() -> None:
    assert facts("服务项目由933项增至1252项。") == [(933.0, "项", None), (1252.0, "项", 2020)]


def test_ages_are_values_only_in_value_position() -> None:
    assert facts("65岁以上老年人健康管理率达到70%,人均预期寿命达到77.4岁。") == [(70.0, "%", 2020),
                                                                        (77.4, "岁", 2020)]


def test_forecasts_in_the_background_are_not_baselines() -> None:
    assert facts("预计到2025年,全县老年人口将达到12万人。") == []


def test_plan_part_and_front_matter_give_no_baselines() -> None:
    got = baselines("全县各类人才达到3900人。", front=("关于印发22个市级专项规划的通知",))
    assert [b["value"] for b in got] == [3900.0]


def test_record_quotes_the_line() -> None:
    (b,) = baselines("2020年九年义务教育巩固率达到100%。")
    assert b["quote"] == "2020年九年义务教育巩固率达到100%"
    assert b["metric"] == "九年义务教育巩固率"
    assert b["line"] == 2


def test_review_of_the_old_goals_stays_in_the_background() -> None:
    lines = ["第一章 规划背景", "第一节 “十三五”主要目标完成情况", "2020年全县参保率达到95%。",
             "第二章 总体要求", "第一节 主要目标", "到2025年,参保率达到98%以上。"]
    got = extract_baselines(lines, build_outline(lines), [], PERIOD)
    assert [(b["line"], b["value"]) for b in got] == [(3, 95.0)]


def test_per_head_and_per_period_amounts_keep_their_unit() -> None:
    got = facts("城市特困人员供养标准由2015年的520元/人/月提高到2020年的780元/人/月。")
    assert got == [(520.0, "元/人/月", 2015), (780.0, "元/人/月", 2020)]


def test_background_under_a_heading_the_outline_does_not_number() -> None:
    lines = ["现实基础", "2020年,全区养老床位达到5200张。", "主要目标", "到2025年,养老床位达到6000张。"]
    got = extract_baselines(lines, build_outline(lines), [], PERIOD)
    assert [(b["line"], b["value"]) for b in got] == [(2, 5200.0)]


def test_a_year_that_opens_a_period_does_not_date_the_total() -> None:
    assert facts("2017年以来,全区累计发放临时救助资金8600万元。") == [(8600.0, "万元", 2020)]


def test_a_count_opening_its_clause_counts_the_winners() -> None:
    got = facts("全区教育质量稳步提升,五所学校被评为省级文明校园,两个街道获评全国综合减灾示范社区。")
    assert got == [(5.0, "所", 2020), (2.0, "个", 2020)]


def test_a_fifteenth_plan_reviews_the_fourteenth_period() -> None:
    # In a 十五五 plan "“十四五”时期" is the base period, not the plan looking ahead.
    lines = ["一、发展基础", "“十四五”时期，全省累计新增城镇就业85万人，2025年参保率达到95%。",
             "二、主要目标", "到2030年，参保率达到98%以上。"]
    got = [(b["value"], b["unit"], b["year"]) for b in extract_baselines(lines, build_outline(lines), [],
                                                                         (2026, 2030))]
    assert got == [(85.0, "万人", 2025), (95.0, "%", 2025)]


def test_full_width_digits_are_read_and_quoted_as_written() -> None:
    got = baselines("２０２０年，全区城镇新增就业１．２万人，参保率达到９５．５％。")
    assert [(b["value"], b["unit"], b["year"]) for b in got] == [(1.2, "万人", 2020), (95.5, "%", 2020)]
    assert got[0]["quote"].endswith("１．２万人")


def metrics(*background: str) -> list[str]:
    return [b["metric"] for b in baselines(*background)]


def test_a_change_from_a_base_is_named_by_the_subject_before_it() -> None:
    assert metrics("城乡居民人均可支配收入由2015年的18000元增至2020年的25000元。") == [
        "城乡居民人均可支配收入", "城乡居民人均可支配收入"]
    assert metrics("家庭医生签约项目由12项增至20项。") == ["家庭医生签约项目数", "家庭医生签约项目数"]


def test_a_value_without_its_own_subject_takes_the_subject_of_the_clause_before() -> None:
    assert metrics("全县社会保障支出持续增长,2019年为8.6亿元。") == ["社会保障支出"]


def test_a_bracketed_list_stays_whole_in_a_name() -> None:
    assert metrics("全市9个县(市、区)全部建成公共体育场。") == ["建成公共体育场的县(市、区)数"]
