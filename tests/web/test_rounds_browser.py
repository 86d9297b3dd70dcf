"""A reporting round in a real browser: the planner opens it with dates, the reporter lands on 待办
and sees what is due, after the lock date a submit is refused with a clear message, the planner
unlocks (recorded) and the submit is accepted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import web_seed
from webtools import shot, stored

pytestmark = pytest.mark.browser
TODAY = date.today()


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", web_seed.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_round_due_lock_unlock(server, browser, seed, seeded):  # type: ignore[no-untyped-def]
    url = seeded[0]
    planner_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    reporter_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    planner, reporter = planner_ctx.new_page(), reporter_ctx.new_page()

    # 1. The planner opens the 2024 round with a due date and a lock date.
    sign_in(planner, server, "planner")
    planner.goto(f"{server}/rounds")
    planner.select_option("#round-plan", str(seed.plan_id))
    planner.fill("#round-year", "2024")
    due, lock = TODAY + timedelta(days=7), TODAY + timedelta(days=14)
    planner.fill("#round-due", due.isoformat())
    planner.fill("#round-lock", lock.isoformat())
    planner.click("[data-testid=open-round-submit]")
    planner.wait_for_url("**/rounds/*")
    assert "填报中" in planner.locator("[data-testid=round-state]").inner_text()
    # Nothing of 2024 is reported yet: 0 of the 4 assigned items (3 indicators, 1 project).
    assert planner.locator("[data-testid=plan-rate]").inner_text().strip() == "0%"
    round_url = planner.url.split("?")[0]
    shot(planner, "round-opened")

    # 2. The reporter signs in and lands on 待办 with the due item and its due date.
    sign_in(reporter, server, "edu")
    assert reporter.url.endswith("/todo")
    assert reporter.locator("[data-testid=count-due]").inner_text() == "1"
    due_table = reporter.locator("[data-testid=todo-due]")
    assert "学前教育毛入园率" in due_table.inner_text() and f"{due.year}年{due.month}月{due.day}日" in due_table.inner_text()
    shot(reporter, "todo-due")

    # 3. The lock date passes (the planner moves both dates into the past).
    planner.goto(round_url)
    planner.fill("#dates-due", (TODAY - timedelta(days=3)).isoformat())
    planner.fill("#dates-lock", (TODAY - timedelta(days=1)).isoformat())
    planner.click("[data-testid=set-dates]")
    planner.wait_for_load_state()
    assert "已过锁定日期" in planner.locator("[data-testid=round-state]").inner_text()
    assert "学前教育毛入园率" in planner.locator("[data-testid=overdue]").inner_text()

    reporter.goto(f"{server}/todo")
    assert reporter.locator("[data-testid=count-overdue]").inner_text() == "1"

    # 4. A submit after the lock date is refused with a clear message, and nothing is stored.
    def submit(value: str) -> None:
        reporter.goto(f"{server}/reporting?year=2024")
        card = reporter.locator(f"[data-testid=report-{seed.preschool}]")
        card.locator(f"#value-{seed.preschool}").fill(value)
        card.locator(f"[data-testid=submit-{seed.preschool}]").click()
        reporter.wait_for_load_state()

    # The page shows the year read-only with the write path's reason (no form to fill in vain) ...
    reporter.goto(f"{server}/reporting?year=2024")
    card = reporter.locator(f"[data-testid=report-{seed.preschool}]")
    assert card.locator("form").count() == 0
    assert card.locator("[data-testid=closed-state]").inner_text() == "已过锁定日期"
    why = card.locator("[data-testid=closed-why]").inner_text()
    assert "锁定日期" in why and "解锁" in why and "year" not in why
    # ... and a submission sent anyway is refused by that same rule, nothing stored.
    token = reporter.locator("input[name=csrf_token]").first.get_attribute("value")
    status = reporter.evaluate("""async ([id, token]) => {
        const body = new FormData();
        for (const [k, v] of [["csrf_token", token], ["year", "2024"], ["value", "88.5"], ["action", "submit"]])
            body.append(k, v);
        return (await fetch(`/reporting/${id}`, {method: "POST", body, redirect: "manual"})).status;
    }""", [seed.preschool, token])
    assert status == 400
    assert stored(url, seed.preschool, 2024) is None
    shot(reporter, "round-refused")

    # 5. The planner unlocks with a reason (an unlock without one is refused); the log records it.
    planner.goto(round_url)
    planner.click("[data-testid=round-unlock]")
    planner.wait_for_load_state()
    assert planner.locator("[data-testid=unlock-error]").inner_text().strip()
    planner.fill("#unlock-reason", "统计快报延迟发布")
    planner.click("[data-testid=round-unlock]")
    planner.wait_for_load_state()
    assert "已解锁" in planner.locator("[data-testid=round-state]").inner_text()
    log = planner.locator("[data-testid=round-log]").inner_text()
    assert "解锁" in log and "统计快报延迟发布" in log and "规划科" in log  # the planner, by display name

    # 6. The same submit is accepted now.
    submit("88.5")
    assert reporter.locator(f"[data-testid=report-{seed.preschool}] [data-testid=obs-status]").inner_text() == "待审核"
    assert stored(url, seed.preschool, 2024) == (88.5, "submitted", 1)
    planner.goto(round_url)
    assert planner.locator("[data-testid=plan-rate]").inner_text().strip() == "25%"
    shot(planner, "round-unlocked")
    planner_ctx.close()
    reporter_ctx.close()
