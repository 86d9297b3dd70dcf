"""Reporting rounds through the web (in-process client): landing on 待办, who may manage rounds,
reminders shown on 待办, the 催报 workbook, and every write path (form, API, spreadsheet, approval)
refusing a locked round with a clear message instead of an error page."""

from __future__ import annotations

import ast
import io
import time
from datetime import date, timedelta
from pathlib import Path

import web_seed
from webtools import login, stored

from planwatch.register import rounds
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.web.data import STAMP_TTL

TODAY = date.today()
WEB = Path(__file__).resolve().parents[2] / "src" / "planwatch" / "web"


def sign_in_form(client, username: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/login", data={"username": username, "password": web_seed.PASSWORD, "next": "/",
                                       "csrf_token": token}, follow_redirects=False)


def open_round(url: str, plan_id: int, year: int = 2024, **dates: date | None) -> int:
    engine = make_engine(url)
    with transaction(engine) as s:
        round_id = rounds.open_round(s, plan_id, year, by="planner", **dates).id
    engine.dispose()
    return round_id


def test_reporters_land_on_todo_and_planners_on_the_overview(client) -> None:  # type: ignore[no-untyped-def]
    r = sign_in_form(client, "edu")
    assert r.status_code == 303 and r.headers["location"] == "/todo"
    client.cookies.clear()
    r = sign_in_form(client, "planner")
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_rounds_pages_are_for_planners(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "edu")
    assert client.get("/rounds").status_code == 403
    assert client.get("/todo").status_code == 200
    client.cookies.clear()
    login(client, "planner")
    page = client.get("/rounds")
    assert page.status_code == 200 and "开启轮次" in page.text
    assert client.get("/rounds/999999").status_code == 404


def test_reminders_show_on_todo_and_the_chase_list_exports(client, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    round_id = open_round(seeded[0], seed.plan_id, due_date=TODAY - timedelta(days=1))
    csrf = login(client, "planner")
    r = client.post(f"/rounds/{round_id}/remind", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "n=2" in r.headers["location"]  # one reporter in each of two departments
    assert "已发送 2 条催报提醒" in client.get(r.headers["location"]).text
    xlsx = client.get(f"/rounds/{round_id}/chase.xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["县卫生健康局"][1] == "卫健填报员" and rows["县卫生健康局"][2] == 3
    assert rows["县教育局"][2] == 1 and rows["县教育局"][3] == (TODAY - timedelta(days=1)).isoformat()
    client.cookies.clear()
    csrf = login(client, "health")
    todo = client.get("/todo").text
    assert "催报" in todo and "3 项未报送" in todo and 'data-testid="count-overdue">3<' in todo
    client.post("/todo/read", data={"csrf_token": csrf})
    assert 'data-testid="unread"' not in client.get("/todo").text


def test_a_locked_round_refuses_form_api_sheet_and_approval_with_a_message(client, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    round_id = open_round(url, seed.plan_id, 2023, lock_date=TODAY - timedelta(days=1))
    csrf = login(client, "edu")
    # the API (and the page form, which calls the same function)
    r = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2024, "value": 88},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text  # 2024 has no round
    r = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2023, "value": 88,
                                               "expected_version": 1}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "锁定日期" in r.text
    assert stored(url, seed.preschool, 2023) == (87.0, "submitted", 1)
    # a spreadsheet: the row is listed as not imported with the round's message, not a server error
    sheet = f"indicator_id,region_code,year,value,version\n{seed.preschool},990101,2023,89,1\n".encode()
    page = client.post("/reporting-upload", data={"csrf_token": csrf},
                       files={"file": ("edu.csv", sheet, "text/csv")})
    assert page.status_code == 200 and "1 行未导入" in page.text and "锁定日期" in page.text
    client.cookies.clear()
    # past the lock date a planner still decides; once locked, not even that
    engine = make_engine(url)
    with transaction(engine) as s:
        rounds.lock_round(s, round_id, by="planner")
    engine.dispose()
    csrf = login(client, "planner")
    page = client.post(f"/approvals/{_submitted_id(url, seed.preschool, 2023)}",
                       data={"csrf_token": csrf, "action": "approve", "expected_version": "1"})
    assert page.status_code == 400 and "已锁定" in page.text
    assert stored(url, seed.preschool, 2023) == (87.0, "submitted", 1)


def _submitted_id(url: str, indicator_id: int, year: int) -> int:
    from sqlalchemy import select

    from planwatch.register.schema import Observation

    engine = make_engine(url)
    with engine.connect() as c:
        oid = c.execute(select(Observation.id).where(Observation.indicator_id == indicator_id,
                                                     Observation.year == year)).scalar_one()
    engine.dispose()
    return oid


def test_round_pages_read_and_write_through_the_register_only() -> None:
    """The round pages import no schema or database module and run no query of their own."""
    for name in ("routes_rounds.py", "rounds_text.py"):
        tree = ast.parse((WEB / name).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m and (m.endswith(".schema") or m.endswith(".db") or m == "sqlalchemy")}
        assert "select(" not in (WEB / name).read_text(encoding="utf-8")


def test_data_year_on_the_plan_page_follows_closed_rounds(client, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    engine = make_engine(url)
    with transaction(engine) as s:  # an approved 2023 value, but 2023's round is still open
        write_observations(s, [ObservationInput(seed.childcare, "990101", 2023, 3.0, status="approved")], by="seed")
        r23 = rounds.open_round(s, seed.plan_id, 2023, by="planner").id
        rounds.close_round(s, rounds.open_round(s, seed.plan_id, 2022, by="planner").id, by="planner")
    login(client, "planner")
    plans = client.get("/api/plans").json()
    mine = next(p for p in plans if p["id"] == seed.plan_id)
    assert mine["data_year"] == 2022
    with transaction(engine) as s:
        rounds.approve_round(s, r23, by="planner")
    engine.dispose()
    time.sleep(STAMP_TTL + 0.2)  # another process's write is seen once the register's stamp is re-read
    plans = client.get("/api/plans").json()
    assert next(p for p in plans if p["id"] == seed.plan_id)["data_year"] == 2023


def test_task_progress_after_the_lock_date_is_refused_on_the_page_and_the_api(client, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from planwatch.register.schema import Project

    url = seeded[0]
    open_round(url, seed.plan_id, 2024, lock_date=TODAY - timedelta(days=1))
    engine = make_engine(url)
    with engine.connect() as c:
        project = c.execute(select(Project.id)).scalar_one()
    engine.dispose()
    csrf = login(client, "health")
    r = client.post("/api/progress", json={"kind": "project", "item_id": project, "year": 2024, "state": "推进中"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "锁定日期" in r.text
    page = client.post(f"/plans/{seed.plan_id}/tasks/project/{project}",
                       data={"csrf_token": csrf, "year": "2024", "state": "推进中", "action": "submit"})
    assert page.status_code == 400 and "锁定日期" in page.text and "解锁" in page.text
    r = client.post("/api/progress", json={"kind": "project", "item_id": project, "year": 2023, "state": "推进中"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text  # 2023 has no round
