"""A plan's evaluation reads the values of its region and its direct sub-regions, and deeper only
where a sub-region without a value of a summed metric is rolled up from the regions below it: a
provincial plan reads its counties, not every township of the province."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

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


def _plan(s: Session, region: str, code: str, level: str) -> tuple[int, dict[str, int]]:
    """The regions, and a plan of `region` with two indicators: (plan id, indicator id by name)."""
    s.add_all([Region(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in REGIONS])
    s.flush()
    plan = import_plan(s, {"plan": {"title": f"{region}“十四五”规划", "region": region, "region_code": code,
                                    "region_level": level, "period": [2021, 2025]},
                           "indicators": [_ind("普惠性幼儿园数", "所", 100, 140), _ind("公共服务满意度", "分", 80, 90)],
                           "service_items": [], "tasks": [], "projects": []}, by="t").plan_id
    return plan, dict(s.execute(select(Indicator.name, Indicator.id).where(Indicator.plan_id == plan)).all())


def test_a_provincial_plan_reads_townships_only_to_roll_up_a_county_without_values(engine: Engine) -> None:
    with transaction(engine) as s:
        plan, ids = _plan(s, "甲省", "910000", "province")
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


def test_the_evaluation_reads_the_values_a_page_reads_whatever_their_status_and_flags(engine: Engine) -> None:
    """`evaluation_inputs(..., for_evaluation=True)` reads the values below the plan region in
    `model.ValueRows`' compact rows (one column for judgement, status, 口径 break and simulated, None when
    usual): the Observations built from them equal those a page reads, unusual values included, and so
    does the evaluation."""
    from planwatch.register.queries import _with_rest, evaluation_inputs

    states = ["approved", "submitted"]
    with transaction(engine) as s:
        plan, by_name = _plan(s, "乙县", "910200", "county")
        ids = sorted(by_name.values())
        rows = [ObservationInput(i, code, y, 30.0 + y - 2020 + k, status="approved")
                for k, i in enumerate(ids) for code in ("910200", "910201", "910202") for y in (2021, 2022)]
        rows += [ObservationInput(ids[0], "910201", 2023, 40.0, status="submitted"),  # another counted status
                 ObservationInput(ids[0], "910202", 2023, 41.0, status="approved", simulated=True),
                 ObservationInput(ids[1], "910201", 2023, 45.0, status="approved", series_break=True),
                 ObservationInput(ids[1], "910202", 2023, None, judgement="推进中", status="approved"),
                 ObservationInput(ids[1], "910202", 2024, 47.0, status="draft")]  # does not count
        write_observations(s, rows, by="t")
    with transaction(engine) as s:
        page = evaluation_input(s, plan, states)
        inp = evaluation_inputs(s, [plan], states, for_evaluation=True)[plan]
    assert inp.below is not None
    assert sum(r[4] is not None for r in inp.below.rows) == 4  # only the unusual ones carry their rest
    read = [*inp.observations, *(o for i in inp.indicators for o in inp.below.observations(i.id))]

    def key(o):  # type: ignore[no-untyped-def]
        return (o.indicator_id, o.region_code, o.year, o.value, o.judgement, o.status, o.series_break, o.simulated)

    assert sorted(map(key, read)) == sorted(map(key, page.observations))
    assert len(read) == len(rows) - 1
    # a value deleted between the read of the rows and the read of their rest (PostgreSQL reads each
    # statement's own snapshot) is dropped, not half-read
    with transaction(engine) as s:
        assert _with_rest(s, [(1, "910201", 2021, 1.0, None), (1, "910202", 2021, 2.0, 10**9)]) == \
            [(1, "910201", 2021, 1.0, None)]
    for year in (2022, 2023):
        assert evaluate_plan(inp, year) == evaluate_plan(page, year)
