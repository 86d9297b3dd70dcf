"""The demo register in a real browser: a planner makes reports from the web; the overview and plan pages
are short enough to read; every page speaks Chinese (see test_demo_language.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_site import PASSWORD, DemoSite, build_demo, serve, sign_in
from webtools import ARTIFACTS, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    home = tmp_path_factory.mktemp("demo-pages")
    url = build_demo(home)
    for base in serve(url, home / "files"):
        yield DemoSite(base, url)


@pytest.fixture
def wide(browser):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def test_planner_downloads_a_midterm_report_as_docx_and_pdf(site, wide, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-planner")
    wide.goto(f"{site.base}/plans/2")
    wide.click("[data-testid=make-report]")
    wide.wait_for_url("**/plans/2/report")
    wide.check("input[name=kind][value=midterm]")
    wide.select_option("[data-testid=report-year]", "2023")
    shot(wide, "report-form", full_page=False)
    got = {}
    for form in ("docx", "pdf"):
        wide.check(f"input[name=format][value={form}]")
        with wide.expect_download(timeout=120_000) as info:
            wide.click("[data-testid=report-download]")
        d = info.value
        assert d.suggested_filename == f"plan-2-midterm-2023.{form}"
        path = tmp_path / d.suggested_filename
        d.save_as(path)
        got[form] = path.read_bytes()
    assert got["docx"][:2] == b"PK"  # a zip container (Office Open XML)
    assert got["pdf"][:5] == b"%PDF-"
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "plan-2-midterm-2023.docx")).paragraphs)
    assert "中期评估" in text
    assert "编制单位：＿" not in text  # the issuer comes from the register


def test_a_sparse_year_is_announced_before_and_on_the_cover(site, wide, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-planner")
    wide.goto(f"{site.base}/plans/3/report?kind=midterm&year=2021")
    warn = wide.locator("[data-testid=report-sparse]")
    assert warn.count() == 1 and "仅" in warn.inner_text()
    r = wide.request.get(f"{site.base}/plans/3/report/download?kind=final&year=2021&format=html")
    assert r.status == 200
    assert "评估结论不完整" in r.text()


def test_reports_are_for_planners_and_refuse_bad_choices(site, wide) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-viewer")
    assert wide.request.get(f"{site.base}/plans/2/report").status == 403
    wide.context.clear_cookies()
    sign_in(wide, site.base, "d-planner")
    for q, field in (("kind=weekly", "kind"), ("format=odt", "format"), ("year=2031", "year")):
        r = wide.request.get(f"{site.base}/plans/2/report/download?{q}")
        assert r.status == 422 and field in r.text(), (q, r.status)


ARTIFACTS.mkdir(parents=True, exist_ok=True)


def test_plan_page_as_of_a_year_leaves_later_values_out(site, wide) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-planner")
    wide.goto(f"{site.base}/plans/3")
    now_year = wide.locator(".sub").first.inner_text()
    wide.select_option("[data-testid=as-of]", "2022")
    wide.click("[data-testid=filters] button[type=submit]")
    wide.wait_for_load_state()
    assert "as_of=2022" in wide.url
    assert "2022" in wide.locator("[data-testid=as-of-note]").inner_text()
    sub = wide.locator(".sub").first.inner_text()
    assert "数据年份 2022" in sub or "数据年份" not in sub, (sub, now_year)
    latest_years = [int(y.strip(" ()")) for y in wide.locator("[data-testid=indicators] td.num .small")
                    .all_inner_texts() if y.strip(" ()").isdigit()]
    assert latest_years and all(y <= 2022 for y in latest_years)
    shot(wide, "plan-as-of-2022", full_page=False)


def test_overview_and_plan_pages_fit_in_4000_px(site, wide) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-planner")
    heights = {}
    for name, path in (("overview", "/"), *((f"plan-{i}", f"/plans/{i}") for i in range(1, 7))):
        wide.goto(f"{site.base}{path}")
        heights[name] = wide.evaluate("document.documentElement.scrollHeight")
        shot(wide, f"demo-{name}")
    print("page heights at 1366 px:", heights)
    assert all(h < 4000 for h in heights.values()), heights


def test_reporting_and_approvals_fit_in_4000_px(site, wide) -> None:  # type: ignore[no-untyped-def]
    """The planner's /reporting of the demo register (every indicator, grouped by department, 50 a page)
    and /approvals stay under 4,000 px at 1366 px with default filters."""
    sign_in(wide, site.base, "d-planner")
    heights = {}
    for name, path in (("reporting", "/reporting"), ("approvals", "/approvals")):
        wide.goto(f"{site.base}{path}")
        heights[name] = wide.evaluate("document.documentElement.scrollHeight")
        shot(wide, f"demo-{name}")
    wide.goto(f"{site.base}/reporting")
    assert wide.locator("[data-testid=dept-group]").count() >= 2  # 苍溪县教育局 and the unassigned rest
    assert "已报" in wide.locator("[data-testid=dept-counts]").first.inner_text()
    assert wide.locator("[data-testid=reporting-pages]").count() == 1  # more than 50 rows: pages
    print("page heights at 1366 px:", heights)
    assert all(h < 4000 for h in heights.values()), heights


def test_the_tasks_page_pages(site, wide) -> None:  # type: ignore[no-untyped-def]
    """A plan's tasks and projects come 20 a page (each is a card with its form); the pager keeps the year."""
    sign_in(wide, site.base, "d-planner")
    wide.goto(f"{site.base}/plans/3/tasks?year=2024")
    cards = wide.locator("div.card[id^=item-]")
    assert 0 < cards.count() <= 20
    first = cards.first.get_attribute("id")
    wide.locator("[data-testid=task-pages-next]").click()
    wide.wait_for_load_state()
    assert "page=2" in wide.url and "year=2024" in wide.url
    assert wide.locator("div.card[id^=item-]").first.get_attribute("id") != first
    shot(wide, "demo-tasks-page-2")


def test_long_lists_fold_and_unfold(site, wide) -> None:  # type: ignore[no-untyped-def]
    sign_in(wide, site.base, "d-planner")
    wide.goto(f"{site.base}/plans/3")
    shown = wide.locator("[data-testid=indicators] tr[data-indicator]").count()
    assert wide.locator("[data-testid=nr-toggle]").count() > 0
    assert wide.locator("[data-testid=tasks-section]").get_attribute("open") is None  # folded by default
    wide.locator("[data-testid=nr-toggle]").first.click()
    wide.wait_for_load_state()
    assert "nr=1" in wide.url
    assert wide.locator("[data-testid=indicators] tr[data-indicator]").count() > shown
    assert wide.locator("[data-testid=nr-toggle]").count() == 0
    # The overview: risks most severe first, 未报送 one line per plan.
    wide.goto(f"{site.base}/")
    sev = [s for s in wide.locator("[data-testid=warnings] tr[data-severity]").evaluate_all(
        "rows => rows.map(r => r.dataset.severity)")]
    order = {"red": 0, "orange": 1, "yellow": 2}
    assert sev and sev == sorted(sev, key=order.get) and sev[0] == "red"
    lines = wide.locator("[data-testid=overdue] details.overdue")
    assert 0 < lines.count() <= 6  # one per plan, not one per indicator
    assert "项指标数据未报送" in lines.first.locator("summary").inner_text()


SEVERITY = {"sev-red": 0, "sev-orange": 1, "sev-yellow": 2, "": 3}  # "": behind schedule, no warning


def test_the_leader_finds_binding_risks_and_clicks_a_count(site, wide) -> None:  # type: ignore[no-untyped-def]
    """Issue 14's viewer bar on the demo register: the quick start's `leader` (a viewer) signs in, lands on the
    risk dashboard, reads the 约束性 indicators at risk with their departments, most severe first, and a count
    opens the list filtered to it."""
    from planwatch.register.db import make_engine, transaction
    from planwatch.register.users import add_user, list_users

    engine = make_engine(site.url)
    with transaction(engine) as s:
        if not any(u["username"] == "leader" for u in list_users(s)):
            add_user(s, "leader", PASSWORD, "viewer", display_name="分管领导")
    engine.dispose()
    sign_in(wide, site.base, "leader")
    assert wide.url.endswith("/dashboard"), wide.url
    rows = wide.locator("[data-testid=risk-list] tr[data-testid=risk-row]")
    listed = rows.evaluate_all("""rows => rows.map(r => ({binding: r.dataset.binding === '1',
        severity: [...r.classList].find(c => c.startsWith('sev-')) || '',
        name: r.querySelector('td:nth-child(2) a').textContent,
        department: r.querySelector('[data-testid=department]').textContent.trim()}))""")
    binding = [r for r in listed if r["binding"]]
    assert binding, "the demo register has binding indicators at risk"
    assert all(r["department"] for r in binding)  # a department, or 未指定 said in words
    assert any(r["department"] == "苍溪县教育局" for r in listed)  # the demo's one assigned department
    ranks = [SEVERITY[r["severity"]] for r in listed]
    assert ranks == sorted(ranks) and ranks[0] == 0, ranks  # most severe first
    for rank in set(ranks):  # at the same severity the binding ones come first
        flags = [r["binding"] for r, k in zip(listed, ranks, strict=True) if k == rank]
        assert flags == sorted(flags, reverse=True), (rank, flags)
    shot(wide, "demo-leader-dashboard")

    # The department's at-risk count opens the list filtered to that department's risks.
    cell = wide.locator("[data-testid=count-department] tr", has_text="苍溪县教育局").locator("a.risk-n")
    n = int(cell.inner_text().split()[-1])
    cell.click()
    wide.wait_for_url(re.compile(r"/dashboard/list\?.*department="))
    got = wide.locator("[data-testid=filtered-list] tr[data-testid=risk-row]")
    assert got.count() == min(n, 50) and n > 0
    assert set(got.locator("[data-testid=department]").all_inner_texts()) == {"苍溪县教育局"}
    shot(wide, "demo-leader-list", full_page=False)

    # And a status count: every row listed has that status.
    wide.go_back()
    link = wide.locator("[data-testid=count-status]").first
    code, n = link.get_attribute("data-status"), int(link.locator("b").inner_text())
    link.click()
    wide.wait_for_url(re.compile(r"/dashboard/list\?status="))
    statuses = wide.locator("[data-testid=filtered-list] tr[data-testid=risk-row] span.status").evaluate_all(
        "els => els.map(e => e.dataset.status)")
    assert statuses and set(statuses) == {code} and len(statuses) == min(n, 50)


MAIN_PAGES = {  # name → (account, path): what each user opens first, in Chinese at 1366 px
    "overview": ("d-planner", "/"), "dashboard": ("d-viewer", "/dashboard"),
    "dashboard-list": ("d-viewer", "/dashboard/list?risk=1"), "plan-3": ("d-planner", "/plans/3"),
    "plan-3-tasks": ("d-planner", "/plans/3/tasks"), "plan-3-report": ("d-planner", "/plans/3/report"),
    "indicator": ("d-planner", "/indicators/p3-i70"), "indicator-meta": ("d-planner", "/indicators/p3-i70/meta"),
    "reporting": ("d-reporter", "/reporting"), "todo": ("d-reporter", "/todo"), "approvals": ("d-planner", "/approvals"),
    "rounds": ("d-planner", "/rounds"), "search": ("d-planner", "/search?q=tws"), "compare": ("d-planner", "/compare"),
    "review": ("d-planner", "/review"), "admin-users": ("d-admin", "/admin/users"),
    "admin-departments": ("d-admin", "/admin/departments"), "admin-audit": ("d-admin", "/admin/audit"),
}
PUBLIC_PAGES = {"public": "/public", "public-status": "/public/status", "public-plan-3": "/public/plans/3",
                "public-indicator": "/public/indicators/p3-i70", "public-compare": "/public/compare"}


def test_screenshots_of_the_main_pages(site, browser) -> None:  # type: ignore[no-untyped-def]
    """tests/artifacts/web/main-*.png: the main pages of the demo register for a person to look at; none is
    wider than the window (nothing cut off at the side)."""
    wide_pages: list[str] = []
    by_account: dict[str, list[tuple[str, str]]] = {}
    for name, (account, path) in MAIN_PAGES.items():
        by_account.setdefault(account, []).append((name, path))
    for account, pages in by_account.items():
        ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        try:
            sign_in(page, site.base, account)
            for name, path in pages:
                resp = page.goto(site.base + path)
                assert resp is not None and resp.status == 200, (path, resp and resp.status)
                shot(page, f"main-{name}")
                if page.evaluate("document.documentElement.scrollWidth") > 1366:
                    wide_pages.append(path)
        finally:
            ctx.close()
    for width in (1366, 375):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        try:
            for name, path in PUBLIC_PAGES.items():
                resp = page.goto(site.base + path)
                assert resp is not None and resp.status == 200, path
                shot(page, f"main-{name}-{width}")
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    wide_pages.append(f"{path} at {width} px")
        finally:
            ctx.close()
    assert not wide_pages, wide_pages
