"""Sign-in, sign-out, the password change and the language switch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from planwatch.register.errors import FieldError, NotFound
from planwatch.register.logins import start_session
from planwatch.register.users import find_user, set_password, verify_password
from planwatch.web.i18n import LANGS, translate
from planwatch.web.security import (
    AuthError,
    Throttled,
    WebUser,
    attach_session,
    check_csrf,
    client_address,
    current_user,
    https_enabled,
    log_in,
    sign_out,
    under_throttle,
)
from planwatch.web.templating import render, request_lang

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would make sign-in a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def throttled_message(exc: Throttled, lang: str) -> str:
    return translate("login.throttled", lang, seconds=exc.retry_after)


def throttled_json(exc: Throttled, lang: str) -> JSONResponse:
    """429 for the API: bilingual message and Retry-After (sign-in and password change alike)."""
    return JSONResponse({"error": "login.throttled", "retry_after": exc.retry_after,
                         "message": throttled_message(exc, lang)},
                        status_code=429, headers={"Retry-After": str(exc.retry_after)})


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    if (signed_in := current_user(request)) is not None:
        return RedirectResponse(landing(signed_in.role, safe_next(next)), status_code=303)
    return render(request, "login.html", next=safe_next(next), errors={}, username="")


@router.post("/login", dependencies=[Depends(check_csrf)], include_in_schema=False)
def login_submit(request: Request, username: Annotated[str, Form(max_length=100)] = "",
                 password: Annotated[str, Form(max_length=200)] = "",
                 next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    lang = request_lang(request)
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = translate("val.required", lang)
    if not password:
        errors["password"] = translate("val.required", lang)
    user = None
    if not errors:
        try:
            user = log_in(request, username.strip(), password)
        except Throttled as exc:
            errors["password"] = throttled_message(exc, lang)
            response = render(request, "login.html", status_code=429, next=safe_next(next), errors=errors,
                              username=username)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if user is None:
            errors["password"] = translate("login.failed", lang)
    if user is None:
        return render(request, "login.html", status_code=400, next=safe_next(next), errors=errors,
                      username=username)
    target = landing(user.role, safe_next(next))
    if user.must_change_password:
        return RedirectResponse(PASSWORD_NEXT.format(next=target), status_code=303)
    return RedirectResponse(target, status_code=303)


# Where a sign-in without a page to return to lands: a reporter on 待办, a leader (viewer) on the risk
# dashboard, everyone else on the overview.
HOME = {"reporter": "/todo", "viewer": "/dashboard"}


def landing(role: str, target: str) -> str:
    return HOME.get(role, target) if target == "/" else target


PASSWORD_NEXT = "/account/password?next={next}"


@router.post("/logout", dependencies=[Depends(check_csrf)], include_in_schema=False)
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


# -- password change -------------------------------------------------------
def _account(session: Any, user: WebUser) -> Any:
    """The signed-in user's own account row (by name, checked against the id), or None."""
    try:
        row = find_user(session, user.username)
    except NotFound:
        return None
    return row if row.id == user.id else None


def change_password(request: Request, user: WebUser, current: str, new: str, confirm: str,
                    lang: str) -> dict[str, str]:
    """Field errors, or {} after the change: the policy applies, every session of the user ends, and this
    browser gets a new one (so an old copy of its cookie is useless too). The current password is checked
    under the sign-in throttle: a stolen session is no way to guess it (raises Throttled)."""
    errors: dict[str, str] = {}
    if new != confirm:
        errors["confirm"] = translate("password.mismatch", lang)
    with request.app.state.services.read() as s:
        row = _account(s, user)
        stored = row.password_hash if row is not None and row.active else None
    if stored is None:
        raise AuthError(401, "login.required")
    if not under_throttle(request, user.username, lambda: verify_password(current, stored) or None):
        errors["current_password"] = translate("password.current_wrong", lang)
    elif new and verify_password(new, stored):
        errors["new_password"] = translate("password.same", lang)
    if errors:
        return errors
    with request.app.state.services.write() as s:
        row = _account(s, user)
        assert row is not None
        try:
            set_password(s, row, new)  # ends every session of the user, this one included
        except FieldError as exc:
            return {"new_password": exc.zh if lang == "zh" else exc.en}
        token = start_session(s, row.id, client_address(request))
    attach_session(request, token)  # this browser continues on a new session
    return {}


def _signed_in(request: Request) -> WebUser:
    # Not require_roles: a user who must change the password has to reach this page.
    user = current_user(request)
    if user is None:
        raise AuthError(401, "login.required")
    return user


@router.get("/account/password", include_in_schema=False)
def password_page(request: Request, next: str = "/") -> Response:
    user = _signed_in(request)
    return render(request, "password.html", errors={}, next=safe_next(next), forced=user.must_change_password)


@router.post("/account/password", dependencies=[Depends(check_csrf)], include_in_schema=False)
def password_submit(request: Request, current_password: Annotated[str, Form(max_length=200)] = "",
                    new_password: Annotated[str, Form(max_length=200)] = "",
                    confirm: Annotated[str, Form(max_length=200)] = "",
                    next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    user = _signed_in(request)
    lang = request_lang(request)
    try:
        errors = change_password(request, user, current_password, new_password, confirm, lang)
    except Throttled as exc:
        response = render(request, "password.html", status_code=429, next=safe_next(next),
                          errors={"current_password": throttled_message(exc, lang)}, forced=user.must_change_password)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if errors:
        return render(request, "password.html", status_code=400, errors=errors, next=safe_next(next),
                      forced=user.must_change_password)
    return render(request, "password.html", errors={}, next=safe_next(next), forced=False, done=True)


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


@router.post("/api/password", tags=["session"], dependencies=[Depends(check_csrf)], responses={
    401: {"description": "未登录 / not signed in"},
    403: {"description": "缺少 X-CSRF-Token / missing or wrong X-CSRF-Token"},
    422: {"description": "字段错误(当前密码、新密码规则)/ field errors (current password, password policy)"},
    429: {"description": "当前密码错误次数过多 / too many wrong passwords: wait `Retry-After` seconds"}})
def api_change_password(request: Request, body: PasswordChange) -> Any:
    """修改密码 / change the signed-in user's password (also when a change is required). Every other session of
    the user ends; this one continues with a new CSRF token, returned here."""
    user = _signed_in(request)
    lang = request_lang(request)
    try:
        errors = change_password(request, user, body.current_password, body.new_password, body.new_password, lang)
    except Throttled as exc:
        return throttled_json(exc, lang)
    if errors:
        return JSONResponse({"error": "validation", "fields": errors}, status_code=422)
    return {"ok": True, "csrf_token": request.session["csrf"]}


@router.get("/lang/{lang}", include_in_schema=False)
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        if request.session:
            request.session["lang"] = lang
        # A plain cookie too, so the public portal switches without a session.
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", secure=https_enabled())
    return response
