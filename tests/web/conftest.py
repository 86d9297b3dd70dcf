"""Web fixtures: a seeded register, an in-process client, and (for browser
tests) a real uvicorn server on a free port driven by Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import web_seed as seed_mod
from fastapi.testclient import TestClient

from planwatch.register.db import make_engine
from planwatch.web import create_app

CHROMIUM = os.environ.get("PLANWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# PLANWATCH_TEST_DB=postgresql runs every test built on `seeded` (API, pages, browser) against a real
# PostgreSQL server (the session's `pg_server`, a fresh database per test) instead of a SQLite file.
TEST_DB = os.environ.get("PLANWATCH_TEST_DB", "sqlite").strip().lower() or "sqlite"
if TEST_DB not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"PLANWATCH_TEST_DB must be sqlite or postgresql, not {TEST_DB!r}")


@pytest.fixture(scope="session")
def pg_seed_template(pg_server):  # type: ignore[no-untyped-def]
    """The seeded register built once on PostgreSQL; each test gets a copy (CREATE DATABASE … TEMPLATE)."""
    url = pg_server.create_database()
    engine = make_engine(url)
    s = seed_mod.build(engine)
    engine.dispose()  # a template database must have no connections
    return url.rsplit("/", 1)[1], s


@pytest.fixture
def seeded(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, seed_mod.Seed, Path]:
    if TEST_DB == "postgresql":
        template, s = request.getfixturevalue("pg_seed_template")
        return request.getfixturevalue("pg_server").create_database(template=template), s, tmp_path / "files"
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    engine = make_engine(url)
    s = seed_mod.build(engine)
    engine.dispose()
    return url, s, tmp_path / "files"


@pytest.fixture
def app(seeded):  # type: ignore[no-untyped-def]
    url, _, files = seeded
    return create_app(url, secret_key="test-secret", files_dir=files)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def seed(seeded) -> seed_mod.Seed:  # type: ignore[no-untyped-def]
    return seeded[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app under a real uvicorn server in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    yield pg
    ctx.close()


