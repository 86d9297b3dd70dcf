"""The leader's risk dashboard (`/dashboard`, a viewer's landing page) and its filtered list."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from planwatch.web import dashboard, regionmap
from planwatch.web.access import visible_ids
from planwatch.web.dashboard import (
    PRINT_SHOWN,
    RISK_SHOWN,
    clean_filters,
    counts,
    dashboard_summary,
    indicator_page,
    list_url,
    not_reported_by_department,
    page_numbers,
    region_groups,
)
from planwatch.web.i18n import STATUS_ORDER, translate
from planwatch.web.params import parse_int
from planwatch.web.routes_pages import spark, visibility_key
from planwatch.web.security import Staff
from planwatch.web.templating import render_cached, request_lang

router = APIRouter(include_in_schema=False)


def _sparks(rows: list[dict[str, Any]], lang: str) -> dict[int, str]:
    return {r["id"]: spark(r, lang) for r in rows}


@router.get("/dashboard")
async def dashboard_page(request: Request, user: Staff) -> Response:
    printing = request.query_params.get("print") == "1"

    def make() -> dict[str, Any]:
        lang = request_lang(request)
        svc = request.app.state.services
        ids = visible_ids(svc, user)
        data = svc.view(dashboard_summary, ids)
        c = counts(data["counts"])
        risk, risk_total = indicator_page(svc, {"risk": "1"}, 0, PRINT_SHOWN if printing else RISK_SHOWN, ids)
        regions = region_groups(svc, data["regions"], lang)
        groups = regions["groups"]
        for g in groups:
            title = (translate("dash.regions_of", lang, name=g["parent_name"]) if g["parent_name"]
                     else translate("dash.regions_top", lang))
            g["title"] = title
            g["map"] = regionmap.region_map(g["regions"], g["outlines"], label=title) if g["outlines"] else ""
        return {"counts": c, "risk": risk, "risk_total": risk_total, "sparks": _sparks(risk, lang),
                "not_reported": not_reported_by_department(data["counts"]), "groups": groups,
                "tiles": regions["tiles"], "tiles_total": regions["tiles_total"], "printing": printing,
                "today": date.today(), "list_url": list_url}

    key = ("dashboard", printing, date.today() if printing else None, *visibility_key(user))
    return await render_cached(request, "dashboard.html", key, translate("dash.title", request_lang(request)), make)


@router.get("/dashboard/list")
async def dashboard_list(request: Request, user: Staff) -> Response:
    filters = clean_filters(dict(request.query_params))
    page = parse_int(request.query_params.get("page"), 1) or 1

    def make() -> dict[str, Any]:
        svc = request.app.state.services
        ids = visible_ids(svc, user)
        lang = request_lang(request)
        first, total = indicator_page(svc, filters, (page - 1) * dashboard.PAGE_SIZE, dashboard.PAGE_SIZE, ids)
        numbers = page_numbers(total, page, dashboard.PAGE_SIZE)
        rows = first
        if numbers["page"] != page:  # past the last page: the last page
            rows, total = indicator_page(svc, filters, numbers["offset"], numbers["size"], ids)
        chosen = {**numbers, "rows": rows}
        c = counts(svc.view(dashboard_summary, ids)["counts"])
        return {"filters": filters, "result": chosen, "sparks": _sparks(rows, lang),
                "statuses": list(STATUS_ORDER), "domains": [d["key"] for d in c["domain"]],
                "departments": c["department"], "regions": svc.view(dashboard.region_choices, ids),
                "page_url": lambda n: list_url(**filters, page=str(n)), "list_url": list_url}

    key = ("dashboard-list", tuple(sorted(filters.items())), page, *visibility_key(user))
    return await render_cached(request, "dashboard_list.html", key, translate("dash.list_title", request_lang(request)),
                               make)
