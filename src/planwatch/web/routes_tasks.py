"""Pages for task/project progress: report (a plan's tasks page) and approve (in the approvals page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.register import schema as db
from planwatch.web.i18n import translate
from planwatch.web.params import Id, ItemId, PlanId, parse_year
from planwatch.web.routes_reporting import _evidence
from planwatch.web.security import Planners, Reporters, Staff, WebUser, check_csrf
from planwatch.web.tasks_flow import (
    ProgressEntry,
    can_report_item,
    decide_item,
    department_copy,
    plan_items_view,
    report_item,
)
from planwatch.web.templating import render, request_lang
from planwatch.web.workflow import FieldErrors, default_year

router = APIRouter(include_in_schema=False)


def last_comment(session: Any, report_id: int) -> str | None:
    """The reason given with the latest return of a progress report."""
    from sqlalchemy import select

    for h in session.scalars(select(db.History).where(db.History.entity == "progress", db.History.entity_id ==
                                                      report_id).order_by(db.History.id.desc()).limit(20)):
        if (h.new or {}).get("status") == "returned":
            return h.reason
    return None


def render_tasks(request: Request, user: WebUser, plan_id: int, year: int | None, errors: dict[str, Any] | None = None,
                 typed: dict[str, Any] | None = None, status_code: int = 200, flash: str | None = None,
                 flash_kind: str = "ok") -> Response:
    svc = request.app.state.services
    with svc.read() as s:
        plan = s.get(db.Plan, plan_id)
        if plan is None:
            raise HTTPException(404)
        if year is None or not plan.base_year < year <= plan.period_end:
            year = default_year(plan.period_start, plan.period_end)
        items = department_copy(svc, user, plan_items_view(s, plan_id, public=False))
        for it in items:
            it["can_report"] = can_report_item(svc, user, it["kind"], it["id"])
            it["current"] = next((r for r in it["reports"] if r["year"] == year), None)
            cur = it["current"]
            it["comment"] = last_comment(s, cur["id"]) if cur and cur["status"] == "returned" else None
    # A reporter's own items first: the ones it has to act on.
    items.sort(key=lambda it: not it["can_report"])
    return render(request, "plan_tasks.html", status_code=status_code, plan=plan, items=items, year=year,
                  mine=any(it["can_report"] for it in items), errors=errors or {}, typed=typed or {},
                  flash=flash or request.query_params.get("msg_text"), flash_kind=flash_kind)


@router.get("/plans/{plan_id}/tasks")
def tasks_page(request: Request, plan_id: PlanId, user: Staff) -> Response:
    y = request.query_params.get("year", "")
    flash = None
    if request.query_params.get("msg") in ("submitted", "draft"):
        flash = translate("rep.submitted_ok" if request.query_params["msg"] == "submitted" else "rep.saved_ok",
                          request_lang(request))
    return render_tasks(request, user, plan_id, parse_year(y), flash=flash)


@router.post("/plans/{plan_id}/tasks/{kind}/{item_id}", dependencies=[Depends(check_csrf)])
async def tasks_submit(request: Request, plan_id: PlanId, kind: str, item_id: ItemId, user: Reporters) -> Response:
    form = await request.form()

    def text(name: str) -> str:
        v = form.get(name)
        return v if isinstance(v, str) else ""

    entry = ProgressEntry(kind=kind, item_id=item_id, year=text("year"), state=text("state"), percent=text("percent"),
                          note=text("note"), action=text("action") or "submit",
                          expected_version=text("expected_version"), evidence=await _evidence(form))
    lang = request_lang(request)
    year = parse_year(entry.year)
    try:
        await run_in_threadpool(report_item, request.app.state.services, user, entry, lang,
                                request.app.state.files_root)
    except FieldErrors as exc:
        key = f"{kind}-{item_id}"
        return render_tasks(request, user, plan_id, year, errors={key: exc.errors},
                            typed={key: {k: text(k) for k in ("state", "percent", "note")}}, status_code=400,
                            flash=translate("error.title", lang), flash_kind="err")
    msg = "draft" if entry.action == "draft" else "submitted"
    return RedirectResponse(f"/plans/{plan_id}/tasks?msg={msg}&year={year or ''}#item-{kind}-{item_id}",
                            status_code=303)


@router.post("/approvals/progress/{report_id}", dependencies=[Depends(check_csrf)])
async def progress_decide(request: Request, report_id: Id, user: Planners) -> Response:
    form = await request.form()
    action, version, comment = (str(form.get(k) or "") for k in ("action", "expected_version", "comment"))
    lang = request_lang(request)
    try:
        decide_item(request.app.state.services, user, report_id, action, version, comment, lang)
    except FieldErrors as exc:
        from planwatch.web.routes_reporting import render_approvals

        return render_approvals(request, status_code=400, progress_errors={report_id: exc.errors},
                                flash=translate("error.title", lang), flash_kind="err")
    return RedirectResponse("/approvals", status_code=303)
