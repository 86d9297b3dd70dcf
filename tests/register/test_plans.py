"""Importing a plan and re-importing a revised document of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from sqlalchemy import Engine, func, select

from planwatch.register.db import transaction
from planwatch.register.finality import ALL_STATUSES
from planwatch.register.history import history_of
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.queries import evaluation_input, list_plans
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Observation, Responsibility

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))


def load(engine: Engine, doc: dict = V1):  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        return import_plan(s, doc, by="test")


def test_import_registers_plan_indicators_direction_and_aggregation(engine: Engine) -> None:
    result = load(engine)
    assert result.created and len(result.added) == 12
    with transaction(engine) as s:
        [plan] = list_plans(s)
        assert plan["region_code"] == "510824" and plan["indicator_count"] == 12
        assert plan["period"] == [2021, 2025]
        by_name = {i.name: i for i in s.scalars(select(Indicator))}
    assert by_name["城镇登记失业率"].direction == "down"  # "≤4": lower is better
    assert by_name["城镇调查失业率"].direction == "down"  # by name
    assert by_name["学前教育毛入园率"].direction == "up"
    assert by_name["学前教育毛入园率"].aggregation == "mean_pop"
    assert by_name["专业托育机构数"].aggregation == "sum"


def test_reimporting_the_same_document_changes_nothing(engine: Engine) -> None:
    load(engine)
    again = load(engine)
    assert again.is_noop and not again.document_new and again.unchanged == 12


def test_revised_document_shows_differences_keeps_observations_and_history(engine: Engine) -> None:
    first = load(engine)
    with transaction(engine) as s:
        ids = {i.name: i.id for i in s.scalars(select(Indicator))}
        write_observations(s, [
            ObservationInput(ids["城镇就业占比"], "510824", 2022, value=46.0),
            ObservationInput(ids["学前教育毛入园率"], "510824", 2022, value=93.5),
        ], by="reporter")

    v2 = copy.deepcopy(V1)
    v2["source"]["sha256"] = "b" * 64
    v2["indicators"] = [i for i in v2["indicators"] if i["name"] != "城镇就业占比"]
    for i in v2["indicators"]:
        if i["name"] == "学前教育毛入园率":
            i["target"].update(raw="99", value=99.0)
    v2["indicators"].append({**copy.deepcopy(V1["indicators"][0]), "name": "每千人口拥有执业(助理)医师数",
                             "unit": "人", "line": 300})
    diff = load(engine, v2)

    assert diff.plan_id == first.plan_id and not diff.created
    assert diff.added == ["每千人口拥有执业(助理)医师数"]
    assert diff.removed == ["城镇就业占比"]
    [change] = diff.changed
    assert change.name == "学前教育毛入园率"
    assert change.fields["target_raw"] == ("98", "99") and change.fields["target_value"] == (98.0, 99.0)

    with transaction(engine) as s:
        # The retired indicator keeps its reported value; evaluation no longer sees it.
        assert s.scalar(select(func.count()).select_from(Observation)) == 2
        retired = s.get(Indicator, ids["城镇就业占比"])
        assert retired is not None and not retired.active
        assert [h.action for h in history_of(s, "indicator", retired.id)] == ["create", "retire"]
        changed = history_of(s, "indicator", ids["学前教育毛入园率"])[-1]
        assert changed.old == {"target_raw": "98", "target_value": 98.0}
        assert changed.new == {"target_raw": "99", "target_value": 99.0}
        ev = evaluation_input(s, first.plan_id, ALL_STATUSES)
        assert "城镇就业占比" not in {i.name for i in ev.indicators}
        assert len(ev.observations) == 1

    # Putting the indicator back restores it, with its old value.
    v3 = copy.deepcopy(v2)
    v3["source"]["sha256"] = "c" * 64
    v3["indicators"].append(copy.deepcopy(next(i for i in V1["indicators"] if i["name"] == "城镇就业占比")))
    assert load(engine, v3).restored == ["城镇就业占比"]


def test_lead_department_from_the_document_becomes_a_responsibility(engine: Engine) -> None:
    doc = copy.deepcopy(V1)
    doc["indicators"][2]["lead_department"] = "县教育局、县发展改革局"
    load(engine, doc)
    with transaction(engine) as s:
        roles = sorted((r.department.name, r.role) for r in s.scalars(select(Responsibility)))
        assert roles == [("县发展改革局", "co"), ("县教育局", "lead")]
        ev = evaluation_input(s, "苍溪")
        assert next(i for i in ev.indicators if i.name == "学前教育毛入园率").lead_department == "县教育局"


def test_evaluation_input_hands_over_plain_types(engine: Engine) -> None:
    load(engine)
    with transaction(engine) as s:
        ids = {i.name: i.id for i in s.scalars(select(Indicator))}
        write_observations(s, [ObservationInput(ids["城镇新增就业"], "510824", 2021, value=0.69, status="approved",
                                                source_note="县统计公报")])
        ev = evaluation_input(s, "苍溪县“十四五”")
    assert ev.plan.region_code == "510824" and ev.plan.period == (2021, 2025) and ev.plan.base_year == 2020
    jobs = next(i for i in ev.indicators if i.name == "城镇新增就业")
    assert jobs.id == f"p{ev.plan.id}-i{ids['城镇新增就业']}" and jobs.unit == "万人" and jobs.baseline == 0.68
    assert jobs.target.value == 0.7 and jobs.target.year == 2025
    [obs] = ev.observations
    assert (obs.indicator_id, obs.value, obs.status, obs.simulated) == (jobs.id, 0.69, "approved", False)
    codes = {r.code for r in ev.regions}
    assert "510824" in codes and "510824100" in codes  # the county and its townships
    assert next(r for r in ev.regions if r.code == "510824").level == "county"


def test_plan_view_gives_each_indicator_its_milestones_and_latest_value(engine: Engine) -> None:
    from planwatch.register.editing import set_milestone
    from planwatch.register.queries import plan_view

    result = load(engine)
    with transaction(engine) as s:
        ind = s.scalars(select(Indicator).where(Indicator.name == "学前教育毛入园率")).one()
        for year, value in ((2022, 93.0), (2023, 94.5)):
            set_milestone(s, ind, "510824", year, value, by="planner")
        write_observations(s, [ObservationInput(ind.id, "510824", 2021, value=91.0),
                               ObservationInput(ind.id, "510824", 2022, value=92.5, judgement=None),
                               ObservationInput(ind.id, "510824100", 2023, value=99.0)])
    with transaction(engine) as s:
        plan, views = plan_view(s, result.plan_id)
    assert plan.id == result.plan_id and len(views) == 12
    view = next(v for v in views if v.indicator.name == "学前教育毛入园率")
    assert [(m.year, m.value) for m in view.milestones] == [(2022, 93.0), (2023, 94.5)]
    assert (view.latest.year, view.latest.value) == (2022, 92.5)  # the plan's own region, not a township
    assert sum(v.latest is not None for v in views) == 1


def test_a_prose_sentence_restating_a_table_row_is_not_registered_twice(engine: Engine) -> None:
    doc = copy.deepcopy(V1)
    row = doc["indicators"][0]
    restating = {**copy.deepcopy(row), "source": "prose", "line": 600, "table": None, "attribute": None,
                 "name": row["name"] + "达到", "restates": {"line": row["line"], "name": row["name"]}}
    doc["indicators"].append(restating)
    result = load(engine, doc)
    assert len(result.added) == 12  # the table row only
    with transaction(engine) as s:
        prose = [i for i in s.scalars(select(Indicator)) if i.source == "prose"]
    assert len(prose) == 2 and all(i.attribute is None for i in prose)  # 其他量化目标 carry no attribute
