"""The public portal: no sign-in, approved values only, readable on a phone.

Pages: the plans (/public), a plan (/public/plans/{id}), an indicator with its metadata, chart and
data downloads (/public/indicators/{id}, Open SDG's indicator page), the reporting status of every
plan (/public/status) and the scorecard (/public/compare, routes_compare)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from planwatch.web.downloads import MEDIA
from planwatch.web.i18n import translate
from planwatch.web.params import IndicatorId, PlanId, same_plan
from planwatch.web.routes_pages import (
    download_response,
    overview_args,
    overview_data,
    overview_query,
    render_indicator,
    render_plan,
)
from planwatch.web.templating import render_cached, request_lang
from planwatch.web.views import indicator_view, plan_view

router = APIRouter(prefix="/public", include_in_schema=False)
STATUS_PER_PAGE = 15  # plans a page on the reporting status (each a card with its domains)

# The indicator data download: one row per counted (approved) value of the plan's region.
DATA_COLUMNS = [  # (key, zh header, en header)
    ("indicator", "指标名称", "indicator"),
    ("region", "地区", "region"),
    ("year", "年份", "year"),
    ("value", "数值", "value"),
    ("unit", "单位", "unit"),
    ("judgement", "定性判断", "judgement"),
    ("source", "来源", "source"),
    ("simulated", "模拟数据", "simulated"),
]


@router.get("")
async def portal_home(request: Request) -> Response:
    svc = request.app.state.services
    args = overview_args(request)
    return await render_cached(request, "public_home.html", ("portal", *args),
                               translate("pub.title", request_lang(request)),
                               lambda: {"data": overview_data(svc, args), "query": overview_query(*args[1:])},
                               public=True)


@router.get("/status")
async def portal_status(request: Request) -> Response:
    """Which indicators have data: per plan and domain, counts and bars (主要指标 apart from the rest),
    a page of plans at a time, with the register's totals."""
    svc = request.app.state.services
    args = overview_args(request)

    def make() -> dict[str, Any]:
        data = overview_data(svc, args, STATUS_PER_PAGE)
        return {"plans": data["plans"], "totals": data["reporting"], "data": data,
                "query": overview_query(*args[1:])}

    return await render_cached(request, "public_status.html", ("portal-status", *args),
                               translate("pub.status_title", request_lang(request)), make, public=True)


@router.get("/plans/{plan_id}")
async def portal_plan(request: Request, plan_id: PlanId) -> Response:
    view = await request.app.state.services.aview(plan_view, plan_id, True, None)
    if view is None:
        raise HTTPException(404)
    return await render_plan(request, view, public=True)


@router.get("/plans/{plan_id}/download.{fmt}")
def portal_download(request: Request, plan_id: PlanId, fmt: str) -> Response:
    return download_response(request, request.app.state.services.view(plan_view, plan_id, True, None), fmt)


@router.get("/indicators/{indicator_id}")
async def portal_indicator(request: Request, indicator_id: IndicatorId) -> Response:
    view = await request.app.state.services.aview(indicator_view, indicator_id, True)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    return await render_indicator(request, view, public=True)


@router.get("/indicators/{indicator_id}/data.{fmt}")
def portal_indicator_data(request: Request, indicator_id: IndicatorId, fmt: str) -> Response:
    """An indicator's counted values (the public view holds approved values only) as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise HTTPException(404)
    view = request.app.state.services.view(indicator_view, indicator_id, True)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    lang = request_lang(request)
    body = indicator_data(view, fmt, lang)
    return Response(body, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="indicator-{indicator_id}.{fmt}"'})


def indicator_data(view: dict[str, Any], fmt: str, lang: str) -> bytes:
    ind, plan = view["indicator"], view["plan"]
    rows = [{"indicator": ind["name"], "region": plan["region"], "year": v["year"], "value": v["value"],
             "unit": ind["unit"], "judgement": v["judgement"], "source": v["source"], "simulated": v["simulated"]}
            for v in view["values"]]
    if fmt == "json":
        meta = {"id": ind["id"], "ref": ind["ref"], "name": ind["name"], "unit": ind["unit"], "domain": ind["domain"],
                "attribute": ind["attribute"], "lead_department": ind["lead_department"],
                "baseline": ind["baseline"], "baseline_year": ind["baseline_year"],
                "target": ind["target"], "target_raw": ind["target_raw"], "target_year": ind["target_year"],
                **view["meta"], "plan": {k: plan[k] for k in ("id", "title", "region", "period")}}
        return json.dumps({"indicator": meta, "values": rows}, ensure_ascii=False, indent=1).encode()
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([zh if lang == "zh" else en for _, zh, en in DATA_COLUMNS])
    for r in rows:
        w.writerow([_cell(r[k], lang) for k, _, _ in DATA_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly


def _cell(v: Any, lang: str) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):  # never a formula in Excel
        return "'" + v
    return v
