"""The public portal at Open SDG grade: an indicator page with its metadata, chart and data downloads
(approved values only), a reporting-status page, 未报送 rows hidden by default, and every public page
readable on a 375 px phone and free of serious accessibility violations (axe-core, installed with the
dev tools; nothing is fetched at test time)."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from webtools import login, shot

from planwatch.register import migrate
from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import run_demo
from planwatch.register.metrics import set_indicator_meta
from planwatch.web import create_app, data

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 812}
MIN_CHART_TEXT_PX = 9.5  # "about 10 px" after the phone scales the SVG down
MAX_PLAN_PAGE_PX = 4000  # a plan page at 1366 px wide with default filters


# --- in process, on the small seeded register -------------------------------------------------------

def test_indicator_page_shows_metadata_or_not_provided(client: TestClient, seeded, seed,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "STAMP_TTL", 0.0)  # see a write at once
    page = client.get(f"/public/indicators/{seed.preschool}").text
    assert "统计口径" in page and "数据来源" in page and "指标解释" in page
    assert page.count("未提供") >= 3  # nothing filled yet: said so, not left blank
    assert "县教育局" in page and "约束性" in page and "≥90" in page and "2025" in page
    url = seeded[0]
    engine = make_engine(url)
    with transaction(engine) as s:
        set_indicator_meta(s, seed.preschool, {"definition": "在园幼儿数占3-5岁适龄人口的比例",
                                               "scope": "按户籍适龄人口计", "data_source": "县教育统计年报"})
    engine.dispose()
    page = client.get(f"/public/indicators/{seed.preschool}").text
    for text in ("在园幼儿数占3-5岁适龄人口的比例", "按户籍适龄人口计", "县教育统计年报"):
        assert text in page
    assert f"/public/indicators/{seed.preschool}/data.csv" in page and "data.json" in page


def test_a_planner_edits_the_metadata_and_the_portal_shows_it(client: TestClient, seed,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "STAMP_TTL", 0.0)
    token = login(client, "planner")
    form = client.get(f"/indicators/{seed.doctors}/meta")
    assert form.status_code == 200 and "统计口径" in form.text and "数据来源" in form.text
    r = client.post(f"/indicators/{seed.doctors}/meta", data={"csrf_token": token, "definition": "",
                    "scope": "按常住人口计算", "data_source": "县卫生健康统计年报"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/indicators/{seed.doctors}"
    staff = client.get(f"/indicators/{seed.doctors}").text
    assert "按常住人口计算" in staff and f"/indicators/{seed.doctors}/meta" in staff
    too_long = client.post(f"/indicators/{seed.doctors}/meta", data={
        "csrf_token": token, "definition": "x" * 2001, "scope": "", "data_source": ""})
    assert too_long.status_code == 400 and "2000" in too_long.text
    assert client.post(f"/indicators/{seed.doctors}/meta", data={"scope": "x"}).status_code == 403  # no CSRF token
    public = client.get(f"/public/indicators/{seed.doctors}").text
    assert "按常住人口计算" in public and "县卫生健康统计年报" in public  # the failed save changed nothing
    client.post("/logout", data={"csrf_token": token})
    login(client, "health")
    assert client.get(f"/indicators/{seed.doctors}/meta").status_code == 403  # reporters do not edit it


def test_indicator_downloads_hold_approved_values_only(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/public/indicators/{seed.preschool}/data.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["指标名称", "地区", "年份", "数值"]
    assert [(x[2], x[3]) for x in rows[1:]] == [("2021", "86.0"), ("2022", "86.5")]  # the submitted 87 is not final
    data = json.loads(client.get(f"/public/indicators/{seed.preschool}/data.json").content)
    assert [v["value"] for v in data["values"]] == [86.0, 86.5]
    assert data["indicator"]["attribute"] == "约束性" and data["indicator"]["target_year"] == 2025
    assert data["indicator"]["scope"] is None and "definition" in data["indicator"]
    assert client.get(f"/public/indicators/{seed.preschool}/data.xml").status_code == 404
    assert client.get("/public/indicators/999999/data.csv").status_code == 404


def test_status_page_counts_indicators_with_data(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/public/status").text
    assert "数据报送情况" in page
    rows = re.findall(r'data-testid="status-row"><span class="d">([^<]+)</span>.*?<b>(\d+)</b> / (\d+)', page)
    assert sorted(rows) == sorted([("幼有所育", "1", "1"), ("学有所教", "1", "1"), ("病有所医", "1", "1")])


# --- the demo register: six plans, most indicators without data ---------------------------------------

@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    home = tmp_path_factory.mktemp("portal-demo")
    url = f"sqlite:///{home / 'planwatch.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    run_demo(engine, ROOT / "data", simulate=False, log=lambda _m: None)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def demo_app(demo_url: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return create_app(demo_url, secret_key="test-secret", files_dir=tmp_path_factory.mktemp("files"))


def _plan_without_data(url: str) -> tuple[int, int]:
    """A plan none of whose indicators has a value, and its number of indicators."""
    engine = make_engine(url)
    with transaction(engine) as s:
        with_values = set(s.scalars(select(db.Indicator.plan_id).join(db.Plan).join(
            db.Observation, (db.Observation.metric_id == db.Indicator.metric_id)
            & (db.Observation.region_code == db.Plan.region_code)).where(db.Observation.status == "approved")))
        plans = s.execute(select(db.Plan.id, func.count(db.Indicator.id)).join(db.Indicator)
                          .where(db.Indicator.active).group_by(db.Plan.id)).all()
    engine.dispose()
    plan_id, count = next((p, n) for p, n in plans if p not in with_values)
    return plan_id, count


def test_a_plan_without_data_shows_no_data_year_and_hides_unreported_rows(demo_app, demo_url) -> None:  # type: ignore[no-untyped-def]
    plan_id, count = _plan_without_data(demo_url)
    with TestClient(demo_app) as c:
        page = c.get(f"/public/plans/{plan_id}").text
        assert "数据年份" not in page and "尚无经审核的数据" in page
        assert 'data-indicator="' not in page  # every row is 未报送: hidden
        assert f"{count} 项指标尚未报送数据,已隐藏" in page
        shown = c.get(f"/public/plans/{plan_id}?unreported=1").text
        assert shown.count('data-indicator="') == count
        home = c.get("/public").text
        card = home.split(f'href="/public/plans/{plan_id}"')[1].split('data-testid="pub-plan"')[0]
        assert "数据年份" not in card


def test_the_plans_own_footnote_on_an_indicator_is_shown(demo_app, demo_url) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(demo_url)
    with transaction(engine) as s:
        noted = s.execute(select(db.Indicator.id, db.Indicator.note).where(
            db.Indicator.active, db.Indicator.note.is_not(None)).order_by(db.Indicator.id)).first()
    engine.dispose()
    assert noted is not None, "a seed plan's table footnotes (注:1依据…) reach the register"
    with TestClient(demo_app) as c:
        page = c.get(f"/public/indicators/{noted[0]}").text
    assert "规划注释" in page and noted[1][:20] in page


# --- every public page in a real browser at 375 px, with axe-core --------------------------------------

@pytest.fixture(scope="module")
def demo_server(demo_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(demo_app, host="127.0.0.1", port=port, log_level="warning",
                                        access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _routes(routes, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:  # type: ignore[no-untyped-def]
    """(path, route) for every API route, through included routers (FastAPI may keep them nested)."""
    for r in routes:
        if isinstance(r, APIRoute):
            yield prefix + r.path, r
        elif (inner := getattr(r, "original_router", None)) is not None:
            ctx = getattr(r, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(ctx, "prefix", "") or ""))


def public_page_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every HTML page of the portal, read from the app's router (downloads excepted), so a new public
    page is checked without anyone adding it here."""
    return sorted({path for path, r in _routes(app.routes) if path.startswith("/public") and "GET" in r.methods
                   and not re.search(r"download|/data\.|\{fmt\}", path)})


def _demo_urls(app, url: str, base: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(name, url) for every public page: each plan, an indicator with data and one without, and each
    page without parameters."""
    engine = make_engine(url)
    with transaction(engine) as s:
        plans = list(s.scalars(select(db.Plan.id).order_by(db.Plan.id)))
        with_data = s.scalars(select(db.Indicator.id).join(db.Plan).join(
            db.Observation, (db.Observation.metric_id == db.Indicator.metric_id)
            & (db.Observation.region_code == db.Plan.region_code)).where(
            db.Observation.status == "approved", db.Indicator.active).order_by(db.Indicator.id)).first()
        without = s.scalars(select(db.Indicator.id).where(db.Indicator.active, ~db.Indicator.metric_id.in_(
            select(db.Observation.metric_id))).order_by(db.Indicator.id)).first()
    engine.dispose()
    import httpx

    compare = httpx.get(f"{base}/public/compare").text
    metric = re.search(r'/public/compare/metric\?id=(m\d+)', compare)
    assert metric, "the public scorecard links its metrics"
    fill = {
        "/public/plans/{plan_id}": [(f"plan-{p}", f"/public/plans/{p}") for p in plans],
        "/public/indicators/{indicator_id}": [("indicator-data", f"/public/indicators/{with_data}"),
                                              ("indicator-nodata", f"/public/indicators/{without}")],
        "/public/compare/metric": [("compare-metric", f"/public/compare/metric?id={metric.group(1)}")],
    }
    out = []
    for path in public_page_routes(app):
        if path in fill:
            out.extend(fill[path])
        else:
            assert "{" not in path, f"public page {path}: add example parameters to _demo_urls"
            out.append((path.strip("/").replace("/", "-"), path))
    return out


@pytest.mark.browser
def test_every_public_page_fits_a_phone_and_has_no_serious_accessibility_violation(  # type: ignore[no-untyped-def]
        browser, demo_app, demo_url, demo_server) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    urls = _demo_urls(demo_app, demo_url, demo_server)
    assert {"/public", "/public/status", "/public/compare"} <= {u for _, u in urls}
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = ctx.new_page()
    problems: list[str] = []
    try:
        for name, path in urls:
            resp = page.goto(demo_server + path)
            assert resp is not None and resp.status == 200, path
            shot(page, f"portal-375-{name}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{path}: {width} px wide at {PHONE['width']} px")
            smallest = page.evaluate("""() => Math.min(Infinity, ...[...document.querySelectorAll('svg.chart text, svg.bars text')]
                .filter(t => t.getBoundingClientRect().width > 0)
                .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""")
            if smallest < MIN_CHART_TEXT_PX:
                problems.append(f"{path}: chart text {smallest:.1f} px")
            result = axe.run(page)
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    where = "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                                      for n in v["nodes"][:3])
                    problems.append(f"{path}: axe {v['id']} ({v['impact']}): {v['help']} at {where}")
    finally:
        ctx.close()
    # On a desktop, with default filters (未报送 hidden), the overview and a plan page are short: under 4,000 px.
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    try:
        for name, path in urls:
            if name.startswith("plan-") or path == "/public":
                page.goto(demo_server + path)
                height = page.evaluate("document.documentElement.scrollHeight")
                print(f"{path}: {height} px tall at 1366 px")
                if height >= MAX_PLAN_PAGE_PX:
                    problems.append(f"{path}: {height} px tall at 1366 px")
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
