"""Helpers shared by the web tests."""

from __future__ import annotations

from pathlib import Path

import web_seed
from fastapi.testclient import TestClient
from sqlalchemy import select

from planwatch.register import schema as db
from planwatch.register.db import make_engine

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


def stored(url: str, indicator_id: int, year: int) -> tuple[float | None, str, int] | None:
    engine = make_engine(url)
    with engine.connect() as c:
        row = c.execute(select(db.Observation.value, db.Observation.status, db.Observation.version).where(
            db.Observation.indicator_id == indicator_id, db.Observation.region_code == "990101",
            db.Observation.year == year)).first()
    engine.dispose()
    return tuple(row) if row else None  # type: ignore[return-value]


def sign_in_page(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form in a real browser."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", web_seed.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
