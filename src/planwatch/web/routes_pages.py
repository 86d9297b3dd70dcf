"""Staff console pages: overview, plan, indicator and document view."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.evaluate import kinds
from planwatch.register.permissions import department_scoped
from planwatch.web import charts, downloads
from planwatch.web.access import can_see, visible_ids
from planwatch.web.data import Services
from planwatch.web.i18n import STATUS_ORDER, status_label, translate
from planwatch.web.params import IndicatorId, PlanId, page_number, parse_year, same_plan
from planwatch.web.security import AuthError, Staff, WebUser
from planwatch.web.templating import render, render_cached, request_lang
from planwatch.web.views import (
    document_view,
    filter_rows,
    indicator_view,
    is_reported,
    overview,
    plan_choices,
    plan_view,
    warning_board,
)

router = APIRouter(include_in_schema=False)
FOLD_AFTER = 20  # a plan page listing more rows than this folds its 未报送 rows

# viewBox width of the portal's charts: their 11-12 px text stays about 10 px on a 375 px phone
PUBLIC_CHART_WIDTH = 360


def restrict(view: dict[str, Any], request: Request, user: WebUser) -> dict[str, Any]:
    """A reporter's copy of a plan view holds only its department's indicators, and other departments'
    tasks and projects with approved progress only."""
    from planwatch.web.tasks_flow import department_copy

    svc = request.app.state.services
    ids = visible_ids(svc, user)
    if ids is None:
        return view
    rows = [r for r in view["indicators"] if r["id"] in ids]
    refs = {r["ref"] for r in rows}
    return {**view, "indicators": rows,
            "early_warnings": [w for w in view["early_warnings"] if w.get("indicator_id") in refs],
            "tasks": department_copy(svc, user, view.get("tasks", [])),
            "projects": department_copy(svc, user, view.get("projects", []))}


def spark(row: dict[str, Any], lang: str) -> str:
    """The row's values as a sparkline from its baseline (when the series does not hold the base year),
    with the target line: one reported value then still shows a direction."""
    points = list(row["series"])
    base, year = row.get("baseline"), row.get("baseline_year")
    if points and base is not None and year is not None and year < points[0][0]:
        points.insert(0, (year, base))
    return charts.sparkline(points, target=row["target_line"], label=row["name"])


def domain_donuts(rows: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """One status ring per domain (of every indicator the viewer may see, whatever the filters)."""
    by_domain: dict[str, Counter[str]] = {}
    for r in rows:
        by_domain.setdefault(r["domain"], Counter())[r["status"]] += 1
    out = {}
    for domain, c in by_domain.items():
        segs = [(status_label(code, lang)[1], status_label(code, lang)[0], c[code]) for code in STATUS_ORDER if c[code]]
        out[domain] = charts.donut(segs, label=domain)
    return out


def trajectory_svg(view: dict[str, Any], lang: str, references: list[tuple[str, float]] | None = None,
                   width: int = 640) -> str:
    ind, ev, plan = view["indicator"], view["evaluation"], view["plan"]
    years = {v["year"] for v in view["values"] if v["simulated"]}
    proj = ev["projection"] or {}
    projection = ([(ind["target_year"], proj["value_at_target"])]
                  if proj.get("value_at_target") is not None and kinds.get(ind["method"]).level_target
                  and (ind["series"] and ind["series"][-1][0] < ind["target_year"]) else [])
    return charts.trajectory(
        base_year=ind["baseline_year"] or plan["base_year"], target_year=ind["target_year"],
        baseline=ind["baseline"], target=ind["target_line"], observed=ind["series"], projection=projection,
        unit=ind["unit"] or "", simulated_years=frozenset(years), references=references or (), width=width,
        labels=charts.TrajectoryLabels(translate("legend.observed", lang), translate("legend.target", lang),
                                       translate("legend.schedule", lang), translate("legend.projection", lang),
                                       translate("word.simulated", lang)))


def plan_filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "") for k in ("domain", "status", "binding", "department")}


def visibility_key(user: WebUser | None) -> tuple[Any, ...]:
    """What, besides the data, decides which rows a user's copy of a page holds."""
    if user is None or not department_scoped(user):
        return ("all",)
    return ("dept", user.department_id)


def _status_counts(groups: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, int]]:
    """Status counts per domain of one section (主要指标 or 其他量化目标), in display order."""
    out = {}
    for d, rows in groups.items():
        c = Counter(r["status"] for r in rows)
        out[d] = {k: c[k] for k in STATUS_ORDER if c.get(k)}
    return out


def benchmark_columns(request: Request, rows: list[dict[str, Any]], plan_id: int) -> dict[str, Any]:
    """The national and superior plans' targets for the plan's items (compare), and which of the two
    columns the page needs."""
    from planwatch.web.compare_views import plan_benchmark_targets

    every = request.app.state.services.view(plan_benchmark_targets, plan_id)
    own = {r["ref"]: every[r["ref"]] for r in rows if r["ref"] in every}
    return {"benchmarks": own, "bench_national": any(b["national"] for b in own.values()),
            "bench_superior": any(b["superior"] for b in own.values())}


def reference_lines(request: Request, row: dict[str, Any], lang: str, plan_id: int) -> list[tuple[str, float]]:
    """The national and superior plans' targets on the same metric, for a level target's chart
    (a cumulative or yearly-rate target is not drawn on the same scale)."""
    if not kinds.get(row.get("target_kind") or "level").level_target:
        return []
    b = benchmark_columns(request, [row], plan_id)["benchmarks"].get(row["ref"])
    if b is None:
        return []
    out = []
    for side, key in (("national", "cmp.bench_national"), ("superior", "cmp.bench_superior")):
        t = b[side]
        if t and t["target_value"] is not None:
            label = translate(key, lang) + (f"({t['region']})" if side == "superior" else "")
            out.append((f"{label} {t['target_raw']}", t["target_value"]))
    return out


def as_of_year(request: Request, period: list[int] | tuple[int, int]) -> int | None:
    """?as_of=YEAR: the plan as it stood at the end of a year of its period (the mid-term view);
    anything else is the current view (None)."""
    y = parse_year(request.query_params.get("as_of"))
    return y if y is not None and period[0] <= y <= period[1] else None


async def render_plan(request: Request, view: dict[str, Any], public: bool, user: WebUser | None = None) -> Response:
    plan_id = view["plan"]["id"]
    year = as_of_year(request, view["plan"]["period"])

    def make() -> dict[str, Any]:
        # Read again inside the build (a cache hit): the page then depends on what the read model
        # depends on, as of the build (the cache tracks it), not on a copy read before.
        fresh = request.app.state.services.view(plan_view, plan_id, public, year) or view
        lang = request_lang(request)
        v = restrict(fresh, request, user) if user is not None else fresh
        filters = plan_filters(request)
        rows = filter_rows(v["indicators"], **filters)
        # The portal hides 未报送 rows unless asked (a toggle) or filtered for by status.
        show_unreported = not public or request.query_params.get("unreported") == "1" or bool(filters["status"])
        hidden = 0 if show_unreported else sum(1 for r in rows if not is_reported(r["status"]))
        if not show_unreported:
            rows = [r for r in rows if is_reported(r["status"])]
        # On a long list, 未报送 rows are folded into one line per domain unless asked for (?nr=1) or
        # filtered on; a short list shows every row.
        # Just after publishing (?published=1) every row shows: the reviewer checks what went in.
        q = request.query_params
        hide_nr = (len(rows) > FOLD_AFTER and not filters["status"] and q.get("nr") != "1"
                   and q.get("published") != "1")
        nr_query = urlencode([*((k, x) for k, x in request.query_params.multi_items() if k != "nr"), ("nr", "1")])
        # 主要指标 (the indicator table) and 其他量化目标 (targets in running text), each by domain.
        domains: dict[str, list[dict[str, Any]]] = {}
        others: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            (domains if r["main"] else others).setdefault(r["domain"], []).append(r)
        bench = benchmark_columns(request, v["indicators"], plan_id)
        return {"view": v, **bench, "grouped": domains, "grouped_other": others, "filters": filters,
                "shown_main": sum(len(g) for g in domains.values()),
                "shown_other": sum(len(g) for g in others.values()),
                "section_counts": [_status_counts(domains), _status_counts(others)],
                "all_domains": list(dict.fromkeys(r["domain"] for r in v["indicators"])),
                "departments": sorted({r["lead_department"] for r in v["indicators"] if r["lead_department"]}),
                "statuses": list(STATUS_ORDER), "sparks": {r["id"]: spark(r, lang) for r in rows},
                "donuts": domain_donuts(v["indicators"], lang),
                "shown": len(rows), "hidden_unreported": hidden, "show_unreported": show_unreported,
                "as_of": year, "hide_nr": hide_nr, "nr_query": nr_query,
                "nr_hidden": [sum(r["status"] == "not_reported" for g in grp.values() for r in g) for grp in (domains, others)],
                "years": list(range(v["plan"]["period"][0], v["plan"]["period"][1] + 1))}

    key = ("plan", plan_id, request.url.query, *visibility_key(user))
    return await render_cached(request, "public_plan.html" if public else "plan.html", key, view["plan"]["title"],
                         make, public=public)


def overview_args(request: Request) -> tuple[int, str, str, str]:
    """The plan list's page and filters from the query string: page, title or region name, region
    level, a region the plans lie in (bounded; `views.overview` trims them again)."""
    q = request.query_params
    return (page_number(request), (q.get("q") or "").strip()[:100], (q.get("level") or "").strip()[:40],
            (q.get("region") or "").strip()[:12])


def overview_data(svc: Services, args: tuple[int, str, str, str], *more: int) -> dict[str, Any]:
    """The overview's read model (`views.overview` of `args`, `overview_args`, and `more`) with the plan
    list's filter choices (`views.plan_choices`), as the overview pages show them."""
    return {**svc.view(overview, *args, *more), "choices": svc.view(plan_choices)}


def overview_query(search: str, level: str, under: str) -> str:
    """The filters as the pager keeps them on its links ('&q=…&level=…')."""
    kept = urlencode({k: v for k, v in (("q", search), ("level", level), ("region", under)) if v})
    return "&" + kept if kept else ""


@router.get("/")
async def overview_page(request: Request, user: Staff) -> Response:
    if user.role == "viewer":  # a leader lands on the risk dashboard
        return RedirectResponse("/dashboard", status_code=303)
    svc = request.app.state.services
    args = overview_args(request)

    def make() -> dict[str, Any]:
        data = overview_data(svc, args)
        ids = visible_ids(svc, user)
        if ids is not None:  # a reporter's warning list names only its own indicators
            data = {**data, "early_warnings": [w for w in data["early_warnings"] if w.get("indicator") in ids]}
        return {"data": data, "board": warning_board(data["early_warnings"]), "query": overview_query(*args[1:])}

    return await render_cached(request, "overview.html", ("overview", *args, *visibility_key(user)),
                         translate("overview.title", request_lang(request)), make)


@router.get("/plans/{plan_id}")
async def plan_page(request: Request, plan_id: PlanId, user: Staff) -> Response:
    view = await request.app.state.services.aview(plan_view, plan_id, False, None)
    if view is None:
        raise HTTPException(404)
    return await render_plan(request, view, public=False, user=user)


@router.get("/plans/{plan_id}/download.{fmt}")
def plan_download(request: Request, plan_id: PlanId, fmt: str, user: Staff) -> Response:
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
async def indicator_page(request: Request, indicator_id: IndicatorId, user: Staff) -> Response:
    svc = request.app.state.services
    if not await run_in_threadpool(can_see, svc, user, indicator_id):
        raise AuthError(403, "error.forbidden")
    view = await svc.aview(indicator_view, indicator_id, False)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    return await render_indicator(request, view, public=False)


async def render_indicator(request: Request, view: dict[str, Any], public: bool) -> Response:
    indicator_id = view["indicator"]["id"]

    def make() -> dict[str, Any]:
        fresh = request.app.state.services.view(indicator_view, indicator_id, public) or view  # see render_plan
        lang = request_lang(request)
        bars = charts.ranked_bars([(r["name"], r["value"], not r["laggard"]) for r in fresh["subregions"]],
                                  unit=fresh["indicator"]["unit"] or "", target=fresh["indicator"]["target_line"],
                                  target_label=translate("legend.target", lang),
                                  label=translate("ind.by_subregion", lang),
                                  width=PUBLIC_CHART_WIDTH if public else 560)
        refs = reference_lines(request, fresh["indicator"], lang, fresh["plan"]["id"])
        # The portal's chart is drawn narrow so that its labels stay readable when a phone shrinks it.
        return {"view": fresh, "chart": trajectory_svg(fresh, lang, refs, width=PUBLIC_CHART_WIDTH if public else 640),
                "bars": bars}

    return await render_cached(request, "public_indicator.html" if public else "indicator.html",
                               ("indicator", indicator_id), view["indicator"]["name"], make, public=public)


@router.get("/plans/{plan_id}/document")
def document_page(request: Request, plan_id: PlanId, user: Staff) -> Response:
    view = request.app.state.services.view(document_view, plan_id)
    if view is None:
        raise HTTPException(404)
    ids = visible_ids(request.app.state.services, user)
    if ids is not None:  # a reporter sees other departments' lines as plain text only
        view = {**view, "items": [it for it in view["items"] if it["kind"] != "indicator" or it["id"] in ids]}
    return render(request, "document.html", view=view)
