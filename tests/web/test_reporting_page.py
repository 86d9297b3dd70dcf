"""The reporting page in a real browser: the year filter survives an upload, a submission and the
conflict choices; each row's year defaults to the open round's; a year that may not be written shows its
values read-only with why, by whom and when (the write path's own rule, `rounds.closed_for`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sheets import fill, ref_of
from webtools import shot, sign_in_page, stored

from planwatch.register import rounds
from planwatch.register.db import make_engine, transaction

pytestmark = pytest.mark.browser


def _round(url: str, plan_id: int, year: int, *steps: str) -> None:
    engine = make_engine(url)
    with transaction(engine) as s:
        r = rounds.open_round(s, plan_id, year, due_date=date.today() + timedelta(days=7), by="planner")
        for step in steps:
            getattr(rounds, f"{step}_round")(s, r.id, by="planner")
    engine.dispose()


def _query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlparse(page.url).query)


def test_rows_default_to_the_open_rounds_year_and_the_filter_survives_upload_and_submit(
        server, browser, seed, seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    _round(url, seed.plan_id, 2023)  # without it, the default year would be 2025 (last year, within 2021–2025)
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    sign_in_page(page, server, "health")

    # Each row's 年份 is the open round's year (`rounds.reporting_year`), not last calendar year.
    page.goto(f"{server}/reporting")
    assert page.locator(f"#year-{seed.childcare}").input_value() == "2023"
    assert page.locator(f"#year-{seed.doctors}").input_value() == "2023"

    # The form for 2023, filled and uploaded while the page is filtered to 2024: the page stays on 2024.
    with page.expect_download() as dl:
        page.click(f"[data-testid=template-{seed.plan_id}-2023-{seed.health_dept}]")
    content = Path(dl.value.path()).read_bytes()
    child = ref_of(content, "每千人口3岁以下婴幼儿托位数")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(content, {child: 2.6}))
    page.goto(f"{server}/reporting?year=2024")
    page.set_input_files("#sheet", str(filled))
    page.click("[data-testid=upload-sheet]")
    page.wait_for_load_state()
    assert "已导入 1 条" in page.locator(".flash").first.inner_text()
    assert _query(page).get("year") == ["2024"]
    assert page.locator("form.filters input[name=year]").first.input_value() == "2024"
    assert page.locator(f"#year-{seed.childcare}").input_value() == "2024"
    assert stored(url, seed.childcare, 2023) == (2.6, "submitted", 1)
    shot(page, "reporting-after-upload-keeps-year")

    # A submission from the filtered page comes back to the same filter.
    page.fill(f"#value-{seed.doctors}", "2.4")
    page.click(f"[data-testid=submit-{seed.doctors}]")
    page.wait_for_load_state()
    assert _query(page).get("year") == ["2024"] and _query(page).get("msg") == ["submitted"]
    assert page.locator("form.filters input[name=year]").first.input_value() == "2024"
    assert stored(url, seed.doctors, 2024) == (2.4, "submitted", 1)
    ctx.close()

    # The uploaded row names its reporter by display name wherever a page shows people; storage keeps the
    # user name.
    engine = make_engine(url)
    with engine.connect() as c:
        from sqlalchemy import select

        from planwatch.register.schema import Observation
        assert c.scalar(select(Observation.reporter_name).where(
            Observation.indicator_id == seed.childcare, Observation.year == 2023,
            Observation.region_code == "990101")) == "health"
    engine.dispose()
    planner = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    sign_in_page(planner, server, "planner")
    planner.goto(f"{server}/approvals")
    queue = planner.locator("main").inner_text()
    assert "卫健填报员" in queue and "health" not in queue
    shot(planner, "approvals-reporter-display-name")
    planner.goto(f"{server}/indicators/{seed.childcare}")
    values = planner.locator("main").inner_text()
    assert "卫健填报员" in values and "\thealth" not in values


def test_every_form_on_a_filtered_page_carries_the_filter(client, seed) -> None:  # type: ignore[no-untyped-def]
    import re

    from webtools import login

    login(client, "health")
    html = client.get("/reporting?year=2024&page=1").text
    targets = re.findall(r'<form method="post" action="(/reporting[^"]*)"', html)
    assert targets and all(t.endswith("?year=2024") for t in targets), targets


def test_the_reporting_year_is_the_open_rounds_else_last_year(seed, seeded) -> None:  # type: ignore[no-untyped-def]
    from planwatch.register.db import make_engine, transaction
    from planwatch.register.schema import Plan

    engine = make_engine(seeded[0])
    with transaction(engine) as s:
        plan = s.get(Plan, seed.plan_id)
        assert rounds.reporting_year(s, plan, date(2024, 3, 1)) == 2023  # no round: last calendar year
        assert rounds.reporting_year(s, plan, date(2031, 3, 1)) == 2025  # kept within the plan
        r = rounds.open_round(s, seed.plan_id, 2022, by="planner")
        assert rounds.reporting_year(s, plan, date(2024, 3, 1)) == 2022  # the open round's year
        rounds.close_round(s, r.id, by="planner")
        assert rounds.reporting_year(s, plan, date(2024, 3, 1)) == 2023  # closed: none open any more
    engine.dispose()


def test_a_locked_year_shows_values_read_only_with_why_by_whom_and_when(
        server, browser, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    _round(url, seed.plan_id, 2022, "lock")
    _round(url, seed.plan_id, 2023, "close")
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    sign_in_page(page, server, "health")

    page.goto(f"{server}/reporting?year=2022")
    card = page.locator(f"[data-testid=report-{seed.childcare}]")
    assert card.locator("form").count() == 0  # no form, no submit button
    ro = card.locator(f"[data-testid=readonly-{seed.childcare}]")
    assert ro.locator("[data-testid=closed-state]").inner_text() == "已锁定"
    assert "2022年度填报已锁定" in ro.locator("[data-testid=closed-why]").inner_text()
    by = ro.locator("[data-testid=closed-by]").inner_text()
    assert "规划科" in by and str(date.today().year) in by  # who locked it (display name) and the day
    assert ro.locator("[data-testid=readonly-value]").inner_text() == "2.3"
    shot(page, "reporting-locked-year")

    # A closed round ends reporting for the reporter (read-only), not for the planner.
    page.goto(f"{server}/reporting?year=2023")
    ro = page.locator(f"[data-testid=readonly-{seed.childcare}]")
    assert ro.locator("[data-testid=closed-state]").inner_text() == "已结束"
    assert page.locator(f"[data-testid=submit-{seed.childcare}]").count() == 0
    planner = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    sign_in_page(planner, server, "planner")
    planner.goto(f"{server}/reporting?year=2023")
    assert planner.locator(f"[data-testid=submit-{seed.childcare}]").count() == 1
    planner.goto(f"{server}/reporting?year=2022")  # locked: nobody writes
    assert planner.locator(f"[data-testid=submit-{seed.childcare}]").count() == 0
    assert "已锁定" in (planner.locator(f"[data-testid=readonly-{seed.childcare}]").text_content() or "")

    # In English the same reason, in English.
    page.goto(f"{server}/lang/en?next=/reporting%3Fyear%3D2022")
    why = page.locator(f"[data-testid=readonly-{seed.childcare}] [data-testid=closed-why]").inner_text()
    assert "reporting for 2022 is locked" in why
    ctx.close()


def test_the_upload_help_is_plain_words_for_a_statistician_never_a_command(client, seed) -> None:  # type: ignore[no-untyped-def]
    import re

    from webtools import login

    login(client, "health")
    for lang, words in (("zh", "有问题的行连同行号和原因列在下方"), ("en", "rows with a problem are listed below")):
        client.get(f"/lang/{lang}?next=/reporting")
        html = client.get("/reporting").text
        card = html[html.index('data-testid="templates"'):html.index("</form>", html.index('action="/reporting-upload'))]
        text = re.sub(r"<[^>]+>", " ", card)
        assert words in text
        assert not re.search(r"planwatch|--[a-z]|\.venv|命令行|command line", text), text
