"""The leader's risk dashboard (`/dashboard`, a viewer's landing page) and its filtered list."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from planwatch.evaluate.status import RANK
from planwatch.web import regionmap
from planwatch.web.access import visible_ids
from planwatch.web.dashboard import (
    RISK_SHOWN,
    clean_filters,
    counts,
    filter_rows,
    indicator_rows,
    list_url,
    not_reported_by_department,
    page_of,
    region_groups,
)
from planwatch.web.i18n import STATUS_ORDER, translate
from planwatch.web.params import parse_int
from planwatch.web.routes_pages import spark, visibility_key
from planwatch.web.security import Staff, WebUser
from planwatch.web.templating import render_cached, request_lang

router = APIRouter(include_in_schema=False)


def _rows(request: Request, user: WebUser) -> list[dict[str, Any]]:
    svc = request.app.state.services
    rows = indicator_rows(svc)
    ids = visible_ids(svc, user)
    return rows if ids is None else [r for r in rows if r["id"] in ids]


def _sparks(rows: list[dict[str, Any]], lang: str) -> dict[int, str]:
    return {r["id"]: spark(r, lang) for r in rows}


@router.get("/dashboard")
async def dashboard_page(request: Request, user: Staff) -> Response:
    printing = request.query_params.get("print") == "1"

    def make() -> dict[str, Any]:
        lang = request_lang(request)
        rows = _rows(request, user)
        risk = [r for r in rows if r["risk"]]
        groups = region_groups(request.app.state.services, rows, lang)
        for g in groups:
            title = (translate("dash.regions_of", lang, name=g["parent_name"]) if g["parent_name"]
                     else translate("dash.regions_top", lang))
            g["title"] = title
            g["map"] = regionmap.region_map(g["regions"], g["outlines"], label=title) if g["outlines"] else ""
        # regions without an outline, of every group, as one grid of tiles: worst first
        tiles = [{**x, "parent_name": g["parent_name"]} for g in groups for x in g["regions"] if not x["outline"]]
        tiles.sort(key=lambda x: (-RANK.get(x["status_code"], -1), x["name"]))
        shown = risk if printing else risk[:RISK_SHOWN]
        return {"counts": counts(rows), "risk": shown, "risk_total": len(risk), "sparks": _sparks(shown, lang),
                "not_reported": not_reported_by_department(rows), "groups": groups, "tiles": tiles, "printing": printing,
                "today": date.today(), "list_url": list_url}

    key = ("dashboard", printing, date.today() if printing else None, *visibility_key(user))
    return await render_cached(request, "dashboard.html", key, translate("dash.title", request_lang(request)), make)


@router.get("/dashboard/list")
async def dashboard_list(request: Request, user: Staff) -> Response:
    filters = clean_filters(dict(request.query_params))
    page = parse_int(request.query_params.get("page"), 1) or 1

    def make() -> dict[str, Any]:
        rows = _rows(request, user)
        chosen = page_of(filter_rows(rows, filters), page)
        lang = request_lang(request)
        c = counts(rows)
        return {"filters": filters, "result": chosen, "sparks": _sparks(chosen["rows"], lang),
                "statuses": list(STATUS_ORDER), "domains": [d["key"] for d in c["domain"]],
                "departments": c["department"], "regions": c["region"],
                "page_url": lambda n: list_url(**filters, page=str(n)), "list_url": list_url}

    key = ("dashboard-list", tuple(sorted(filters.items())), page, *visibility_key(user))
    return await render_cached(request, "dashboard_list.html", key, translate("dash.list_title", request_lang(request)),
                               make)
