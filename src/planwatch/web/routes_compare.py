"""Compare pages: the scorecard (regions × metrics) with its CSV/XLSX, and one metric across
every plan. Staff see approved and submitted values; the public portal and department
reporters see approved values only (a reporter's plan pages hold only its own department's
unapproved figures, so a cross-plan table must not show others')."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from planwatch.compare import Scorecard, metric_detail
from planwatch.evaluate.status import AT_RISK as _AT_RISK
from planwatch.register.permissions import department_scoped
from planwatch.web import charts, compare_views
from planwatch.web.i18n import translate
from planwatch.web.security import Staff, WebUser
from planwatch.web.templating import render_cached, request_lang

router = APIRouter(include_in_schema=False)
MetricId = Annotated[str, Query(max_length=300)]


def _approved_only(user: WebUser | None) -> bool:
    return user is None or department_scoped(user)


def _filters(request: Request, card: Scorecard) -> dict[str, str]:
    q = request.query_params
    level, domain = q.get("level", ""), q.get("domain", "")
    return {"level": level if level in card.levels() else "",
            "domain": domain if domain in card.domains() else ""}


async def _scorecard_page(request: Request, public: bool, portal: bool) -> Response:
    svc = request.app.state.services
    card: Scorecard = await svc.aview(compare_views.scorecard, public)
    lang = request_lang(request)
    filters = _filters(request, card)
    title = translate("cmp.title", lang)

    def make() -> dict[str, Any]:
        # the scorecard read again inside the build, so the page depends on what it depends on
        fresh: Scorecard = svc.view(compare_views.scorecard, public)
        rows = fresh.select(**filters)
        return {"rows": compare_views.table(rows, lang), "columns": compare_views.COLUMNS,
                "headers": compare_views.headers(lang), "filters": filters, "levels": fresh.levels(),
                "domains": fresh.domains(), "metric_count": len({r.metric_id for r in rows}),
                "indicator_id": compare_views.indicator_id, "title": title,
                "query": urlencode({k: v for k, v in filters.items() if v})}

    key = ("compare", public, filters["level"], filters["domain"])
    return await render_cached(request, "compare.html", key, title, make, public=portal)


def _download(request: Request, public: bool, fmt: str) -> Response:
    if fmt not in compare_views.MEDIA:
        raise HTTPException(404)
    svc = request.app.state.services
    card: Scorecard = svc.view(compare_views.scorecard, public)
    lang = request_lang(request)
    rows = card.select(**_filters(request, card))
    body = compare_views.export(fmt, rows, lang, translate("cmp.title", lang))
    return Response(body, media_type=compare_views.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="scorecard.{fmt}"'})


async def _metric_page(request: Request, public: bool, portal: bool, metric_id: str) -> Response:
    svc = request.app.state.services
    card: Scorecard = await svc.aview(compare_views.scorecard, public)
    first = metric_detail(card, metric_id)
    if first is None:
        raise HTTPException(404)
    lang = request_lang(request)
    title = translate("cmp.metric_title", lang, name=first["metric"]["label"])

    def make() -> dict[str, Any]:
        card = svc.view(compare_views.scorecard, public)  # read inside the build, see _scorecard_page
        detail = metric_detail(card, metric_id) or first
        rows = card.rows_of(metric_id)
        nat = next((r for r in rows if r.level == "nation"), None)
        bars = charts.ranked_bars([(r.region, r.value, r.status not in _AT_RISK) for r in rows
                                   if r.value is not None and r.level != "nation"],
                                  unit=detail["metric"]["unit"] or "",
                                  target=nat.target_value if nat else None,
                                  target_label=translate("cmp.bench_national", lang))
        eq = detail["equalisation"]
        names = {r.region_code: r.region for r in rows}
        return {"detail": detail, "rows": compare_views.table(rows, lang), "columns": compare_views.COLUMNS,
                "headers": compare_views.headers(lang), "bars": bars, "title": title,
                "indicator_id": compare_views.indicator_id,
                "national_target": nat.target_raw if nat and nat.target_value is not None else None,
                "laggards": [names.get(c, c) for c in eq["laggards"]] if eq else []}

    return await render_cached(request, "compare_metric.html", ("compare-metric", public, metric_id), title, make,
                               public=portal)


@router.get("/compare")
async def scorecard_page(request: Request, user: Staff) -> Response:
    return await _scorecard_page(request, _approved_only(user), False)


@router.get("/compare/download.{fmt}")
def scorecard_download(request: Request, fmt: str, user: Staff) -> Response:
    return _download(request, _approved_only(user), fmt)


@router.get("/compare/metric")
async def metric_page(request: Request, user: Staff, id: MetricId = "") -> Response:
    return await _metric_page(request, _approved_only(user), False, id)


@router.get("/public/compare")
async def public_scorecard_page(request: Request) -> Response:
    return await _scorecard_page(request, True, True)


@router.get("/public/compare/download.{fmt}")
def public_scorecard_download(request: Request, fmt: str) -> Response:
    return _download(request, True, fmt)


@router.get("/public/compare/metric")
async def public_metric_page(request: Request, id: MetricId = "") -> Response:
    return await _metric_page(request, True, True, id)
