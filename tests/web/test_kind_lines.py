"""Pages draw a target where its kind puts it: a change target (提高5个百分点) at the level it
means (baseline + 5), never at the size of the change; the kind comes from the evaluation."""

from __future__ import annotations

import copy

import pytest
import web_seed
from sqlalchemy import select

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.web.evaluation import evaluate_register_plan
from planwatch.web.views import plan_view

NAME = "普惠性幼儿园覆盖率"


def _import_change_plan(url: str) -> tuple[int, int]:
    """A plan with one change target (80 % → 提高5个百分点); returns (plan id, indicator id)."""
    doc = copy.deepcopy(web_seed.PLAN_JSON)
    doc["plan"]["title"] = "测试县“十四五”教育规划"
    doc["indicators"].append({
        "source": "table", "line": 6, "table": "表1", "domain": "学有所教", "name": NAME, "unit": "%",
        "attribute": "预期性", "baseline": {"raw": "80", "value": 80.0, "year": 2020}, "quote": NAME,
        "target": {"raw": "提高5个百分点", "value": 5.0, "value_low": None, "value_high": None, "op": ">=",
                   "kind": "change", "direction": "up", "base_year": 2020, "year": 2025}})
    engine = make_engine(url)
    with transaction(engine) as s:
        pid = import_plan(s, doc, by="test").plan_id
        iid = s.scalar(select(db.Indicator.id).where(db.Indicator.plan_id == pid, db.Indicator.name == NAME))
    engine.dispose()
    assert iid is not None
    return pid, iid


def test_a_change_target_is_drawn_at_the_level_it_means(seeded) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = seeded
    pid, _ = _import_change_plan(url)
    engine = make_engine(url)
    with transaction(engine) as s:
        ev = evaluate_register_plan(s, pid, public=False, year=2022)
        view = plan_view(s, pid, public=False, year=2022)
    engine.dispose()
    change = next(e for e in ev.indicators.values() if e.method == "change")
    assert change.target_line == 85.0
    assert view is not None
    row = next(r for r in view["indicators"] if r["name"] == NAME)
    assert row["method"] == "change" and row["target_line"] == 85.0 and row["target"] == 5.0
    level = next(r for r in view["indicators"] if r["name"] == "每千人口3岁以下婴幼儿托位数")
    assert level["target_line"] == level["target"] == 4.5


@pytest.mark.browser
def test_the_indicator_page_draws_a_change_target_at_its_level(seeded, server, page) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = seeded
    _, iid = _import_change_plan(url)
    page.goto(f"{server}/login")
    page.fill("#username", "planner")
    page.fill("#password", web_seed.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{server}/indicators/{iid}")
    label = page.locator("svg .target-label").first
    assert label.count() == 1
    assert "85" in (label.text_content() or "")  # 80 + 5 points, not the size 5
