"""The overview, the public overview, the plan list API and the dashboard read the stored summary:
after a write they evaluate again only the plans whose stored evaluation went stale, never the
whole register."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from webtools import login

from planwatch.register import evaluations
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.schema import Indicator, Plan, PlanEvaluation


def _plan(title: str, region: str, code: str) -> dict:
    ind = {"source": "table", "line": 3, "table": "表1", "domain": "学有所教", "name": f"{region}学校数", "unit": "所",
           "attribute": "预期性", "baseline": {"raw": "10", "value": 10, "year": 2020},
           "target": {"raw": "≥20", "value": 20, "value_low": None, "value_high": None, "op": ">=", "kind": "level",
                      "year": 2025}, "quote": "学校数"}
    return {"plan": {"title": title, "region": region, "region_code": code, "region_level": "city",
                     "period": [2021, 2025]}, "indicators": [ind], "service_items": [], "tasks": [], "projects": []}


def _evaluated_at(engine) -> dict[int, object]:  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        return dict(s.execute(select(PlanEvaluation.plan_id, PlanEvaluation.evaluated_at)).all())


@pytest.mark.parametrize("path,user", [("/", "planner"), ("/public", None), ("/api/plans", "planner"),
                                       ("/dashboard", "viewer"), ("/dashboard/list?risk=1", "viewer")])
def test_a_summary_page_evaluates_only_the_stale_plans(client, seeded, path, user) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            other = import_plan(s, _plan("测试市“十四五”教育规划", "测试市", "990100"), by="test").plan_id
        evaluations.evaluate_register(engine)
        before = _evaluated_at(engine)
        assert other in before and len(before) >= 2
        with transaction(engine) as s:
            ind = s.scalar(select(Indicator.id).where(Indicator.plan_id == other))
            write_observations(s, [ObservationInput(ind, "990100", 2022, 14.0, status="approved")], by="test")
        with transaction(engine) as s:  # the plans' versions move when the write commits
            stale = set(evaluations.stale_plans(s))
            assert other in stale and len(stale) < len(before)
        if user:
            login(client, user)
        assert client.get(path).status_code == 200
        after = _evaluated_at(engine)
        assert {pid for pid, at in after.items() if at != before.get(pid)} == stale
        with transaction(engine) as s:
            assert evaluations.stale_plans(s) == []
            assert s.get(Plan, other) is not None
    finally:
        engine.dispose()
