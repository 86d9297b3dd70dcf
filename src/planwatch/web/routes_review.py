"""Review pages: upload a plan, check each extracted item beside its source, publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.register import metrics
from planwatch.register.errors import RegisterError
from planwatch.register.plans import import_plan, parse_period
from planwatch.web import review
from planwatch.web.i18n import translate
from planwatch.web.security import Planners, Publishers, WebUser, check_csrf
from planwatch.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)


def store(request: Request) -> review.ReviewStore:
    return review.ReviewStore(request.app.state.files_root)


def publish_draft(request: Request, draft: review.Draft, user: WebUser, region: str, lang: str,
                  period_text: str = "", preview: bool = False) -> dict[str, Any]:
    """Hand the accepted items to the register. Raises ReviewError with the field to blame.
    `preview`: change nothing and return {"preview": PlanImport}, what publishing would add, change and remove."""
    c = review.counts(draft)
    if c["pending"]:
        raise review.ReviewError("publish", (f"还有 {c['pending']} 项未审核" if lang == "zh"
                                             else f"{c['pending']} items are still pending"))
    data = review.publishable(draft)
    if not data["indicators"]:
        raise review.ReviewError("publish", translate("review.nothing_accepted", lang))
    # The document may state no period; the reviewer then gives it (no silent default).
    try:
        period = parse_period(period_text) if period_text.strip() else None
    except RegisterError as exc:
        raise review.ReviewError("period", str(exc)) from exc
    if period is None and not (data.get("plan") or {}).get("period"):
        raise review.ReviewError("period", "文档未写明规划期,请填写(如 2026-2030)/ the document states no period: "
                                           "fill it in (e.g. 2026-2030)")
    svc = request.app.state.services
    try:
        if preview:  # the same import in a transaction that is rolled back: what publishing would change
            with svc.read() as s:
                try:
                    result = import_plan(s, data, content=store(request).content(draft),
                                         filename=draft.data["filename"], region=region.strip() or None,
                                         period=period, by=user.username, reason="web review")
                finally:
                    s.rollback()
            return {"preview": result}
        with svc.write() as s:
            result = import_plan(s, data, content=store(request).content(draft), filename=draft.data["filename"],
                                 region=region.strip() or None, period=period, by=user.username,
                                 reason="web review")
    except RegisterError as exc:
        raise review.ReviewError("region", str(exc)) from exc
    draft.data["published"] = {"plan_id": result.plan_id, "by": user.username}
    draft.data["region"] = region.strip() or None
    store(request).save(draft)
    return {"plan_id": result.plan_id, "title": result.title, "created": result.created}


def _page(request: Request, draft: review.Draft, errors: dict[str, str] | None = None, status_code: int = 200,
          flash: str | None = None, flash_kind: str = "ok", diff: Any = None,
          confirm: dict[str, str] | None = None) -> Response:
    with request.app.state.services.read() as s:
        audit = review.audit(s, draft, request.query_params.get("against"))
    return render(request, "review_draft.html", status_code=status_code, draft=draft, items=review.items(draft),
                  counts=review.counts(draft), errors=errors or {}, flash=flash, flash_kind=flash_kind,
                  editable=review.EDITABLE, audit=audit, metric_matches=_metric_matches(request, draft),
                  diff=diff, confirm=confirm)


def _metric_matches(request: Request, draft: review.Draft) -> list[dict[str, Any]] | None:
    """Once published: the plan's items that share a metric with another plan, for confirm or split."""
    published = draft.data.get("published")
    if not published:
        return None
    with request.app.state.services.read() as s:
        return metrics.pending_matches(s, int(published["plan_id"]))


@router.get("/review")
def review_home(request: Request, user: Planners) -> Response:
    return render(request, "review.html", drafts=store(request).list(), errors={})


@router.post("/review", dependencies=[Depends(check_csrf)])
async def review_upload(request: Request, user: Planners) -> Response:
    form = await request.form()
    upload = form.get("file")
    lang = request_lang(request)
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(request, "review.html", status_code=400, drafts=store(request).list(),
                      errors={"file": translate("review.no_file", lang)})
    try:  # copied to disk and extracted in a worker process, off the event loop
        draft = await run_in_threadpool(store(request).create, upload.filename, upload.file, user.username)
    except review.ReviewError as exc:
        return render(request, "review.html", status_code=400, drafts=store(request).list(),
                      errors={exc.field: exc.message})
    return RedirectResponse(f"/review/{draft.id}", status_code=303)


def _draft(request: Request, draft_id: str) -> review.Draft:
    draft = store(request).get(draft_id)
    if draft is None:
        raise HTTPException(404)
    return draft


@router.get("/review/{draft_id}")
def review_draft(request: Request, draft_id: str, user: Planners) -> Response:
    return _page(request, _draft(request, draft_id))


@router.post("/review/{draft_id}/items", dependencies=[Depends(check_csrf)])
async def review_decide(request: Request, draft_id: str, user: Planners) -> Response:
    draft = _draft(request, draft_id)
    form = await request.form()
    key = str(form.get("key") or "")
    edits = {k: str(form.get(k)) for k in review.EDITABLE if form.get(k) is not None}
    try:
        review.decide(draft, key, str(form.get("decision") or ""), edits)
    except review.ReviewError as exc:
        return _page(request, draft, errors={f"{key}:{exc.field}": exc.message}, status_code=400,
                     flash=translate("error.title", request_lang(request)), flash_kind="err")
    store(request).save(draft)
    return RedirectResponse(f"/review/{draft_id}#item-{key.replace('/', '-')}", status_code=303)


@router.post("/review/{draft_id}/metrics", dependencies=[Depends(check_csrf)])
async def review_metric(request: Request, draft_id: str, user: Planners) -> Response:
    """Confirm an item's metric match, or split the item into a new metric."""
    draft = _draft(request, draft_id)
    published = draft.data.get("published")
    form = await request.form()
    raw_id, decision = str(form.get("indicator_id") or ""), str(form.get("decision") or "")
    if not published or not raw_id.isdigit() or decision not in ("confirm", "split"):
        raise HTTPException(400)
    try:
        with request.app.state.services.write() as s:
            act = metrics.confirm_metric if decision == "confirm" else metrics.split_metric
            act(s, int(raw_id), plan_id=int(published["plan_id"]), by=user.username)
    except RegisterError as exc:
        return _page(request, draft, errors={f"metric:{raw_id}": str(exc)}, status_code=400, flash=str(exc),
                     flash_kind="err")
    return RedirectResponse(f"/review/{draft_id}#metric-{raw_id}", status_code=303)


@router.post("/review/{draft_id}/accept-all", dependencies=[Depends(check_csrf)])
def review_accept_all(request: Request, draft_id: str, user: Planners) -> Response:
    draft = _draft(request, draft_id)
    review.accept_all_pending(draft)
    store(request).save(draft)
    return RedirectResponse(f"/review/{draft_id}", status_code=303)


@router.post("/review/{draft_id}/publish", dependencies=[Depends(check_csrf)])
async def review_publish(request: Request, draft_id: str, user: Publishers) -> Response:
    draft = _draft(request, draft_id)
    form = await request.form()
    lang = request_lang(request)
    region, period = str(form.get("region") or ""), str(form.get("period") or "")
    try:
        if form.get("confirm") != "1":
            # A revision of a plan in the register is shown as a diff first; a new plan is published at once.
            diff = publish_draft(request, draft, user, region, lang, period, preview=True)["preview"]
            if not diff.created:
                return _page(request, draft, diff=diff, confirm={"region": region, "period": period})
        result = publish_draft(request, draft, user, region, lang, period)
    except review.ReviewError as exc:
        return _page(request, draft, errors={exc.field: exc.message}, status_code=400,
                     flash=exc.message, flash_kind="err")
    return RedirectResponse(f"/plans/{result['plan_id']}?published=1", status_code=303)
