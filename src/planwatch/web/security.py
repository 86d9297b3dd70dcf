"""Sessions, sign-in, CSRF tokens and roles.

The session cookie is signed (Starlette's SessionMiddleware, itsdangerous)
and holds a random session token, the CSRF token and the language. The token
is only valid while its row in the register exists (`register.logins`); that
row, with the user's current role and active flag, is kept by each worker
(`web.data.Services.account`) until the register's change sequence moves:
logout, a password change, deactivation or a role change take effect on the
next request in this worker and within `STAMP_TTL` (half a second) in every
other. A copied cookie is useless after logout.

Every unsafe request must echo the session's CSRF token, either as the
`csrf_token` form field or the `X-CSRF-Token` header; the API and the pages
share this rule.

Sign-in is throttled per account name and per client address
(`register.logins`); failures and lockouts are logged with the user name and
address, never the password.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from planwatch.register import logins
from planwatch.register.db import transaction
from planwatch.register.permissions import ROLES, may, roles_that_may
from planwatch.register.users import authenticate
from planwatch.web.data import MISS

STAFF_ROLES = frozenset(ROLES)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PASSWORD_PAGE = "/account/password"

log = logging.getLogger("planwatch.web.auth")
T = TypeVar("T")


def https_enabled() -> bool:
    """PLANWATCH_HTTPS=1: the site is served over HTTPS, so cookies are sent only over HTTPS
    (read where every web setting is read: web/settings.py)."""
    from planwatch.web.settings import load_settings

    return load_settings().https


@dataclass(frozen=True)
class WebUser:
    id: int
    username: str
    role: str
    department_id: int | None = None
    department_name: str | None = None
    display_name: str | None = None
    must_change_password: bool = False

    @property
    def is_planner(self) -> bool:
        """May approve (and so review plans): `register.permissions`."""
        return may(self, "approve")

    def may(self, action: str) -> bool:
        return may(self, action)


class AuthError(Exception):
    """Raised when a request lacks a user (401) or the right role (403). Pages go to `redirect` when set."""

    def __init__(self, status: int, key: str, redirect: str | None = None) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.redirect = redirect


class Throttled(Exception):
    """Too many failed sign-ins for this account or address: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def web_user(row: Any) -> WebUser:
    """From a `logins.session_account` row."""
    return WebUser(id=row.id, username=row.username, role=row.role, department_id=row.department_id,
                   department_name=row.department_name, display_name=row.display_name,
                   must_change_password=bool(row.must_change_password))


def client_address(request: Request) -> str:
    # uvicorn puts X-Forwarded-For here only from trusted proxies (FORWARDED_ALLOW_IPS, default 127.0.0.1).
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Dependency: refuse an unsafe request that does not carry the session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = request.session.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise AuthError(403, "error.csrf")


def current_user(request: Request) -> WebUser | None:
    """The signed-in user as the register has them now (`Services.account`: read once per change of the
    register, then kept; kept on the request too)."""
    if "user" in request.state._state:
        return request.state.user
    token = request.session.get("sid")
    user = None
    if isinstance(token, str):
        row = request.app.state.services.account(token)
        user = web_user(row) if row is not None else None
        if user is None:  # ended, expired, or the account was disabled
            request.session.pop("sid", None)
    request.state.user = user
    return user


def _known_user(request: Request) -> bool:
    """Settle the request's user without the database when the worker keeps the account (or there is no
    session token); False when the account must be read."""
    if "user" in request.state._state:
        return True
    token = request.session.get("sid")
    if not isinstance(token, str):
        request.state.user = None
        return True
    row = request.app.state.services.known_account(token)
    if row is MISS:
        return False
    request.state.user = web_user(row)
    return True


async def signed_in(request: Request) -> WebUser | None:
    """`current_user` for async code. A kept account costs a dict look-up. Else the session read is one
    indexed row: on SQLite it is cheaper in place than a hop to the thread pool; on a database server it
    runs in the pool so a slow network never blocks the event loop."""
    if _known_user(request) or request.app.state.services.engine.dialect.name == "sqlite":
        return current_user(request)
    return await run_in_threadpool(current_user, request)


def require_roles(*roles: str):
    """Dependency factory: the request must come from a user with one of `roles`
    who has no pending forced password change."""
    allowed = frozenset(roles) if roles else STAFF_ROLES

    async def dependency(request: Request) -> WebUser:
        user = await signed_in(request)
        if user is None:
            raise AuthError(401, "login.required")
        if user.must_change_password:
            raise AuthError(403, "password.change_required", redirect=PASSWORD_PAGE)
        if user.role not in allowed:
            raise AuthError(403, "error.forbidden")
        return user

    return dependency


def _auth_write(request: Request):  # type: ignore[no-untyped-def]
    # Session and throttle rows feed no read model: write them without invalidating the services' caches,
    # so a flood of sign-in attempts cannot keep the public pages uncached.
    return transaction(request.app.state.services.engine)


def under_throttle(request: Request, username: str, verify: Callable[[], T | None]) -> T | None:
    """Run a password check `verify` for `username` under the sign-in throttle (per account and address).

    Raises Throttled while either is locked, without running `verify`. A None from `verify` is a failure:
    counted and logged (user name and address, never the password)."""
    address = client_address(request)
    account, addr = logins.account_key(username), logins.address_key(address)
    with _auth_write(request) as s:
        wait = logins.retry_after(s, [account, addr])
        attempt = None if wait else logins.begin_attempt(s, [account, addr])
    if attempt is not None and attempt.raced:  # a parallel attempt locked it first
        with request.app.state.services.read() as s:
            wait = max(1, logins.retry_after(s, [account, addr]))
    if wait:
        log.warning("sign-in refused, locked: user=%r address=%s retry_after=%ss", username, address, wait)
        raise Throttled(wait)
    assert attempt is not None
    result = verify()
    if result is None:
        log.warning("sign-in failed: user=%r address=%s failures: account=%d address=%d", username, address,
                    attempt.counts[account], attempt.counts[addr])
        for key, lock in attempt.locks.items():
            log.warning("sign-in locked for %ds: %s (user=%r address=%s)", lock.total_seconds(), key, username,
                        address)
        return None
    with _auth_write(request) as s:
        logins.attempt_succeeded(s, account, addr)
    return result


def log_in(request: Request, username: str, password: str) -> WebUser | None:
    """Check a sign-in under the throttle; on success start a session. None: wrong name or password.

    Raises Throttled while the account or the address is locked (the password is then not even checked)."""

    def verify() -> int | None:
        with request.app.state.services.read() as s:
            found = authenticate(s, username, password)
            return found.id if found is not None else None

    user_id = under_throttle(request, username, verify)
    if user_id is None:
        return None
    with _auth_write(request) as s:
        token = logins.start_session(s, user_id, client_address(request))
        user = web_user(logins.session_account(s, token))
    log.info("signed in: user=%r address=%s", username, client_address(request))
    attach_session(request, token)
    request.state.user = user
    return user


def attach_session(request: Request, token: str) -> None:
    # A fresh CSRF token on sign-in so a token seen before login is useless after.
    lang = request.session.get("lang")
    request.session.clear()
    request.session["sid"] = token
    request.session["csrf"] = secrets.token_urlsafe(32)
    if lang:
        request.session["lang"] = lang


def sign_out(request: Request) -> None:
    """End the session in the register (a copied cookie stops working) and clear the cookie."""
    token = request.session.get("sid")
    if isinstance(token, str):
        with _auth_write(request) as s:
            logins.end_session(s, token)
        request.app.state.services.forget_account(token)  # other workers: the ended session moved the sequence
        user = request.state._state.get("user")
        log.info("signed out: user=%r address=%s", user.username if user else None, client_address(request))
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    request.state.user = None


# Annotated dependencies for route signatures (who may call a route).
Staff = Annotated[WebUser, Depends(require_roles())]
Reporters = Annotated[WebUser, Depends(require_roles(*sorted(roles_that_may("report"))))]
Planners = Annotated[WebUser, Depends(require_roles(*sorted(roles_that_may("approve"))))]
Publishers = Annotated[WebUser, Depends(require_roles(*sorted(roles_that_may("publish"))))]
Administrators = Annotated[WebUser, Depends(require_roles(*sorted(roles_that_may("administer"))))]
