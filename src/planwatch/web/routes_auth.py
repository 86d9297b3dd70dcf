"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from planwatch.web.i18n import LANGS, translate
from planwatch.web.security import check_csrf, current_user, sign_in, sign_out
from planwatch.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would make sign-in a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), errors={}, username="")


@router.post("/login", dependencies=[Depends(check_csrf)])
def login_submit(request: Request, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    lang = request_lang(request)
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = translate("val.required", lang)
    if not password:
        errors["password"] = translate("val.required", lang)
    user = None
    if not errors:
        user = request.app.state.services.authenticate(username.strip(), password)
        if user is None:
            errors["password"] = translate("login.failed", lang)
    if user is None:
        return render(request, "login.html", status_code=400, next=safe_next(next), errors=errors,
                      username=username)
    sign_in(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        if request.session:
            request.session["lang"] = lang
        # A plain cookie too, so the public portal switches without a session.
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response
