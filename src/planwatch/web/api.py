"""The JSON API: the same read models and workflow as the pages, same rules.

Authentication is the session cookie from `POST /api/session`; every unsafe
call must also send the `X-CSRF-Token` header that call returned.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, TypeAdapter
from starlette.concurrency import run_in_threadpool

from planwatch.register.permissions import department_scoped
from planwatch.web import review
from planwatch.web.access import can_see
from planwatch.web.i18n import translate
from planwatch.web.params import (
    BodyId,
    BodyVersion,
    BodyYear,
    Id,
    IndicatorId,
    OptLimit,
    OptYear,
    Page,
    PlanId,
    same_plan,
)
from planwatch.web.routes_auth import throttled_json
from planwatch.web.routes_pages import restrict, visibility_key
from planwatch.web.routes_review import publish_draft, store
from planwatch.web.security import (
    AuthError,
    Planners,
    Publishers,
    Reporters,
    Staff,
    Throttled,
    WebUser,
    check_csrf,
    csrf_token,
    log_in,
    sign_out,
)
from planwatch.web.templating import request_lang
from planwatch.web.views import document_view, filter_rows, indicator_view, overview, plan_view
from planwatch.web.workflow import (
    ConflictErrors,
    Entry,
    FieldErrors,
    approval_queue,
    decide_row,
    report_value,
    visible_reporting,
)


class ErrorOut(BaseModel):
    """Every error the API answers: a key, and a message, a detail or the fields at fault."""

    error: str = Field(description="login.required, error.forbidden, error.not_found, validation, conflict, "
                                   "too_large, …")
    message: str | None = None
    detail: Any = None
    fields: list[dict[str, Any]] | dict[str, str] | None = None
    limit: int | None = None


_ERR = {"model": ErrorOut}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**_ERR, "description": "bad request"},
    401: {**_ERR, "description": "not signed in"},
    403: {**_ERR, "description": "not allowed, or the CSRF token is missing"},
    404: {**_ERR, "description": "not found"},
    409: {**_ERR, "description": "someone else wrote first: reload and retry"},
    413: {**_ERR, "description": "request body too large"},
    422: {**_ERR, "description": "invalid input, with a message per field"},
}
router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
csrf = [Depends(check_csrf)]


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class ValueIn(BaseModel):
    indicator_id: BodyId
    year: BodyYear | str
    value: float | str | None = None
    judgement: str | None = None
    source_note: str | None = None
    unit: str | None = Field(None, description="the unit the value is in; when given it must be the indicator's")
    action: str = Field("submit", description="draft | submit")
    expected_version: BodyVersion | None = Field(None, description="version last seen; omit only for a new value")


class DecisionIn(BaseModel):
    expected_version: BodyVersion
    comment: str = ""


class ReviewDecisionIn(BaseModel):
    key: str = Field(description="section/index, e.g. indicators/3")
    decision: str = Field(description="accept | reject | pending")
    edits: dict[str, str] = Field(default_factory=dict)


class PublishIn(BaseModel):
    region: str = ""
    period: str = ""  # "2026-2030", required when the document states no period


def _user_dict(u: WebUser) -> dict[str, Any]:
    return {"id": u.id, "username": u.username, "role": u.role, "department_id": u.department_id,
            "department": u.department_name, "display_name": u.display_name}


def fields_error(exc: FieldErrors) -> JSONResponse:
    """422 for bad fields; 409 when someone else wrote first (reload, then retry)."""
    if isinstance(exc, ConflictErrors):
        return JSONResponse({"error": "conflict", "fields": exc.errors}, status_code=409)
    return JSONResponse({"error": "validation", "fields": exc.errors}, status_code=422)


# -- session ---------------------------------------------------------------
@router.post("/session", tags=["session"], responses={
    401: {"description": "用户名或密码不正确 / wrong user name or password"},
    429: {"description": "登录失败次数过多 / too many failed sign-ins: wait `Retry-After` seconds"}})
def api_login(request: Request, body: Credentials) -> JSONResponse:
    """Sign in; returns the CSRF token to send as X-CSRF-Token on unsafe calls. Repeated failures answer 429
    with Retry-After; `must_change_password` users may only call POST /api/password until they do."""
    lang = request_lang(request)
    try:
        user = log_in(request, body.username, body.password)
    except Throttled as exc:
        return throttled_json(exc, lang)
    if user is None:
        return JSONResponse({"error": "login.failed", "message": translate("login.failed", lang)}, status_code=401)
    return JSONResponse({"user": _user_dict(user), "csrf_token": csrf_token(request),
                         "must_change_password": user.must_change_password})


@router.delete("/session", tags=["session"], dependencies=csrf)
def api_logout(request: Request) -> dict[str, bool]:
    sign_out(request)
    return {"ok": True}


@router.get("/me", tags=["session"])
def api_me(request: Request, user: Staff) -> dict[str, Any]:
    return {"user": _user_dict(user), "csrf_token": csrf_token(request)}


# -- staff reads -----------------------------------------------------------
@router.get("/overview", tags=["staff"])
def api_overview(request: Request, user: Staff, page: Page = 1) -> dict[str, Any]:
    """The overview: a `page` of plans (50 a page, `paging`), the register's counts by status and
    domain, and the early warnings of the plans on the page."""
    data = request.app.state.services.view(overview, page)
    if department_scoped(user):  # warnings name indicators; keep only the department's
        from planwatch.web.access import visible_ids

        ids = visible_ids(request.app.state.services, user) or frozenset()
        data = {**data, "early_warnings": [w for w in data["early_warnings"] if w.get("indicator") in ids]}
    return data


@router.get("/plans", tags=["staff"])
def api_plans(request: Request, user: Staff, page: Page = 1, limit: OptLimit = None) -> list[dict[str, Any]]:
    """Plans by id with their status counts; `limit` rows a `page` (every plan without a limit)."""
    return plan_page(request, page, limit)


def plan_page(request: Request, page: int, limit: int | None) -> list[dict[str, Any]]:
    """A page of the plans read from the register by that page (`views.overview`); every plan
    without a limit."""
    svc = request.app.state.services
    if limit is None:
        page, limit = 1, max(svc.view(overview)["plan_total"], 1)
    data = svc.view(overview, page, "", "", "", limit)
    return list(data["plans"]) if page <= data["paging"]["pages"] else []  # past the last page: none


# How FastAPI encodes a route's `dict[str, Any]` answer; a route that keeps its encoded answer uses it too.
_JSON_OBJECT = TypeAdapter(dict[str, Any])


@router.get("/plans/{plan_id}", tags=["staff"], response_model=dict[str, Any])
async def api_plan(request: Request, plan_id: PlanId, user: Staff, domain: str = "", status: str = "",
                   binding: str = "", department: str = "") -> Response:
    # The plan's read model as this user may see it, encoded once per data change, filters and what
    # decides the user's rows (as the plan page is rendered): a warm request is a cache look-up.
    svc = request.app.state.services

    def encode() -> bytes | None:
        view = svc.view(plan_view, plan_id, False, None)
        if view is None:
            return None
        view = restrict(view, request, user)
        return _JSON_OBJECT.dump_json({**view, "indicators": filter_rows(view["indicators"], domain, status,
                                                                         binding, department)})

    body = await svc.acached(("api-plan", plan_id, domain, status, binding, department, *visibility_key(user)),
                             encode)
    if body is None:
        raise HTTPException(404)
    return Response(body, media_type="application/json")


@router.get("/indicators/{indicator_id}", tags=["staff"])
def api_indicator(request: Request, indicator_id: IndicatorId, user: Staff) -> dict[str, Any]:
    svc = request.app.state.services
    if not can_see(svc, user, indicator_id):
        raise AuthError(403, "error.forbidden")
    view = svc.view(indicator_view, indicator_id, False)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    return view


@router.get("/plans/{plan_id}/document", tags=["staff"])
def api_document(request: Request, plan_id: PlanId, user: Staff) -> dict[str, Any]:
    view = request.app.state.services.view(document_view, plan_id)
    if view is None:
        raise HTTPException(404)
    from planwatch.web.access import visible_ids

    ids = visible_ids(request.app.state.services, user)
    if ids is not None:
        view = {**view, "items": [it for it in view["items"] if it["kind"] != "indicator" or it["id"] in ids]}
    return view


# -- reporting -------------------------------------------------------------
@router.get("/reporting", tags=["reporting"])
def api_reporting(request: Request, user: Reporters, year: OptYear = None) -> list[dict[str, Any]]:
    """The indicators this user reports on, each with its value for the year."""
    return visible_reporting(request.app.state.services, user, year)


@router.post("/observations", tags=["reporting"], dependencies=csrf)
def api_report(request: Request, body: ValueIn, user: Reporters) -> Any:
    """Save a draft or submit a value for the plan's region (version-checked)."""
    entry = Entry(indicator_id=body.indicator_id, year=str(body.year),
                  value="" if body.value is None else str(body.value), judgement=body.judgement or "",
                  source_note=body.source_note or "", unit=body.unit or "", action=body.action,
                  expected_version="" if body.expected_version is None else str(body.expected_version))
    return submitted(request, user, report_value, entry)


def submitted(request: Request, user: WebUser, fn: Any, entry: Any) -> Any:
    """One answer for every submission (a value or a task's/project's progress): the stored row, or
    422 / 409 with a message per field."""
    try:
        return fn(request.app.state.services, user, entry, request_lang(request), request.app.state.files_root)
    except FieldErrors as exc:
        return fields_error(exc)


@router.post("/observations/{indicator_id}/evidence", tags=["reporting"], dependencies=csrf)
async def api_report_with_evidence(request: Request, indicator_id: IndicatorId, year: Annotated[str, Form()],
                                   evidence: Annotated[UploadFile, File()], user: Reporters,
                                   value: Annotated[str, Form()] = "", judgement: Annotated[str, Form()] = "",
                                   source_note: Annotated[str, Form()] = "",
                                   action: Annotated[str, Form()] = "submit",
                                   expected_version: Annotated[str, Form()] = "") -> Any:
    """The same as POST /api/observations, as multipart with an evidence file."""
    entry = Entry(indicator_id=indicator_id, year=year, value=value, judgement=judgement, source_note=source_note,
                  action=action, expected_version=expected_version, evidence=await evidence_upload(evidence))
    return await submitted_with_file(request, user, report_value, entry)


@router.get("/approvals", tags=["reporting"])
def api_approvals(request: Request, user: Planners) -> list[dict[str, Any]]:
    with request.app.state.services.read() as s:
        return approval_queue(s)


def decided(request: Request, user: WebUser, kind: str, row_id: int, action: str, body: DecisionIn) -> Any:
    """One answer for every approve/return call (values and task/project progress)."""
    try:
        return decide_row(request.app.state.services, user, kind, row_id, action, str(body.expected_version),
                          body.comment, request_lang(request))
    except FieldErrors as exc:
        return fields_error(exc)


async def submitted_with_file(request: Request, user: WebUser, fn: Any, entry: Any) -> Any:
    """Run a multipart submission (its evidence file read, at most 11 MB) off the event loop: the
    write may wait for the register's write lock."""
    return await run_in_threadpool(submitted, request, user, fn, entry)


async def evidence_upload(evidence: UploadFile) -> tuple[str, bytes]:
    return (evidence.filename or "file", await evidence.read(11 * 1024 * 1024))


@router.post("/observations/{observation_id}/approve", tags=["reporting"], dependencies=csrf)
def api_approve(request: Request, observation_id: Id, body: DecisionIn, user: Planners) -> Any:
    return decided(request, user, "observation", observation_id, "approve", body)


@router.post("/observations/{observation_id}/return", tags=["reporting"], dependencies=csrf)
def api_return(request: Request, observation_id: Id, body: DecisionIn, user: Planners) -> Any:
    return decided(request, user, "observation", observation_id, "return", body)


# -- review ----------------------------------------------------------------
def _draft_json(d: review.Draft) -> dict[str, Any]:
    return {"id": d.id, "filename": d.data["filename"], "uploaded_at": d.data["uploaded_at"], "by": d.data["by"],
            "plan": d.extraction.get("plan"), "published": d.data["published"], "counts": review.counts(d),
            "items": [{k: it[k] for k in ("key", "section", "line", "label", "decision", "edits", "item")}
                      for it in review.items(d)]}


@router.post("/review", tags=["review"], dependencies=csrf)
async def api_review_upload(request: Request, file: Annotated[UploadFile, File()], user: Planners) -> Any:
    """Upload a plan document; returns the draft with every extracted item pending."""
    try:  # copied to disk and extracted in a worker process, off the event loop
        d = await run_in_threadpool(store(request).create, file.filename or "upload.txt", file.file, user.username)
    except review.ReviewError as exc:
        return JSONResponse({"error": "validation", "fields": {exc.field: exc.message}}, status_code=422)
    return _draft_json(d)


@router.get("/review", tags=["review"])
def api_review_list(request: Request, user: Planners) -> list[dict[str, Any]]:
    return [{k: v for k, v in _draft_json(d).items() if k != "items"} for d in store(request).list()]


@router.get("/review/{draft_id}", tags=["review"])
def api_review_get(request: Request, draft_id: str, user: Planners) -> dict[str, Any]:
    d = store(request).get(draft_id)
    if d is None:
        raise HTTPException(404)
    return _draft_json(d)


@router.get("/review/{draft_id}/audit", tags=["review"])
def api_review_audit(request: Request, draft_id: str, user: Planners,
                     against: Annotated[str | None, Query(max_length=20, description=(
                         "superior plan id, or 'none'; default: the nearest plan above the draft's region, "
                         "else the national plan"))] = None) -> dict[str, Any]:
    """The draft's audit findings, most severe first (at most 30): kind, severity, lines, message, quotes."""
    d = store(request).get(draft_id)
    if d is None:
        raise HTTPException(404)
    with request.app.state.services.read() as s:
        audit = review.audit(s, d, against)
    return {"findings": audit["findings"],
            "superior": None if audit["superior"] is None else {"plan_id": audit["superior"], "label": audit["label"]}}


@router.post("/review/{draft_id}/items", tags=["review"], dependencies=csrf)
def api_review_decide(request: Request, draft_id: str, body: ReviewDecisionIn,
                      user: Planners) -> Any:
    d = store(request).get(draft_id)
    if d is None:
        raise HTTPException(404)
    try:
        review.decide(d, body.key, body.decision, body.edits)
    except review.ReviewError as exc:
        return JSONResponse({"error": "validation", "fields": {exc.field: exc.message}}, status_code=422)
    store(request).save(d)
    return {"key": body.key, "decision": body.decision, "counts": review.counts(d)}


@router.post("/review/{draft_id}/publish", tags=["review"], dependencies=csrf)
def api_review_publish(request: Request, draft_id: str, body: PublishIn, user: Publishers) -> Any:
    d = store(request).get(draft_id)
    if d is None:
        raise HTTPException(404)
    try:
        return publish_draft(request, d, user, body.region, request_lang(request), body.period)
    except review.ReviewError as exc:
        return JSONResponse({"error": "validation", "fields": {exc.field: exc.message}}, status_code=422)


# -- public ----------------------------------------------------------------
@router.get("/public/plans", tags=["public"])
def api_public_plans(request: Request, page: Page = 1, limit: OptLimit = None) -> list[dict[str, Any]]:
    """Every plan with status counts from approved values only; `limit` rows a `page`."""
    return plan_page(request, page, limit)


@router.get("/public/plans/{plan_id}", tags=["public"])
def api_public_plan(request: Request, plan_id: PlanId) -> dict[str, Any]:
    view = request.app.state.services.view(plan_view, plan_id, True, None)
    if view is None:
        raise HTTPException(404)
    return {k: v for k, v in view.items() if k != "early_warnings"}


@router.get("/public/indicators/{indicator_id}", tags=["public"])
def api_public_indicator(request: Request, indicator_id: IndicatorId) -> dict[str, Any]:
    view = request.app.state.services.view(indicator_view, indicator_id, True)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    return view
