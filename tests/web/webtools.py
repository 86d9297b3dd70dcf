"""Helpers shared by the web tests."""

from __future__ import annotations

from pathlib import Path

import web_seed
from fastapi.testclient import TestClient

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"


def login(client: TestClient, username: str) -> str:
    """Sign in through the API; returns the CSRF token."""
    r = client.post("/api/session", json={"username": username, "password": web_seed.PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def shot(page, name: str, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
