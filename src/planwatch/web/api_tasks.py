"""JSON API for task/project progress: the same functions and rules as the pages.

A reporter reports only on the tasks/projects its department leads; planners
approve or return; the public endpoint carries approved progress only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from planwatch.register import schema as db
from planwatch.web.api import ERROR_RESPONSES, fields_error
from planwatch.web.params import BodyId, BodyVersion, BodyYear, Id, ItemId, PlanId
from planwatch.web.security import Planners, Reporters, Staff, check_csrf
from planwatch.web.tasks_flow import (
    ProgressEntry,
    can_report_item,
    decide_item,
    department_copy,
    plan_items_view,
    progress_queue,
    report_item,
)
from planwatch.web.templating import request_lang
from planwatch.web.workflow import FieldErrors

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
csrf = [Depends(check_csrf)]


class ProgressIn(BaseModel):
    kind: str = Field(description="task | project")
    item_id: BodyId
    year: BodyYear | str
    state: str = Field(description="未启动 | 推进中 | 已完成 (projects also 滞后)")
    percent: float | str | None = Field(None, description="percent complete, 0–100")
    note: str | None = Field(None, description="what was done, and its source")
    action: str = Field("submit", description="draft | submit")
    expected_version: BodyVersion | None = Field(None, description="version last seen; omit only for a new report")


class ProgressDecisionIn(BaseModel):
    expected_version: BodyVersion
    comment: str = ""


def _items(request: Request, plan_id: int, public: bool) -> list[dict[str, Any]]:
    svc = request.app.state.services
    with svc.read() as s:
        if s.get(db.Plan, plan_id) is None:
            raise HTTPException(404)
    return svc.view(plan_items_view, plan_id, public)


@router.get("/plans/{plan_id}/tasks", tags=["tasks"])
def api_plan_tasks(request: Request, plan_id: PlanId, user: Staff) -> list[dict[str, Any]]:
    """A plan's tasks and projects: lead department, latest approved and latest report of any status,
    and whether this user may report on each."""
    svc = request.app.state.services
    return [{**it, "can_report": can_report_item(svc, user, it["kind"], it["id"])}
            for it in department_copy(svc, user, _items(request, plan_id, False))]


@router.post("/progress", tags=["tasks"], dependencies=csrf)
def api_report_progress(request: Request, body: ProgressIn, user: Reporters) -> Any:
    """Save a draft or submit a task's/project's progress for a year (version-checked)."""
    entry = ProgressEntry(kind=body.kind, item_id=body.item_id, year=str(body.year), state=body.state,
                          percent="" if body.percent is None else str(body.percent), note=body.note or "",
                          action=body.action,
                          expected_version="" if body.expected_version is None else str(body.expected_version))
    try:
        return report_item(request.app.state.services, user, entry, request_lang(request),
                           request.app.state.files_root)
    except FieldErrors as exc:
        return fields_error(exc)


@router.post("/progress/{kind}/{item_id}/evidence", tags=["tasks"], dependencies=csrf)
async def api_report_progress_with_evidence(
        request: Request, kind: str, item_id: ItemId, year: Annotated[str, Form()], state: Annotated[str, Form()],
        evidence: Annotated[UploadFile, File()], user: Reporters, percent: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "submit",
        expected_version: Annotated[str, Form()] = "") -> Any:
    """The same as POST /api/progress, as multipart with an evidence file."""
    content = await evidence.read(11 * 1024 * 1024)
    entry = ProgressEntry(kind=kind, item_id=item_id, year=year, state=state, percent=percent, note=note,
                          action=action, expected_version=expected_version,
                          evidence=(evidence.filename or "file", content))
    try:
        # off the event loop: the write may wait for the register's write lock
        return await run_in_threadpool(report_item, request.app.state.services, user, entry, request_lang(request),
                                       request.app.state.files_root)
    except FieldErrors as exc:
        return fields_error(exc)


@router.get("/progress/approvals", tags=["tasks"])
def api_progress_queue(request: Request, user: Planners) -> list[dict[str, Any]]:
    with request.app.state.services.read() as s:
        return progress_queue(s)


@router.post("/progress/{report_id}/approve", tags=["tasks"], dependencies=csrf)
def api_progress_approve(request: Request, report_id: Id, body: ProgressDecisionIn, user: Planners) -> Any:
    try:
        return decide_item(request.app.state.services, user, report_id, "approve", str(body.expected_version),
                           body.comment, request_lang(request))
    except FieldErrors as exc:
        return fields_error(exc)


@router.post("/progress/{report_id}/return", tags=["tasks"], dependencies=csrf)
def api_progress_return(request: Request, report_id: Id, body: ProgressDecisionIn, user: Planners) -> Any:
    try:
        return decide_item(request.app.state.services, user, report_id, "return", str(body.expected_version),
                           body.comment, request_lang(request))
    except FieldErrors as exc:
        return fields_error(exc)


@router.get("/public/plans/{plan_id}/tasks", tags=["public"])
def api_public_plan_tasks(request: Request, plan_id: PlanId) -> list[dict[str, Any]]:
    """A plan's tasks and projects with their latest approved progress only."""
    return _items(request, plan_id, True)
