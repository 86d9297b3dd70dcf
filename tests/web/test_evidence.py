"""Evidence files: stored only after validation, under a random id, served by the row's id under the
same department and role rule as the value it supports."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import web_seed
from fastapi.testclient import TestClient
from webtools import login, sign_in_page

from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "../../2024年 学前教育 统计公报.pdf"  # a hostile path part, spaces and Chinese: kept for display only


def evidence_files(seeded) -> list[Path]:  # type: ignore[no-untyped-def]
    root = seeded[2] / "evidence"
    return sorted(root.iterdir()) if root.exists() else []


def submit(client: TestClient, user: str, indicator: int, *, year: str = "2024", value: str = "88",
           name: str = NAME, content: bytes = PDF, expected_version: str = "") -> httpx.Response:
    token = login(client, user)
    return client.post(f"/api/observations/{indicator}/evidence", headers={"X-CSRF-Token": token},
                       data={"year": year, "value": value, "expected_version": expected_version},
                       files={"evidence": (name, content, "application/pdf")})


def test_planner_and_same_department_open_other_department_gets_404(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    r = submit(client, "edu", seed.preschool)
    assert r.status_code == 200, r.text
    obs = r.json()
    assert obs["evidence"] and obs["evidence_name"] == "2024年 学前教育 统计公报.pdf"
    [stored] = evidence_files(seeded)
    assert stored.name.endswith(".pdf") and "公报" not in stored.name and len(stored.stem) == 32

    login(client, "planner")
    got = client.get(f"/evidence/observation/{obs['id']}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert f"filename*=UTF-8''{quote('2024年 学前教育 统计公报.pdf', safe='')}" in disposition
    assert ".." not in disposition and "/" not in disposition.split("filename*=")[0]

    login(client, "edu")
    assert client.get(f"/evidence/observation/{obs['id']}").status_code == 200
    login(client, "health")
    assert client.get(f"/evidence/observation/{obs['id']}").status_code == 404


def test_anonymous_is_sent_to_sign_in(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    obs = submit(client, "edu", seed.preschool).json()
    client.delete("/api/session", headers={"X-CSRF-Token": login(client, "edu")})
    r = client.get(f"/evidence/observation/{obs['id']}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get(f"/evidence/observation/{obs['id']}").content != PDF


def test_failed_validation_or_conflict_leaves_no_file(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    assert submit(client, "edu", seed.preschool, year="1999").status_code == 422  # outside the plan
    assert submit(client, "edu", seed.preschool, value="abc").status_code == 422
    bad_type = submit(client, "edu", seed.preschool, name="page.html", content=b"<script>alert(1)</script>")
    assert bad_type.status_code == 422 and "evidence" in bad_type.json()["fields"]
    assert submit(client, "health", seed.preschool).status_code == 403  # another department's indicator
    assert evidence_files(seeded) == []
    # A write refused after validation (someone else's version) rolls back: its file goes too.
    assert submit(client, "edu", seed.preschool).status_code == 200
    assert submit(client, "edu", seed.preschool, value="89", expected_version="7").status_code == 409
    assert len(evidence_files(seeded)) == 1


def test_progress_evidence_follows_the_item_department(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    url = seeded[0]
    engine = make_engine(url)
    with transaction(engine) as s:
        project = s.query(db.Project).filter_by(plan_id=seed.plan_id).one().id
    engine.dispose()
    token = login(client, "health")
    r = client.post(f"/api/progress/project/{project}/evidence", headers={"X-CSRF-Token": token},
                    data={"year": "2024", "state": "推进中", "percent": "40"},
                    files={"evidence": ("进度照片.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert r.status_code == 200, r.text
    report = r.json()
    assert client.get(f"/evidence/progress/{report['id']}").headers["content-type"] == "image/png"
    login(client, "edu")
    assert client.get(f"/evidence/progress/{report['id']}").status_code == 404
    login(client, "planner")
    got = client.get(f"/evidence/progress/{report['id']}")
    assert got.status_code == 200 and got.content == b"\x89PNG\r\n\x1a\n"
    assert "inline" in got.headers["content-disposition"]


def test_a_stored_reference_outside_the_evidence_folder_is_never_served(client: TestClient, seed, seeded) -> None:  # type: ignore[no-untyped-def]
    obs = submit(client, "edu", seed.preschool).json()
    engine = make_engine(seeded[0])
    secret = seeded[2] / "secret.txt"
    secret.write_text("not evidence")
    for ref in ("../web.sqlite3", "secret.txt", "evidence/../secret.txt", "/etc/passwd", "见2024年统计公报"):
        with transaction(engine) as s:
            s.query(db.Observation).filter_by(id=obs["id"]).update({"evidence_file": ref})
        client.app.state.services.refresh()  # type: ignore[attr-defined]
        login(client, "planner")
        assert client.get(f"/evidence/observation/{obs['id']}").status_code == 404, ref
    engine.dispose()
    assert client.get("/evidence/observation/..%2F..%2Fweb.sqlite3").status_code in (404, 422)
    assert client.get("/evidence/elsewhere/1").status_code == 404


@pytest.mark.browser
def test_planner_opens_evidence_from_the_approval_screen(server, page, seed) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server) as c:
        token = c.post("/api/session", json={"username": "edu", "password": web_seed.PASSWORD}).json()["csrf_token"]
        r = c.post(f"/api/observations/{seed.preschool}/evidence", headers={"X-CSRF-Token": token},
                   data={"year": "2024", "value": "88"}, files={"evidence": (NAME, PDF, "application/pdf")})
        assert r.status_code == 200, r.text
    sign_in_page(page, server, "planner")
    page.goto(f"{server}/approvals")
    link = page.locator("[data-testid=evidence-link]").first
    assert link.get_attribute("href") == f"/evidence/observation/{r.json()['id']}"
    with page.expect_response(lambda resp: "/evidence/" in resp.url) as caught:
        page.evaluate("href => fetch(href)", link.get_attribute("href"))
    resp = caught.value
    assert resp.status == 200 and resp.header_value("content-type") == "application/pdf"
    # the indicator page links the same file beside the value
    page.goto(f"{server}/indicators/{seed.preschool}")
    assert page.locator("[data-testid=evidence-link]").count() >= 1


def test_one_rule_for_units_and_judgement_words_on_every_path(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    """The API checks a stated unit as the sheet import does (register.reporting.check_unit)."""
    token = login(client, "edu")
    r = client.post("/api/observations", headers={"X-CSRF-Token": token},
                    json={"indicator_id": seed.preschool, "year": 2024, "value": 88, "unit": "人"})
    assert r.status_code == 422 and "unit" in r.json()["fields"]
    r = client.post("/api/observations", headers={"X-CSRF-Token": token},
                    json={"indicator_id": seed.preschool, "year": 2024, "value": 88, "unit": "%"})
    assert r.status_code == 200, r.text
