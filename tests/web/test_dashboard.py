"""The leader's risk dashboard: a viewer lands on it, finds the binding indicators at risk with their
departments most severe first, clicks a count and gets the filtered list; the map draws the
outlines imported from a GeoJSON file; the print view fits A4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import web_seed
from webtools import ARTIFACTS, login, shot

from planwatch.register.boundaries import import_boundaries
from planwatch.register.db import make_engine, transaction
from planwatch.register.editing import assign
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.schema import Plan
from planwatch.web import create_app

GEOJSON = Path(__file__).resolve().parents[1] / "fixtures" / "geo" / "test_county_towns.geojson"


def _ind(name: str, base: float, target: float, attribute: str = "约束性", domain: str = "老有所养") -> dict:
    return {"source": "table", "line": 3, "table": "表1", "domain": domain, "name": name, "unit": "%",
            "attribute": attribute, "baseline": {"raw": str(base), "value": base, "year": 2020},
            "target": {"raw": f"≥{target}", "value": target, "value_low": None, "value_high": None, "op": ">=",
                       "kind": "level", "year": 2025}, "quote": name}


CITY_PLAN = {
    "plan": {"title": "测试市“十四五”公共服务规划", "region": "测试市", "region_level": "city",
             "issuer": "测试市发展和改革委员会", "doc_number": None, "issued": "2022-03-01", "period": [2021, 2025]},
    "indicators": [_ind("养老机构护理型床位占比", 40, 55), _ind("九年义务教育巩固率", 95, 96, domain="学有所教"),
                   _ind("居民健康素养水平", 78, 79, domain="病有所医"),
                   _ind("城市社区综合服务设施覆盖率", 90, 100, domain="住有所居"),
                   _ind("普惠托育服务覆盖率", 10, 30, attribute="预期性", domain="幼有所育")],
    "service_items": [], "tasks": [], "projects": [],
}
# name → (lead department, 2022 value): Q = P/S with S = 0.4 at 2022
CITY_VALUES = {
    "养老机构护理型床位占比": ("市民政局", 41.0),  # P 0.07, Q 0.17: 严重滞后
    "九年义务教育巩固率": ("市教育局", 95.1),  # P 0.10, Q 0.25: 严重滞后
    "居民健康素养水平": ("市卫生健康局", 78.35),  # P 0.35, Q 0.875: 滞后
    "城市社区综合服务设施覆盖率": ("市住房和城乡建设局", 100.0),  # 提前实现: not at risk
    "普惠托育服务覆盖率": ("市卫生健康局", None),  # 未报送
}
# Binding at risk, most severe first: the two 严重滞后 (lower Q first), then the two 滞后 (the county's
# 学前教育毛入园率 from the shared web seed, Q 0.75, before Q 0.875).
EXPECTED_BINDING = [("养老机构护理型床位占比", "市民政局"), ("九年义务教育巩固率", "市教育局"),
                    ("学前教育毛入园率", "县教育局"), ("居民健康素养水平", "市卫生健康局")]


@pytest.fixture
def app(seeded):  # type: ignore[no-untyped-def]
    """The shared web seed plus a city plan with binding targets at several severities and the
    county's townships' outlines (overrides conftest's `app`, so `client` and `server` serve it)."""
    url, _, files = seeded
    engine = make_engine(url)
    with transaction(engine) as s:
        plan = s.get(Plan, import_plan(s, CITY_PLAN, by="test").plan_id)
        assert plan is not None
        rows = []
        for ind in plan.indicators:
            dept, value = CITY_VALUES[ind.name]
            assign(s, ind, dept, "990100")
            if value is not None:
                rows.append(ObservationInput(ind.id, "990100", 2022, value, status="approved"))
        write_observations(s, rows, by="test")
        import_boundaries(s, GEOJSON)
    engine.dispose()
    return create_app(url, secret_key="test-secret", files_dir=files)


def _names(html: str, testid: str = "risk-list") -> list[tuple[str, str, str]]:
    """(name, binding flag, department) of each row of a table."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    out = []
    for row in re.findall(r'<tr data-testid="risk-row".*?</tr>', table, re.S):
        name = re.search(r'<a href="/indicators/\d+">([^<]+)</a>', row).group(1)  # type: ignore[union-attr]
        binding = re.search(r'data-binding="(\d)"', row).group(1)  # type: ignore[union-attr]
        dept = re.search(r'data-testid="department">([^<]*)<', row).group(1)  # type: ignore[union-attr]
        out.append((name, binding, dept))
    return out


def test_viewer_lands_on_the_dashboard_with_binding_risks_in_severity_order(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    html = client.get("/dashboard").text
    rows = _names(html)
    assert [(n, d) for n, b, d in rows if b == "1"] == EXPECTED_BINDING
    # binding before expected at the same severity; the achieved and the unreported are not at risk
    names = [n for n, _, _ in rows]
    assert "城市社区综合服务设施覆盖率" not in names and "普惠托育服务覆盖率" not in names
    assert names.index("九年义务教育巩固率") < names.index("每千人口执业(助理)医师数")
    # the warning sentence, the gap to schedule and the projection are on the row
    assert "约束性指标「养老机构护理型床位占比」" in html
    assert "-33.3个百分点" in html
    assert "难以实现" in html


def test_not_reported_is_one_line_per_department(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    html = client.get("/dashboard").text
    block = html.split('data-testid="not-reported"', 1)[1].split("</ul>", 1)[0]
    lines = re.findall(r"<li>.*?</li>", block, re.S)
    assert len(lines) == 1 and "市卫生健康局" in lines[0] and "1项指标未报送" in lines[0]
    assert "department=%E5%B8%82%E5%8D%AB%E7%94%9F%E5%81%A5%E5%BA%B7%E5%B1%80" in lines[0]


def test_the_list_filters_server_side_and_pages(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    html = client.get("/dashboard/list?department=市教育局").text
    assert [n for n, _, _ in _names(html, "filtered-list")] == ["九年义务教育巩固率"]
    html = client.get("/dashboard/list?binding=1&risk=1").text
    assert [(n, d) for n, _, d in _names(html, "filtered-list")] == EXPECTED_BINDING
    html = client.get("/dashboard/list?region=990101001").text  # a township: its county's sub-region rows
    assert [n for n, _, _ in _names(html, "filtered-list")] == ["每千人口3岁以下婴幼儿托位数"]
    from planwatch.web import dashboard

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 3)
    first = client.get("/dashboard/list?page=1").text
    second = client.get("/dashboard/list?page=2").text
    assert len(_names(first, "filtered-list")) == 3 and "第1–3项,共8项" in first
    assert "第4–6项,共8项" in second and 'rel="prev"' in second and 'rel="next"' in second
    assert not set(_names(first, "filtered-list")) & set(_names(second, "filtered-list"))
    # unknown values are ignored, never an error
    r = client.get("/dashboard/list?status=bogus&page=abc&binding=9")
    assert r.status_code == 200 and "第1–3项,共8项" in r.text
    r = client.get("/dashboard/list?region=" + "x" * 5000)
    assert r.status_code == 200 and 'data-testid="list-none"' in r.text


def test_the_map_draws_imported_outlines_coloured_by_status(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "viewer")
    html = client.get("/dashboard").text
    svg = html.split('data-testid="region-map"', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<path") == 3
    for code in ("990101001", "990101002", "990101003"):
        assert f'data-region="{code}"' in svg
    # 东镇 2.9 and 南镇 2.4 against a target of 4.5 for the childcare indicator: coloured, linked to the list
    assert 'href="/dashboard/list?region=990101001"' in svg
    assert "class=\"region st-" in svg
    # regions without outlines (the county, under its city) are tiles
    tiles = html.split('data-testid="region-tiles"', 1)[1].split("</div>", 1)[0]
    assert 'data-region="990101"' in tiles


def test_a_reporter_sees_only_its_departments_indicators(client) -> None:  # type: ignore[no-untyped-def]
    login(client, "edu")
    html = client.get("/dashboard").text
    assert {n for n, _, _ in _names(html)} == {"学前教育毛入园率"}


@pytest.mark.browser
def test_browser_viewer_finds_risks_clicks_a_count_and_prints(server, browser):  # type: ignore[no-untyped-def]
    base = server
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(f"{base}/login")
        page.fill("#username", "viewer")
        page.fill("#password", web_seed.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard")
        rows = page.locator("[data-testid=risk-list] tr[data-binding='1']")
        found = [(rows.nth(i).locator("td").nth(1).locator("a").first.inner_text(),
                  rows.nth(i).locator("[data-testid=department]").inner_text()) for i in range(rows.count())]
        assert found == EXPECTED_BINDING
        assert page.locator("[data-testid=region-map] svg path").count() == 3
        shot(page, "dashboard")

        link = page.locator("[data-testid=count-status][data-status=seriously_lagging]")
        n = int(link.locator("b").inner_text())
        link.click()
        page.wait_for_url(re.compile(r"/dashboard/list\?status=seriously_lagging"))
        listed = page.locator("[data-testid=filtered-list] tr[data-testid=risk-row]")
        assert listed.count() == n == 3
        assert all(s == "seriously_lagging" for s in
                   listed.locator("span.status").evaluate_all("els => els.map(e => e.dataset.status)"))
        shot(page, "dashboard-list")

        # A4 portrait, 10 mm side and 12 mm top/bottom margins: 190 × 273 mm printable, at 96 px per inch
        width, height = round(190 / 25.4 * 96), round(273 / 25.4 * 96)
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/dashboard?print=1")
        assert not page.locator("header.top").is_visible()
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing cut off at the side
        bottom = page.evaluate("(() => { const r = document.querySelector('[data-testid=risk-list]')"
                               ".getBoundingClientRect(); return r.bottom + window.scrollY; })()")
        assert bottom <= height  # the counts and the whole risk list on the first sheet
        shot(page, "dashboard-print")
        pdf = page.pdf(format="A4", print_background=True)
        (ARTIFACTS / "dashboard-print.pdf").write_bytes(pdf)
    finally:
        ctx.close()


def test_the_stored_risk_order_is_the_risk_rule_over_every_plans_rows(app) -> None:  # type: ignore[no-untyped-def]
    """The list pages come from the stored summary in SQL; their order is the one `risk_key` gives the
    rows of every plan's read model (risk first by severity, then the rest worst status first)."""
    from collections import defaultdict

    from planwatch.evaluate.status import RANK
    from planwatch.register import dashboard_queries
    from planwatch.web.dashboard import _row, indicator_page
    from planwatch.web.views import plan_view

    svc = app.state.services
    rows = []
    for pid in svc.view(dashboard_queries.plan_ids):
        view = svc.view(plan_view, pid, False, None)
        warns = defaultdict(list)
        for w in view["early_warnings"]:
            warns[w.get("indicator_id") or ""].append(w)
        rows += [_row(view["plan"], r, warns[r["ref"]]) for r in view["indicators"]]

    def key(r):  # type: ignore[no-untyped-def]
        if r["risk_key"] is not None:
            return (0, r["risk_key"], r["plan_id"], r["id"])
        return (1, (-RANK.get(r["status"], -1),), r["plan_id"], r["id"])

    rows.sort(key=key)
    listed, total = indicator_page(svc, {}, 0, 1000, None)
    assert total == len(rows)
    assert [r["id"] for r in listed] == [r["id"] for r in rows]
    risky, n = indicator_page(svc, {"risk": "1"}, 0, 1000, None)
    assert n == len(risky) == sum(r["risk"] for r in rows) > 0
    # at risk only (read in `ix_evaluations_risk`'s order): the same rows in the same order
    assert [(r["plan_id"], r["id"]) for r in risky] == [(r["plan_id"], r["id"]) for r in rows if r["risk"]]


def test_sub_regions_are_read_only_by_the_indicator_pages_that_show_them(client, seeded) -> None:  # type: ignore[no-untyped-def]
    """An indicator's sub-region rows are stored apart from its evaluation: the plan API and the
    dashboard leave them out, the indicator page and its API twin show them, read from the stored
    evaluation and equal to a fresh one's."""
    from sqlalchemy.orm import Session

    from planwatch.register import evaluations

    login(client, "viewer")
    html = client.get("/dashboard/list?region=990101001").text  # the dashboard stores every evaluation
    ind = int(re.search(r'<a href="/indicators/(\d+)">每千人口3岁以下婴幼儿托位数<', html).group(1))  # type: ignore[union-attr]
    shown = client.get(f"/api/indicators/{ind}").json()
    plan_id = shown["plan"]["id"]
    engine = make_engine(seeded[0])
    try:
        with Session(engine) as s:
            kept = evaluations.stored(s, plan_id, subregions=[ind])
            fresh = evaluations.with_spread(s, plan_id, evaluations.compute(s, plan_id), [ind])
    finally:
        engine.dispose()
    assert kept is not None
    ref = f"p{plan_id}-i{ind}"
    assert kept.indicators[ref] == fresh.indicators[ref] and fresh.indicators[ref]["subregions"]
    assert shown["equalisation"] and shown["equalisation"]["n"] == kept.indicators[ref]["equalisation"]["n"]
    page = client.get(f"/indicators/{ind}").text  # the page shows the spread worked out from the stored rows
    assert 'data-testid="equalisation"' in page and "均等化" in page
    assert [(r["code"], r["value"]) for r in shown["subregions"]] == sorted(
        ((r["code"], r["value"]) for r in fresh.indicators[ref]["subregions"] if r.get("value") is not None),
        key=lambda cv: cv[1], reverse=True)
    assert "990101001" in {r["code"] for r in shown["subregions"]}
    page = client.get(f"/indicators/{ind}").text
    assert 'data-testid="subregions"' in page
    plan = client.get(f"/api/plans/{plan_id}").json()
    assert plan["indicators"] and not any({"subregions", "subregion_status"} & set(r) for r in plan["indicators"])


def test_the_region_card_lists_what_the_full_tally_lists_first(client, seeded) -> None:  # type: ignore[no-untyped-def]
    """The dashboard's region card is grouped by the database (`summary.region_tally`: the shown rows
    and how many): the same rows, in the same order, as tallying every region's counts."""
    from sqlalchemy.orm import Session

    from planwatch.register import summary
    from planwatch.web import dashboard

    login(client, "viewer")
    assert client.get("/dashboard").status_code == 200  # stores every evaluation
    engine = make_engine(seeded[0])
    try:
        with Session(engine) as s:
            full = dashboard._tally(summary.dashboard_counts(s, None, ("region",)), "region_code")
            for limit in (1, 12):
                assert summary.region_tally(s, limit) == (full[:limit], len(full))
    finally:
        engine.dispose()
    assert len(full) >= 2
