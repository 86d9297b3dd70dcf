"""Publishing a revised plan from the review page shows what it adds, changes and removes, and changes
nothing until the planner confirms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from demo_site import PASSWORD, build_demo
from fastapi.testclient import TestClient

from planwatch.web import create_app

SEED_DOC = Path(__file__).resolve().parents[2] / "data" / "seeds" / "001_7a093e98f0871c03.txt"  # 吕梁市, demo plan 2


@pytest.fixture
def planner(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = build_demo(tmp_path)
    with TestClient(create_app(url, secret_key="diff", files_dir=tmp_path / "files"), base_url="http://testserver") as c:
        r = c.post("/api/session", json={"username": "d-planner", "password": PASSWORD})
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c


def active_count(c: TestClient, plan: int) -> int:
    return len(c.get(f"/api/plans/{plan}").json()["indicators"])


def test_a_revision_is_shown_as_a_diff_before_it_is_published(planner) -> None:  # type: ignore[no-untyped-def]
    c = planner
    before = active_count(c, 2)
    draft = c.post("/api/review", files={"file": (SEED_DOC.name, SEED_DOC.read_bytes(), "text/plain")}).json()
    first = next(i for i in c.get(f"/api/review/{draft['id']}").json()["items"] if i["key"].startswith("indicators/"))
    c.post(f"/api/review/{draft['id']}/items", json={"key": first["key"], "decision": "reject"})
    csrf = c.headers["X-CSRF-Token"]
    c.post(f"/review/{draft['id']}/accept-all", data={"csrf_token": csrf})
    page = c.post(f"/review/{draft['id']}/publish", data={"csrf_token": csrf, "region": "", "period": ""})
    assert page.status_code == 200
    assert 'data-testid="publish-diff"' in page.text
    removed = re.search(r'data-testid="diff-removed">(.*?)</ul>', page.text, re.S)
    assert removed and removed.group(1).count("<li>") == 1
    assert active_count(c, 2) == before  # nothing changed yet
    done = c.post(f"/review/{draft['id']}/publish", data={"csrf_token": csrf, "confirm": "1", "region": "",
                                                          "period": ""}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/plans/2")
    assert active_count(c, 2) == before - 1
