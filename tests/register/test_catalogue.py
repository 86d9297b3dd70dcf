"""A plan import's metric catalogue reads which metrics the preferred plans (predecessor, superior)
use, not every plan's targets: its cost follows the plans it prefers, not the register's size."""

from __future__ import annotations

from sqlalchemy import Engine, event, select

from planwatch.register.db import transaction
from planwatch.register.metrics import Catalogue
from planwatch.register.plans import import_plan
from planwatch.register.schema import Indicator, Region


def _plan(title: str, code: str) -> dict:
    ind = {"source": "table", "line": 3, "table": "表1", "domain": "学有所教", "name": "普惠性幼儿园数", "unit": "所",
           "attribute": "预期性", "baseline": {"raw": "10", "value": 10, "year": 2020},
           "target": {"raw": "≥20", "value": 20, "value_low": None, "value_high": None, "op": ">=", "kind": "level",
                      "year": 2025}, "quote": "普惠性幼儿园数"}
    return {"plan": {"title": title, "region": title[:3], "region_code": code, "region_level": "county",
                     "period": [2021, 2025]}, "indicators": [ind], "service_items": [], "tasks": [], "projects": []}


def test_the_catalogue_reads_the_preferred_plans_targets_only(engine: Engine) -> None:
    with transaction(engine) as s:
        s.add_all([Region(code="920000", name="乙省", level="province"),
                   Region(code="920100", name="甲县", level="county", parent_code="920000"),
                   Region(code="920200", name="乙县", level="county", parent_code="920000")])
        s.flush()
        a = import_plan(s, _plan("甲县“十四五”规划", "920100"), by="t").plan_id
        b = import_plan(s, _plan("乙县“十四五”规划", "920200"), by="t").plan_id
        metric = s.scalar(select(Indicator.metric_id).where(Indicator.plan_id == a))
        assert s.scalar(select(Indicator.metric_id).where(Indicator.plan_id == b)) == metric  # one shared metric
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            cat = Catalogue(s, frozenset({a}))
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert {c.id: c.plans for c in cat.items}[metric] == frozenset({a})
        assert all("FROM indicators" not in sql or "plan_id IN" in sql for sql in seen)
        assert {c.id: c.plans for c in Catalogue(s).items}[metric] == frozenset()
