"""Compare pages in-process: who sees which values, the superior plan's target, bad requests."""

from __future__ import annotations

import csv
import io
import re

import pytest
from webtools import login

from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan

CITY_PLAN = {
    "plan": {"title": "测试市“十四五”公共服务规划", "region": "测试市", "region_level": "city", "issuer": None,
             "doc_number": None, "issued": None, "period": [2021, 2025]},
    "indicators": [
        {"source": "table", "line": 3, "table": "表1", "domain": "学有所教", "name": "学前教育毛入园率", "unit": "%",
         "attribute": "约束性", "baseline": {"raw": "88", "value": 88.0, "year": 2020},
         "target": {"raw": "≥92", "value": 92.0, "value_low": None, "value_high": None, "op": ">=",
                    "kind": "level", "year": 2025}, "quote": "学前教育毛入园率(%)"},
    ],
    "service_items": [], "tasks": [], "projects": [],
}


@pytest.fixture
def app(seeded):  # type: ignore[no-untyped-def]
    """The web seed plus a plan of the county's city, which shares one metric with it."""
    from planwatch.web import create_app

    url, _, files = seeded
    engine = make_engine(url)
    with transaction(engine) as s:
        import_plan(s, CITY_PLAN, content=b"city", filename="city.txt", by="test")
    engine.dispose()
    return create_app(url, secret_key="test-secret", files_dir=files)


def rows_of(body: bytes) -> dict[str, list[str]]:
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    head = table[0]
    return {r[head.index("地区")]: dict(zip(head, r, strict=True)) for r in table[1:]}  # type: ignore[misc]


def test_staff_reporters_and_public_compare_approved_values_only(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/compare", follow_redirects=False).status_code == 303  # sign in first
    login(client, "planner")
    staff = rows_of(client.get("/compare/download.csv").content)
    # Approved means final: the submitted 87 (2023) moves neither the value nor the data year.
    assert staff["测试县"]["最新值"] == "86.5" and staff["测试县"]["数据年份"] == "2022"
    page = client.get("/compare").text
    assert "86.5" in page and "学前教育毛入园率" in page
    client.cookies.clear()
    login(client, "edu")
    assert rows_of(client.get("/compare/download.csv").content)["测试县"]["最新值"] == "86.5"
    client.cookies.clear()
    public = rows_of(client.get("/public/compare/download.csv").content)
    assert public["测试县"]["最新值"] == "86.5" and public["测试县"]["数据年份"] == "2022"


def test_superior_plan_target_beside_the_county_target(client) -> None:  # type: ignore[no-untyped-def]
    row = rows_of(client.get("/public/compare/download.csv").content)["测试县"]
    # ≥90 against the city's ≥92: the county's target is the weaker one.
    assert row["上位规划目标"] == "测试市 ≥92(本地目标较宽松)"
    assert row["全国目标"] == "—"
    plan = client.get("/public/plans/1").text
    assert 'data-testid="bench-superior"' in plan and "测试市 ≥92" in plan


def test_bad_compare_requests(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/public/compare/metric?id=nothing").status_code == 404
    assert client.get("/public/compare/metric?id=" + "x" * 301).status_code == 422
    assert client.get("/public/compare/download.pdf").status_code == 404
    # An unknown filter value is ignored rather than showing an empty table.
    assert client.get("/public/compare?level=galaxy&domain=%3Cscript%3E").status_code == 200
    page = client.get("/public/compare").text
    # the metric page is addressed by the register's metric id, as the scorecard links it
    mid = re.search(r'metric\?id=(m\d+)"[^>]*>\s*学前教育毛入园率', page)
    assert mid, "the scorecard links 学前教育毛入园率 to its metric page"
    ok = client.get(f"/public/compare/metric?id={mid.group(1)}")
    assert ok.status_code == 200 and "测试市" in ok.text
