"""Users and roles. Passwords are stored as salted scrypt hashes (stdlib, no extra dependency)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.errors import RegisterError
from planwatch.register.schema import ROLES, Department, User

_N, _R, _P = 2**14, 8, 1  # scrypt cost: ~16 MiB and ~50 ms per check


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
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
             department: Department | None = None, display_name: str | None = None) -> User:
    if role not in ROLES:
        raise RegisterError(f"未知角色 / unknown role {role!r}; 可选 / one of: {', '.join(ROLES)}")
    if role == "reporter" and department is None:
        raise RegisterError("填报员必须绑定部门(--dept) / a reporter must belong to a department (--dept)")
    if len(password) < 8:
        raise RegisterError("密码至少8位 / the password needs at least 8 characters")
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise RegisterError(f"用户已存在 / user {username!r} exists")
    user = User(username=username, password_hash=hash_password(password), role=role,
                department_id=department.id if department else None, display_name=display_name)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalars(select(User).where(User.username == username, User.active)).first()
    if user is None or not verify_password(password, user.password_hash):
        return None
    return user
