"""Concurrent writers get answers, not 500s: 20 simultaneous first submissions of the same value, then 20
simultaneous updates of the same version, on SQLite and on a real PostgreSQL, through a real server.
One winner per version, the rest clear 409 conflicts, and a history row for every stored version."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import web_seed
from sqlalchemy import func, select

from planwatch.register import schema as db
from planwatch.register.db import make_engine
from planwatch.web import create_app

WRITERS = 20


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def register_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    engine = make_engine(url)
    request.node.seed = web_seed.build(engine)
    engine.dispose()
    return url


@pytest.fixture
def live(register_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, str, Any]]:
    import socket
    import time

    import uvicorn

    app = create_app(register_url, secret_key="k", files_dir=tmp_path / "files")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", register_url, request.node.seed
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.services.engine.dispose()


def _session(base: str, username: str) -> tuple[httpx.Cookies, str]:
    with httpx.Client(base_url=base) as c:
        r = c.post("/api/session", json={"username": username, "password": web_seed.PASSWORD})
        assert r.status_code == 200, r.text
        return c.cookies, r.json()["csrf_token"]


def _all_at_once(base: str, user: str, call: Callable[[httpx.Client, int, dict[str, str]], httpx.Response]
                 ) -> list[httpx.Response]:
    cookies, token = _session(base, user)
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS

    def run(i: int) -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
            barrier.wait()
            try:
                results[i] = call(c, i, {"X-CSRF-Token": token})
            except Exception as exc:  # a dropped connection is a failure too
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(r, httpx.Response) for r in results), results
    return results


def _outcome(results: list[httpx.Response]) -> Counter[int]:
    for r in results:
        assert r.status_code < 500, r.text
        if r.status_code == 409:
            assert r.json()["error"] == "conflict" and r.json()["fields"], r.text
    return Counter(r.status_code for r in results)


def _history(url: str, entity: str, entity_id: int) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as c:
        rows = c.execute(select(db.History.action).where(db.History.entity == entity,
                                                         db.History.entity_id == entity_id)
                         .order_by(db.History.id)).scalars().all()
    engine.dispose()
    return list(rows)


def test_concurrent_first_submissions_one_winner_per_version(live: tuple[str, str, Any]) -> None:
    base, url, seed = live
    ind = seed.childcare  # no value for 2024 yet
    first = _all_at_once(base, "planner", lambda c, i, h: c.post(
        "/api/observations", json={"indicator_id": ind, "year": 2024, "value": 3 + i / 100}, headers=h))
    assert _outcome(first) == {200: 1, 409: WRITERS - 1}
    winner = next(r.json() for r in first if r.status_code == 200)
    assert winner["version"] == 1

    second = _all_at_once(base, "planner", lambda c, i, h: c.post(
        "/api/observations", json={"indicator_id": ind, "year": 2024, "value": 4 + i / 100, "expected_version": 1},
        headers=h))
    assert _outcome(second) == {200: 1, 409: WRITERS - 1}
    final = next(r.json() for r in second if r.status_code == 200)
    assert final["version"] == 2

    engine = make_engine(url)
    with engine.connect() as c:
        n = c.execute(select(func.count()).select_from(db.Observation).where(
            db.Observation.indicator_id == ind, db.Observation.year == 2024)).scalar()
    engine.dispose()
    assert n == 1
    assert _history(url, "observation", winner["id"]) == ["create", "update"]


def test_concurrent_progress_reports_one_winner(live: tuple[str, str, Any]) -> None:
    base, url, seed = live
    engine = make_engine(url)
    with engine.connect() as c:
        project = c.execute(select(db.Project.id).where(db.Project.plan_id == seed.plan_id)).scalar_one()
    engine.dispose()
    results = _all_at_once(base, "planner", lambda c, i, h: c.post(
        "/api/progress", json={"kind": "project", "item_id": project, "year": 2024, "state": "推进中",
                               "percent": 10 + i}, headers=h))
    assert _outcome(results) == {200: 1, 409: WRITERS - 1}
    report = next(r.json() for r in results if r.status_code == 200)
    assert _history(url, "progress", report["id"]) == ["create"]


def test_concurrent_sheet_uploads_answer_cleanly(live: tuple[str, str, Any]) -> None:
    base, url, seed = live
    header = "indicator_id,indicator,unit,region_code,region,year,value,judgement,source,version\n"

    def upload(c: httpx.Client, i: int, h: dict[str, str]) -> httpx.Response:
        row = f"{seed.childcare},每千人口3岁以下婴幼儿托位数,个,990101,测试县,2025,{3 + i / 100},,,\n"
        return c.post("/reporting-upload", data={"csrf_token": h["X-CSRF-Token"]},
                      files={"file": (f"form{i}.csv", (header + row).encode(), "text/csv")})

    results = _all_at_once(base, "health", upload)
    codes = _outcome(results)
    # Partial import: every upload answers with a page (never a 500). One form's row is stored; every other
    # one comes back as a conflict row to keep or drop (both values shown), or is refused while busy.
    assert codes[200] + codes[400] == WRITERS, codes
    stored = [r for r in results if r.status_code == 200 and 'data-testid="conflict-form"' not in r.text]
    assert len(stored) == 1, [r.text[:500] for r in stored]
    for r in results:
        if r not in stored:
            assert "已被他人修改" in r.text or "正忙" in r.text, r.text[:2000]
    engine = make_engine(url)
    with engine.connect() as c:
        oid = c.execute(select(db.Observation.id).where(db.Observation.indicator_id == seed.childcare,
                                                        db.Observation.year == 2025)).scalar_one()
    engine.dispose()
    assert _history(url, "observation", oid) == ["create"]


def test_concurrent_cli_imports_answer_with_one_line(register_url: str, tmp_path: Path,
                                                     request: pytest.FixtureRequest) -> None:
    """Concurrent `planwatch data import` runs: one stores its file, the others wait for the lock, then see
    the stored values and refuse cleanly (exit 1, a message, no traceback)."""
    import os
    import subprocess
    import sys

    seed = request.node.seed
    header = "indicator_id,indicator,unit,region_code,region,year,value,judgement,source,version\n"
    procs = []
    env = {**os.environ, "PLANWATCH_DATABASE_URL": register_url,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    for i in range(4):
        path = tmp_path / f"import{i}.csv"
        path.write_text(header + f"{seed.doctors},每千人口执业(助理)医师数,人,990101,测试县,2024,{2.3 + i / 10},,,\n"
                        f"{seed.childcare},每千人口3岁以下婴幼儿托位数,个,990101,测试县,2024,{3 + i / 10},,,\n",
                        encoding="utf-8")
        procs.append(subprocess.Popen([sys.executable, "-m", "planwatch.cli", "data", "import", str(path)],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = []
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert "Traceback" not in err, err
        outcomes.append(p.returncode)
        if p.returncode:
            assert err.startswith("错误 error:") and ("已被他人修改" in err or "正忙" in err), err
    assert sorted(outcomes) == [0, 1, 1, 1], outcomes
    engine = make_engine(register_url)
    with engine.connect() as c:
        n = c.execute(select(func.count()).select_from(db.Observation).where(db.Observation.year == 2024,
                                                                             db.Observation.region_code == "990101",
                                                                             db.Observation.indicator_id.in_(
                                                                                 [seed.doctors, seed.childcare])
                                                                             )).scalar()
    engine.dispose()
    assert n == 2


def test_concurrent_submissions_with_evidence_keep_one_file(live: tuple[str, str, Any], tmp_path: Path) -> None:
    """Evidence goes through the same one path: the 19 refused writers' files are removed with their
    transactions, so one winner leaves exactly one file."""
    base, url, seed = live
    results = _all_at_once(base, "planner", lambda c, i, h: c.post(
        f"/api/observations/{seed.doctors}/evidence", headers=h, data={"year": "2024", "value": str(2.5 + i / 100)},
        files={"evidence": (f"公报{i}.pdf", b"%PDF-1.4 " + bytes([i]), "application/pdf")}))
    assert _outcome(results) == {200: 1, 409: WRITERS - 1}
    winner = next(r.json() for r in results if r.status_code == 200)
    files = sorted((tmp_path / "files" / "evidence").iterdir())
    assert len(files) == 1 and files[0].suffix == ".pdf"
    assert _history(url, "observation", winner["id"]) == ["create"]
