"""Malformed ids, years and versions are answered with a 4xx on every route, signed in or not."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from webtools import login

from planwatch.web.params import parse_int, parse_year

BAD_IDS = [str(2**64), str(2**63), str(2**31), "99999999999999999999999999", "²", "-1", "0", "1e3", "%20"]
BAD_YEARS = ["²", "٢٠٢٣", str(2**64), "-5", "1e3", "20 23", "99999"]


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    out = []
    routes = list(app.routes)
    while routes:
        r = routes.pop()
        if hasattr(r, "original_router"):  # FastAPI's wrapper of an included router
            routes.extend(r.original_router.routes)
            continue
        methods = getattr(r, "methods", None)
        if methods and "{" in getattr(r, "path", ""):
            for m in sorted(methods):
                if m in ("GET", "POST"):
                    out.append((m, r.path))
    return out


def _fill(path: str, bad: str) -> list[str]:
    """The path with each parameter in turn set to `bad` and the others to plausible values."""
    names = re.findall(r"\{(\w+)\}", path)
    out = []
    for target in names:
        p = path
        for n in names:
            value = bad if n == target else {"fmt": "csv", "kind": "task", "lang": "zh",
                                              "draft_id": "0" * 32}.get(n, "1")
            p = p.replace("{" + n + "}", value)
        out.append(p)
    return out


@pytest.mark.parametrize("who", [None, "planner", "edu"])
def test_bad_path_values_never_500(client: TestClient, app, who: str | None) -> None:  # type: ignore[no-untyped-def]
    headers = {}
    if who:
        headers["X-CSRF-Token"] = login(client, who)
    checked = 0
    for method, path in _routes(app):
        for bad in BAD_IDS:
            for url in _fill(path, bad):
                if method == "GET":
                    r = client.get(url, follow_redirects=False)
                else:
                    r = client.post(url, json={}, headers=headers, follow_redirects=False)
                assert r.status_code < 500, (method, url, r.status_code, r.text[:300])
                checked += 1
    assert checked > 100


def test_huge_and_non_ascii_ids_are_4xx_on_public_api(client: TestClient) -> None:
    for bad in (str(2**64), str(2**31), "²"):
        for url in (f"/api/public/plans/{bad}", f"/api/public/indicators/{bad}", f"/api/public/plans/{bad}/tasks"):
            r = client.get(url)
            assert r.status_code == 422, (url, r.status_code)
            assert r.json()["error"] == "validation"


def test_bad_years_are_4xx_or_ignored(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "planner")
    for y in BAD_YEARS:
        assert client.get("/api/reporting", params={"year": y}).status_code == 422, y
        # pages fall back to the default year rather than failing
        assert client.get("/reporting", params={"year": y}).status_code == 200, y
        assert client.get(f"/plans/{seed.plan_id}/tasks", params={"year": y}).status_code == 200, y
        r = client.post("/api/observations", json={"indicator_id": seed.childcare, "year": y, "value": 2},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 422, (y, r.status_code, r.text)
        r = client.post("/api/progress", json={"kind": "task", "item_id": 1, "year": y, "state": "推进中"},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 422, (y, r.status_code, r.text)
        r = client.post(f"/reporting/{seed.childcare}", data={"year": y, "value": "2", "csrf_token": token})
        assert r.status_code == 400, (y, r.status_code)


def test_bad_versions_are_4xx(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "planner")
    h = {"X-CSRF-Token": token}
    for v in (2**64, -1, "²"):
        r = client.post("/api/observations", json={"indicator_id": seed.childcare, "year": 2023, "value": 2,
                                                   "expected_version": v}, headers=h)
        assert r.status_code == 422, (v, r.text)
        assert client.post("/api/observations/1/approve", json={"expected_version": v}, headers=h).status_code == 422
        assert client.post("/api/progress/1/return", json={"expected_version": v, "comment": "x"},
                           headers=h).status_code == 422
    for v in ("²", str(2**64), "-3"):
        r = client.post("/approvals/1", data={"action": "approve", "expected_version": v, "csrf_token": token})
        assert r.status_code == 400, (v, r.status_code)
    r = client.post("/api/observations", json={"indicator_id": 2**64, "year": 2023, "value": 2}, headers=h)
    assert r.status_code == 422


def test_parse_int_takes_ascii_digits_in_range_only() -> None:
    assert parse_int("42") == 42 and parse_int(" 7 ") == 7
    for bad in ("²", "٣", "4.0", "-1", "", None, "1" * 11, str(2**31)):
        assert parse_int(bad) is None, bad
    assert parse_year("2023") == 2023 and parse_year("20230") is None and parse_year("1000") is None
