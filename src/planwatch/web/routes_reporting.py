"""Reporting pages: a department enters its values; planners approve or return them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.exchange.importer import CHOICE_COLUMNS
from planwatch.register import reporting as rp
from planwatch.register.errors import NotFound
from planwatch.web.i18n import translate
from planwatch.web.params import Id, IndicatorId, page_number, paging, parse_year
from planwatch.web.security import AuthError, Planners, Reporters, Staff, WebUser, check_csrf, current_user
from planwatch.web.templating import render, request_lang
from planwatch.web.workflow import (
    Entry,
    FieldErrors,
    approval_page,
    decide_row,
    decide_rows,
    download_template,
    import_spreadsheet,
    keep_mine,
    may_approve,
    report_value,
    reporting_groups,
    template_choices,
)

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files_root(request: Request) -> Path:
    return request.app.state.files_root


def _year(request: Request) -> int | None:
    return parse_year(request.query_params.get("year"))


def kept(year: int | None, page: int) -> str:
    """The page's filter (year, page) as a query string, carried by its forms through a submission, an
    upload and the conflict choices, so the page comes back as the user left it."""
    q = {k: v for k, v in (("year", year), ("page", page if page > 1 else None)) if v}
    return "?" + urlencode(q) if q else ""


def render_reporting(request: Request, user: WebUser, year: int | None, errors: dict[int, dict[str, str]] | None = None,
                     typed: dict[int, dict[str, str]] | None = None, status_code: int = 200,
                     flash: str | None = None, flash_kind: str = "ok", upload_error: str | None = None,
                     imported: dict[str, Any] | None = None) -> Response:
    services = request.app.state.services
    focus = next(iter(errors or typed or {}), None)
    grouped = reporting_groups(services, user, year, page_number(request), PER_PAGE, focus)
    rows = [r for g in grouped["groups"] for r in g["rows"]]
    return render(request, "reporting.html", status_code=status_code, rows=rows, groups=grouped["groups"],
                  keep=kept(year, grouped["paging"]["page"]),
                  paging=grouped["paging"], departments=grouped["departments"], errors=errors or {},
                  upload_error=upload_error, templates=template_choices(services, user), imported=imported,
                  typed=typed or {}, year=year, flash=flash or request.query_params.get("msg_text"),
                  flash_kind=flash_kind)


@router.get("/reporting/template/{plan_id}")
def reporting_template(request: Request, plan_id: Id, user: Reporters) -> Response:
    """The department's reporting form (.xlsx) for an open round: a reporter gets its own department's,
    staff name the department (`?department=`)."""
    department = request.query_params.get("department")
    dept_id = int(department) if department and department.isdigit() else None
    name, content = download_template(request.app.state.services, user, plan_id, _year(request), dept_id)
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": content_disposition(name, False), "Cache-Control": "private, no-store"})


@router.get("/reporting")
def reporting_page(request: Request, user: Reporters) -> Response:
    flash = None
    msg = request.query_params.get("msg")
    if msg in ("submitted", "draft"):
        flash = translate("rep.submitted_ok" if msg == "submitted" else "rep.saved_ok", request_lang(request))
    return render_reporting(request, user, _year(request), flash=flash)


async def _evidence(form: Any) -> tuple[str, bytes] | None:
    upload = form.get("evidence")
    if isinstance(upload, str) or upload is None or not getattr(upload, "filename", ""):
        return None
    content = await upload.read(MAX_UPLOAD + 1)
    return (upload.filename, content)


@router.post("/reporting/{indicator_id}", dependencies=[Depends(check_csrf)])
async def reporting_submit(request: Request, indicator_id: IndicatorId, user: Reporters) -> Response:
    form = await request.form()

    def text(name: str) -> str:
        v = form.get(name)
        return v if isinstance(v, str) else ""

    entry = Entry(indicator_id=indicator_id, year=text("year"), value=text("value"), judgement=text("judgement"),
                  source_note=text("source_note"), action=text("action") or "submit",
                  expected_version=text("expected_version"), evidence=await _evidence(form))
    lang = request_lang(request)
    year = _year(request) or parse_year(entry.year)  # the page's filter, else the row's year
    try:
        await run_in_threadpool(report_value, request.app.state.services, user, entry, lang, files_root(request))
    except FieldErrors as exc:
        typed = {indicator_id: {k: text(k) for k in ("value", "judgement", "source_note")}}
        return render_reporting(request, user, year, errors={indicator_id: exc.errors}, typed=typed,
                                status_code=400, flash=translate("error.title", lang), flash_kind="err")
    msg = "draft" if entry.action == "draft" else "submitted"
    suffix = f"&year={year}" if year else ""
    page = request.query_params.get("page") or text("page")
    suffix += f"&page={page}" if page.isdigit() else ""
    return RedirectResponse(f"/reporting?msg={msg}{suffix}#ind-{indicator_id}", status_code=303)


@router.post("/reporting-upload", dependencies=[Depends(check_csrf)])
async def reporting_upload(request: Request, user: Reporters) -> Response:
    form = await request.form()
    upload = form.get("file")
    lang = request_lang(request)
    try:
        if upload is None or isinstance(upload, str) or not upload.filename:
            raise FieldErrors({"file": translate("review.no_file", lang)})
        content = await upload.read(MAX_UPLOAD + 1)
        result = await run_in_threadpool(import_spreadsheet, request.app.state.services, user, upload.filename,
                                         content, files_root(request), lang)
    except FieldErrors as exc:
        return render_reporting(request, user, _year(request), upload_error=exc.errors.get("file"),
                                status_code=400, flash=translate("error.title", lang), flash_kind="err")
    return _imported(request, user, result, lang)


def _imported(request: Request, user: WebUser, result: dict[str, Any], lang: str) -> Response:
    """The reporting page with an import's outcome: the counts, the rows refused, the conflicts to choose."""
    done = result["inserted"] + result["updated"]
    left = len(result["problems"]) + len(result["conflicts"])
    text = (f"已导入 {done} 条,未变 {result['unchanged']} 条" if lang == "zh"
            else f"Imported {done} values, {result['unchanged']} unchanged")
    if left:
        text += (f";{left} 行未导入,见下方列表" if lang == "zh" else f"; {left} rows not imported, listed below")
    return render_reporting(request, user, _year(request), flash=text, flash_kind="warn" if left else "ok",
                            imported=result)


MAX_CHOICES = 1000


@router.post("/reporting-upload/conflicts", dependencies=[Depends(check_csrf)])
async def reporting_conflicts(request: Request, user: Reporters) -> Response:
    """The reporter's choice for each conflicting row: keep "mine" (written at the current version shown)
    or "current" (the row is discarded)."""
    form = await request.form()
    lang = request_lang(request)

    def text(name: str) -> str:
        v = form.get(name)
        return v.strip() if isinstance(v, str) else ""

    count = text("count")
    n = int(count) if count.isdigit() else 0
    mine: list[tuple[int, dict[str, Any]]] = []
    kept_current = 0
    for i in range(min(n, MAX_CHOICES)):
        choice = text(f"choice-{i}")
        if choice == "current":
            kept_current += 1
        elif choice == "mine":
            row = text(f"row-{i}")
            mine.append((int(row) if row.isdigit() else i + 1,
                         {k: text(f"{k}-{i}") or None for k in CHOICE_COLUMNS}))
    filename = text("file") or "form.xlsx"
    try:
        result = await run_in_threadpool(keep_mine, request.app.state.services, user, filename, mine, lang)
    except FieldErrors as exc:
        return render_reporting(request, user, _year(request), upload_error=exc.errors.get("file"),
                                status_code=400, flash=translate("error.title", lang), flash_kind="err")
    result["kept_current"] = kept_current
    return _imported(request, user, result, lang)


PER_PAGE = 50


def render_approvals(request: Request, status_code: int = 200, **ctx: Any) -> Response:
    """Values and task/project progress waiting for approval, on one page: each value with its context
    (last year's approved value, the change, target and milestone, outlier flags), 50 a page."""
    from planwatch.web.tasks_flow import progress_queue

    page = page_number(request)
    with request.app.state.services.read() as s:
        queue, total = approval_page(s, page, PER_PAGE)
        if not queue and total and page > 1:
            page = paging(page, total, PER_PAGE)["pages"]
            queue, total = approval_page(s, page, PER_PAGE)
        progress = progress_queue(s)
    user = current_user(request)
    ctx = {"errors": {}, "typed": {}, "progress_errors": {}, "bulk": None, **ctx}
    return render(request, "approvals.html", status_code=status_code, queue=queue, progress=progress,
                  paging=paging(page, total, PER_PAGE),
                  may_approve=lambda q: user is not None and may_approve(user, q["reporter_id"]), **ctx)


@router.get("/approvals")
def approvals_page(request: Request, user: Planners) -> Response:
    return render_approvals(request)


MAX_BULK = 500


@router.post("/approvals-bulk", dependencies=[Depends(check_csrf)])
async def approvals_bulk(request: Request, user: Planners) -> Response:
    """Approve the selected values or all listed, or return the selected with a comment. Each `row`
    is "id:version" as the approver saw it."""
    form = await request.form()
    lang = request_lang(request)
    action = str(form.get("action") or "")
    comment = str(form.get("comment") or "")
    field = "all" if action == "approve_all" else "row"
    rows: list[tuple[int, str]] = []
    for v in form.getlist(field)[:MAX_BULK]:
        row_id, _, version = str(v).partition(":")
        if row_id.isdigit():
            rows.append((int(row_id), version))
    if not rows:
        return render_approvals(request, status_code=400, flash=translate("appr.none_selected", lang),
                                flash_kind="err")
    try:
        result = await run_in_threadpool(decide_rows, request.app.state.services, user, "observation", rows,
                                         "approve" if action == "approve_all" else action, comment, lang)
    except FieldErrors as exc:
        return render_approvals(request, status_code=400, flash=translate("error.title", lang), flash_kind="err",
                                bulk={"errors": exc.errors, "comment": comment})
    n = len(result["decided"])
    text = translate("appr.done", lang, approved=n if result["action"] == "approve" else 0,
                     returned=n if result["action"] == "return" else 0)
    if result["skipped"]:
        text += " · " + translate("appr.skipped", lang, n=len(result["skipped"]))
    return render_approvals(request, flash=text, flash_kind="warn" if result["skipped"] else "ok",
                            bulk={"skipped": result["skipped"]})


@router.post("/approvals/{observation_id}", dependencies=[Depends(check_csrf)])
async def approvals_decide(request: Request, observation_id: Id, user: Planners) -> Response:
    return await decide_form(request, user, "observation", observation_id)


async def decide_form(request: Request, user: WebUser, kind: str, row_id: int) -> Response:
    """The approvals page's approve/return form, for a value ("observation") or a progress report."""
    form = await request.form()
    action, version, comment = (str(form.get(k) or "") for k in ("action", "expected_version", "comment"))
    lang = request_lang(request)
    try:
        decide_row(request.app.state.services, user, kind, row_id, action, version, comment, lang)
    except FieldErrors as exc:
        errors = {"errors": {row_id: exc.errors}, "typed": {row_id: {"comment": comment}}} if kind == "observation" \
            else {"progress_errors": {row_id: exc.errors}}
        return render_approvals(request, status_code=400, flash=translate("error.title", lang), flash_kind="err",
                                **errors)
    return RedirectResponse("/approvals", status_code=303)


def content_disposition(name: str, inline: bool) -> str:
    """RFC 6266/5987: an ASCII fallback name and the real (UTF-8) name; never a path, never a quote."""
    fallback = re.sub(r'[^A-Za-z0-9._-]+', "_", name).strip("._") or "evidence"
    suffix = Path(name).suffix
    if suffix and not fallback.endswith(suffix) and re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
        fallback = f"evidence{suffix}"
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/evidence/{kind}/{row_id}")
def evidence_file(request: Request, kind: str, row_id: Id, user: Staff) -> Response:
    """An observation's or a progress report's evidence, by the row's id, under the value's rule
    (`register.reporting.evidence_for`): 404 for anyone who may not see it, or when there is no file."""
    try:
        with request.app.state.services.read() as s:
            found = rp.evidence_for(s, user, files_root(request), kind, row_id)
    except NotFound as exc:
        raise AuthError(404, "error.not_found") from exc
    return FileResponse(found.path, media_type=found.content_type, headers={
        "Content-Disposition": content_disposition(found.name, found.inline),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })
