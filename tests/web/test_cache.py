"""The web's read-model cache: a value written makes stale only the pages that read it, concurrent
misses build once, a plan edit refreshes the cross-plan tables, and role-restricted copies stay apart.

Writes go through another engine, as another worker or the CLI would write: the cache learns of
them from the register's change log, not from being told."""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from pathlib import Path

import pytest
import web_seed
from fastapi.testclient import TestClient
from webtools import login

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.editing import update_indicator
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.testing import TempPostgres
from planwatch.web import create_app, data
from planwatch.web.compare_views import benchmarks
from planwatch.web.data import Services
from planwatch.web.views import overview, plan_choices, plan_view

CITY_TARGET = "≥93"
CITY_ITEM = "城市社区综合服务设施覆盖率"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_plans(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The seeded county plan (A) and a city plan above it (B) sharing one item (the superior target
    shown on A's page) and one item of its own; on SQLite and on a real PostgreSQL."""
    monkeypatch.setattr(data, "STAMP_TTL", 0.0)  # ask the register on every read: no waiting in tests
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    engine = make_engine(url)
    seed = web_seed.build(engine)
    engine.dispose()
    files = tmp_path / "files"
    city = copy.deepcopy(web_seed.PLAN_JSON)
    city["plan"] = {**city["plan"], "title": "测试市“十四五”公共服务规划", "region": "测试市", "region_level": "city"}
    shared = city["indicators"][1]
    own = {**city["indicators"][0], "line": 4, "domain": "住有所居", "name": CITY_ITEM, "unit": "%",
           "quote": CITY_ITEM, "baseline": {"raw": "60", "value": 60.0, "year": 2020},
           "target": {**city["indicators"][0]["target"], "raw": "80", "value": 80.0}}
    city["indicators"] = [{**shared, "target": {**shared["target"], "raw": CITY_TARGET, "value": 93.0}}, own]
    engine = make_engine(url)
    with transaction(engine) as s:
        b = import_plan(s, city, content=web_seed.DOCUMENT + b"\n", filename="city.txt", by="test").plan_id
        inds = {i.name: i.id for i in s.get(db.Plan, b).indicators}
        write_observations(s, [ObservationInput(inds[CITY_ITEM], "990100", 2022, 66.0, status="approved")],
                           by="test")
    engine.dispose()
    return url, seed, b, inds, files


def _write(url: str, indicator_id: int, region: str, year: int, value: float) -> None:
    engine = make_engine(url)
    with transaction(engine) as s:
        write_observations(s, [ObservationInput(indicator_id, region, year, value, status="approved",
                                                source_note="test write")], by="test", overwrite=True)
    engine.dispose()


def _latest(view: dict, name: str) -> float | None:  # type: ignore[type-arg]
    row = next(r for r in view["indicators"] if r["name"] == name)
    return row["series"][-1][1] if row["series"] else None


def test_value_write_refreshes_its_plan_only(two_plans) -> None:  # type: ignore[no-untyped-def]
    url, seed, b, _, _ = two_plans
    svc = Services(url)
    a_before, b_before = svc.view(plan_view, seed.plan_id, False, None), svc.view(plan_view, b, False, None)
    bench_before = svc.view(benchmarks)
    assert svc.view(plan_view, b, False, None) is b_before  # a hit

    _write(url, seed.childcare, "990101", 2022, 2.75)  # a value of an item of plan A only

    builds = svc.builds
    assert svc.view(plan_view, b, False, None) is b_before  # plan B read nothing written: still a hit
    assert svc.view(benchmarks) is bench_before  # targets only: not recomputed on a value write
    assert svc.builds == builds
    a_after = svc.view(plan_view, seed.plan_id, False, None)
    assert a_after is not a_before and svc.builds == builds + 1
    assert _latest(a_before, "每千人口3岁以下婴幼儿托位数") == 2.3
    assert _latest(a_after, "每千人口3岁以下婴幼儿托位数") == 2.75
    # The cross-plan overview reads every plan's values: it is rebuilt; its filter choices (the plans'
    # regions) read none and stay.
    first, choices = svc.view(overview), svc.view(plan_choices)
    _write(url, seed.doctors, "990101", 2023, 2.4)
    assert svc.view(overview) is not first
    assert svc.view(plan_choices) is choices
    svc.engine.dispose()


def test_plan_pages_over_http(two_plans) -> None:  # type: ignore[no-untyped-def]
    url, seed, b, inds, files = two_plans
    app = create_app(url, secret_key="test-secret", files_dir=files)
    with TestClient(app, base_url="http://testserver") as client:
        login(client, "planner")
        svc: Services = app.state.services
        assert client.get(f"/plans/{seed.plan_id}").status_code == 200
        page_b = client.get(f"/plans/{b}").text
        client.get(f"/plans/{b}")
        _write(url, inds[CITY_ITEM], "990100", 2023, 71.25)  # a value of an item of plan B only
        builds = svc.builds
        assert client.get(f"/plans/{seed.plan_id}").status_code == 200
        assert svc.builds == builds  # plan A's page: a hit, nothing rebuilt
        fresh_b = client.get(f"/plans/{b}").text
        assert svc.builds > builds
        assert "71.25" in fresh_b and "71.25" not in page_b


def test_plan_edit_refreshes_benchmarks(two_plans) -> None:  # type: ignore[no-untyped-def]
    url, seed, _, inds, files = two_plans
    app = create_app(url, secret_key="test-secret", files_dir=files)
    with TestClient(app, base_url="http://testserver") as client:
        login(client, "planner")
        svc: Services = app.state.services
        assert CITY_TARGET in client.get(f"/plans/{seed.plan_id}").text  # the superior plan's target column
        before = svc.view(benchmarks)
        engine = make_engine(url)
        with transaction(engine) as s:
            ind = s.get(db.Indicator, inds["学前教育毛入园率"])
            update_indicator(s, ind, ind.version, {"target_raw": "≥95.5", "target_value": 95.5}, by="test")
        engine.dispose()
        assert svc.view(benchmarks) is not before
        page = client.get(f"/plans/{seed.plan_id}").text  # plan A's page, though only plan B was edited
        assert "≥95.5" in page and CITY_TARGET not in page


def test_concurrent_misses_build_once(seeded) -> None:  # type: ignore[no-untyped-def]
    svc = Services(seeded[0])
    calls: list[int] = []
    start = threading.Barrier(8)

    def build() -> object:
        calls.append(1)
        time.sleep(0.3)
        return object()

    out: list[object] = []

    def read() -> None:
        start.wait()
        out.append(svc.cached(("slow",), build))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(out) == 8 and all(o is out[0] for o in out)

    async def many() -> list[object]:
        return await asyncio.gather(*(svc.acached(("slow-async",), build) for _ in range(8)))

    got: list[object] = []
    runner = threading.Thread(target=lambda: got.extend(asyncio.run(many())))  # a loop of its own
    runner.start()
    runner.join()
    assert len(got) == 8
    assert len(calls) == 2 and all(o is got[0] for o in got)
    svc.engine.dispose()


def test_failed_build_is_not_cached(seeded) -> None:  # type: ignore[no-untyped-def]
    svc = Services(seeded[0])

    def broken() -> object:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        svc.cached(("broken",), broken)
    assert svc.cached(("broken",), lambda: 42) == 42
    svc.engine.dispose()


def test_department_copies_stay_apart(two_plans) -> None:  # type: ignore[no-untyped-def]
    """The cache is shared by every user: a reporter's copy of a plan page holds only its department's
    indicators even when a planner's copy was cached first, and after a value write."""
    url, seed, _, _, files = two_plans
    app = create_app(url, secret_key="test-secret", files_dir=files)
    with TestClient(app, base_url="http://testserver") as client:
        login(client, "planner")
        assert "学前教育毛入园率" in client.get(f"/plans/{seed.plan_id}").text
        for _ in range(2):
            login(client, "health")
            page = client.get(f"/plans/{seed.plan_id}").text
            assert "每千人口执业(助理)医师数" in page and "学前教育毛入园率" not in page
            login(client, "edu")
            page = client.get(f"/plans/{seed.plan_id}").text
            assert "学前教育毛入园率" in page and "每千人口执业(助理)医师数" not in page
            _write(url, seed.preschool, "990101", 2024, 88.0)


def test_progress_report_refreshes_its_plan_only(two_plans) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from planwatch.register.progress import ProgressInput, report_progress

    url, seed, b, _, _ = two_plans
    svc = Services(url)
    a_before, b_before = svc.view(plan_view, seed.plan_id, False, None), svc.view(plan_view, b, False, None)
    engine = make_engine(url)
    with transaction(engine) as s:
        project = s.scalar(select(db.Project.id).where(db.Project.plan_id == seed.plan_id))
        report_progress(s, ProgressInput("project", project, 2023, "推进中", 35.0, note="进度说明"), by="test")
    engine.dispose()
    assert svc.view(plan_view, b, False, None) is b_before
    a_after = svc.view(plan_view, seed.plan_id, False, None)
    assert a_after is not a_before
    assert [r["percent"] for it in a_after["projects"] for r in it["reports"]] == [35.0]
    svc.engine.dispose()


@pytest.mark.postgres
def test_out_of_order_commit_is_seen(pg_server: TempPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL hands out log ids when rows are written, not when they commit: a value written in a
    transaction still open while a later one commits must still make its plan's pages stale."""
    monkeypatch.setattr(data, "STAMP_TTL", 0.0)
    url = pg_server.create_database()
    engine = make_engine(url)
    seed = web_seed.build(engine)
    svc = Services(url)
    svc.view(plan_view, seed.plan_id, False, None)
    with engine.connect() as c1:
        from sqlalchemy.orm import Session

        slow = Session(bind=c1)
        slow.begin()
        write_observations(slow, [ObservationInput(seed.preschool, "990101", 2022, 77.25, status="approved")],
                           by="slow", overwrite=True)  # its log row has the smaller id, not yet committed
        with transaction(engine) as s:  # a later write commits first
            ind = s.get(db.Indicator, seed.doctors)
            update_indicator(s, ind, ind.version, {"unit": "名"}, by="fast")
        seen = svc.view(plan_view, seed.plan_id, False, None)
        assert (2022, 77.25) not in next(r for r in seen["indicators"] if r["id"] == seed.preschool)["series"]
        slow.commit()
        slow.close()
    row = next(r for r in svc.view(plan_view, seed.plan_id, False, None)["indicators"] if r["id"] == seed.preschool)
    assert (2022, 77.25) in row["series"]
    svc.engine.dispose()
    engine.dispose()


def test_shared_series_refreshes_every_plan_reading_it(two_plans) -> None:  # type: ignore[no-untyped-def]
    """A successor plan's targets on the same metrics read the same series: a value written through
    the predecessor's target makes both plans' pages stale, and leaves a plan without that metric a hit."""
    url, seed, b, _, _ = two_plans
    successor = copy.deepcopy(web_seed.PLAN_JSON)
    successor["plan"] = {**successor["plan"], "title": "测试县“十五五”公共服务规划", "period": [2026, 2030]}
    for ind in successor["indicators"]:
        ind["baseline"] = {**ind["baseline"], "year": 2025}
        ind["target"] = {**ind["target"], "year": 2030}
    engine = make_engine(url)
    with transaction(engine) as s:
        c = import_plan(s, successor, content=web_seed.DOCUMENT + b"\n15", filename="next.txt", by="test",
                        period=(2026, 2030)).plan_id
        metric_of = {i.name: i.metric_id for i in s.get(db.Plan, c).indicators}
        assert metric_of["每千人口3岁以下婴幼儿托位数"] == s.get(db.Indicator, seed.childcare).metric_id
    engine.dispose()
    svc = Services(url)
    views = {p: svc.view(plan_view, p, False, None) for p in (seed.plan_id, b, c)}
    _write(url, seed.childcare, "990101", 2025, 3.1)  # through the predecessor's target
    assert svc.view(plan_view, b, False, None) is views[b]
    for p in (seed.plan_id, c):
        fresh = svc.view(plan_view, p, False, None)
        assert fresh is not views[p]
        assert (2025, 3.1) in next(r for r in fresh["indicators"] if r["name"] == "每千人口3岁以下婴幼儿托位数")["series"]
    svc.engine.dispose()


def test_value_of_another_region_leaves_the_plan_a_hit(two_plans) -> None:  # type: ignore[no-untyped-def]
    """A plan reads its metrics' series in its region and below: a value of the same metric in a region
    outside it changes nothing the plan shows; one in a region below it (a township) does."""
    url, seed, b, _, _ = two_plans
    svc = Services(url)
    engine = make_engine(url)
    with transaction(engine) as s:
        s.add(db.Region(code="990200", name="别市", level="city", parent_code="990000"))
    engine.dispose()
    county, city = svc.view(plan_view, seed.plan_id, False, None), svc.view(plan_view, b, False, None)
    _write(url, seed.preschool, "990200", 2022, 50.0)  # the shared metric, in another city
    assert svc.view(plan_view, seed.plan_id, False, None) is county
    assert svc.view(plan_view, b, False, None) is city
    _write(url, seed.preschool, "990101001", 2022, 91.0)  # a township of the county (so of the city too)
    assert svc.view(plan_view, seed.plan_id, False, None) is not county
    assert svc.view(plan_view, b, False, None) is not city
    svc.engine.dispose()
