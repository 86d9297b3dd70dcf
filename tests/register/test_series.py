"""Series independent of plans: mapping a plan's items onto metrics, a reviewer's confirm or split,
and a 十五五 plan that reads its baselines from the 十四五 plan's series."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from planwatch.extract import extract_path, extract_text
from planwatch.metric_match import same_metric
from planwatch.register import metrics
from planwatch.register.db import transaction
from planwatch.register.errors import InputError
from planwatch.register.finality import ALL_STATUSES
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.queries import evaluation_input, plan_view
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Metric, Observation, Plan
from planwatch.register.series import baseline, stated_tolerance

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "data" / "seeds").glob("002_*.txt"))  # 苍溪县“十四五”公共服务和就业促进规划


@pytest.mark.parametrize(("a", "b"), [
    ("省级重点专科数", "省级中医重点专科数"),          # a qualifier on one side only
    ("基本养老保险参保率", "城乡居民基本养老保险参保率"),
    ("学前教育毛入园率", "学前教育毛入学率"),          # one character, another quantity
    ("普惠性幼儿园覆盖率", "幼儿园覆盖率"),
    ("城镇居民人均可支配收入", "人均可支配收入"),
    ("省级中医重点专科数", "省级西医重点专科数"),
])
def test_near_misses_are_different_metrics(a: str, b: str) -> None:
    assert not same_metric(a, b) and not same_metric(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("每千人口拥有3岁以下婴幼儿托位数", "每千人口3岁以下婴幼儿托位"),  # lexicon synonyms 托位数/托位
    ("每千人口执业(助理)医师数", "每千常住人口执业医师数"),
    ("学前三年毛入园率", "学前教育毛入园率(%)"),
    ("养老机构护理型床位占比", "养老机构护理型床位比例"),
    ("全县人均预期寿命", "人均预期寿命"),
])
def test_one_metric_written_differently(a: str, b: str) -> None:
    assert same_metric(a, b) and same_metric(b, a)


def _plan(title: str, region: str, period: list[int], *items: tuple[str, str, float, float]) -> dict[str, Any]:
    return {"plan": {"title": title, "region": region, "period": period},
            "indicators": [{"name": n, "unit": u, "domain": "健康", "source": "table", "line": k + 1,
                            "baseline": {"raw": f"{b:g}", "value": b, "year": period[0] - 1},
                            "target": {"raw": f"{t:g}", "value": t, "op": "=", "kind": "level", "year": period[1]}}
                           for k, (n, u, b, t) in enumerate(items)]}


@pytest.fixture
def regions(engine: Engine) -> Engine:
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
    return engine


def _metric_of(s: Any, plan_id: int) -> dict[str, Indicator]:
    return {i.name: i for i in s.scalars(select(Indicator).where(Indicator.plan_id == plan_id))}


def test_import_maps_items_onto_existing_metrics_strictly(regions: Engine) -> None:
    with transaction(regions) as s:
        a = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025],
                                 ("每千人口拥有3岁以下婴幼儿托位数", "个", 1.0, 4.5),
                                 ("省级重点专科数", "个", 3, 6),
                                 ("孕产妇死亡率", "1/10万", 12, 10)), by="t")
        b = import_plan(s, _plan("陵江镇“十四五”卫生规划", "陵江镇", [2021, 2025],
                                 ("每千人口3岁以下婴幼儿托位", "个", 1.2, 4.0),   # synonym: the same metric
                                 ("省级中医重点专科数", "个", 1, 2),              # a qualifier: another metric
                                 ("孕产妇死亡率", "%", 0.01, 0.01)), by="t")     # a unit that contradicts
        one, two = _metric_of(s, a.plan_id), _metric_of(s, b.plan_id)
        assert two["每千人口3岁以下婴幼儿托位"].metric_id == one["每千人口拥有3岁以下婴幼儿托位数"].metric_id
        assert two["每千人口3岁以下婴幼儿托位"].metric_link == "matched"
        assert two["省级中医重点专科数"].metric_id != one["省级重点专科数"].metric_id
        assert two["省级中医重点专科数"].metric_link == "new"
        assert two["孕产妇死亡率"].metric_id != one["孕产妇死亡率"].metric_id
        assert {i.metric_link for i in one.values()} == {"new"}
        assert len(s.scalars(select(Metric)).all()) == 5
        pending = metrics.pending_matches(s, b.plan_id)
        assert [p["name"] for p in pending] == ["每千人口3岁以下婴幼儿托位"]
        assert pending[0]["others"][0]["plan_id"] == a.plan_id


def test_reviewer_confirms_or_splits_a_match_and_values_follow(regions: Engine) -> None:
    with transaction(regions) as s:
        a = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025], ("托位数", "个", 1.0, 4.5),
                                 ("人均预期寿命", "岁", 77, 78)), by="t")
        b = import_plan(s, _plan("陵江镇“十四五”卫生规划", "陵江镇", [2021, 2025], ("托位", "个", 1.2, 4.0),
                                 ("人均预期寿命", "岁", 76, 77)), by="t")
        one, two = _metric_of(s, a.plan_id), _metric_of(s, b.plan_id)
        write_observations(s, [ObservationInput(one["托位数"].id, "510824", 2022, value=2.0),
                               ObservationInput(two["托位"].id, "510824100", 2022, value=3.0)], by="t")
    with transaction(regions) as s:
        metrics.confirm_metric(s, two["人均预期寿命"].id, plan_id=b.plan_id, by="reviewer")
        new = metrics.split_metric(s, two["托位"].id, plan_id=b.plan_id, by="reviewer")
        with pytest.raises(InputError):  # its metric is its own now
            metrics.split_metric(s, two["托位"].id, by="reviewer")
    with transaction(regions) as s:
        mine = _metric_of(s, b.plan_id)
        assert mine["人均预期寿命"].metric_link == "confirmed"
        assert mine["托位"].metric_id == new.id and mine["托位"].metric_link == "confirmed"
        moved = {o.region_code: o.metric_id for o in s.scalars(select(Observation))}
        assert moved == {"510824": one["托位数"].metric_id, "510824100": new.id}  # only its own value moved
        assert [o.value for o in evaluation_input(s, b.plan_id, ALL_STATUSES).observations] == [3.0]


def test_baseline_rule() -> None:
    assert stated_tolerance(4.5, "4.5") == pytest.approx(0.05, rel=1e-6)
    assert stated_tolerance(25000, "2.5万") == pytest.approx(500, rel=1e-6)
    assert baseline(4.5, "4.5", 2025, 4.52, successor=True).agrees      # rounding, not a disagreement
    b = baseline(0.27, "0.27", 2025, 2.1, successor=True)
    assert b.disagrees and b.from_series and b.value == 2.1
    first = baseline(0.27, "0.27", 2020, 2.1, successor=False)          # a first plan keeps its document's
    assert first.value == 0.27 and first.disagrees
    assert baseline(None, None, 2020, 2.1, successor=False).value == 2.1
    assert baseline(0.27, "0.27", 2025, None, successor=True).value == 0.27


def successor_text() -> str:
    """A 十五五 plan built from the 十四五 plan's text: 十五五 title, the period and every year moved on
    five years (so the table's 2020 column is a 2025 baseline), and new targets for two indicators."""
    text = SEED.read_text(encoding="utf-8").replace("十四五", "十五五").replace("十三五", "十四五")
    text = re.sub(r"(?<!\d)20(?:1[5-9]|2[0-5])(?!\d)", lambda m: str(int(m.group(0)) + 5), text)
    lines = text.split("\n")
    row = next(n for n, line in enumerate(lines) if line.startswith("每千人口3岁以下婴幼儿托位数"))
    cells = [n for n in range(row + 1, row + 8) if lines[n].strip()]  # one cell a line: baseline, target
    lines[cells[1]] = "4.5"
    return "\n".join(lines)


def test_a_15th_plan_reads_its_baselines_from_the_14th_plans_series(regions: Engine) -> None:
    with transaction(regions) as s:
        old = import_plan(s, extract_path(SEED), by="t")
        inds = _metric_of(s, old.plan_id)
        nursery, preschool = inds["每千人口3岁以下婴幼儿托位数"], inds["学前教育毛入园率"]
        write_observations(s, [
            ObservationInput(nursery.id, old.region_code, 2024, value=1.9, status="approved"),
            ObservationInput(nursery.id, old.region_code, 2025, value=2.1, status="approved"),
            ObservationInput(preschool.id, old.region_code, 2025, value=90.0, status="approved"),
        ], by="t")
    data = extract_text(successor_text())
    assert "十五五" in data["plan"]["title"] and data["plan"]["period"] == [2026, 2030]
    with transaction(regions) as s:
        new = import_plan(s, data, by="t")
        assert new.created and new.region_code == old.region_code
        plan = s.get(Plan, new.plan_id)
        assert plan is not None and plan.predecessor_id == old.plan_id and plan.base_year == 2025
        mine = _metric_of(s, new.plan_id)
        assert mine["每千人口3岁以下婴幼儿托位数"].metric_id == nursery.metric_id
        assert mine["学前教育毛入园率"].metric_id == preschool.metric_id
        assert mine["每千人口3岁以下婴幼儿托位数"].target_value == 4.5  # the new target
        shared = sum(1 for i in mine.values() if i.metric_link == "matched")
        assert shared >= 0.9 * len([i for i in inds.values() if i.active])

        # The 2025 values are the successor's baselines; the document's stated 0.27 is flagged.
        ev = {i.name: i for i in evaluation_input(s, new.plan_id).indicators}
        assert ev["每千人口3岁以下婴幼儿托位数"].baseline == 2.1
        assert ev["学前教育毛入园率"].baseline == 90.0
        old_ev = {i.name: i for i in evaluation_input(s, old.plan_id).indicators}
        assert old_ev["每千人口3岁以下婴幼儿托位数"].baseline == 0.27  # the 十四五 plan keeps its own

        # Both plans read one series.
        _, old_rows = plan_view(s, old.plan_id)
        _, new_rows = plan_view(s, new.plan_id)
        latest_old = {v.indicator.name: v.latest for v in old_rows}
        latest_new = {v.indicator.name: v.latest for v in new_rows}
        assert latest_old["每千人口3岁以下婴幼儿托位数"].id == latest_new["每千人口3岁以下婴幼儿托位数"].id
        assert latest_new["每千人口3岁以下婴幼儿托位数"].value == 2.1


def test_plans_form_a_hierarchy_and_targets_link_to_the_superior_target(regions: Engine) -> None:
    with transaction(regions) as s:
        county = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025],
                                      ("每千人口3岁以下婴幼儿托位数", "个", 1.0, 4.5), ("孕产妇死亡率", "1/10万", 12, 10)),
                             by="t")
        assert county.superior_plan_id is None  # no plan above yet
        # The city's plan arrives later: the county plan finds it, and its targets link to the city's.
        city = import_plan(s, _plan("广元市“十四五”卫生规划", "广元市", [2021, 2025],
                                    ("每千人口3岁以下婴幼儿托位", "个", 1.5, 4.5), ("人均预期寿命", "岁", 77, 78)),
                           by="t")
        plan = s.get(Plan, county.plan_id)
        assert plan is not None and plan.superior_plan_id == city.plan_id
        mine, above = _metric_of(s, county.plan_id), _metric_of(s, city.plan_id)
        assert mine["每千人口3岁以下婴幼儿托位数"].superior_indicator_id == above["每千人口3岁以下婴幼儿托位"].id
        assert mine["孕产妇死亡率"].superior_indicator_id is None
        # Named by hand, a link must make sense.
        with pytest.raises(InputError):
            metrics.link_plans(s, plan, predecessor=s.get(Plan, city.plan_id))
        with pytest.raises(InputError):
            metrics.link_plans(s, s.get(Plan, city.plan_id), superior=plan)  # type: ignore[arg-type]


def test_cli_plan_link_names_the_previous_plan(regions: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from planwatch.cli import main

    with transaction(regions) as s:
        old = import_plan(s, _plan("苍溪县“十三五”卫生规划", "苍溪县", [2016, 2020], ("人均预期寿命", "岁", 75, 77)),
                          by="t")
        new = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025], ("人均预期寿命", "岁", 77, 78)),
                          by="t")
        assert new.predecessor_id == old.plan_id  # found at import
        plan = s.get(Plan, new.plan_id)
        assert plan is not None
        plan.predecessor_id = None
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", regions.url.render_as_string(hide_password=False))
    out = CliRunner().invoke(main, ["plan", "link", str(new.plan_id), "--predecessor", str(old.plan_id)])
    assert out.exit_code == 0, out.output
    assert f"前序规划 previous {old.plan_id}" in out.output
    with transaction(regions) as s:
        assert s.get(Plan, new.plan_id).predecessor_id == old.plan_id  # type: ignore[union-attr]


def test_a_metric_keeps_its_definition_and_national_code_with_history(regions: Engine) -> None:
    from planwatch.register.history import history_of

    with transaction(regions) as s:
        a = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025], ("人均预期寿命", "岁", 77, 78),
                                 ("孕产妇死亡率", "1/10万", 12, 10)), by="t")
        life, maternal = (i.metric_id for i in _metric_of(s, a.plan_id).values())
        metrics.update_metric(s, life, {"definition": "0岁人口的平均预期存活年数", "national_code": "A01"}, by="p")
        with pytest.raises(InputError):
            metrics.update_metric(s, maternal, {"national_code": "A01"})  # one code, one metric
        with pytest.raises(InputError):
            metrics.update_metric(s, maternal, {"direction": "sideways"})
        with pytest.raises(InputError):
            metrics.update_metric(s, maternal, {"id": 5})
    with transaction(regions) as s:
        m = s.get(Metric, life)
        assert m is not None and m.national_code == "A01" and m.definition.startswith("0岁")  # type: ignore[union-attr]
        [entry] = history_of(s, "metric", life)
        assert entry.changed_by == "p" and entry.new["national_code"] == "A01"
