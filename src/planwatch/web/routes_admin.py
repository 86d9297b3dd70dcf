"""Administration pages: accounts (/admin/users), departments (/admin/departments), the audit log
(/admin/audit, with .csv/.xlsx exports) and bulk lead assignment from a plan (/plans/{id}/assign).

Every read and write goes through register functions; every write is audited by the register in the
transaction that makes it, naming the signed-in user.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from planwatch.register import auditlog
from planwatch.register.departments import (
    assign_lead,
    assignment_sheet,
    create_department,
    get_department,
    list_departments,
    rename_department,
)
from planwatch.register.errors import FieldError, NotFound, RegisterError
from planwatch.register.regions import region_names
from planwatch.register.users import (
    ROLES,
    add_user,
    display_names,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
)
from planwatch.web import formatting
from planwatch.web.audit_text import KINDS, action_label, export, kind_label, readable, region_codes
from planwatch.web.formatting import office_zone
from planwatch.web.i18n import translate
from planwatch.web.params import Id, paging, parse_int
from planwatch.web.security import Administrators, Planners, check_csrf
from planwatch.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)

# Who may administer accounts, departments and read the audit log: `Administrators`, the roles that
# may "administer" in register/permissions.py.


PAGE_SIZE = 50
EXPORT_CAP = 100_000
FLASH_KEYS = frozenset({"created", "disabled", "enabled", "reset", "role", "renamed", "assigned"})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() if k not in ("password", "confirm") else v for k, v in form.items() if isinstance(v, str)}


def _message(exc: RegisterError, lang: str) -> str:
    if isinstance(exc, FieldError):
        return exc.zh if lang == "zh" else exc.en
    return formatting.bilingual(str(exc), lang)


def _flash(request: Request) -> str | None:
    msg = request.query_params.get("msg")
    return translate(f"admin.msg.{msg}", request_lang(request)) if msg in FLASH_KEYS else None


# -- accounts --------------------------------------------------------------------------------------------------


def _users_page(request: Request, *, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
                row_errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    svc = request.app.state.services
    with svc.read() as s:
        users = list_users(s)
        departments = list_departments(s)
    lang = request_lang(request)
    return render(request, "admin_users.html", status_code=status_code, users=users, departments=departments,
                  roles=ROLES, errors=errors or {}, typed=typed or {}, row_errors=row_errors or {},
                  flash=_flash(request) if status_code == 200 else translate("error.title", lang),
                  flash_kind="ok" if status_code == 200 else "err")


@router.get("/admin")
def admin_home(user: Administrators) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
def users_page(request: Request, user: Administrators) -> Response:
    return _users_page(request)


def _department_of(s: Any, text: str) -> Any:
    dept_id = parse_int(text, 1)
    if not text:
        return None
    if dept_id is None:
        raise FieldError("department", "请选择部门", "choose a department")
    try:
        return get_department(s, dept_id)
    except NotFound as exc:
        raise FieldError("department", "部门不存在", "no such department") from exc


@router.post("/admin/users", dependencies=[Depends(check_csrf)])
async def users_create(request: Request, user: Administrators) -> Response:
    f = await _form(request)
    lang = request_lang(request)
    if f.get("password", "") != f.get("confirm", ""):
        return _users_page(request, errors={"confirm": translate("password.mismatch", lang)}, typed=f,
                           status_code=400)
    try:
        with request.app.state.services.write() as s:
            add_user(s, f.get("username", ""), f.get("password", ""), f.get("role", ""),
                     department=_department_of(s, f.get("department", "")),
                     display_name=f.get("display_name") or None, temporary=True, by=user.username)
    except FieldError as exc:
        return _users_page(request, errors={exc.field: _message(exc, lang)}, typed=f, status_code=400)
    return RedirectResponse("/admin/users?msg=created", status_code=303)


@router.post("/admin/users/{user_id}/{what}", dependencies=[Depends(check_csrf)])
async def users_change(request: Request, user_id: Id, what: str, user: Administrators) -> Response:
    if what not in ("disable", "enable", "reset", "role"):
        raise HTTPException(404)
    f = await _form(request)
    lang = request_lang(request)
    try:
        with request.app.state.services.write() as s:
            target = get_user(s, user_id)
            if what in ("disable", "enable"):
                set_active(s, target, what == "enable", by=user.username)
            elif what == "reset":
                set_password(s, target, f.get("password", ""), temporary=True, by=user.username)
            else:
                dept = _department_of(s, f.get("department", ""))
                if target.id == user.id and f.get("role") != target.role:
                    raise FieldError("role", "不能修改自己的角色", "you cannot change your own role")
                set_role(s, target, f.get("role", ""), dept, by=user.username)
    except NotFound as exc:
        raise HTTPException(404) from exc
    except RegisterError as exc:
        return _users_page(request, row_errors={user_id: _message(exc, lang)}, status_code=400)
    msg = {"disable": "disabled", "enable": "enabled", "reset": "reset", "role": "role"}[what]
    return RedirectResponse(f"/admin/users?msg={msg}#user-{user_id}", status_code=303)


# -- departments -----------------------------------------------------------------------------------------------


def _departments_page(request: Request, *, errors: dict[str, str] | None = None,
                      typed: dict[str, str] | None = None, row_errors: dict[int, str] | None = None,
                      status_code: int = 200) -> Response:
    with request.app.state.services.read() as s:
        departments = list_departments(s)
    lang = request_lang(request)
    return render(request, "admin_departments.html", status_code=status_code, departments=departments,
                  errors=errors or {}, typed=typed or {}, row_errors=row_errors or {},
                  flash=_flash(request) if status_code == 200 else translate("error.title", lang),
                  flash_kind="ok" if status_code == 200 else "err")


@router.get("/admin/departments")
def departments_page(request: Request, user: Administrators) -> Response:
    return _departments_page(request)


@router.post("/admin/departments", dependencies=[Depends(check_csrf)])
async def departments_create(request: Request, user: Administrators) -> Response:
    f = await _form(request)
    try:
        with request.app.state.services.write() as s:
            create_department(s, f.get("name", ""), f.get("region") or None, by=user.username)
    except FieldError as exc:
        return _departments_page(request, errors={exc.field: _message(exc, request_lang(request))}, typed=f,
                                 status_code=400)
    return RedirectResponse("/admin/departments?msg=created", status_code=303)


@router.post("/admin/departments/{department_id}/rename", dependencies=[Depends(check_csrf)])
async def departments_rename(request: Request, department_id: Id, user: Administrators) -> Response:
    f = await _form(request)
    try:
        with request.app.state.services.write() as s:
            rename_department(s, department_id, f.get("name", ""), by=user.username)
    except NotFound as exc:
        raise HTTPException(404) from exc
    except FieldError as exc:
        return _departments_page(request, row_errors={department_id: _message(exc, request_lang(request))},
                                 status_code=400)
    return RedirectResponse(f"/admin/departments?msg=renamed#dept-{department_id}", status_code=303)


# -- bulk lead assignment from a plan --------------------------------------------------------------------------


def _assign_page(request: Request, plan_id: int, *, error: str | None = None, status_code: int = 200) -> Response:
    try:
        with request.app.state.services.read() as s:
            sheet = assignment_sheet(s, plan_id)
    except NotFound as exc:
        raise HTTPException(404) from exc
    lang = request_lang(request)
    return render(request, "plan_assign.html", status_code=status_code, sheet=sheet, error=error,
                  flash=_flash(request) if status_code == 200 else translate("error.title", lang),
                  flash_kind="ok" if status_code == 200 else "err")


@router.get("/plans/{plan_id}/assign")
def assign_page(request: Request, plan_id: Id, user: Planners) -> Response:
    return _assign_page(request, plan_id)


@router.post("/plans/{plan_id}/assign", dependencies=[Depends(check_csrf)])
async def assign_submit(request: Request, plan_id: Id, user: Planners) -> Response:
    form = await request.form()
    lang = request_lang(request)
    indicators: list[int] = []
    items: list[tuple[str, int]] = []
    for value in form.getlist("row"):
        kind, _, raw = str(value).partition(":")
        n = parse_int(raw, 1)
        if n is None or kind not in ("indicator", "task", "project"):
            return _assign_page(request, plan_id, error=translate("assign.bad_row", lang), status_code=400)
        if kind == "indicator":
            indicators.append(n)
        else:
            items.append((kind, n))
    dept_id = parse_int(str(form.get("department") or ""), 1)
    if dept_id is None:
        return _assign_page(request, plan_id, error=translate("assign.no_department", lang), status_code=400)
    try:
        with request.app.state.services.write() as s:
            count = assign_lead(s, plan_id, dept_id, indicators, items, by=user.username)
    except NotFound as exc:
        if "plan" in str(exc):
            raise HTTPException(404) from exc
        return _assign_page(request, plan_id, error=translate("assign.no_department", lang), status_code=400)
    except FieldError as exc:
        return _assign_page(request, plan_id, error=_message(exc, lang), status_code=400)
    return RedirectResponse(f"/plans/{plan_id}/assign?msg=assigned&n={count}", status_code=303)


# -- audit log -------------------------------------------------------------------------------------------------


def _day(text: str | None) -> datetime | None:
    try:
        # a day of the office's calendar, as the log prints its times (web.formatting.when)
        return datetime.strptime((text or "").strip(), "%Y-%m-%d").replace(tzinfo=office_zone()).astimezone(UTC) \
            if text else None
    except ValueError:
        return None


def audit_filter(request: Request) -> tuple[auditlog.Filter, dict[str, str]]:
    """The page's filter from its query: who, action, target kind and id, from–to dates (the office's days,
    inclusive).
    Unreadable values are ignored (and shown empty)."""
    q = request.query_params
    typed = {k: q.get(k, "").strip()[:100] for k in ("actor", "action", "kind", "target", "from", "to")}
    if typed["kind"] not in KINDS:
        typed["kind"] = ""
    target = parse_int(typed["target"], 1)
    if target is None:
        typed["target"] = ""
    since, until = _day(typed["from"]), _day(typed["to"])
    typed["from"] = typed["from"] if since else ""
    typed["to"] = typed["to"] if until else ""
    f = auditlog.Filter(actor=typed["actor"] or None, action=typed["action"] or None,
                        target_kind=typed["kind"] or None, target_id=target, since=since,
                        until=until + timedelta(days=1) if until else None)
    return f, typed


@router.get("/admin/audit")
def audit_page(request: Request, user: Administrators) -> Response:
    f, typed = audit_filter(request)
    page = parse_int(request.query_params.get("page"), 1, 1_000_000) or 1
    lang = request_lang(request)
    with request.app.state.services.read() as s:
        rows, total = auditlog.search(s, f, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        names = auditlog.target_labels(s, rows)
        places = region_names(s, region_codes(rows))
        people = display_names(s, (r["actor"] for r in rows))
        actors, actions = auditlog.actors(s), auditlog.actions(s)
    pages = paging(page, total, PAGE_SIZE)["pages"]
    query = {k: v for k, v in typed.items() if v}
    return render(request, "admin_audit.html", rows=readable(rows, names, lang, places, people), total=total, page=page,
                  pages=pages, typed=typed, actors=actors, actions=actions, kinds=KINDS,
                  action_label=lambda a: action_label(a, lang), kind_label=lambda k: kind_label(k, lang),
                  query=urlencode(query), page_url=lambda n: "/admin/audit?" + urlencode({**query, "page": n}))


@router.get("/admin/audit.{fmt}")
def audit_export(request: Request, fmt: str, user: Administrators) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404)
    f, _ = audit_filter(request)
    lang = request_lang(request)
    with request.app.state.services.read() as s:
        rows = list(auditlog.each(s, f, cap=EXPORT_CAP))
        names = auditlog.target_labels(s, rows)
        places = region_names(s, region_codes(rows))
        people = display_names(s, (r["actor"] for r in rows))
    from planwatch.web.downloads import MEDIA

    body = export(fmt, readable(rows, names, lang, places, people), lang)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(body, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.{fmt}"'})
