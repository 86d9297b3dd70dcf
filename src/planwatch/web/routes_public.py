"""The public portal: no sign-in, approved values only, readable on a phone."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from planwatch.web.i18n import translate
from planwatch.web.params import IndicatorId, PlanId, same_plan
from planwatch.web.routes_pages import download_response, render_indicator, render_plan
from planwatch.web.templating import render_cached, request_lang
from planwatch.web.views import indicator_view, overview, plan_view

router = APIRouter(prefix="/public", include_in_schema=False)


@router.get("")
async def portal_home(request: Request) -> Response:
    svc = request.app.state.services
    return await render_cached(request, "public_home.html", ("portal",), translate("pub.title", request_lang(request)),
                         lambda: {"data": svc.view(overview, True)}, public=True)


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
