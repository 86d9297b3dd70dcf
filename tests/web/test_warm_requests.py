"""What a warm request costs the database: signed-in accounts are kept per worker (`Services.account`),
so a warm request reads no session, while a sign-out, a password change, a role change or a disabled
account, done through one worker, takes effect on another worker of the same register within STAMP_TTL;
on a database server the event loop never waits on a round trip."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
import web_seed
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlalchemy import event
from webtools import login

from planwatch.register.db import make_engine, transaction
from planwatch.register.users import find_user
from planwatch.web import create_app
from planwatch.web.data import STAMP_TTL
from planwatch.web.templating import render, render_cached


@pytest.fixture
def workers(seeded) -> Iterator[tuple[TestClient, TestClient]]:  # type: ignore[no-untyped-def]
    """Two app instances on one database, as two `serve --workers 2` processes are."""
    url, _, files = seeded
    with TestClient(create_app(url, secret_key="test-secret", files_dir=files)) as a, \
            TestClient(create_app(url, secret_key="test-secret", files_dir=files)) as b:
        yield a, b


def on(worker: TestClient, cookie: str | None) -> TestClient:
    """A browser holding `cookie` whose requests go to `worker`."""
    assert cookie
    return TestClient(worker.app, cookies={"planwatch_session": cookie})


def user_id(url: str, username: str) -> int:
    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            return find_user(s, username).id
    finally:
        engine.dispose()


def test_a_warm_request_reads_no_session(workers: tuple[TestClient, TestClient]) -> None:
    a, b = workers
    login(a, "planner")
    browser = on(b, a.cookies.get("planwatch_session"))
    plan = browser.get("/api/public/plans").json()[0]["id"]
    for path in ("/api/me", f"/plans/{plan}", f"/api/plans/{plan}", f"/public/plans/{plan}"):
        for _ in range(3):
            assert browser.get(path).status_code == 200
    assert b.app.state.services.account_reads == 1


@pytest.mark.parametrize("change", ["sign-out", "password", "role", "disable"])
def test_a_change_in_one_worker_ends_the_session_in_the_other_within_stamp_ttl(
        workers: tuple[TestClient, TestClient], seeded, change: str) -> None:  # type: ignore[no-untyped-def]
    a, b = workers
    csrf = login(a, "planner")
    elsewhere = on(b, a.cookies.get("planwatch_session"))
    assert elsewhere.get("/api/approvals").status_code == 200  # kept by worker b from here on
    if change == "sign-out":
        assert a.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    elif change == "password":
        r = a.post("/api/password", headers={"X-CSRF-Token": csrf},
                   json={"current_password": web_seed.PASSWORD, "new_password": "lantern-orchard-42"})
        assert r.status_code == 200, r.text
    else:
        admin = TestClient(a.app)
        token = login(admin, "admin")
        what, form = ("role", {"role": "viewer"}) if change == "role" else ("disable", {})
        r = admin.post(f"/admin/users/{user_id(seeded[0], 'planner')}/{what}", data=form,
                       headers={"X-CSRF-Token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
    time.sleep(STAMP_TTL)
    assert elsewhere.get("/api/approvals").status_code == 401
    assert elsewhere.get("/approvals", follow_redirects=False).status_code == 303  # to the sign-in page


def test_a_signed_out_session_is_refused_at_once_by_its_own_worker(workers: tuple[TestClient, TestClient]) -> None:
    a, _ = workers
    csrf = login(a, "planner")
    copy = on(a, a.cookies.get("planwatch_session"))
    assert copy.get("/api/me").status_code == 200
    assert a.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert copy.get("/api/me").status_code == 401


def test_on_a_database_server_the_event_loop_never_waits_for_it(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """A SQLite file is asked in place, on purpose (the register's state, a session not kept yet)."""
    in_place = (("SELECT register_state.seq", "SELECT users.id")
                if app.state.services.engine.dialect.name == "sqlite" else ())
    on_the_loop: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a thread-pool thread
        on_the_loop.append(statement)

    event.listen(app.state.services.engine, "before_cursor_execute", note)
    plan = client.get("/api/public/plans").json()[0]["id"]
    login(client, "planner")
    # a portal page first: its header reads the account not kept yet
    paths = [f"/public/plans/{plan}", f"/plans/{plan}", f"/api/plans/{plan}", "/api/me"]
    for path in paths:
        assert client.get(path).status_code == 200
    for _ in range(2):
        time.sleep(STAMP_TTL)  # each round's first request finds the register's state due for a look
        for path in paths:
            assert client.get(path).status_code == 200
    assert [s for s in on_the_loop if not s.startswith(in_place)] == []


def test_a_kept_page_is_the_shell_rendered_around_its_kept_block(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """render_cached keeps the block encoded and splices it into the shell rendered per request: the bytes
    are those of the shell rendered around the block in one piece (as before), signed in or not."""
    block = Markup('<p title="a &amp; b">规划 “十四五” & co</p>\n')

    @app.get("/_spliced")
    async def spliced(request: Request) -> Response:
        kept = await render_cached(request, "shell.html", ("spliced",), "标题 <1>", lambda: {"body": block})
        whole = render(request, "shell.html", body=block, title="标题 <1>", public=False)
        return JSONResponse({"same": kept.body == whole.body, "type": kept.media_type, "size": len(kept.body)})

    for who in (None, "planner"):
        if who:
            login(client, who)
        for _ in range(2):  # built, then kept
            r = client.get("/_spliced").json()
            assert r["same"] and r["type"] == "text/html" and r["size"] > 500
