"""The three journeys the web must get right, in a real browser (Playwright + Debian chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from webtools import shot, sign_in_page

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction

pytestmark = pytest.mark.browser
SEED_DOC = Path(__file__).resolve().parents[2] / "data" / "seeds" / "001_7a093e98f0871c03.txt"


sign_in = sign_in_page


def test_review_then_publish(server, page, seeded):  # type: ignore[no-untyped-def]
    url, _, _ = seeded
    engine = make_engine(url)
    with transaction(engine) as s:  # the seed plan's city must be in the register
        s.add(db.Region(code="141100", name="吕梁市", level="city"))
    sign_in(page, server, "planner")
    page.goto(f"{server}/review")
    # No file: refused with a message beside the field.
    page.click("[data-testid=upload]")
    assert page.locator("[data-testid=file-error]").inner_text().strip()
    page.set_input_files("#file", str(SEED_DOC))
    page.click("[data-testid=upload]")
    page.wait_for_url("**/review/*")
    items = page.locator("[data-testid=item]")
    total = items.count()
    assert total > 20
    n_indicators = int(page.locator("h2", has_text="指标").first.inner_text().split("(")[1].rstrip(")"))
    # Publishing with items still pending is refused, and nothing is lost.
    page.click("[data-testid=publish]")
    assert page.locator("[data-testid=publish-error]").inner_text().strip()
    # Reject the first indicator, accept everything else.
    first = items.first
    rejected_name = first.locator("b").first.inner_text()
    first.locator("[data-testid=reject]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=n-reject]").inner_text() == "1"
    page.click("[data-testid=accept-all]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=n-pending]").inner_text() == "0"
    shot(page, "review-draft", full_page=False)
    page.click("[data-testid=publish]")
    page.wait_for_url("**/plans/*")
    shot(page, "review-published-plan")
    # 主要指标 (table rows) and 其他量化目标 (prose targets) are two tables; together they hold every indicator.
    tables = "[data-testid=indicators], [data-testid=other-targets]"
    rows = page.locator("[data-testid=indicators] tr[data-indicator], [data-testid=other-targets] tr[data-indicator]")
    assert rows.count() == n_indicators - 1
    assert all(rejected_name not in t for t in page.locator(tables).all_inner_texts())
    with transaction(engine) as s:
        plan = s.scalars(select(db.Plan).where(db.Plan.region_code == "141100")).one()
        assert s.scalar(select(func.count()).select_from(db.PlanDocument).where(
            db.PlanDocument.plan_id == plan.id)) == 1
    engine.dispose()


def test_reporter_enters_planner_approves_public_shows(server, browser, seed):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in(page, server, "edu")
    page.goto(f"{server}/reporting?year=2024")
    card = page.locator(f"[data-testid=report-{seed.preschool}]")
    value = card.locator(f"#value-{seed.preschool}")
    error = card.locator("[data-testid=value-error]")
    # Validation as the user types, with the message next to the field.
    value.fill("abc")
    assert error.inner_text() == "请输入数字"
    value.fill("-5")
    assert error.inner_text() == "不能为负数"
    shot(page, "reporting-invalid")
    value.fill("88.5")
    assert error.inner_text() == ""
    card.locator(f"#note-{seed.preschool}").fill("2024年教育事业统计快报")
    card.locator(f"[data-testid=submit-{seed.preschool}]").click()
    page.wait_for_load_state()
    card = page.locator(f"[data-testid=report-{seed.preschool}]")
    assert card.locator("[data-testid=obs-status]").inner_text() == "待审核"
    shot(page, "reporting-submitted")
    # Not approved yet: the public page does not show it.
    pub = ctx.new_page()
    pub.goto(f"{server}/public/indicators/{seed.preschool}")
    assert "88.5" not in pub.locator("main").inner_text()
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in(page, server, "planner")
    page.goto(f"{server}/approvals")
    row = page.locator("[data-testid=queue] tr", has_text="88.5")
    assert row.count() == 1
    # Returning without a comment is refused beside the comment field.
    row.locator("[data-testid^=return-]").click()
    page.wait_for_load_state()
    row = page.locator("[data-testid=queue] tr", has_text="88.5")
    assert "退回时请填写意见" in row.inner_text()
    shot(page, "approvals")
    row.locator("[data-testid^=approve-]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=queue] tr", has_text="88.5").count() == 0
    ctx.close()

    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pub = ctx.new_page()
    pub.goto(f"{server}/public/indicators/{seed.preschool}")
    assert "88.5" in pub.locator("[data-testid=values]").inner_text()
    pub.goto(f"{server}/public/plans/{seed.plan_id}")
    assert "88.5" in pub.locator(f"[data-indicator='{seed.preschool}']").inner_text()
    shot(pub, "public-after-approval")
    ctx.close()


def test_reporter_cannot_see_or_change_other_departments(server, page, seed):  # type: ignore[no-untyped-def]
    sign_in(page, server, "health")
    page.goto(f"{server}/reporting")
    text = page.locator("main").inner_text()
    assert "每千人口3岁以下婴幼儿托位数" in text and "学前教育毛入园率" not in text
    assert page.locator(f"[data-testid=report-{seed.preschool}]").count() == 0
    page.goto(f"{server}/plans/{seed.plan_id}")
    assert "学前教育毛入园率" not in page.locator("[data-testid=indicators]").inner_text()
    resp = page.goto(f"{server}/indicators/{seed.preschool}")
    assert resp is not None and resp.status == 403
    shot(page, "reporter-forbidden")
    # A hand-made POST with the reporter's own valid CSRF token is still refused.
    token = page.evaluate("() => fetch('/api/me').then(r => r.json()).then(j => j.csrf_token)")
    status = page.evaluate(
        """([id, token]) => fetch('/api/observations', {method: 'POST',
             headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
             body: JSON.stringify({indicator_id: id, year: 2024, value: 99})}).then(r => r.status)""",
        [seed.preschool, token])
    assert status == 403
    status = page.evaluate("(id) => fetch('/api/indicators/' + id).then(r => r.status)", seed.preschool)
    assert status == 403


def test_department_reports_project_progress_in_the_browser(server, page, seed):  # type: ignore[no-untyped-def]
    sign_in(page, server, "health")
    page.goto(f"{server}/plans/{seed.plan_id}")
    page.click("[data-testid=report-progress]")
    page.wait_for_url("**/tasks")
    card = page.locator("[data-testid^=item-pr]")
    assert card.count() == 1  # the project; the task (no lead) has no form
    card.locator("[data-testid^=submit-]").click()  # no state chosen: refused beside the field
    page.wait_for_load_state()
    card = page.locator("[data-testid^=item-pr]")
    assert card.locator("[data-testid=state-error]").inner_text() == "必填"
    card.locator("select[name=state]").select_option("推进中")
    card.locator("input[name=percent]").fill("60")
    card.locator("input[name=note]").fill("县卫健局2023年工作总结")
    card.locator("[data-testid^=submit-]").click()
    page.wait_for_load_state()
    card = page.locator("[data-testid^=item-pr]")
    assert card.locator("[data-testid=progress-status]").inner_text() == "待审核"
    shot(page, "task-progress-submitted")
