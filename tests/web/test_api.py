"""The JSON API and the form posts: sign-in, CSRF, roles, validation, versions, public visibility."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.testclient import TestClient
from starlette.middleware.sessions import SessionMiddleware
from webtools import login, stored

from planwatch.web.params import PlanId
from planwatch.web.routes_pages import restrict
from planwatch.web.security import Staff
from planwatch.web.views import filter_rows, plan_view


def test_openapi_lists_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ["/api/session", "/api/plans/{plan_id}", "/api/observations", "/api/public/plans",
                 "/api/review", "/api/observations/{observation_id}/approve"]:
        assert path in spec["paths"], path


def test_staff_pages_and_api_need_sign_in(client, seed):
    assert client.get(f"/plans/{seed.plan_id}", follow_redirects=False).status_code == 303
    assert client.get("/api/plans").status_code == 401
    assert client.get("/public").status_code == 200
    r = client.post("/api/session", json={"username": "planner", "password": "wrong"})
    assert r.status_code == 401


def test_unsafe_calls_need_the_csrf_token(client, seed, seeded):
    token = login(client, "edu")
    body = {"indicator_id": seed.preschool, "year": 2024, "value": 88}
    assert client.post("/api/observations", json=body).status_code == 403
    assert client.post("/api/observations", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert stored(seeded[0], seed.preschool, 2024) is None
    r = client.post("/api/observations", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    # Form posts too: no token, no write.
    r = client.post(f"/reporting/{seed.preschool}", data={"year": "2025", "value": "89", "action": "submit"})
    assert r.status_code == 403
    assert stored(seeded[0], seed.preschool, 2025) is None


def test_roles(client, seed):
    token = login(client, "viewer")
    assert client.get(f"/api/plans/{seed.plan_id}").status_code == 200
    assert client.get("/api/approvals").status_code == 403
    assert client.get("/review").status_code == 403
    r = client.post("/api/observations", json={"indicator_id": seed.childcare, "year": 2024, "value": 3},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 403
    token = login(client, "health")
    assert client.get("/api/approvals").status_code == 403
    r = client.post("/api/observations/1/approve", json={"expected_version": 1}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403


def test_reporter_sees_and_changes_only_its_department(client, seed, seeded):
    token = login(client, "health")
    names = {r["name"] for r in client.get("/api/reporting").json()}
    assert names == {"每千人口3岁以下婴幼儿托位数", "每千人口执业(助理)医师数"}
    plan = client.get(f"/api/plans/{seed.plan_id}").json()
    assert seed.preschool not in {r["id"] for r in plan["indicators"]}
    assert client.get(f"/api/indicators/{seed.preschool}").status_code == 403
    assert client.get(f"/indicators/{seed.preschool}").status_code == 403
    before = stored(seeded[0], seed.preschool, 2023)
    r = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2023, "value": 99,
                                                "expected_version": 1}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403
    r = client.post(f"/reporting/{seed.preschool}", data={"year": "2023", "value": "99", "action": "submit",
                                                          "csrf_token": token})
    assert r.status_code == 403
    assert stored(seeded[0], seed.preschool, 2023) == before


def test_bad_values_are_refused_per_field_and_nothing_is_lost(client, seed, seeded):
    token = login(client, "edu")
    h = {"X-CSRF-Token": token}
    before = stored(seeded[0], seed.preschool, 2023)
    assert before == (87.0, "submitted", 1)
    for value, year, field in [("abc", 2023, "value"), ("-3", 2023, "value"), ("1e308", 2023, "value"),
                               ("88", 2031, "year"), ("88", "twenty", "year")]:
        r = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": year, "value": value,
                                                    "expected_version": 1}, headers=h)
        assert r.status_code == 422, (value, year, r.text)
        assert field in r.json()["fields"], r.json()
    assert stored(seeded[0], seed.preschool, 2023) == before
    # The form keeps what was typed and puts the message beside the field.
    r = client.post(f"/reporting/{seed.preschool}", data={"year": "2023", "value": "8x8", "source_note": "我的说明",
                                                          "action": "submit", "expected_version": "1",
                                                          "csrf_token": token})
    assert r.status_code == 400
    assert "请输入数字" in r.text and 'value="8x8"' in r.text and "我的说明" in r.text
    assert stored(seeded[0], seed.preschool, 2023) == before


def test_stale_version_is_a_conflict_not_an_overwrite(client, seed, seeded):
    token = login(client, "edu")
    h = {"X-CSRF-Token": token}
    ok = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2023, "value": 87.5,
                                                 "expected_version": 1}, headers=h)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2023, "value": 99,
                                                    "expected_version": 1}, headers=h)
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    blind = client.post("/api/observations", json={"indicator_id": seed.preschool, "year": 2023, "value": 99},
                        headers=h)
    assert blind.status_code == 409
    assert stored(seeded[0], seed.preschool, 2023) == (87.5, "submitted", 2)


def test_approve_return_and_public_visibility(client, seed):
    pub = client.get(f"/api/public/indicators/{seed.preschool}").json()
    assert 2023 not in {v["year"] for v in pub["values"]}  # submitted, not approved
    token = login(client, "planner")
    h = {"X-CSRF-Token": token}
    queue = client.get("/api/approvals").json()
    item = next(q for q in queue if q["indicator_id"] == seed.preschool and q["year"] == 2023)
    r = client.post(f"/api/observations/{item['id']}/return", json={"expected_version": item["version"]}, headers=h)
    assert r.status_code == 422 and "comment" in r.json()["fields"]
    r = client.post(f"/api/observations/{item['id']}/approve", json={"expected_version": item["version"]},
                    headers=h)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    pub = client.get(f"/api/public/indicators/{seed.preschool}").json()
    assert {v["year"]: v["value"] for v in pub["values"]}[2023] == 87.0
    hist = client.get(f"/api/indicators/{seed.preschool}").json()["history"]
    assert any((h.get("new") or {}).get("status") == "approved" for h in hist)


def test_downloads(client, seed):
    r = client.get(f"/public/plans/{seed.plan_id}/download.csv")
    assert r.status_code == 200 and "学前教育毛入园率" in r.content.decode("utf-8-sig")
    r = client.get(f"/public/plans/{seed.plan_id}/download.json")
    rows = r.json()["indicators"]
    assert {x["latest_year"] for x in rows if x["name"] == "学前教育毛入园率"} == {2022}
    r = client.get(f"/public/plans/{seed.plan_id}/download.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_language_switch(client, seed):
    assert "主要指标" in client.get(f"/public/plans/{seed.plan_id}").text
    client.get("/lang/en?next=/public")
    assert "Indicators by domain" in client.get(f"/public/plans/{seed.plan_id}").text
    # Only same-site targets: no open redirect.
    r = client.get("/lang/zh?next=//evil.example/x", follow_redirects=False)
    assert r.headers["location"] == "/"



def test_the_kept_plan_api_answer_is_byte_for_byte_the_old_routes(app, client, seed, seeded):
    """The plan API keeps its encoded answer: the bytes are those of the route as it was (returning the
    dict for FastAPI to encode), for each user scope and filter, and after a write."""
    old = FastAPI()
    old.add_middleware(SessionMiddleware, secret_key="test-secret", session_cookie="planwatch_session")
    old.state.services = app.state.services

    @old.get("/api/plans/{plan_id}")
    def api_plan(request: Request, plan_id: PlanId, user: Staff, domain: str = "", status: str = "",
                 binding: str = "", department: str = "") -> dict[str, Any]:
        view = request.app.state.services.view(plan_view, plan_id, False, None)
        if view is None:
            raise HTTPException(404)
        view = restrict(view, request, user)
        return {**view, "indicators": filter_rows(view["indicators"], domain, status, binding, department)}

    def same(paths: list[str]) -> list[bytes]:
        out = []
        with TestClient(old, cookies={"planwatch_session": client.cookies.get("planwatch_session")}) as ref:
            for path in paths:
                new, again, expected = client.get(path), client.get(path), ref.get(path)
                assert new.status_code == again.status_code == expected.status_code, path
                assert new.content == again.content == expected.content, path
                assert new.headers["content-type"] == expected.headers["content-type"]
                out.append(new.content)
        return out

    plans = [p["id"] for p in client.get("/api/public/plans").json()]
    queries = ["", "?binding=1", "?status=not_reported", "?domain=幼有所育&binding=0"]
    for username in ("planner", "health"):
        login(client, username)
        same([f"/api/plans/{p}{q}" for p in plans for q in queries])
        assert client.get("/api/plans/999999").status_code == 404
    token = login(client, "planner")
    before = same([f"/api/plans/{seed.plan_id}"])
    item = next(q for q in client.get("/api/approvals").json() if q["indicator_id"] == seed.preschool)
    r = client.post(f"/api/observations/{item['id']}/approve", json={"expected_version": item["version"]},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert same([f"/api/plans/{seed.plan_id}"]) != before  # the kept answer moved with the data
