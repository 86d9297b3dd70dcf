"""Spreadsheets and approval in a real browser: a reporter downloads the department's form for the open
round, fills it (openpyxl), uploads it and sees the rows not imported; the approver sees each value's
context and the outlier flag, and approves the selected row."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sheets import fill, form_rows, ref_of
from webtools import shot, sign_in_page, stored

from planwatch.register import rounds
from planwatch.register.db import make_engine, transaction

pytestmark = pytest.mark.browser


def test_template_upload_partial_then_approve_with_context(server, browser, seed, seeded, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = seeded[0]
    engine = make_engine(url)
    with transaction(engine) as s:
        rounds.open_round(s, seed.plan_id, 2023, due_date=date.today() + timedelta(days=7), by="planner")
    engine.dispose()
    rctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    pctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    reporter, planner = rctx.new_page(), pctx.new_page()

    # 1. The reporter downloads the department's form for the open 2023 round.
    sign_in_page(reporter, server, "health")
    reporter.goto(f"{server}/reporting")
    link = reporter.locator(f"[data-testid=template-{seed.plan_id}-2023-{seed.health_dept}]")
    assert "2023" in reporter.locator("[data-testid=template-list]").inner_text()
    with reporter.expect_download() as dl:
        link.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert path.suffix == ".xlsx"
    content = path.read_bytes()
    assert sorted(r["indicator"] for r in form_rows(content)) == ["每千人口3岁以下婴幼儿托位数", "每千人口执业(助理)医师数"]

    # 2. Filled in: a jump for childcare (2.3 approved for 2022), text in the doctors' number cell.
    child, doctors = ref_of(content, "每千人口3岁以下婴幼儿托位数"), ref_of(content, "每千人口执业(助理)医师数")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(content, {child: 5.0, doctors: "两点五"}, source={child: "卫健统计2023"}))
    reporter.set_input_files("#sheet", str(filled))
    reporter.click("[data-testid=upload-sheet]")
    reporter.wait_for_load_state()
    assert "已导入 1 条" in reporter.locator(".flash").inner_text()
    problems = reporter.locator("[data-testid=import-problem]")
    assert problems.count() == 1
    text = problems.first.inner_text()
    assert "3" in text and "本年值" in text and "数字单元格中有文字" in text
    shot(reporter, "sheets-partial-import")
    assert stored(url, seed.childcare, 2023) == (5.0, "submitted", 1)
    assert stored(url, seed.doctors, 2023) is None

    # 3. The planner sees the context and the flag, and approves the selected row only.
    sign_in_page(planner, server, "planner")
    planner.goto(f"{server}/approvals")
    rows = planner.locator("[data-testid=queue-row]")
    assert rows.count() == 2
    row = planner.locator("[data-testid=queue-row]", has_text="每千人口3岁以下婴幼儿托位数")
    assert row.locator("[data-testid=ctx-last]").inner_text().strip() == "2.3"
    assert "+117.4%" in row.locator("[data-testid=ctx-change]").inner_text()
    assert "4.5" in row.locator("[data-testid=ctx-target]").inner_text()
    flag = row.locator("[data-testid=flag-jump]")
    assert "超过 ±50%" in flag.inner_text()
    other = planner.locator("[data-testid=queue-row]", has_text="学前教育毛入园率")
    assert other.locator("[data-testid=flag-jump]").count() == 0
    shot(planner, "sheets-approval-context")
    row.locator("input[name=row]").check()
    planner.click("[data-testid=approve-selected]")
    planner.wait_for_load_state()
    assert "已通过 1 条" in planner.locator(".flash").inner_text()
    assert stored(url, seed.childcare, 2023) == (5.0, "approved", 2)
    assert stored(url, seed.preschool, 2023) == (87.0, "submitted", 1)
    assert planner.locator("[data-testid=queue-row]").count() == 1
    shot(planner, "sheets-approved-selected")
    rctx.close()
    pctx.close()
