"""Sessions, CSRF tokens and roles.

The session is a signed cookie (Starlette's SessionMiddleware, itsdangerous)
holding only the user id, the CSRF token and the language. Every unsafe
request must echo the session's CSRF token, either as the `csrf_token` form
field or the `X-CSRF-Token` header; the API and the pages share this rule.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

ROLES = ("admin", "planner", "reporter", "viewer")
STAFF_ROLES = frozenset(ROLES)
PLANNERS = frozenset({"admin", "planner"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class WebUser:
    id: int
    username: str
    role: str
    department_id: int | None = None
    department_name: str | None = None
    display_name: str | None = None

    @property
    def is_planner(self) -> bool:
        return self.role in PLANNERS


class AuthError(Exception):
    """Raised when a request lacks a user (401) or the right role (403)."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


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
    """The signed-in user, loaded once per request by the app's user loader."""
    if "user" in request.state._state:
        return request.state.user
    user_id = request.session.get("uid")
    user = None
    if isinstance(user_id, int):
        user = request.app.state.services.load_user(user_id)
        if user is None:  # deleted or disabled since sign-in
            request.session.pop("uid", None)
    request.state.user = user
    return user


def require_roles(*roles: str):
    """Dependency factory: the request must come from a user with one of `roles`."""
    allowed = frozenset(roles) if roles else STAFF_ROLES

    async def dependency(request: Request) -> WebUser:
        # async: a signed-in user is a cache hit, not worth a thread-pool hop
        user = current_user(request)
        if user is None:
            raise AuthError(401, "login.required")
        if user.role not in allowed:
            raise AuthError(403, "error.forbidden")
        return user

    return dependency


def sign_in(request: Request, user: WebUser) -> None:
    # A fresh CSRF token on sign-in so a token seen before login is useless after.
    request.session.clear()
    request.session["uid"] = user.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang


# Annotated dependencies for route signatures (who may call a route).
Staff = Annotated[WebUser, Depends(require_roles())]
Reporters = Annotated[WebUser, Depends(require_roles("reporter", "planner", "admin"))]
Planners = Annotated[WebUser, Depends(require_roles("planner", "admin"))]
