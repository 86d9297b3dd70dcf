"""Sessions and accounts on the web: throttled sign-in, sessions that end at once on the server, forced
password change, Secure cookies, and no approving one's own submission."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import web_seed
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from webtools import login

from planwatch.register import logins
from planwatch.register import schema as db
from planwatch.register.db import make_engine, transaction
from planwatch.register.users import add_user, find_user, set_active, set_password, set_role
from planwatch.web import create_app
from planwatch.web.data import STAMP_TTL

NEW_PASSWORD = "lantern-orchard-42"


@contextmanager
def register(url: str) -> Iterator[Session]:
    """The register as another process (the CLI, another worker) sees it: its own engine."""
    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            yield s
    finally:
        engine.dispose()


def sign_in(client: TestClient, username: str, password: str = web_seed.PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/session", json={"username": username, "password": password})


# -- throttling --------------------------------------------------------------
def test_brute_force_on_one_account_is_throttled_within_ten_attempts(client: TestClient, caplog) -> None:
    caplog.set_level(logging.INFO, logger="planwatch.web.auth")
    codes = [sign_in(client, "planner", f"guess-number-{i}").status_code for i in range(10)]
    assert 429 in codes, codes
    first = codes.index(429)
    assert first <= 9 and set(codes[:first]) == {401} and set(codes[first:]) == {429}
    r = sign_in(client, "planner", "guess-number-x")
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= logins.LOCK_MAX.total_seconds()
    body = r.json()
    assert body["error"] == "login.throttled" and body["retry_after"] == int(r.headers["retry-after"])
    assert "秒后再试" in body["message"]
    # Locked means locked: even the right password is refused until the lock ends.
    assert sign_in(client, "planner").status_code == 429
    # Logged with user and address, never the password.
    text = caplog.text
    assert "sign-in failed: user='planner' address=testclient" in text and "sign-in locked" in text
    assert "guess-number" not in text and web_seed.PASSWORD not in text


def test_the_login_form_is_throttled_too_with_a_bilingual_message(client: TestClient) -> None:
    csrf = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    codes = []
    for i in range(8):
        r = client.post("/login", data={"csrf_token": csrf, "username": "admin", "password": f"wrong-{i}"})
        codes.append(r.status_code)
    assert codes[:logins.ACCOUNT_LIMIT - 1] == [400] * (logins.ACCOUNT_LIMIT - 1) and codes[-1] == 429
    assert "Retry-After" in r.headers and "登录失败次数过多" in r.text
    client.get("/lang/en")
    r = client.post("/login", data={"csrf_token": csrf, "username": "admin", "password": "wrong-again"})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text


def test_guessing_across_accounts_from_one_address_is_throttled(client: TestClient) -> None:
    codes = [sign_in(client, f"nobody-{i}", "whatever-pass").status_code for i in range(11)]
    assert codes[:logins.ADDRESS_LIMIT - 1] == [401] * (logins.ADDRESS_LIMIT - 1)
    assert codes[-1] == 429
    # Another address is not affected, and the account itself has only one failure.
    other = TestClient(client.app, base_url="http://testserver", client=("10.0.0.7", 5000))
    assert sign_in(other, "nobody-1", "whatever-pass").status_code == 401
    assert sign_in(other, "planner").status_code == 200


def test_back_off_doubles_and_is_capped() -> None:
    lim = logins.ACCOUNT_LIMIT
    assert logins.lock_for(lim - 1, lim) is None
    steps = [logins.lock_for(n, lim).total_seconds() for n in range(lim, lim + 8)]  # type: ignore[union-attr]
    assert steps[:3] == [30, 60, 120] and max(steps) == logins.LOCK_MAX.total_seconds()
    assert logins.lock_for(10_000, lim) == logins.LOCK_MAX


def test_a_success_clears_the_account_count(client: TestClient, seeded) -> None:  # type: ignore[no-untyped-def]
    for i in range(logins.ACCOUNT_LIMIT - 1):
        assert sign_in(client, "edu", f"wrong-{i}").status_code == 401
    assert sign_in(client, "edu").status_code == 200
    with register(seeded[0]) as s:
        assert s.get(db.LoginFailure, logins.account_key("edu")) is None
    for i in range(logins.ACCOUNT_LIMIT - 1):
        assert sign_in(client, "edu", f"wrong-{i}").status_code == 401


# -- sessions end at once ----------------------------------------------------
def test_a_copied_cookie_is_refused_after_logout(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "planner")
    cookie = client.cookies.get("planwatch_session")
    thief = TestClient(app, base_url="http://testserver", cookies={"planwatch_session": cookie})
    assert thief.get("/api/me").status_code == 200
    assert client.delete("/api/session", headers={"X-CSRF-Token": token}).status_code == 200
    assert thief.get("/api/me").status_code == 401
    assert thief.get("/approvals", follow_redirects=False).status_code == 303  # to the sign-in page


def test_page_logout_ends_the_session_on_the_server(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin")
    cookie = client.cookies.get("planwatch_session")
    page = client.get("/").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    thief = TestClient(app, base_url="http://testserver", cookies={"planwatch_session": cookie})
    assert thief.get("/api/me").status_code == 401


@pytest.mark.parametrize("change", ["demote", "disable", "password"])
def test_demotion_deactivation_and_password_change_take_effect_at_once(
        client: TestClient, seeded, seed, change: str) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    assert client.get("/api/approvals").status_code == 200
    with register(seeded[0]) as s:
        user = find_user(s, "planner")
        if change == "demote":
            set_role(s, user, "viewer")
        elif change == "disable":
            set_active(s, user, False)
        else:
            set_password(s, user, NEW_PASSWORD)
    # Another process changed it: this worker sees it within STAMP_TTL (its own changes at once).
    time.sleep(STAMP_TTL)
    assert client.get("/api/approvals").status_code == 401
    assert client.get("/api/me").status_code == 401
    r = sign_in(client, "planner", NEW_PASSWORD if change == "password" else web_seed.PASSWORD)
    if change == "demote":
        assert r.status_code == 200 and r.json()["user"]["role"] == "viewer"
        assert client.get("/api/approvals").status_code == 403
    elif change == "disable":
        assert r.status_code == 401
    else:
        assert r.status_code == 200
        assert sign_in(client, "planner").status_code == 401  # the old password no longer works


def test_a_role_change_is_seen_even_if_sessions_were_kept(client: TestClient, seeded) -> None:  # type: ignore[no-untyped-def]
    """A worker keeps a signed-in account only while the register's change sequence stands still: a role
    written straight into the user row (sessions left alone) is seen within STAMP_TTL."""
    login(client, "planner")
    assert client.get("/api/approvals").status_code == 200
    with register(seeded[0]) as s:
        s.scalars(select(db.User).where(db.User.username == "planner")).one().role = "viewer"
    time.sleep(STAMP_TTL)
    assert client.get("/api/approvals").status_code == 403
    assert client.get("/api/me").json()["user"]["role"] == "viewer"


# -- changing a password, forced for demo accounts ---------------------------
def test_demo_account_must_change_its_password_before_anything_else(client: TestClient, seeded) -> None:  # type: ignore[no-untyped-def]
    with register(seeded[0]) as s:
        add_user(s, "demo-admin", "planwatch-demo", "admin", demo=True)
    r = client.post("/api/session", json={"username": "demo-admin", "password": "planwatch-demo"})
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    csrf = r.json()["csrf_token"]
    refused = client.get("/api/overview")
    assert refused.status_code == 403 and refused.json()["error"] == "password.change_required"
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/account/password")
    form = client.get("/account/password")
    assert form.status_code == 200 and "首次登录须先修改初始密码" in form.text

    r = client.post("/api/password", json={"current_password": "planwatch-demo", "new_password": "planwatch-demo"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "new_password" in r.json()["fields"]
    r = client.post("/api/password", json={"current_password": "planwatch-demo", "new_password": "short"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "10" in r.json()["fields"]["new_password"]
    r = client.post("/api/password", json={"current_password": "wrong-current", "new_password": NEW_PASSWORD},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "current_password" in r.json()["fields"]
    r = client.post("/api/password", json={"current_password": "planwatch-demo", "new_password": NEW_PASSWORD},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert client.get("/api/overview").status_code == 200  # same browser, renewed session
    assert sign_in(client, "demo-admin", "planwatch-demo").status_code == 401


def test_password_page_changes_the_password_and_ends_other_sessions(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    other = TestClient(app, base_url="http://testserver")
    login(other, "health")
    login(client, "health")
    before = client.cookies.get("planwatch_session")
    page = client.get("/account/password").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"csrf_token": csrf, "current_password": web_seed.PASSWORD, "new_password": "orchard-2026-secret",
            "confirm": "orchard-2026-other"}
    r = client.post("/account/password", data=data)
    assert r.status_code == 400 and "两次输入的新密码不一致" in r.text
    r = client.post("/account/password", data={**data, "new_password": "health", "confirm": "health"})
    assert r.status_code == 400 and "至少10个字符" in r.text
    r = client.post("/account/password", data={**data, "confirm": "orchard-2026-secret"})
    assert r.status_code == 200 and 'data-testid="password-done"' in r.text
    assert client.get("/api/me").status_code == 200
    assert other.get("/api/me").status_code == 401
    copy = TestClient(app, base_url="http://testserver", cookies={"planwatch_session": before})
    assert copy.get("/api/me").status_code == 401  # this browser's own old cookie ended too


# -- cookies -----------------------------------------------------------------
def test_secure_cookies_when_https_is_set(seeded, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url, _, files = seeded
    for https, secure in (("", False), ("1", True)):
        monkeypatch.setenv("PLANWATCH_HTTPS", https)
        with TestClient(create_app(url, secret_key="k", files_dir=files), base_url="https://testserver") as c:
            r = sign_in(c, "viewer")
            cookie = r.headers["set-cookie"]
            assert "planwatch_session=" in cookie and "httponly" in cookie.lower()
            assert ("secure" in cookie.lower()) is secure


# -- four eyes ---------------------------------------------------------------
def test_a_planner_may_not_approve_their_own_value(client: TestClient, seed) -> None:  # type: ignore[no-untyped-def]
    token = login(client, "planner")
    h = {"X-CSRF-Token": token}
    r = client.post("/api/observations", json={"indicator_id": seed.doctors, "year": 2023, "value": 2.4}, headers=h)
    assert r.status_code == 200, r.text
    obs = r.json()
    r = client.post(f"/api/observations/{obs['id']}/approve", json={"expected_version": obs["version"]}, headers=h)
    assert r.status_code == 403 and r.json()["error"] == "rep.own_submission"
    page = client.get("/approvals").text  # the page offers no approve button for it, and says why
    assert f'data-testid="own-{obs["id"]}"' in page and f'data-testid="approve-{obs["id"]}"' not in page
    token = login(client, "admin")  # someone else may
    page = client.get("/approvals").text
    assert f'data-testid="approve-{obs["id"]}"' in page
    r = client.post(f"/api/observations/{obs['id']}/approve", json={"expected_version": obs["version"]},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_a_planner_may_not_approve_their_own_progress(client: TestClient, seeded) -> None:  # type: ignore[no-untyped-def]
    with register(seeded[0]) as s:
        project = s.scalars(select(db.Project)).one().id
    token = login(client, "planner")
    h = {"X-CSRF-Token": token}
    r = client.post("/api/progress", json={"kind": "project", "item_id": project, "year": 2023, "state": "推进中"},
                    headers=h)
    assert r.status_code == 200, r.text
    report = r.json()
    r = client.post(f"/api/progress/{report['id']}/approve", json={"expected_version": report["version"]},
                    headers=h)
    assert r.status_code == 403 and r.json()["error"] == "rep.own_submission"
    # Returning one's own submission (to withdraw it) stays allowed.
    r = client.post(f"/api/progress/{report['id']}/return", json={"expected_version": report["version"],
                                                                  "comment": "撤回重填"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "returned"


def test_guessing_the_current_password_from_a_session_is_throttled(client: TestClient) -> None:
    token = login(client, "viewer")
    codes = [client.post("/api/password", json={"current_password": f"guess-{i}-wrong", "new_password": NEW_PASSWORD},
                         headers={"X-CSRF-Token": token}).status_code for i in range(8)]
    assert codes[0] == 422 and codes[-1] == 429, codes
    r = client.post("/api/password", json={"current_password": web_seed.PASSWORD, "new_password": NEW_PASSWORD},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # even the right one, while locked
