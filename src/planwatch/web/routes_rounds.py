"""Reporting rounds in the web: a reporter's 待办 (`/todo`, where reporters land after sign-in) and
the planner's rounds (`/rounds`): open with dates, 报送率 by department and plan, the overdue list,
in-app reminders, the 催报 list (.xlsx), close / approve / lock / unlock.

Every read and write goes through `register.rounds`; the rules (what a round refuses, what counts as
reported) live there."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from planwatch.exchange.chase import chase_workbook
from planwatch.register import rounds
from planwatch.register.errors import FieldError, NotFound
from planwatch.register.queries import list_plans
from planwatch.web.i18n import translate
from planwatch.web.params import Id, parse_int, parse_year
from planwatch.web.security import Planners, Reporters, check_csrf
from planwatch.web.templating import render, request_lang

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BadForm(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_date(text: str | None, lang: str) -> date | None:
    """An ISO date from a form (an <input type=date> sends YYYY-MM-DD); empty means none."""
    s = (text or "").strip()
    if not s:
        return None
    try:
        if len(s) != 10:
            raise ValueError(s)
        return date.fromisoformat(s)
    except ValueError:
        raise BadForm(translate("rnd.bad_date", lang)) from None


def _message(exc: FieldError, lang: str) -> str:
    return exc.zh if lang == "zh" else exc.en


# -- a reporter's 待办 ---------------------------------------------------------------------------------------


@router.get("/todo")
def todo_page(request: Request, user: Reporters) -> Response:
    services = request.app.state.services
    with services.read() as s:
        todo = rounds.todo(s, user.department_id)
        notes = rounds.notifications_for(s, user.id, limit=20)
    return render(request, "todo.html", todo=todo, notes=notes, unread=sum(not n["read"] for n in notes),
                  has_department=user.department_id is not None)


@router.post("/todo/read", dependencies=[Depends(check_csrf)])
def todo_read(request: Request, user: Reporters) -> Response:
    with request.app.state.services.write() as s:
        rounds.mark_read(s, user.id)
    return RedirectResponse("/todo", status_code=303)


# -- the planner's rounds ------------------------------------------------------------------------------------


def _rounds_list(services: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with services.read() as s:
        rows = []
        for r in rounds.rounds(s):
            c = rounds.completeness(s, r.id)
            rows.append({**c.round, "rate": c.rate, "expected": c.expected, "reported": c.reported,
                         "overdue_n": len(c.overdue)})
        return rows, list_plans(s)


def render_rounds(request: Request, status_code: int = 200, **ctx: Any) -> Response:
    rows, plans = _rounds_list(request.app.state.services)
    ctx = {"errors": {}, "typed": {}, **ctx}
    return render(request, "rounds.html", status_code=status_code, rounds=rows, plans=plans,
                  this_year=date.today().year, **ctx)


@router.get("/rounds")
def rounds_page(request: Request, user: Planners) -> Response:
    return render_rounds(request)


@router.post("/rounds", dependencies=[Depends(check_csrf)])
async def rounds_open(request: Request, user: Planners) -> Response:
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in ("plan_id", "year", "due_date", "lock_date")}
    lang = request_lang(request)
    try:
        plan_id = parse_int(typed["plan_id"], 1)
        year = parse_year(typed["year"])
        if plan_id is None:
            raise FieldError("plan_id", "请选择规划", "choose a plan")
        if year is None:
            raise FieldError("year", "请输入年度", "enter a year")
        due, lock = parse_date(typed["due_date"], lang), parse_date(typed["lock_date"], lang)
        with request.app.state.services.write() as s:
            r = rounds.open_round(s, plan_id, year, due_date=due, lock_date=lock, by=user.username)
            round_id = r.id
    except FieldError as exc:
        return render_rounds(request, status_code=400, errors={exc.field: _message(exc, lang)}, typed=typed,
                             flash=translate("error.title", lang), flash_kind="err")
    except BadForm as exc:
        return render_rounds(request, status_code=400, errors={"due_date": exc.message}, typed=typed,
                             flash=translate("error.title", lang), flash_kind="err")
    except NotFound as exc:
        return render_rounds(request, status_code=400, errors={"plan_id": str(exc)}, typed=typed,
                             flash=translate("error.title", lang), flash_kind="err")
    return RedirectResponse(f"/rounds/{round_id}?msg=saved", status_code=303)


def render_round(request: Request, round_id: int, status_code: int = 200, **ctx: Any) -> Response:
    services = request.app.state.services
    with services.read() as s:
        try:
            c = rounds.completeness(s, round_id)
        except NotFound:
            raise HTTPException(404) from None
        log = rounds.round_log(s, round_id)
    lang = request_lang(request)
    flash = ctx.pop("flash", None)
    msg = request.query_params.get("msg")
    if flash is None and msg == "saved":
        flash = translate("rnd.saved", lang)
    elif flash is None and msg == "reminded":
        flash = translate("rnd.reminded", lang, n=parse_int(request.query_params.get("n")) or 0)
    ctx = {"errors": {}, **ctx}
    return render(request, "round.html", status_code=status_code, c=c, r=c.round, log=log, flash=flash, **ctx)


@router.get("/rounds/{round_id}")
def round_page(request: Request, round_id: Id, user: Planners) -> Response:
    return render_round(request, round_id)


async def _round_action(request: Request, round_id: int, user: Any, action: str) -> Response:
    form = await request.form()
    lang = request_lang(request)
    reason = str(form.get("reason") or "").strip() or None
    try:
        with request.app.state.services.write() as s:
            if action == "dates":
                rounds.set_dates(s, round_id, due_date=parse_date(str(form.get("due_date") or ""), lang),
                                 lock_date=parse_date(str(form.get("lock_date") or ""), lang), by=user.username,
                                 reason=reason)
            elif action == "close":
                rounds.close_round(s, round_id, by=user.username, reason=reason)
            elif action == "approve":
                rounds.approve_round(s, round_id, by=user.username, reason=reason)
            elif action == "lock":
                rounds.lock_round(s, round_id, by=user.username, reason=reason)
            elif action == "unlock":
                rounds.unlock_round(s, round_id, reason=reason or "", by=user.username,
                                    until=parse_date(str(form.get("until") or ""), lang))
            elif action == "remind":
                n = rounds.remind(s, round_id, by=user.username)
                return RedirectResponse(f"/rounds/{round_id}?msg=reminded&n={n}", status_code=303)
            else:
                raise HTTPException(404)
    except NotFound:
        raise HTTPException(404) from None
    except FieldError as exc:
        return render_round(request, round_id, status_code=400, errors={action: _message(exc, lang)},
                            flash=translate("error.title", lang), flash_kind="err")
    except BadForm as exc:
        return render_round(request, round_id, status_code=400, errors={action: exc.message},
                            flash=translate("error.title", lang), flash_kind="err")
    return RedirectResponse(f"/rounds/{round_id}?msg=saved", status_code=303)


@router.post("/rounds/{round_id}/{action}", dependencies=[Depends(check_csrf)])
async def round_action(request: Request, round_id: Id, action: str, user: Planners) -> Response:
    if action not in ("dates", "close", "approve", "lock", "unlock", "remind"):
        raise HTTPException(404)
    return await _round_action(request, round_id, user, action)


@router.get("/rounds/{round_id}/chase.xlsx")
async def round_chase(request: Request, round_id: Id, user: Planners) -> Response:
    def build() -> tuple[bytes, str]:
        with request.app.state.services.read() as s:
            try:
                r = rounds.get_round(s, round_id)
                info = rounds.round_dict(s, r)
                rows = rounds.chase_rows(s, round_id)
            except NotFound:
                raise HTTPException(404) from None
        title = f"催报清单 {info['plan_title']} {info['year']}年度"
        return chase_workbook(rows, title), f"催报清单-{info['year']}-{round_id}.xlsx"

    content, name = await run_in_threadpool(build)
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"chase-{round_id}.xlsx\"; filename*=UTF-8''{quote(name)}"})
