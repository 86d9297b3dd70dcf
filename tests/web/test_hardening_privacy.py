"""Task progress is filtered by department like values; the public sees no reporter names."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from webtools import login

from planwatch.register import schema as db
from planwatch.register.db import make_engine

NOTE = "卫健内部进度说明-未审核"
NAMES = ("卫健填报员", "教育填报员", "规划科", "管理员")


def _project(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        pid = c.execute(select(db.Project.id)).scalar_one()
    engine.dispose()
    return pid


def test_reporter_cannot_read_other_departments_unapproved_progress(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    project = _project(seeded[0])  # led by the health department
    token = login(client, "health")
    r = client.post("/api/progress", json={"kind": "project", "item_id": project, "year": 2023, "state": "推进中",
                                           "percent": 40, "note": NOTE}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    # The department that leads it and the planners see the note.
    assert NOTE in client.get(f"/api/plans/{seed.plan_id}/tasks").text
    login(client, "planner")
    assert NOTE in client.get(f"/api/plans/{seed.plan_id}/tasks").text
    assert NOTE in client.get(f"/plans/{seed.plan_id}/tasks?year=2023").text

    login(client, "edu")  # another department
    for path in (f"/api/plans/{seed.plan_id}/tasks", f"/api/plans/{seed.plan_id}", f"/plans/{seed.plan_id}/tasks",
                 f"/plans/{seed.plan_id}?year=2023", f"/plans/{seed.plan_id}/tasks?year=2023"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert NOTE not in r.text and "卫健填报员" not in r.text, path
    listed = {i["kind"]: i for i in client.get(f"/api/plans/{seed.plan_id}/tasks").json()}
    assert listed["project"]["latest"] is None and listed["project"]["reports"] == []
    assert listed["project"]["name"]  # still listed, as the public sees it

    login(client, "planner")
    token = client.get("/api/me").json()["csrf_token"]
    r = client.post(f"/api/progress/{_report_id(seeded[0])}/approve",
                    json={"expected_version": 1}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    login(client, "edu")  # approved progress is public, so other departments see it too
    listed = {i["kind"]: i for i in client.get(f"/api/plans/{seed.plan_id}/tasks").json()}
    assert listed["project"]["latest"]["note"] == NOTE


def _report_id(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        rid = c.execute(select(db.ProgressReport.id)).scalar_one()
    engine.dispose()
    return rid


def test_public_api_and_pages_show_no_reporter_names(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    project = _project(seeded[0])
    token = login(client, "health")
    client.post("/api/progress", json={"kind": "project", "item_id": project, "year": 2023, "state": "推进中",
                                       "note": "公开说明"}, headers={"X-CSRF-Token": token})
    r = client.post("/api/observations", json={"indicator_id": seed.childcare, "year": 2023, "value": 2.8},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    token = login(client, "planner")
    h = {"X-CSRF-Token": token}
    assert client.post(f"/api/progress/{_report_id(seeded[0])}/approve", json={"expected_version": 1},
                       headers=h).status_code == 200
    assert client.post(f"/api/observations/{r.json()['id']}/approve", json={"expected_version": 1},
                       headers=h).status_code == 200
    client.delete("/api/session", headers=h)

    docs = {
        "plans": client.get("/api/public/plans").json(),
        "plan": client.get(f"/api/public/plans/{seed.plan_id}").json(),
        "tasks": client.get(f"/api/public/plans/{seed.plan_id}/tasks").json(),
        "indicator": client.get(f"/api/public/indicators/{seed.childcare}").json(),
    }
    text = json.dumps(docs, ensure_ascii=False)
    assert "公开说明" in text and "2.8" in text  # the approved progress and value are public
    assert '"reporter"' not in text
    for name in NAMES:
        assert name not in text, name
    for path in ("/public", f"/public/plans/{seed.plan_id}", f"/public/indicators/{seed.childcare}",
                 f"/public/plans/{seed.plan_id}/download.csv", f"/public/plans/{seed.plan_id}/download.json"):
        page = client.get(path).text
        for name in NAMES:
            assert name not in page, (path, name)
