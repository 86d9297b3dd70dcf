"""Task/project progress on the web: the forms' and the API's adapter to `register.reporting`.

Pages and API both call these functions, as they do `workflow` for values: every rule
(role, department, year, state, percent, version, evidence) is the register's, and the
register writes (versioned, with history) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from planwatch.register import progress as pg
from planwatch.register import reporting as rp
from planwatch.register.permissions import department_scoped
from planwatch.web.data import STRUCTURE, reads
from planwatch.web.security import WebUser
from planwatch.web.workflow import upload, write

# A reported state → the evaluation status code whose label and colour the pages use.
STATE_CODES = {"已完成": "achieved", "推进中": "in_progress", "滞后": "lagging", "未启动": "not_started"}


@dataclass
class ProgressEntry:
    """One progress report as a form or API call sends it (text, validated in the register)."""

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
    return rp.department_items(session, department_id)


def can_report_item(services: Any, user: WebUser, kind: str, item_id: int) -> bool:
    """Planners and admins for any task/project; a reporter only for those its department leads."""
    return rp.may_report_item(user, kind, item_id, lambda d: services.view(item_keys, d))


def report_item(services: Any, user: WebUser, entry: ProgressEntry, lang: str, files_root: Path) -> dict[str, Any]:
    """Save a draft or submit a task's/project's progress for a year. Returns the stored report."""
    report = rp.ProgressReportIn(
        kind=entry.kind, item_id=entry.item_id, year=entry.year, state=entry.state, percent=entry.percent,
        note=entry.note, action=entry.action, expected_version=entry.expected_version,
        evidence=upload(entry.evidence))
    return write(services, rp.submit_progress, user, report, files_root, field_name="state", lang=lang)


def progress_queue(session: Session) -> list[dict[str, Any]]:
    return rp.progress_queue(session)


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
    if not department_scoped(user):
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
