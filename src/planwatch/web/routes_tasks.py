"""Pages for task/project progress: report (a plan's tasks page) and approve (in the approvals page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.register import reporting as rp
from planwatch.register.errors import NotFound
from planwatch.web.i18n import translate
from planwatch.web.params import Id, ItemId, PlanId, page_number, paging, parse_year
from planwatch.web.routes_reporting import _evidence
from planwatch.web.security import Planners, Reporters, Staff, WebUser, check_csrf
from planwatch.web.tasks_flow import (
    ProgressEntry,
    can_report_item,
    department_copy,
    plan_items_view,
    report_item,
)
from planwatch.web.templating import render, request_lang
from planwatch.web.workflow import FieldErrors

router = APIRouter(include_in_schema=False)
TASKS_PER_PAGE = 20  # each item is a card with its form: fewer a page than a table's rows


def render_tasks(request: Request, user: WebUser, plan_id: int, year: int | None, errors: dict[str, Any] | None = None,
                 typed: dict[str, Any] | None = None, status_code: int = 200, flash: str | None = None,
                 flash_kind: str = "ok", page: int = 1) -> Response:
    """A plan's tasks and projects, TASKS_PER_PAGE a page; a form refused shows the page that holds its item."""
    svc = request.app.state.services
    with svc.read() as s:
        try:
            plan, year = rp.plan_year(s, plan_id, year)
        except NotFound as exc:
            raise HTTPException(404) from exc
        items = department_copy(svc, user, plan_items_view(s, plan_id, public=False))
        for it in items:
            it["can_report"] = can_report_item(svc, user, it["kind"], it["id"])
            it["current"] = next((r for r in it["reports"] if r["year"] == year), None)
            cur = it["current"]
            it["comment"] = rp.last_comment(s, "progress", cur["id"]) if cur and cur["status"] == "returned" else None
    # A reporter's own items first: the ones it has to act on.
    items.sort(key=lambda it: not it["can_report"])
    for i, it in enumerate(items):
        if f"{it['kind']}-{it['id']}" in (errors or {}):
            page = i // TASKS_PER_PAGE + 1
    pages = paging(page, len(items), TASKS_PER_PAGE)
    start = (pages["page"] - 1) * TASKS_PER_PAGE
    return render(request, "plan_tasks.html", status_code=status_code, plan=plan,
                  items=items[start:start + TASKS_PER_PAGE],
                  year=year, paging=pages,
                  mine=any(it["can_report"] for it in items), errors=errors or {}, typed=typed or {},
                  flash=flash or request.query_params.get("msg_text"), flash_kind=flash_kind)


@router.get("/plans/{plan_id}/tasks")
def tasks_page(request: Request, plan_id: PlanId, user: Staff) -> Response:
    y = request.query_params.get("year", "")
    flash = None
    if request.query_params.get("msg") in ("submitted", "draft"):
        flash = translate("rep.submitted_ok" if request.query_params["msg"] == "submitted" else "rep.saved_ok",
                          request_lang(request))
    return render_tasks(request, user, plan_id, parse_year(y), flash=flash, page=page_number(request))


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
    page = text("page")
    return RedirectResponse(f"/plans/{plan_id}/tasks?msg={msg}&year={year or ''}"
                            f"{'&page=' + page if page.isdigit() else ''}#item-{kind}-{item_id}",
                            status_code=303)


@router.post("/approvals/progress/{report_id}", dependencies=[Depends(check_csrf)])
async def progress_decide(request: Request, report_id: Id, user: Planners) -> Response:
    from planwatch.web.routes_reporting import decide_form

    return await decide_form(request, user, "progress", report_id)
