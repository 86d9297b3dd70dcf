"""Accounts in the register: the password policy, sessions that end, throttling counts, and the `user` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from planwatch.cli import main
from planwatch.register import logins
from planwatch.register.db import transaction
from planwatch.register.errors import FieldError
from planwatch.register.plans import ensure_department
from planwatch.register.schema import LoginFailure, Region
from planwatch.register.users import (
    add_user,
    authenticate,
    find_user,
    password_problem,
    set_active,
    set_password,
    set_role,
)


@pytest.mark.parametrize(("username", "password", "why"), [
    ("zhang", "short-1", "10"),
    ("zhang", "zhang-2026-plan", "用户名"),
    ("zhang", "ZHANG-2026-plan", "用户名"),
    ("zhang", "planwatch-demo", "演示密码"),
    ("zhang", "Planwatch-Demo", "演示密码"),
    ("zhang", "1234567890", "常见"),
    ("zhang", "Password123", "常见"),
    ("zhang", "aaaaaaaaaaaa", "简单"),
    ("zhang", "x" * 201, "200"),
])
def test_the_policy_refuses_weak_passwords_in_both_languages(username: str, password: str, why: str) -> None:
    problem = password_problem(username, password)
    assert problem is not None and why in problem[0] and problem[1]


def test_the_policy_admits_a_reasonable_password_and_the_demo_password_only_on_the_demo_path() -> None:
    assert password_problem("zhang", "lantern-orchard-42") is None
    assert password_problem("zhang", "公共服务规划监测评估2026") is None
    assert password_problem("zhang", "planwatch-demo", demo=True) is None
    assert password_problem("zhang", "short", demo=True) is not None  # the demo path admits the demo password only


def test_every_set_passes_the_policy_and_demo_accounts_must_change(engine: Engine) -> None:
    with transaction(engine) as s:
        with pytest.raises(FieldError, match="password"):
            add_user(s, "wang", "wang123456789", "viewer")
        with pytest.raises(FieldError, match="演示密码"):
            add_user(s, "wang", "planwatch-demo", "viewer")
        demo = add_user(s, "guest", "planwatch-demo", "planner", demo=True)
        assert demo.must_change_password
        with pytest.raises(FieldError, match="演示密码"):
            set_password(s, demo, "planwatch-demo")
        set_password(s, demo, "lantern-orchard-42")
        assert not demo.must_change_password and demo.password_changed_at is not None
    with transaction(engine) as s:
        assert authenticate(s, "guest", "lantern-orchard-42") is not None
        assert authenticate(s, "guest", "planwatch-demo") is None


def test_password_role_and_deactivation_end_sessions(engine: Engine) -> None:
    with transaction(engine) as s:
        s.add(Region(code="990101", name="测试县", level="county"))
        s.flush()
        dept = ensure_department(s, "县教育局", "990101")
        user = add_user(s, "li", "lantern-orchard-42", "planner")
        tokens = [logins.start_session(s, user.id, "10.0.0.1") for _ in range(3)]
    with transaction(engine) as s:
        assert all(logins.session_account(s, t) is not None for t in tokens)
        set_password(s, find_user(s, "li"), "another-orchard-43")
    with transaction(engine) as s:
        assert not any(logins.session_account(s, t) is not None for t in tokens)
        tokens = [logins.start_session(s, find_user(s, "li").id)]
    with transaction(engine) as s, pytest.raises(Exception, match="department"):
        set_role(s, find_user(s, "li"), "reporter")
    with transaction(engine) as s:
        set_role(s, find_user(s, "li"), "reporter", dept)
    with transaction(engine) as s:
        assert logins.session_account(s, tokens[0]) is None
        token = logins.start_session(s, find_user(s, "li").id)
    with transaction(engine) as s:
        set_active(s, find_user(s, "li"), False)
    with transaction(engine) as s:
        assert logins.session_account(s, token) is None
        assert authenticate(s, "li", "another-orchard-43") is None
        set_active(s, find_user(s, "li"), True)
        assert authenticate(s, "li", "another-orchard-43") is not None


def test_sessions_per_user_are_bounded(engine: Engine) -> None:
    with transaction(engine) as s:
        user = add_user(s, "zhao", "lantern-orchard-42", "viewer")
        tokens = [logins.start_session(s, user.id) for _ in range(logins.MAX_SESSIONS_PER_USER + 5)]
    with transaction(engine) as s:
        alive = [logins.session_account(s, t) is not None for t in tokens]
    assert sum(alive) == logins.MAX_SESSIONS_PER_USER and all(alive[-logins.MAX_SESSIONS_PER_USER:])


def test_attempts_are_counted_per_key_and_lock_at_the_limit(engine: Engine) -> None:
    account, address = logins.account_key("Zhang "), logins.address_key("10.0.0.9")
    assert account == "user:zhang"
    for n in range(1, logins.ACCOUNT_LIMIT + 1):
        with transaction(engine) as s:
            attempt = logins.begin_attempt(s, [account, address])
        assert attempt.counts == {account: n, address: n}
        assert (account in attempt.locks) is (n >= logins.ACCOUNT_LIMIT) and address not in attempt.locks
    with transaction(engine) as s:
        assert 0 < logins.retry_after(s, [account, address]) <= logins.LOCK_BASE.total_seconds()
        assert logins.retry_after(s, [address]) == 0
        logins.attempt_succeeded(s, account, address)
    with transaction(engine) as s:
        assert s.get(LoginFailure, account) is None
        assert s.get(LoginFailure, address).failures == logins.ACCOUNT_LIMIT - 1  # type: ignore[union-attr]


# -- the user CLI ------------------------------------------------------------
@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PLANWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("PLANWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_user_commands(cli: CliRunner) -> None:
    def run(*args: str) -> tuple[int, str]:
        r = cli.invoke(main, ["user", *args])
        return r.exit_code, r.output

    code, out = run("add", "admin", "--role", "admin", "--password", "planwatch-demo")
    assert code == 1 and "演示密码" in out and "demo password" in out
    code, out = run("add", "admin", "--role", "admin", "--password", "planwatch-demo", "--demo")
    assert code == 0 and "须修改密码" in out
    code, out = run("add", "wu", "--role", "planner", "--password", "lantern-orchard-42")
    assert code == 0, out

    users = {u["username"]: u for u in json.loads(run("list", "--json")[1])}
    assert users["admin"]["must_change_password"] and users["admin"]["active"]
    assert users["wu"]["role"] == "planner" and not users["wu"]["must_change_password"]

    code, out = run("passwd", "admin", "--password", "short")
    assert code == 1 and "10" in out
    code, out = run("passwd", "admin", "--password", "lantern-orchard-43")
    assert code == 0 and "密码已修改" in out
    code, out = run("passwd", "wu", "--password", "temporary-orchard-44", "--temporary")
    assert code == 0
    code, out = run("passwd", "nobody", "--password", "lantern-orchard-43")
    assert code == 1 and "nobody" in out

    assert run("disable", "wu")[0] == 0
    assert run("role", "wu", "viewer")[0] == 0
    code, out = run("role", "wu", "reporter")
    assert code == 1 and "department" in out
    code, out = run("list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "停用 disabled" in lines["wu"] and "viewer" in lines["wu"] and "须改密码" in lines["wu"]
    assert "启用 active" in lines["admin"] and "须改密码" not in lines["admin"]
    assert run("enable", "wu")[0] == 0
    assert "启用 active" in run("list")[1].splitlines()[1]


def test_parallel_guesses_are_all_counted_and_only_the_limit_gets_a_password_check(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = [logins.account_key("sun"), logins.address_key("10.0.0.10")]

    def attempt(_: int) -> logins.Attempt:
        with transaction(engine) as s:
            return logins.begin_attempt(s, keys)

    with ThreadPoolExecutor(8) as pool:
        attempts = list(pool.map(attempt, range(20)))
    assert sorted(a.counts[keys[0]] for a in attempts) == list(range(1, 21))
    assert sum(not a.raced for a in attempts) == logins.ACCOUNT_LIMIT


def test_after_a_lock_ends_one_more_try_is_allowed_and_a_failure_doubles_the_lock(engine: Engine) -> None:
    from sqlalchemy import update

    keys = [logins.account_key("qian"), logins.address_key("10.0.0.11")]
    for _ in range(logins.ACCOUNT_LIMIT):
        with transaction(engine) as s:
            logins.begin_attempt(s, keys)
    with transaction(engine) as s:
        assert logins.retry_after(s, keys) > 0
        s.execute(update(LoginFailure).values(locked_until=None))  # as if the lock had run out
    with transaction(engine) as s:
        assert logins.retry_after(s, keys) == 0
        attempt = logins.begin_attempt(s, keys)
    assert not attempt.raced and attempt.locks[keys[0]] == 2 * logins.LOCK_BASE
