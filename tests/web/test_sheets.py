"""Reporting forms from the web: the department's template download, partial import, the conflict
choice both ways, and an unchanged re-upload that writes nothing."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from fastapi.testclient import TestClient
from sheets import fill, form_rows, ref_of
from sqlalchemy import func, select, update
from webtools import login, stored

from planwatch.register import schema as db
from planwatch.register.db import make_engine

YEAR = max(2021, min(date.today().year - 1, 2025))  # the seed plan's default year (no rounds)


def download(client: TestClient, plan_id: int, **params: object):  # type: ignore[no-untyped-def]
    return client.get(f"/reporting/template/{plan_id}", params=params)


def send(client: TestClient, token: str, content: bytes, name: str = "form.xlsx"):  # type: ignore[no-untyped-def]
    return client.post("/reporting-upload", data={"csrf_token": token}, files={"file": (name, content, "application/octet-stream")})


def history_rows(url: str, indicator_id: int, year: int) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        oid = c.execute(select(db.Observation.id).where(db.Observation.indicator_id == indicator_id,
                                                        db.Observation.region_code == "990101",
                                                        db.Observation.year == year)).scalar()
        n = c.execute(select(func.count()).select_from(db.History).where(
            db.History.entity == "observation", db.History.entity_id == oid)).scalar()
    engine.dispose()
    return int(n or 0)


def test_template_download_has_only_the_departments_rows(client, seed, seeded):
    token = login(client, "health")
    page = client.get("/reporting")
    assert f"/reporting/template/{seed.plan_id}?year={YEAR}" in page.text
    r = download(client, seed.plan_id, year=YEAR)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "数据填报" in wb.sheetnames and "填报说明" in wb.sheetnames
    names = sorted(row["indicator"] for row in form_rows(r.content))
    assert names == ["每千人口3岁以下婴幼儿托位数", "每千人口执业(助理)医师数"]
    assert {row["year"] for row in form_rows(r.content)} == {YEAR}
    # Another department's form is not this reporter's to download.
    assert download(client, seed.plan_id, year=YEAR, department=seed.edu_dept).status_code == 404
    assert download(client, seed.plan_id, year=1999).status_code == 404
    assert token


def test_planner_downloads_any_departments_form(client, seed, seeded):
    login(client, "planner")
    r = download(client, seed.plan_id, year=YEAR, department=seed.edu_dept)
    assert r.status_code == 200
    assert [row["indicator"] for row in form_rows(r.content)] == ["学前教育毛入园率"]


def test_filled_template_imports_and_conflict_kept_either_way(app, seed, seeded):
    url = seeded[0]
    with TestClient(app) as reporter, TestClient(app) as planner:
        token = login(reporter, "health")
        form = download(reporter, seed.plan_id, year=YEAR).content
        child, doctors = ref_of(form, "每千人口3岁以下婴幼儿托位数"), ref_of(form, "每千人口执业(助理)医师数")
        # After the download, the planner types the childcare value on the web.
        ptoken = login(planner, "planner")
        r = planner.post(f"/reporting/{seed.childcare}", data={
            "csrf_token": ptoken, "year": str(YEAR), "value": "3.8", "action": "submit", "expected_version": ""})
        assert r.status_code in (200, 303), r.text[:2000]
        assert stored(url, seed.childcare, YEAR) == (3.8, "submitted", 1)

        filled = fill(form, {child: 4.0, doctors: 2.6}, source={child: "卫健统计", doctors: "卫健统计"})
        r = send(reporter, token, filled)
        assert r.status_code == 200, r.text[:3000]
        assert "已导入 1 条" in r.text and "已被他人修改的行" in r.text
        assert stored(url, seed.doctors, YEAR) == (2.6, "submitted", 1)
        assert 'data-testid="conflict-yours">4' in r.text and 'data-testid="conflict-current">3.8' in r.text

        # Keep the current value: the row is discarded.
        fields = conflict_fields(r.text)
        r = reporter.post("/reporting-upload/conflicts", data={**fields, "csrf_token": token, "choice-0": "current"})
        assert r.status_code == 200, r.text[:3000]
        assert stored(url, seed.childcare, YEAR) == (3.8, "submitted", 1)
        assert "已保留当前值 1 行" in r.text

        # Upload again and keep mine: written over the current version.
        r = send(reporter, token, filled)
        assert "已导入 0 条" in r.text and "未变 1 条" in r.text  # the doctors row is unchanged now
        fields = conflict_fields(r.text)
        assert fields["version-0"] == "1"
        r = reporter.post("/reporting-upload/conflicts", data={**fields, "csrf_token": token, "choice-0": "mine"})
        assert r.status_code == 200, r.text[:3000]
        assert "已导入 1 条" in r.text
        assert stored(url, seed.childcare, YEAR) == (4.0, "submitted", 2)


def conflict_fields(html: str) -> dict[str, str]:
    import re

    form = html[html.index('data-testid="conflict-form"'):]
    form = form[:form.index("</form>")]
    return {m.group(1): m.group(2) for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
            if m.group(1) != "csrf_token"}


def test_unchanged_reupload_writes_nothing_and_keeps_flags(client, seed, seeded):
    url = seeded[0]
    token = login(client, "health")
    form = download(client, seed.plan_id, year=YEAR).content
    child = ref_of(form, "每千人口3岁以下婴幼儿托位数")
    filled = fill(form, {child: 3.3})
    r = send(client, token, filled)
    assert "已导入 1 条" in r.text
    assert stored(url, seed.childcare, YEAR) == (3.3, "submitted", 1)
    before = history_rows(url, seed.childcare, YEAR)
    engine = make_engine(url)
    with engine.begin() as c:  # the stored value is marked simulated (as demo data is)
        c.execute(update(db.Observation).where(db.Observation.indicator_id == seed.childcare,
                                               db.Observation.year == YEAR).values(simulated=True))
    r = send(client, token, filled)
    assert r.status_code == 200 and "未变 1 条" in r.text and "已导入 0 条" in r.text
    assert stored(url, seed.childcare, YEAR) == (3.3, "submitted", 1)
    assert history_rows(url, seed.childcare, YEAR) == before
    with engine.connect() as c:
        assert c.execute(select(db.Observation.simulated).where(db.Observation.indicator_id == seed.childcare,
                                                                db.Observation.year == YEAR)).scalar() is True
    engine.dispose()


def test_unchanged_approved_row_is_no_update_for_a_reporter(client, seed, seeded):
    """An approved value re-sent as it stands is not a change a reporter is refused: nothing is written."""
    token = login(client, "health")
    csv = ("indicator_id,region_code,year,value,source,version\n"
           f"{seed.childcare},990101,2022,2.3,县统计公报2022,1\n")
    r = client.post("/reporting-upload", data={"csrf_token": token},
                    files={"file": ("form.csv", csv.encode(), "text/csv")})
    assert r.status_code == 200 and "未变 1 条" in r.text and "未导入" not in r.text, r.text[:3000]
    assert stored(seeded[0], seed.childcare, 2022) == (2.3, "approved", 1)
