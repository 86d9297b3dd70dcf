"""The scorecard of the demo register (five local plans and the national plan) in real chromium:
its rows are the CSV's rows, its headings sort, and the metric page shows the spread.
Screenshots go to tests/artifacts/web/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
import web_seed
from webtools import shot

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import run_demo
from planwatch.register.users import add_user
from planwatch.web import create_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Overrides conftest's app: the demo register, with values labelled 模拟数据 so ranks show."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    summary = run_demo(engine, ROOT / "data", simulate=True, log=lambda _: None)
    assert summary.errors == [] and summary.plans == 6
    with transaction(engine) as s:
        add_user(s, "planner", web_seed.PASSWORD, "planner", display_name="规划科")
    engine.dispose()
    return create_app(url, secret_key="test-secret", files_dir=tmp_path / "files")


def sign_in(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", "planner")
    page.fill("#password", web_seed.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def page_rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "[data-testid=scorecard] tbody tr", "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))")


def page_headers(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("[data-testid=scorecard] thead th", "ths => ths.map(t => t.innerText.trim())")


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_scorecard_of_the_five_local_plans_against_the_national_plan(server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server)
    page.goto(f"{server}/compare")
    assert page.locator("h1").inner_text() == "地区对比记分卡"
    rows = page_rows(page)
    headers = page_headers(page)
    assert "全国目标" in headers and "同级排名" in headers and "完成度" in headers
    regions = {r[headers.index("地区")] for r in rows}
    assert {"全国", "新乡市", "石嘴山市", "苍溪县", "吕梁市", "武乡县"} <= regions
    # Every local row of a metric the national plan has shows the national target.
    by_metric = {}
    for r in rows:
        by_metric.setdefault(r[headers.index("指标")], []).append(r)
    nat_metrics = [m for m, rs in by_metric.items() if any(r[headers.index("地区")] == "全国" for r in rs)]
    assert len(nat_metrics) >= 10
    for m in nat_metrics:
        for r in by_metric[m]:
            if r[headers.index("地区")] != "全国":
                assert r[headers.index("全国目标")] != "—", (m, r)
    shot(page, "compare-scorecard")
    shot(page, "compare-scorecard-top", full_page=False)

    # The CSV is the page, row for row and cell for cell.
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    body = httpx.get(f"{server}/compare/download.csv", cookies=cookies).content
    table = csv_rows(body)
    assert table[0] == headers
    assert table[1:] == rows

    # Filtered by level: the page and the CSV still agree, and only that level shows.
    page.select_option("select[name=level]", "city")
    page.click("[data-testid=compare-filters] button[type=submit]")
    page.wait_for_load_state()
    city = page_rows(page)
    assert city and {r[headers.index("层级")] for r in city} == {"市级"}
    href = page.get_attribute("[data-testid=download-csv]", "href")
    assert csv_rows(httpx.get(server + href, cookies=cookies).content)[1:] == city

    # Filtered by domain (a Chinese query value) too.
    page.select_option("select[name=domain]", "学有所教")
    page.click("[data-testid=compare-filters] button[type=submit]")
    page.wait_for_load_state()
    both = page_rows(page)
    assert both and {(r[headers.index("层级")], r[headers.index("领域")]) for r in both} == {("市级", "学有所教")}
    href = page.get_attribute("[data-testid=download-csv]", "href")
    assert csv_rows(httpx.get(server + href, cookies=cookies).content)[1:] == both
    page.goto(f"{server}/compare")

    # Sorting by completion puts the highest first, rows without one last.
    col = headers.index("完成度")
    page.click(f"[data-testid=scorecard] thead th:nth-child({col + 1}) button")
    page.click(f"[data-testid=scorecard] thead th:nth-child({col + 1}) button")
    done = [r[col] for r in page_rows(page)]
    numbers = [float(x.rstrip("%")) for x in done if x != "—"]
    assert numbers == sorted(numbers, reverse=True)
    assert all(x == "—" for x in done[len(numbers):])


def test_metric_page_and_public_scorecard(server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/public/compare")
    assert page.locator("[data-testid=scorecard] tbody tr").count() > 20
    page.click("[data-testid=scorecard] tbody tr:first-child td.col-metric a")
    page.wait_for_load_state()
    assert page.locator("[data-testid=metric-rows] tbody tr").count() >= 3
    assert page.locator("[data-testid=equalisation], [data-testid=equalisation-none]").count() == 1
    shot(page, "compare-metric")
    page.click("[data-testid=lang-switch]")
    page.goto(f"{server}/public/compare")
    assert page.locator("h1").inner_text() == "Scorecard: regions compared"
    shot(page, "compare-scorecard-en")


def test_benchmarks_on_plan_and_indicator_pages(server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server)
    page.goto(f"{server}/compare?level=county")
    row = page.locator("[data-testid=scorecard] tbody tr", has_text="苍溪县").filter(has_text="学前教育毛入园率").first
    row.locator("td.col-name a").click()
    page.wait_for_load_state()
    # The national target is a reference line on the indicator's chart.
    assert page.locator("svg.chart .ref-line").count() == 1
    assert "全国目标 >90" in page.locator("svg.chart .ref-label").first.text_content()
    shot(page, "compare-indicator-reference")
    page.click("p.sub a")  # back to the plan
    page.wait_for_load_state()
    assert page.locator("[data-testid=indicators] thead th", has_text="全国目标").count() == 1
    cells = page.locator("[data-testid=indicators] [data-testid=bench-national]").all_inner_texts()
    assert any(c.startswith(">90") for c in cells)
    shot(page, "compare-plan-benchmarks", full_page=False)
    # The public copy of the plan says it too.
    page.goto(page.url.replace(server, server + "/public"))
    assert page.locator("[data-testid=bench-national]").count() > 5
