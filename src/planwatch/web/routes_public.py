"""The public portal: no sign-in, approved values only, readable on a phone."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from planwatch.web.routes_pages import download_response, render_indicator, render_plan
from planwatch.web.templating import render
from planwatch.web.views import indicator_view, overview, plan_view

router = APIRouter(prefix="/public", include_in_schema=False)


@router.get("")
def portal_home(request: Request) -> Response:
    data = request.app.state.services.view(overview, True)
    return render(request, "public_home.html", data=data, public=True)


@router.get("/plans/{plan_id}")
def portal_plan(request: Request, plan_id: int) -> Response:
    view = request.app.state.services.view(plan_view, plan_id, True, None)
    if view is None:
        raise HTTPException(404)
    return render_plan(request, view, public=True)


@router.get("/plans/{plan_id}/download.{fmt}")
def portal_download(request: Request, plan_id: int, fmt: str) -> Response:
    return download_response(request, request.app.state.services.view(plan_view, plan_id, True, None), fmt)


@router.get("/indicators/{indicator_id}")
def portal_indicator(request: Request, indicator_id: int) -> Response:
    view = request.app.state.services.view(indicator_view, indicator_id, True)
    if view is None:
        raise HTTPException(404)
    return render_indicator(request, view, public=True)
