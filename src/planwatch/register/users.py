"""Users, roles and the password policy.

Passwords are stored as salted scrypt hashes (stdlib, no extra dependency).
Every way of setting a password (`add_user`, `set_password`; the CLI and the
web call these) passes `password_problem`, the one password policy.

Demo accounts: the quick start publishes one password ("planwatch-demo").
The policy refuses it, except through the explicit demo path
(`add_user(..., demo=True)`, `planwatch user add --demo`), which also marks
the account "must change password": the web then lets it do nothing but
choose its own password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planwatch.register import auditlog
from planwatch.register.errors import FieldError, NotFound
from planwatch.register.schema import ROLES, Department, User, UserSession

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~16 MiB and ~50 ms per check

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # bounds the hashing work an attacker can ask for
# Passwords printed in this project's own documentation and scripts.
DEMO_PASSWORDS = frozenset({"planwatch-demo"})
# The most common passwords of at least MIN_PASSWORD_LENGTH characters (public breach lists), lower case.
COMMON_PASSWORDS = frozenset({
    "1234567890", "0123456789", "0987654321", "12345678910", "123456789a", "a123456789", "a1234567890",
    "1111111111", "0000000000", "1234512345", "1q2w3e4r5t", "1qaz2wsx3edc", "qwertyuiop", "qwerty1234",
    "qwerty123456", "qwe1234567", "asdfghjkl;", "asdfghjkl1", "zxcvbnm123", "password12", "password123",
    "password1234", "passw0rd123", "p@ssw0rd123", "admin12345", "admin123456", "administrator", "abc1234567",
    "abcd123456", "abcdefghij", "iloveyou12", "woaini1314", "woaini520", "5201314520", "1314520520",
    "changeme123", "welcome123", "welcome1234", "letmein123", "football12", "sunshine12", "princess12",
    "1234qwerasdf", "aa12345678", "zz12345678", "qq123456789", "abc123456789",
})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def password_problem(username: str, password: str, *, demo: bool = False) -> tuple[str, str] | None:
    """Why `password` may not be set for `username` (Chinese, English), or None when it may.

    `demo` admits a published demo password (and nothing else the policy refuses)."""
    folded, name = _fold(password), _fold(username)
    if len(password) > MAX_PASSWORD_LENGTH:
        return (f"密码不能超过{MAX_PASSWORD_LENGTH}个字符", f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    if demo and folded in DEMO_PASSWORDS:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"密码至少{MIN_PASSWORD_LENGTH}个字符", f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if name and (folded == name or (len(name) >= 3 and name in folded)):  # 2-letter names are in many words
        return ("密码不能包含用户名", "the password may not contain the user name")
    if folded in DEMO_PASSWORDS:
        return ("不能使用公开的演示密码", "the published demo password may not be used")
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        return ("密码过于常见或简单", "the password is too common or too simple")
    return None


def check_password(username: str, password: str, *, demo: bool = False) -> None:
    """Raise a FieldError("password", ...) when the policy refuses `password`."""
    problem = password_problem(username, password, demo=demo)
    if problem:
        raise FieldError("password", *problem)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(expected))
    return hmac.compare_digest(got, expected)


def add_user(session: Session, username: str, password: str, role: str, *,
             department: Department | None = None, display_name: str | None = None, demo: bool = False,
             temporary: bool = False, by: str | None = None) -> User:
    """A new account. `demo`: the explicit demo path (see the module doc): the account must change its password.
    `temporary`: an administrator chose the first password, so the user must replace it at first sign-in."""
    if role not in ROLES:
        raise FieldError("role", f"未知角色 {role!r},可选:{'、'.join(ROLES)}", f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    if role == "reporter" and department is None:
        raise FieldError("department", "填报员必须绑定部门(--dept)", "a reporter must belong to a department (--dept)")
    if not username.strip() or len(username) > 100:
        raise FieldError("username", "用户名须为1–100个字符", "the user name needs 1–100 characters")
    check_password(username, password, demo=demo)
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise FieldError("username", f"用户已存在:{username}", f"user {username!r} exists")
    user = User(username=username, password_hash=hash_password(password), role=role,
                department_id=department.id if department else None, display_name=display_name,
                must_change_password=demo or temporary, password_changed_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    auditlog.record(session, by, "user.create", "user", user.id, None, _audit_view(user))
    return user


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """User name → the name pages show for that person (the display name, else the user name), for the
    `usernames` that are accounts."""
    wanted = sorted({u for u in usernames if u})
    out: dict[str, str] = {}
    for n in range(0, len(wanted), 500):
        for username, display in session.execute(select(User.username, User.display_name)
                                                 .where(User.username.in_(wanted[n:n + 500]))):
            out[username] = display or username
    return out


def with_display_names(session: Session, rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """`rows` with each person named in `keys` (as stored: a user name, e.g. a spreadsheet's reporter or a
    round's step) replaced by the name pages show (`display_names`); text that is no account's user name
    (a name stored from a form, `cli:<OS user>`) stays as stored. Storage keeps the user name: the one
    helper every page showing a reporter or approver uses."""
    names = display_names(session, (r.get(k) for r in rows for k in keys))
    for r in rows:
        for k in keys:
            if r.get(k) in names:
                r[k] = names[r[k]]
    return rows


def _audit_view(user: User) -> dict[str, Any]:
    """What the audit log keeps of an account (never the password hash)."""
    return {"username": user.username, "role": user.role,
            "department": user.department.name if user.department else None, "active": user.active,
            "must_change_password": user.must_change_password}


def find_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"找不到用户 / no user {username!r}")
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"找不到用户 / no user {user_id}")
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of a user: the next request with any of them is refused."""
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def set_password(session: Session, user: User, password: str, *, temporary: bool = False,
                 by: str | None = None) -> None:
    """Change a password under the policy; every session of the user ends. `temporary`: an administrator's
    reset, which the user must replace at the next sign-in."""
    check_password(user.username, password)
    before = user.must_change_password
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    user.password_changed_at = datetime.now(UTC)
    session.flush()
    end_sessions(session, user.id)
    auditlog.record(session, by or user.username, "user.reset_password" if temporary else "user.password", "user",
                    user.id, {"must_change_password": before}, {"must_change_password": temporary})


def set_role(session: Session, user: User, role: str, department: Department | None = None, *,
             by: str | None = None) -> None:
    """A new role ends the user's sessions: pages and tokens issued under the old role are not reused."""
    if role not in ROLES:
        raise FieldError("role", f"未知角色 {role!r},可选:{'、'.join(ROLES)}", f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    dept_id = department.id if department is not None else user.department_id
    if role == "reporter" and dept_id is None:
        raise FieldError("department", "填报员必须绑定部门(--dept)", "a reporter must belong to a department (--dept)")
    before = _audit_view(user)
    user.role = role
    user.department_id = dept_id
    session.flush()
    session.refresh(user, ["department"])
    end_sessions(session, user.id)
    after = _audit_view(user)
    auditlog.record(session, by, "user.role", "user", user.id,
                    {k: v for k, v in before.items() if after[k] != v}, {k: v for k, v in after.items() if before[k] != v})


def set_active(session: Session, user: User, active: bool, *, by: str | None = None) -> None:
    """Disable (sessions end at once) or enable an account. An administrator cannot disable their own account
    (the register would be left without anyone to undo it)."""
    if not active and by is not None and by == user.username:
        raise FieldError("active", "不能停用自己的账号", "you cannot disable your own account")
    if user.active == active:
        return
    user.active = active
    session.flush()
    if not active:
        end_sessions(session, user.id)
    auditlog.record(session, by, "user.reactivate" if active else "user.deactivate", "user", user.id,
                    {"active": not active}, {"active": active})


def list_users(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(User).order_by(User.username)).all()
    return [{"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
             "department": u.department.name if u.department else None, "department_id": u.department_id,
             "active": u.active,
             "must_change_password": u.must_change_password,
             "password_changed_at": u.password_changed_at.isoformat(timespec="seconds")
             if u.password_changed_at else None} for u in rows]


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None. Costs one scrypt whether or not the user exists,
    so timing does not reveal which names exist."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash):
        return None
    return user


_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
