"""Task/project progress on the web: a department reports, the planner approves or returns.

Pages and API both call these functions, as they do `workflow` for values: the
role and department are checked here, every field is validated with a message
naming it, and the register writes (versioned, with history) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register import progress as pg
from planwatch.register import schema as db
from planwatch.register.errors import ConflictError, FieldError, NotFound
from planwatch.web.data import STRUCTURE, reads
from planwatch.web.i18n import translate
from planwatch.web.params import MAX_VERSION, parse_int, parse_year
from planwatch.web.security import AuthError, WebUser
from planwatch.web.workflow import (
    EVIDENCE_MAX,
    EVIDENCE_TYPES,
    FieldErrors,
    check_decision,
    check_not_own,
    conflict,
    save_evidence,
)

# A reported state → the evaluation status code whose label and colour the pages use.
STATE_CODES = {"已完成": "achieved", "推进中": "in_progress", "滞后": "lagging", "未启动": "not_started"}


@dataclass
class ProgressEntry:
    """One progress report as a form or API call sends it (text, validated here)."""

    kind: str
    item_id: int
    year: str = ""
    state: str = ""
    percent: str = ""
    note: str = ""
    action: str = "submit"  # draft | submit
    expected_version: str = ""
    evidence: tuple[str, bytes] | None = None


@reads(STRUCTURE)
def item_keys(session: Session, department_id: int | None) -> frozenset[tuple[str, int]]:
    return pg.department_items(session, department_id)


def can_report_item(services: Any, user: WebUser, kind: str, item_id: int) -> bool:
    """Planners and admins for any task/project; a reporter only for those its department leads."""
    if user.role in ("admin", "planner"):
        return True
    if user.role != "reporter":
        return False
    return (kind, item_id) in services.view(item_keys, user.department_id)


def _field_errors(exc: FieldError, lang: str) -> FieldErrors:
    return FieldErrors({exc.field: exc.zh if lang == "zh" else exc.en})


def report_item(services: Any, user: WebUser, entry: ProgressEntry, lang: str, files_root: Path) -> dict[str, Any]:
    """Save a draft or submit a task's/project's progress for a year. Returns the stored report."""
    if entry.kind not in db.ITEM_KINDS:
        raise FieldErrors({"kind": "task | project"})
    if not can_report_item(services, user, entry.kind, entry.item_id):
        raise AuthError(403, "error.forbidden")
    errors: dict[str, str] = {}
    year = parse_year(entry.year)
    if year is None:
        errors["year"] = translate("val.year", lang)
    if not entry.state.strip():
        errors["state"] = translate("val.required", lang)
    if entry.action not in ("draft", "submit"):
        errors["action"] = "draft | submit"
    expected: int | None = None
    if entry.expected_version.strip():
        expected = parse_int(entry.expected_version, 0, MAX_VERSION)
        if expected is None:
            errors["expected_version"] = translate("val.number", lang)
    if entry.evidence is not None:
        name, content = entry.evidence
        if Path(name).suffix.lower() not in EVIDENCE_TYPES:
            errors["evidence"] = translate("val.file_type", lang) + " (" + ", ".join(sorted(EVIDENCE_TYPES)) + ")"
        elif len(content) > EVIDENCE_MAX:
            errors["evidence"] = translate("val.file_size", lang) + " (≤ 10 MB)"
    try:
        percent = pg.parse_percent(entry.percent)
    except FieldError as exc:
        errors[exc.field] = exc.zh if lang == "zh" else exc.en
        percent = None
    if errors:
        raise FieldErrors(errors)
    assert year is not None
    with services.read() as s:
        try:
            item = pg.get_item(s, entry.kind, entry.item_id)
        except NotFound as exc:
            raise AuthError(404, "error.not_found") from exc
        if not item.active:
            raise AuthError(404, "error.not_found")
        current = pg.stored(s, entry.kind, entry.item_id, year)
        if current is not None and current.status == "approved" and user.role == "reporter":
            raise FieldErrors({"state": "已审核的进展不能由填报员修改,请联系规划管理人员" if lang == "zh"
                               else "Approved progress cannot be changed by a reporter; ask a planner"})
        evidence_path = current.evidence_file if current else None
    if current is not None and expected is None:
        expected = -1  # the writer did not know a report exists: a conflict, never a silent overwrite
    row = pg.ProgressInput(entry.kind, entry.item_id, year, entry.state.strip(), percent=percent,
                           note=entry.note.strip() or None, evidence_file=evidence_path,
                           status="draft" if entry.action == "draft" else "submitted", reporter_id=user.id,
                           reporter_name=user.display_name or user.username, expected_version=expected)
    try:
        with services.write() as s:
            pg.validate(s, row)  # before the evidence file is stored: a refused report leaves nothing behind
            if entry.evidence is not None:
                row.evidence_file = save_evidence(files_root, *entry.evidence)
            saved = pg.report_progress(s, row, by=user.username,
                                       reason="填报草稿 / draft" if entry.action == "draft" else "提交 / submitted")
            report_id = saved.id
    except FieldError as exc:
        raise _field_errors(exc, lang) from exc
    except ConflictError as exc:
        raise conflict("state", exc, lang) from exc
    with services.read() as s:
        return pg.report_dict(s.get(db.ProgressReport, report_id))


def decide_item(services: Any, user: WebUser, report_id: int, action: str, expected_version: str, comment: str,
                lang: str) -> dict[str, Any]:
    """A planner approves a submitted progress report or returns it with a comment."""
    version = check_decision(user, action, expected_version, comment, lang)
    try:
        with services.write() as s:
            row = s.get(db.ProgressReport, report_id)
            if row is None:
                raise AuthError(404, "error.not_found")
            if row.status != "submitted":
                raise FieldErrors({"action": "只能审核待审核的进展" if lang == "zh"
                                   else "Only submitted progress can be approved or returned"})
            check_not_own(user, action, row.reporter_id)
            pg.set_progress_status(s, report_id, version,
                                   "approved" if action == "approve" else "returned", by=user.username,
                                   reason=comment.strip() or "审核通过 / approved")
    except ConflictError as exc:
        raise conflict("action", exc, lang) from exc
    except FieldError as exc:  # e.g. a locked reporting round (register.rounds)
        raise FieldErrors({"action": exc.zh if lang == "zh" else exc.en}) from exc
    with services.read() as s:
        return pg.report_dict(s.get(db.ProgressReport, report_id))


def progress_queue(session: Session) -> list[dict[str, Any]]:
    """Submitted progress reports, oldest first, with the task/project and plan they are for."""
    out = []
    for r in session.scalars(select(db.ProgressReport).where(db.ProgressReport.status == "submitted")
                             .order_by(db.ProgressReport.reported_at)):
        item = pg.get_item(session, r.kind, r.item_id)
        plan = session.get(db.Plan, item.plan_id)
        out.append({**pg.report_dict(r), "name": pg.item_name(item), "plan_id": item.plan_id,
                    "plan_title": plan.title if plan else "", "reporter_id": r.reporter_id})
    return out


@reads(lambda _svc, plan_id, *_: frozenset({plan_id}))
def plan_items_view(session: Session, plan_id: int, public: bool) -> list[dict[str, Any]]:
    """A plan's tasks and projects as pages show them; the public copy carries approved progress only."""
    items = pg.plan_items(session, plan_id, approved_only=public)
    for it in items:
        it["code"] = STATE_CODES.get((it["approved"] or {}).get("state", ""), "not_reported")
        if public and it["approved"] is not None:  # the public sees progress, never who reported it
            it["approved"] = {k: v for k, v in it["approved"].items() if k != "reporter"}
    return items


def department_copy(services: Any, user: WebUser, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A reporter's copy of a plan's tasks and projects, filtered by department like values: the items
    its department leads in full; the others as the public sees them (approved progress only), so
    other departments' drafts, unapproved notes and returns stay with them."""
    if user.role != "reporter":
        return items
    mine = services.view(item_keys, user.department_id)
    out = []
    for it in items:
        if (it["kind"], it["id"]) in mine:
            out.append(it)
            continue
        approved = [r for r in it.get("reports", []) if r["status"] == "approved"]
        out.append({**it, "latest": approved[-1] if approved else None, "reports": approved})
    return out


def reportable(services: Any, user: WebUser, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of a plan this user may report on."""
    return [it for it in items if can_report_item(services, user, it["kind"], it["id"])]
