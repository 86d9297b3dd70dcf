"""Indicator metadata (指标解释, 统计口径, 数据来源) edited by planners: one form per indicator.

The metadata belongs to the metric the indicator measures, so an edit shows on every plan's page
for that metric; the register keeps each change in history (`register.metrics.set_indicator_meta`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from planwatch.register.errors import RegisterError
from planwatch.register.metrics import META_FIELDS, META_MAX_CHARS, set_indicator_meta
from planwatch.web.params import IndicatorId, same_plan
from planwatch.web.security import Planners, check_csrf
from planwatch.web.templating import render
from planwatch.web.views import indicator_view

router = APIRouter(include_in_schema=False)


def _page(request: Request, view: dict[str, Any], values: dict[str, Any], status_code: int = 200,
          error: str | None = None) -> Response:
    return render(request, "indicator_meta.html", status_code=status_code, view=view, values=values,
                  fields=META_FIELDS, max_chars=META_MAX_CHARS, flash=error, flash_kind="err" if error else None)


@router.get("/indicators/{indicator_id}/meta")
def meta_form(request: Request, indicator_id: IndicatorId, user: Planners) -> Response:
    view = request.app.state.services.view(indicator_view, indicator_id, False)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    return _page(request, view, view["meta"])


@router.post("/indicators/{indicator_id}/meta", dependencies=[Depends(check_csrf)])
async def meta_save(request: Request, indicator_id: IndicatorId, user: Planners) -> Response:
    view = request.app.state.services.view(indicator_view, indicator_id, False)
    if view is None or not same_plan(indicator_id, view["plan"]["id"]):
        raise HTTPException(404)
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in META_FIELDS}
    try:
        with request.app.state.services.write() as s:
            set_indicator_meta(s, indicator_id, values, by=user.username)
    except RegisterError as exc:
        return _page(request, view, values, status_code=400, error=str(exc))
    return RedirectResponse(f"/indicators/{int(indicator_id)}", status_code=303)
