"""A plan's evaluation reads the values of its region and its direct sub-regions, and deeper only
where a sub-region without a value of a summed metric is rolled up from the regions below it: a
provincial plan reads its counties, not every township of the province."""

from __future__ import annotations

from sqlalchemy import Engine, select

from planwatch.evaluate import evaluate_plan
from planwatch.register.db import transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.queries import evaluation_input
from planwatch.register.schema import Indicator, Region

REGIONS = [("910000", "甲省", "province", None), ("910100", "甲县", "county", "910000"),
           ("910200", "乙县", "county", "910000"), ("910101", "甲县一镇", "township", "910100"),
           ("910201", "乙县一镇", "township", "910200"), ("910202", "乙县二镇", "township", "910200")]


def _ind(name: str, unit: str, base: float, target: float) -> dict:
    return {"source": "table", "line": 3, "table": "表1", "domain": "学有所教", "name": name, "unit": unit,
            "attribute": "预期性", "baseline": {"raw": str(base), "value": base, "year": 2020},
            "target": {"raw": f"≥{target}", "value": target, "value_low": None, "value_high": None, "op": ">=",
                       "kind": "level", "year": 2025}, "quote": name}


def test_a_provincial_plan_reads_townships_only_to_roll_up_a_county_without_values(engine: Engine) -> None:
    with transaction(engine) as s:
        s.add_all([Region(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in REGIONS])
        s.flush()
        plan = import_plan(s, {"plan": {"title": "甲省“十四五”规划", "region": "甲省", "region_code": "910000",
                                        "region_level": "province", "period": [2021, 2025]},
                               "indicators": [_ind("普惠性幼儿园数", "所", 100, 140), _ind("公共服务满意度", "分", 80, 90)],
                               "service_items": [], "tasks": [], "projects": []}, by="t").plan_id
        ids = dict(s.execute(select(Indicator.name, Indicator.id).where(Indicator.plan_id == plan)).all())
        count, score = ids["普惠性幼儿园数"], ids["公共服务满意度"]
        rows = [ObservationInput(i, code, 2022, v, status="approved")
                for i in (count, score) for code, v in (("910000", 110.0), ("910100", 50.0), ("910101", 50.0),
                                                        ("910201", 30.0), ("910202", 31.0))]
        write_observations(s, rows, by="t")
    with transaction(engine) as s:
        inp = evaluation_input(s, plan)
        read = {(o.indicator_id, o.region_code) for o in inp.observations}
        c, q = f"p{plan}-i{count}", f"p{plan}-i{score}"
        # the province and its counties; 乙县 has no value: its townships, for the summed count only
        assert read == {(c, "910000"), (c, "910100"), (c, "910201"), (c, "910202"), (q, "910000"), (q, "910100")}
        result = evaluate_plan(inp, 2022)
    subs = {e.id: {r["code"]: r["value"] for r in e.subregions} for e in result.indicators}
    assert subs[c] == {"910100": 50.0, "910200": 61.0}  # 乙县 rolled up from its two townships
    assert subs[q] == {"910100": 50.0}
