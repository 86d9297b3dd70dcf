"""One series across two plans, in a real browser: a 十五五 plan published through the review page reuses
the 十四五 plan's series, the reviewer confirms or splits each metric match, and both plan pages show
the same values, with the 2025 value as the new plan's baseline."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from test_browser_workflows import sign_in
from webtools import shot

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput, write_observations

pytestmark = pytest.mark.browser

SUCCESSOR = "\n".join([
    "测试县“十五五”公共服务规划",
    "(2026—2030年)",
    "第一章 发展目标",
    "表1 “十五五”公共服务主要指标",
    "领域", "指标", "2025年", "2030年", "属性",
    "幼有所育", "每千人口3岁以下婴幼儿托位数(个)", "1.0", "5.5", "预期性",
    "学有所教", "学前教育毛入园率(%)", "88", "≥95", "约束性",
    "病有所医", "每千人口中医执业医师数(人)", "0.5", "0.8", "预期性",
    "第二章 重点任务",
    "推进义务教育优质均衡发展,实现全覆盖。",
])


def test_successor_plan_reuses_the_series_and_the_reviewer_settles_each_match(  # type: ignore[no-untyped-def]
        server, page, seeded, tmp_path: Path):
    url, seed, _ = seeded
    engine = make_engine(url)
    with transaction(engine) as s:  # the 十四五 plan's final year, reported and approved
        write_observations(s, [
            ObservationInput(seed.childcare, "990101", 2025, 2.8, status="approved", source_note="县统计公报2025"),
            ObservationInput(seed.preschool, "990101", 2025, 88.0, status="approved", source_note="教育统计2025"),
        ], by="seed")
    doc = tmp_path / "测试县十五五规划.txt"
    doc.write_text(SUCCESSOR, encoding="utf-8")

    sign_in(page, server, "planner")
    page.goto(f"{server}/review")
    page.set_input_files("#file", str(doc))
    page.click("[data-testid=upload]")
    page.wait_for_url("**/review/*")
    draft_url = page.url
    page.click("[data-testid=accept-all]")
    page.wait_for_load_state()
    page.click("[data-testid=publish]")
    page.wait_for_url("**/plans/*")
    new_id = int(page.url.rsplit("/", 1)[1].split("?")[0])

    # The new plan names its predecessor, takes the 2025 values as baselines and flags the stated 1.0.
    assert "测试县“十四五”公共服务规划" in page.locator("[data-testid=plan-predecessor]").inner_text()
    rows = {r.locator("td").first.inner_text().split("(")[0]: r
            for r in page.locator("[data-testid=indicators] tr[data-indicator]").all()}
    nursery = rows["每千人口3岁以下婴幼儿托位数"].locator("[data-testid=baseline]")
    assert nursery.inner_text().startswith("2.8")
    assert "1.0" in nursery.locator("[data-testid=baseline-flag]").inner_text()
    preschool = rows["学前教育毛入园率"].locator("[data-testid=baseline]")
    assert preschool.inner_text().strip() == "88" and preschool.locator("[data-testid=baseline-flag]").count() == 0
    shot(page, "series-successor-plan")

    # Both pages show one series: the same latest value, reported once.
    def latest(plan_id: int, name: str) -> str:
        page.goto(f"{server}/plans/{plan_id}")
        row = page.locator("[data-testid=indicators] tr[data-indicator]", has_text=name).first
        return row.locator("td").nth(4).inner_text()
    assert latest(seed.plan_id, "托位数") == latest(new_id, "托位数")
    assert "2.8" in latest(new_id, "托位数")

    # The review page lists the two matches; 中医执业医师 is a metric of its own (no match to confirm).
    page.goto(draft_url)
    matches = page.locator("[data-testid=metric-match]")
    assert matches.count() == 2
    assert "每千人口中医执业医师数" not in page.locator("#metrics ~ div").all_inner_texts()[0]
    matches.filter(has_text="学前教育毛入园率").locator("[data-testid=metric-confirm]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=metric-match]", has_text="学前教育毛入园率").get_attribute(
        "data-link") == "confirmed"
    page.locator("[data-testid=metric-match]", has_text="托位数").locator("[data-testid=metric-split]").click()
    page.wait_for_load_state()
    shot(page, "series-review-metrics", full_page=False)
    assert page.locator("[data-testid=metric-match]").count() == 1  # split off: it shares nothing now
    with transaction(engine) as s:
        inds = {i.name: i for i in s.scalars(select(db.Indicator).where(db.Indicator.plan_id == new_id))}
        old = {i.name: i for i in s.scalars(select(db.Indicator).where(db.Indicator.plan_id == seed.plan_id))}
        assert inds["学前教育毛入园率"].metric_id == old["学前教育毛入园率"].metric_id
        assert inds["每千人口3岁以下婴幼儿托位数"].metric_id != old["每千人口3岁以下婴幼儿托位数"].metric_id
    # Split off, the new plan's target no longer reads the old series: its baseline is the document's.
    page.goto(f"{server}/plans/{new_id}")
    row = page.locator("[data-testid=indicators] tr[data-indicator]", has_text="托位数").first
    assert row.locator("[data-testid=baseline]").inner_text().strip() == "1.0"
    engine.dispose()
