"""The demo register (five seed plans and the national plan, with simulated values) served for
browser tests, with one account per role."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import run_demo
from planwatch.register.users import add_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pages-orchard-7"
ROLES = ("admin", "planner", "viewer", "reporter")


@dataclass(frozen=True)
class DemoSite:
    base: str
    url: str  # database URL


def build_demo(home: Path) -> str:
    (home / "var").mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{home / 'var' / 'planwatch.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    run_demo(engine, ROOT / "data", simulate=True, log=lambda _m: None)
    from sqlalchemy import select

    from planwatch.register import schema as db
    from planwatch.register.editing import assign

    with transaction(engine) as s:
        # The demo assigns no departments: one leads plan 3's first 40 indicators, for the reporter's pages.
        plan = s.get(db.Plan, 3)
        for ind in s.scalars(select(db.Indicator).where(db.Indicator.plan_id == 3, db.Indicator.active)
                             .order_by(db.Indicator.position).limit(40)):
            assign(s, ind, "苍溪县教育局", plan.region_code)
        s.flush()
        dept = s.scalars(select(db.Department).where(db.Department.name == "苍溪县教育局")).one()
        for role in ROLES:
            add_user(s, f"d-{role}", PASSWORD, role, department=dept if role == "reporter" else None)
    engine.dispose()
    return url


def serve(url: str, files: Path) -> Iterator[str]:
    import socket

    import uvicorn

    from planwatch.web import create_app

    app = create_app(url, secret_key="demo-pages", files_dir=files)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
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


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.url
