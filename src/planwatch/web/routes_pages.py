"""Staff console pages: overview, plan, indicator and document view."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from planwatch.web import charts, downloads
from planwatch.web.access import can_see, visible_ids
from planwatch.web.i18n import STATUS_ORDER, translate
from planwatch.web.security import AuthError, Staff, WebUser
from planwatch.web.templating import render, request_lang
from planwatch.web.views import document_view, filter_rows, indicator_view, overview, plan_view

router = APIRouter(include_in_schema=False)


def restrict(view: dict[str, Any], request: Request, user: WebUser) -> dict[str, Any]:
    """A reporter's copy of a plan view holds only its department's indicators."""
    ids = visible_ids(request.app.state.services, user)
    if ids is None:
        return view
    rows = [r for r in view["indicators"] if r["id"] in ids]
    refs = {r["ref"] for r in rows}
    return {**view, "indicators": rows,
            "early_warnings": [w for w in view["early_warnings"] if w.get("indicator_id") in refs]}


def spark(row: dict[str, Any], lang: str) -> str:
    return charts.sparkline(row["series"], target=row["target"], label=row["name"])


def trajectory_svg(view: dict[str, Any], lang: str) -> str:
    ind, ev, plan = view["indicator"], view["evaluation"], view["plan"]
    years = {v["year"] for v in view["values"] if v["simulated"]}
    proj = ev["projection"] or {}
    projection = ([(ind["target_year"], proj["value_at_target"])]
                  if proj.get("value_at_target") is not None and ind["target_kind"] == "level"
                  and (ind["series"] and ind["series"][-1][0] < ind["target_year"]) else [])
    return charts.trajectory(
        base_year=ind["baseline_year"] or plan["base_year"], target_year=ind["target_year"],
        baseline=ind["baseline"], target=ind["target"], observed=ind["series"], projection=projection,
        unit=ind["unit"] or "", simulated_years=frozenset(years),
        labels=charts.TrajectoryLabels(translate("legend.observed", lang), translate("legend.target", lang),
                                       translate("legend.schedule", lang), translate("legend.projection", lang)))


def plan_filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "") for k in ("domain", "status", "binding", "department")}


def render_plan(request: Request, view: dict[str, Any], public: bool) -> Response:
    lang = request_lang(request)
    filters = plan_filters(request)
    rows = filter_rows(view["indicators"], **filters)
    domains: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        domains.setdefault(r["domain"], []).append(r)
    all_domains = list(dict.fromkeys(r["domain"] for r in view["indicators"]))
    departments = sorted({r["lead_department"] for r in view["indicators"] if r["lead_department"]})
    sparks = {r["id"]: spark(r, lang) for r in rows}
    return render(request, "public_plan.html" if public else "plan.html", view=view, grouped=domains,
                  filters=filters, all_domains=all_domains, departments=departments,
                  statuses=[s for s in STATUS_ORDER], sparks=sparks, shown=len(rows), public=public)


@router.get("/")
def overview_page(request: Request, user: Staff) -> Response:
    data = request.app.state.services.view(overview, False)
    return render(request, "overview.html", data=data)


@router.get("/plans/{plan_id}")
def plan_page(request: Request, plan_id: int, user: Staff) -> Response:
    view = request.app.state.services.view(plan_view, plan_id, False, None)
    if view is None:
        raise HTTPException(404)
    return render_plan(request, restrict(view, request, user), public=False)


@router.get("/plans/{plan_id}/download.{fmt}")
def plan_download(request: Request, plan_id: int, fmt: str, user: Staff) -> Response:
    view = request.app.state.services.view(plan_view, plan_id, False, None)
    return download_response(request, view, fmt, restrict_to=user)


def download_response(request: Request, view: dict[str, Any] | None, fmt: str,
                      restrict_to: WebUser | None = None) -> Response:
    if view is None or fmt not in downloads.MEDIA:
        raise HTTPException(404)
    if restrict_to is not None:
        view = restrict(view, request, restrict_to)
    lang = request_lang(request)
    rows = filter_rows(view["indicators"], **plan_filters(request))
    body = downloads.render(fmt, view["plan"], rows, lang)
    name = f"plan-{view['plan']['id']}.{fmt}"
    return Response(body, media_type=downloads.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/indicators/{indicator_id}")
def indicator_page(request: Request, indicator_id: int, user: Staff) -> Response:
    svc = request.app.state.services
    if not can_see(svc, user, indicator_id):
        raise AuthError(403, "error.forbidden")
    view = svc.view(indicator_view, indicator_id, False)
    if view is None:
        raise HTTPException(404)
    return render_indicator(request, view, public=False)


def render_indicator(request: Request, view: dict[str, Any], public: bool) -> Response:
    lang = request_lang(request)
    bars = charts.ranked_bars([(r["name"], r["value"], not r["laggard"]) for r in view["subregions"]],
                              unit=view["indicator"]["unit"] or "", target=view["indicator"]["target"],
                              target_label=translate("legend.target", lang))
    return render(request, "indicator.html", view=view, chart=trajectory_svg(view, lang), bars=bars,
                  public=public)


@router.get("/plans/{plan_id}/document")
def document_page(request: Request, plan_id: int, user: Staff) -> Response:
    view = request.app.state.services.view(document_view, plan_id)
    if view is None:
        raise HTTPException(404)
    ids = visible_ids(request.app.state.services, user)
    if ids is not None:  # a reporter sees other departments' lines as plain text only
        view = {**view, "items": [it for it in view["items"] if it["kind"] != "indicator" or it["id"] in ids]}
    return render(request, "document.html", view=view)
