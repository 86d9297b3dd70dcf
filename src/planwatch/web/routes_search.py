"""Search across plans, indicators, tasks, projects and departments (register.search), with "show more"
per kind. A reporter finds only its own department's indicators, as on every other page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from planwatch.register.search import KINDS, MAX_QUERY, search
from planwatch.web.access import visible_ids
from planwatch.web.params import parse_int
from planwatch.web.security import Staff, WebUser
from planwatch.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = 10  # hits shown per kind at first; "show more" adds this many again
MAX_SHOWN = 500


def _find(request: Request, user: WebUser, q: str, kind: str | None, shown: int) -> dict[str, Any]:
    svc = request.app.state.services
    kinds = (kind,) if kind else KINDS
    with svc.read() as session:
        hits = search(session, q, limit=MAX_SHOWN if kind else PAGE, kinds=kinds)
    ids = visible_ids(svc, user)
    if ids is not None and "indicator" in hits:
        h = hits["indicator"]
        h.items = [i for i in h.items if i["id"] in ids]
        h.total = len(h.items)
    for h in hits.values():
        h.items = h.items[:shown]
    return hits


@router.get("/search")
async def search_page(request: Request, user: Staff) -> Response:
    qp = request.query_params
    q = (qp.get("q") or "").strip()[:MAX_QUERY]
    kind = qp.get("kind") if qp.get("kind") in KINDS else None
    shown = parse_int(qp.get("shown"), 1, MAX_SHOWN) or PAGE
    hits = await run_in_threadpool(_find, request, user, q, kind, shown) if q else {}
    return render(request, "search.html", q=q, kind=kind, hits=hits, kinds=KINDS, shown=shown, page=PAGE,
                  total=sum(h.total for h in hits.values()))
