"""The overview, the public overview and the reporting status page their plan lists (50, 15 a page)
with the register's counts and filters; a small register looks as before (no pager, no filters)."""

from __future__ import annotations

import pytest
from webtools import login, sign_in_page

from planwatch.register import evaluations
from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.register.schema import Region

EXTRA = 55  # with the seeded plans: two pages of 50


def _plan(n: int) -> dict:
    region, code = f"测试{n:02d}县", f"98{n:02d}00"
    ind = {"source": "table", "line": 3, "table": "表1", "domain": "学有所教", "name": "学校数", "unit": "所",
           "attribute": "预期性", "baseline": {"raw": "10", "value": 10, "year": 2020},
           "target": {"raw": "≥20", "value": 20, "value_low": None, "value_high": None, "op": ">=", "kind": "level",
                      "year": 2025}, "quote": "学校数"}
    return {"plan": {"title": f"{region}“十四五”教育规划", "region": region, "region_code": code,
                     "region_level": "county", "period": [2021, 2025]},
            "indicators": [ind], "service_items": [], "tasks": [], "projects": []}


@pytest.fixture
def many(seeded):  # type: ignore[no-untyped-def]
    engine = make_engine(seeded[0])
    try:
        with transaction(engine) as s:
            s.add_all([Region(code=f"98{n:02d}00", name=f"测试{n:02d}县", level="county", parent_code="990000")
                       for n in range(EXTRA)])
        with transaction(engine) as s:
            for n in range(EXTRA):
                import_plan(s, _plan(n), by="test")
        evaluations.evaluate_register(engine)
    finally:
        engine.dispose()
    return seeded


def test_a_small_register_shows_every_plan_without_pager_or_filters(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    html = client.get("/").text
    assert 'data-testid="plans"' in html
    for absent in ("plan-pages", "plan-filters", "register-counts", "page-warnings"):
        assert absent not in html
    pub = client.get("/public").text
    assert "pub-plan" in pub and "plan-pages" not in pub and "plan-filters" not in pub


def test_the_plan_list_api_reads_its_page(many, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    every = client.get("/api/plans").json()
    assert len(every) > 50
    ids = [p["id"] for p in every]
    assert ids == sorted(ids)
    assert [p["id"] for p in client.get("/api/plans?limit=10&page=2").json()] == ids[10:20]
    assert [p["id"] for p in client.get("/api/public/plans?limit=50&page=2").json()] == ids[50:100]
    assert client.get("/api/plans?limit=50&page=9").json() == []
    data = client.get("/api/overview?page=2").json()
    assert data["paging"] == {"page": 2, "pages": 2, "total": len(ids), "per_page": 50}
    assert [p["id"] for p in data["plans"]] == ids[50:]
    assert data["plan_total"] == len(ids)
    assert sum(data["counts"].values()) >= EXTRA


@pytest.mark.parametrize("path,card", [("/", "table[data-testid=plans] tbody tr"),
                                       ("/public", "[data-testid=pub-plan]"),
                                       ("/public/status", "[data-testid=status-plan]")])
def test_a_large_register_pages_its_plans_with_counts_and_filters(many, server, page, path, card) -> None:  # type: ignore[no-untyped-def]
    total = len(make_plan_ids(many[0]))
    if path == "/":
        sign_in_page(page, server, "planner")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server + path)
    per_page = 15 if path == "/public/status" else 50
    rows = page.locator(card)
    assert rows.count() == per_page
    if path != "/public/status":
        counts = page.get_by_test_id("register-counts")
        assert f"共{total}个规划" in counts.inner_text()
    assert page.get_by_test_id("plan-pages").is_visible()
    assert page.evaluate("document.documentElement.scrollHeight") < 4000
    page.get_by_test_id("plan-pages-next").click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    assert page.locator(card).count() == min(total - per_page, per_page)
    # the filter: a title or region name, kept on the pager's links
    page.goto(server + path)
    page.get_by_test_id("plan-filters").locator("input[name=q]").fill("测试0")
    page.get_by_test_id("plan-filters").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(card).count() == 10
    assert "10" in page.get_by_test_id("plans-matching").inner_text()
    assert page.get_by_test_id("plan-pages").count() == 0
    if path == "/":
        page.goto(server + "/?q=%E6%B5%8B%E8%AF%95")  # 测试: every extra plan, two pages
        assert "q=%E6%B5%8B%E8%AF%95" in (page.get_by_test_id("plan-pages-next").get_attribute("href") or "")
        assert page.get_by_test_id("page-warnings").is_visible()
        page.goto(server + "/")  # the region the plans lie in: the seeded plans under 测试市
        page.get_by_test_id("plan-filters").locator("select[name=region]").select_option(label="测试市")
        page.get_by_test_id("plan-filters").locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "region=990100" in page.url
        assert page.locator(card).count() == total - EXTRA


def make_plan_ids(url: str) -> list[int]:
    from sqlalchemy import select

    from planwatch.register.schema import Plan

    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            return list(s.scalars(select(Plan.id)))
    finally:
        engine.dispose()
