"""The compare core on plain data: grouping, benchmarks, ranks and the scorecard."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from compare_kit import five_plans, item, plan

from planwatch.compare import build_scorecard, group_by_metric, metric_detail, superior_chain, target_stance
from planwatch.compare.benchmarks import plan_benchmarks
from planwatch.compare.scorecard import items_of, rank
from planwatch.evaluate import evaluate_plan


@dataclass(frozen=True)
class N:
    name: str
    unit: str | None = None


def labels(groups) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[m.name for m in g.members] for g in groups]


def test_group_by_metric_reads_names_as_a_reviewer_does() -> None:
    groups = group_by_metric([
        N("每千人口拥有3岁以下婴幼儿托位数", "个"), N("每千人3岁以下婴幼儿托位", "个"), N("学前教育毛入园率", "%"),
        N("学前三年教育毛入园率", "%"), N("城镇居民人均可支配收入", "元"), N("人均可支配收入", "元"),
        N("全县基本养老保险参保率", None), N("基本养老保险参保率", "%"),
    ])
    assert labels(groups) == [
        ["每千人口拥有3岁以下婴幼儿托位数", "每千人3岁以下婴幼儿托位"],  # synonyms (托位/托位数, 每千人/每千人口)
        ["学前教育毛入园率", "学前三年教育毛入园率"],
        ["城镇居民人均可支配收入"], ["人均可支配收入"],  # a population qualifier is another metric
        ["全县基本养老保险参保率", "基本养老保险参保率"],  # scope word dropped; a blank unit contradicts nothing
    ]
    assert groups[-1].unit == "%"  # the first stated unit
    assert len({g.id for g in groups}) == len(groups)


def test_group_by_metric_splits_incompatible_units_and_keeps_ids_unique() -> None:
    groups = group_by_metric([N("养老服务床位", "张"), N("养老服务床位", "万张"), N("养老服务床位", "张")])
    assert labels(groups) == [["养老服务床位", "养老服务床位"], ["养老服务床位"]]
    assert groups[0].id != groups[1].id


def test_group_by_metric_matches_names_that_differ_in_characters() -> None:
    # Pruning by shared character pairs must not hide a fuzzy match.
    groups = group_by_metric([N("每千人口拥有执业(助理)医师数", "人"), N("每千常住人口执业医师数", "人"),
                              N("城镇调查失业率", "%")])
    assert labels(groups)[0] == ["每千人口拥有执业(助理)医师数", "每千常住人口执业医师数"]


def test_ranks_are_competition_ranks_in_the_metric_direction() -> None:
    assert rank({"a": 3.0, "b": 5.0, "c": 5.0, "d": 1.0}, "up") == {"b": 1, "c": 1, "a": 3, "d": 4}
    assert rank({"a": 3.0, "b": 5.0, "c": 5.0, "d": 1.0}, "down") == {"d": 1, "a": 2, "b": 3, "c": 3}


@pytest.mark.parametrize(("local", "bench", "direction", "stance"), [
    (5.0, 4.5, "up", "stricter"), (4.5, 4.5, "up", "same"), (4.0, 4.5, "up", "weaker"),
    (5.0, 5.5, "down", "stricter"), (6.0, 5.5, "down", "weaker"), (None, 4.5, "up", None), (4.0, None, "up", None),
])
def test_target_stance(local, bench, direction, stance) -> None:  # type: ignore[no-untyped-def]
    assert target_stance(local, bench, direction) == stance


def test_superior_chain_climbs_the_division_table_then_the_register() -> None:
    assert superior_chain("410725") == ["410700", "410000"]
    assert superior_chain("410000") == []
    assert superior_chain("990101", {"990101": "990100", "990100": "990000", "990000": None}) == ["990100", "990000"]
    assert superior_chain("990101", {"990101": "990101"}) == []  # a loop in bad data ends


def test_scorecard_rows_completion_status_and_ranks() -> None:
    plans = five_plans()
    card = build_scorecard(plans)
    rows = card.shared()
    nursery = [r for r in rows if r.metric == "每千人口拥有3岁以下婴幼儿托位数"]
    # nation first, then province, cities by code, county; one row per plan
    assert [r.region for r in nursery] == ["全国", "河南省", "郑州市", "新乡市", "原阳县"]
    by = {r.region: r for r in nursery}
    # completion and status are evaluate's, for the plan evaluated at its year
    xinxiang = {e.id: e for e in evaluate_plan(plans[2].input, 2023).indicators}["p3-i1"]
    assert by["新乡市"].P == xinxiang.P and by["新乡市"].status == xinxiang.status
    assert (by["新乡市"].value, by["新乡市"].year) == (3.0, 2023)
    # ranks among cities only; a lone county or nation has no peer
    assert (by["郑州市"].rank, by["新乡市"].rank, by["郑州市"].peers) == (1, 2, 2)
    assert by["原阳县"].rank is None and by["全国"].rank is None
    # lower is better: the lower unemployment ranks first
    jobless = {r.region: r for r in rows if r.metric == "城镇调查失业率"}
    assert (jobless["郑州市"].rank, jobless["新乡市"].rank) == (1, 2)
    assert jobless["郑州市"].direction == "down"
    # a count grows with the region: no rank
    assert all(r.rank is None for r in rows if r.metric == "城镇新增就业人数")


def test_scorecard_benchmarks_national_and_nearest_superior_plan() -> None:
    rows = {(r.metric, r.region): r for r in build_scorecard(five_plans()).rows}
    m = "每千人口拥有3岁以下婴幼儿托位数"
    county = rows[(m, "原阳县")]
    assert (county.national_target, county.national_stance) == ("4.5", "weaker")
    assert (county.superior_region, county.superior_target, county.superior_stance) == ("新乡市", "4.5", "weaker")
    city = rows[(m, "郑州市")]
    assert (city.superior_region, city.superior_stance, city.national_stance) == ("河南省", "stricter", "stricter")
    assert rows[(m, "全国")].national_target is None and rows[(m, "全国")].superior_target is None
    jobless = rows[("城镇调查失业率", "郑州市")]
    assert (jobless.national_target, jobless.national_stance) == ("<5.5", "stricter")  # 5 < 5.5: stricter


def test_scorecard_filters_and_metric_detail() -> None:
    card = build_scorecard(five_plans())
    assert {r.level for r in card.select(level="city")} == {"city"}
    assert card.levels() == ["nation", "province", "city", "county"]
    assert all(r.level != "nation" for r in card.select(level="county"))
    detail = metric_detail(card, card.shared()[0].metric_id)
    assert detail is not None and detail["metric"]["plans"] == 5 and detail["year"] == 2023
    eq = detail["equalisation"]
    assert eq["n"] == 3 and eq["mean"] == pytest.approx(3.0)  # 郑州 4, 新乡 3, 原阳 2; the nation is no peer
    assert metric_detail(card, "no such metric") is None


def test_single_plan_metrics_are_not_on_the_scorecard() -> None:
    plans = [plan("1", "410100", [item(1, "每千人口拥有注册护士数", "人", 3.8)]),
             plan("2", "410700", [item(1, "学前教育毛入园率", "%", 90.0)])]
    card = build_scorecard(plans)
    assert card.shared() == [] and len(card.rows) == 2


def test_a_plan_naming_a_metric_twice_contributes_its_table_item() -> None:
    twice = plan("3", "410700", [item(1, "每千人口3岁以下婴幼儿托位数", "个", 9.0, source="prose"),
                                 item(2, "每千人口3岁以下婴幼儿托位数(个)", "个", 4.5)])
    card = build_scorecard([five_plans()[0], twice])
    row = next(r for r in card.shared() if r.region == "新乡市")
    assert row.ref == "p3-i2" and row.target_raw == "4.5"


def test_plan_benchmarks_for_one_plan_or_all() -> None:
    items = [i for cp in five_plans() for i in items_of(cp)]
    one = plan_benchmarks(items, "5")
    assert set(one) == {"p5-i1"} and one["p5-i1"].superior.region == "新乡市"  # type: ignore[union-attr]
    every = plan_benchmarks(items)
    assert "p1-i1" not in every  # the national plan has no benchmark above it
    assert {"p2-i1", "p3-i1", "p4-i1", "p4-i2", "p5-i1"} <= set(every)


def test_ranks_and_spread_compare_one_year() -> None:
    plans = five_plans()
    # 郑州 reports 2021 only: 新乡's 2023 value has no peer of the same year.
    plans[3] = plan("4", "410100", [item(1, "每千人口拥有3岁以下婴幼儿托位", "个", 5.0, baseline=1.0)], {1: {2021: 4.0}})
    card = build_scorecard(plans)
    rows = {r.region: r for r in card.shared() if r.metric == "每千人口拥有3岁以下婴幼儿托位数"}
    assert rows["郑州市"].rank is None and rows["新乡市"].rank is None
    detail = metric_detail(card, rows["新乡市"].metric_id)
    assert detail is not None and detail["year"] == 2023 and detail["equalisation"]["n"] == 2  # 新乡, 原阳


def test_no_stance_between_targets_of_different_kinds_or_units() -> None:
    base = five_plans()[0]
    change = plan("3", "410700", [item(1, "每千人口3岁以下婴幼儿托位数", "个", 3.0, kind="change"),
                                  item(2, "城镇调查失业率", "个百分点", 0.5, op="<=")])
    rows = {r.metric: r for r in build_scorecard([base, change]).shared() if r.region == "新乡市"}
    assert rows["每千人口拥有3岁以下婴幼儿托位数"].national_target == "4.5"
    assert rows["每千人口拥有3岁以下婴幼儿托位数"].national_stance is None  # 提高3 is no level of 3
    assert rows["城镇调查失业率"].national_stance is None  # 个百分点 is not %


def test_register_metric_ids_decide_the_groups() -> None:
    """Items the register mapped onto one metric group together whatever their names; items of
    two metrics stay apart even when named alike; items without an id fall back to names."""
    from planwatch.compare.items import TargetItem

    def t(ref: str, name: str, mid: int | None) -> TargetItem:
        return TargetItem(ref=ref, plan_id=ref[:2], plan_title="", region_code="", region="", level="county",
                          name=name, unit="个", domain=None, target_raw="1", target_value=1.0, direction="up",
                          metric_id=mid)

    groups = group_by_metric([t("p1-i1", "每千人口拥有3岁以下婴幼儿托位数", 7), t("p2-i1", "千人口托位数", 7),
                              t("p3-i1", "省级重点专科数", 8), t("p4-i1", "省级重点专科数", 9),
                              t("p5-i1", "省级重点专科数", None)])
    assert [[m.ref for m in g.members] for g in groups] == [["p1-i1", "p2-i1"], ["p3-i1"], ["p4-i1"], ["p5-i1"]]
    assert [g.id for g in groups][:3] == ["m7", "m8", "m9"]


def test_the_registers_superior_link_decides_over_the_nearest_region() -> None:
    """A target linked in the register to a superior target (at import or by `plan link`) is compared with
    that one, even when a nearer region above also has a plan on the metric; unlinked, the nearest wins."""
    from dataclasses import replace as copy

    from planwatch.compare.benchmarks import benchmark_for
    from planwatch.compare.items import TargetItem

    def t(ref: str, code: str, level: str, value: float) -> TargetItem:
        return TargetItem(ref=ref, plan_id=ref[:2], plan_title="", region_code=code, region=code, level=level,
                          name="托位数", unit="个", domain=None, target_raw=str(value), target_value=value,
                          direction="up", metric_id=1)

    county, city, province = t("p1-i1", "140429", "county", 4.0), t("p2-i1", "140400", "city", 4.5), \
        t("p3-i1", "140000", "province", 5.0)
    group = [county, city, province]
    assert benchmark_for(county, group).superior == city
    linked = copy(county, superior_ref="p3-i1")
    assert benchmark_for(linked, [linked, city, province]).superior == province
