"""Task/project progress over the API and the pages: department rules, validation, versions, approval,
and the public seeing approved progress only."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from webtools import login

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.progress import assign_item


@pytest.fixture
def items(seeded) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The seed's task (no lead) and project, led by the health department."""
    engine = make_engine(seeded[0])
    with transaction(engine) as s:
        task = s.scalars(select(db.Task)).one()
        project = s.scalars(select(db.Project)).one()
        assign_item(s, project, "县卫生健康局", "lead", by="test")
        ids = {"task": task.id, "project": project.id}
    engine.dispose()
    return ids


def test_openapi_lists_the_progress_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/plans/{plan_id}/tasks", "/api/progress", "/api/progress/approvals",
                 "/api/progress/{report_id}/approve", "/api/progress/{report_id}/return",
                 "/api/public/plans/{plan_id}/tasks"]:
        assert path in paths, path


def test_report_approve_publish(client, seed, items):
    project = {"kind": "project", "item_id": items["project"], "year": 2023}
    token = login(client, "edu")  # another department: may not report on the health project
    r = client.post("/api/progress", json={**project, "state": "推进中"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403

    token = login(client, "health")
    listed = {i["kind"]: i for i in client.get(f"/api/plans/{seed.plan_id}/tasks").json()}
    assert listed["project"]["can_report"] and not listed["task"]["can_report"]
    assert listed["project"]["lead_department"] == "县卫生健康局"
    r = client.post("/api/progress", json={"kind": "task", "item_id": items["task"], "year": 2023,
                                           "state": "推进中"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403
    for bad, field in (({"state": "进行中"}, "state"), ({"state": "推进中", "percent": 150}, "percent"),
                       ({"state": "推进中", "percent": "六成"}, "percent"), ({"state": "推进中", "year": 2030}, "year")):
        r = client.post("/api/progress", json={**project, **bad}, headers={"X-CSRF-Token": token})
        assert r.status_code == 422 and field in r.json()["fields"], (bad, r.text)
    r = client.post("/api/progress", json={**project, "state": "滞后", "percent": 40, "note": "主体结构完工"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["status"], report["version"]) == ("submitted", 1)
    # A second writer who has not seen version 1 gets a conflict, not an overwrite.
    r = client.post("/api/progress", json={**project, "state": "推进中"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and "state" in r.json()["fields"]

    public = {i["kind"]: i for i in client.get(f"/api/public/plans/{seed.plan_id}/tasks").json()}
    assert public["project"]["approved"] is None and "latest" not in public["project"]
    assert "主体结构完工" not in client.get(f"/public/plans/{seed.plan_id}").text

    token = login(client, "planner")
    [queued] = client.get("/api/progress/approvals").json()
    assert queued["name"] == "县人民医院改扩建工程"
    r = client.post(f"/api/progress/{report['id']}/return", json={"expected_version": 1},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "comment" in r.json()["fields"]
    r = client.post(f"/api/progress/{report['id']}/approve", json={"expected_version": 1},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "approved"

    public = {i["kind"]: i for i in client.get(f"/api/public/plans/{seed.plan_id}/tasks").json()}
    assert public["project"]["approved"]["state"] == "滞后" and public["project"]["code"] == "lagging"
    page = client.get(f"/public/plans/{seed.plan_id}").text
    assert "主体结构完工" in page and 'data-status="lagging"' in page and 'data-status="not_reported"' in page

    token = login(client, "health")  # approved: a reporter can no longer change it
    r = client.post("/api/progress", json={**project, "state": "推进中", "expected_version": 2},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 422


def test_tasks_page_form_and_approvals_page(client, seed, items):
    login(client, "health")
    page = client.get(f"/plans/{seed.plan_id}/tasks?year=2023")
    assert page.status_code == 200
    assert f'data-testid="submit-pr{items["project"]}"' in page.text
    assert f'data-testid="submit-t{items["task"]}"' not in page.text  # not its department's
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    url = f"/plans/{seed.plan_id}/tasks/project/{items['project']}"
    r = client.post(url, data={"csrf_token": token, "year": "2023", "state": "", "action": "submit"})
    assert r.status_code == 400 and "必填" in r.text
    r = client.post(url, data={"csrf_token": token, "year": "2023", "state": "推进中", "percent": "60",
                               "note": "县卫健局年报", "action": "submit"}, follow_redirects=False)
    assert r.status_code == 303
    login(client, "planner")
    page = client.get("/approvals").text
    assert "县人民医院改扩建工程" in page and "县卫健局年报" in page
    assert client.get(f"/plans/{seed.plan_id}").status_code == 200
