"""Evaluation reports from the console: a planner picks the kind, the data year and the format and
downloads the same report `planwatch report` writes (report.build.build_report)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from planwatch.report.build import FORMATS, KIND_LABELS, MEDIA, build_report
from planwatch.report.cli import default_year
from planwatch.report.config import KINDS
from planwatch.report.data import sparse_data
from planwatch.web.i18n import translate
from planwatch.web.params import PlanId, parse_year
from planwatch.web.security import Planners
from planwatch.web.templating import render, request_lang
from planwatch.web.views import plan_view

router = APIRouter(include_in_schema=False)


def coverage(view: dict[str, Any], year: int) -> tuple[int, int]:
    """(indicators, of which with a counted value up to `year`) on the plan's own region."""
    rows = view["indicators"]
    return len(rows), sum(1 for r in rows if any(y <= year for y, _ in r["series"]))


def _choice(request: Request, view: dict[str, Any]) -> tuple[str, int, str]:
    q = request.query_params
    kind = q.get("kind") or "midterm"
    form = q.get("format") or "docx"
    if kind not in KINDS:
        raise HTTPException(422, f"kind: {translate('report.bad_kind', request_lang(request))} ({', '.join(KINDS)})")
    if form not in FORMATS:
        raise HTTPException(422, f"format: {translate('report.bad_format', request_lang(request))} "
                                 f"({', '.join(FORMATS)})")
    period = tuple(view["plan"]["period"])
    year = parse_year(q.get("year")) if q.get("year") else default_year(kind, period)  # type: ignore[arg-type]
    if year is None or not period[0] - 1 <= year <= period[1]:
        raise HTTPException(422, f"year: {translate('report.bad_year', request_lang(request), start=period[0] - 1, end=period[1])}")
    return kind, year, form


@router.get("/plans/{plan_id}/report")
def report_page(request: Request, plan_id: PlanId, user: Planners) -> Response:
    svc = request.app.state.services
    view = svc.view(plan_view, plan_id, False, None)
    if view is None:
        raise HTTPException(404)
    kind, year, form = _choice(request, view)
    period = view["plan"]["period"]
    years = []
    for y in range(period[0], period[1] + 1):
        n, k = coverage(view, y)
        years.append({"year": y, "indicators": n, "with_data": k, "sparse": sparse_data(n, k)})
    chosen = next((y for y in years if y["year"] == year), None)
    return render(request, "report.html", plan=view["plan"], kinds=[(k, KIND_LABELS[k]) for k in KINDS],
                  formats=FORMATS, years=years, kind=kind, year=year, form=form, chosen=chosen,
                  defaults={k: default_year(k, tuple(period)) for k in KINDS})  # type: ignore[arg-type]


@router.get("/plans/{plan_id}/report/download")
def report_download(request: Request, plan_id: PlanId, user: Planners) -> Response:
    from planwatch.register.errors import RegisterError
    from planwatch.report.charts import FontMissing

    svc = request.app.state.services
    view = svc.view(plan_view, plan_id, False, None)
    if view is None:
        raise HTTPException(404)
    kind, year, form = _choice(request, view)
    try:
        with svc.read() as session:
            built = build_report(session, plan_id, kind, year, form)  # type: ignore[arg-type]
    except RegisterError as exc:
        raise HTTPException(404, str(exc)) from exc
    except FontMissing as exc:
        raise HTTPException(503, str(exc)) from exc
    return Response(built.payload, media_type=MEDIA[form],
                    headers={"Content-Disposition": f'attachment; filename="{built.filename}"',
                             "X-Report-Coverage": f"{built.with_data}/{built.indicators}"})
