"""JSON API for task/project progress: the same functions and rules as the pages.

A reporter reports only on the tasks/projects its department leads; planners
approve or return; the public endpoint carries approved progress only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from planwatch.register import reporting as rp
from planwatch.register.errors import NotFound
from planwatch.web.api import (
    ERROR_RESPONSES,
    DecisionIn,
    decided,
    evidence_upload,
    submitted,
    submitted_with_file,
)
from planwatch.web.params import BodyId, BodyVersion, BodyYear, Id, ItemId, PlanId
from planwatch.web.security import Planners, Reporters, Staff, check_csrf
from planwatch.web.tasks_flow import (
    ProgressEntry,
    can_report_item,
    department_copy,
    plan_items_view,
    progress_queue,
    report_item,
)

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


def _items(request: Request, plan_id: int, public: bool) -> list[dict[str, Any]]:
    svc = request.app.state.services
    with svc.read() as s:
        try:
            rp.plan_year(s, plan_id, None)
        except NotFound as exc:
            raise HTTPException(404) from exc
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
    return submitted(request, user, report_item, entry)


@router.post("/progress/{kind}/{item_id}/evidence", tags=["tasks"], dependencies=csrf)
async def api_report_progress_with_evidence(
        request: Request, kind: str, item_id: ItemId, year: Annotated[str, Form()], state: Annotated[str, Form()],
        evidence: Annotated[UploadFile, File()], user: Reporters, percent: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "submit",
        expected_version: Annotated[str, Form()] = "") -> Any:
    """The same as POST /api/progress, as multipart with an evidence file."""
    entry = ProgressEntry(kind=kind, item_id=item_id, year=year, state=state, percent=percent, note=note,
                          action=action, expected_version=expected_version, evidence=await evidence_upload(evidence))
    return await submitted_with_file(request, user, report_item, entry)


@router.get("/progress/approvals", tags=["tasks"])
def api_progress_queue(request: Request, user: Planners) -> list[dict[str, Any]]:
    with request.app.state.services.read() as s:
        return progress_queue(s)


@router.post("/progress/{report_id}/approve", tags=["tasks"], dependencies=csrf)
def api_progress_approve(request: Request, report_id: Id, body: DecisionIn, user: Planners) -> Any:
    return decided(request, user, "progress", report_id, "approve", body)


@router.post("/progress/{report_id}/return", tags=["tasks"], dependencies=csrf)
def api_progress_return(request: Request, report_id: Id, body: DecisionIn, user: Planners) -> Any:
    return decided(request, user, "progress", report_id, "return", body)


@router.get("/public/plans/{plan_id}/tasks", tags=["public"])
def api_public_plan_tasks(request: Request, plan_id: PlanId) -> list[dict[str, Any]]:
    """A plan's tasks and projects with their latest approved progress only."""
    return _items(request, plan_id, True)
