"""Progress of a plan's tasks (重点任务) and projects (专栏项目): who answers, what was reported.

One report per task/project and year, versioned like an observation: a writer
states the version it last saw (`expected_version`), a stale write raises
`ConflictError` and writes nothing, and every create/update appends a history
row (entity "progress"). Bad input raises `FieldError` naming the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from planwatch.register import history, rounds
from planwatch.register.errors import Ambiguous, ConflictError, FieldError, NotFound, RegisterError
from planwatch.register.observations import lock_writes
from planwatch.register.plans import ensure_department
from planwatch.register.schema import (
    ITEM_KINDS,
    OBSERVATION_STATUSES,
    PROJECT_STATES,
    RESPONSIBILITY_ROLES,
    TASK_STATES,
    Department,
    ItemResponsibility,
    Plan,
    ProgressReport,
    Project,
    Task,
    utcnow,
)

# Fields a report sets; comparing them decides whether a re-submitted report changes anything.
PAYLOAD = ("state", "percent", "note", "evidence_file", "evidence_name", "status", "simulated")
NOTE_MAX = 2000
_T = ProgressReport.__table__
_MODELS: dict[str, type[Task] | type[Project]] = {"task": Task, "project": Project}
_PREFIX = {"task": "t", "project": "pr"}


def states_for(kind: str) -> tuple[str, ...]:
    return PROJECT_STATES if kind == "project" else TASK_STATES


def item_ref(kind: str, item_id: int) -> str:
    """The id printed and accepted on the command line: t12 (task 12), pr3 (project 3)."""
    return f"{_PREFIX[kind]}{item_id}"


def item_name(item: Task | Project) -> str:
    return item.text if isinstance(item, Task) else item.name


def _column(kind: str) -> Any:
    return _T.c.task_id if kind == "task" else _T.c.project_id


@dataclass(slots=True)
class ProgressInput:
    kind: str  # task | project
    item_id: int
    year: int
    state: str
    percent: float | None = None
    note: str | None = None
    evidence_file: str | None = None
    evidence_name: str | None = None  # the uploaded file's name, for display only
    status: str = "submitted"
    reporter_id: int | None = None
    reporter_name: str | None = None
    simulated: bool = False
    # The version the writer last saw; None means "I believe nothing is reported for that year yet".
    expected_version: int | None = None


def get_item(session: Session, kind: str, item_id: int) -> Task | Project:
    if kind not in ITEM_KINDS:
        raise FieldError("kind", f"类型应为 {' 或 '.join(ITEM_KINDS)}", f"kind must be one of {', '.join(ITEM_KINDS)}")
    item = session.get(_MODELS[kind], item_id)
    if item is None:
        raise NotFound(f"{'任务' if kind == 'task' else '项目'}不存在 / no {kind} {item_id}")
    return item


def resolve_item(session: Session, plan: Plan, ref: str) -> Task | Project:
    """A task/project of `plan` by ref (t12, pr3, task:12, project:3) or a unique part of its text."""
    s = ref.strip()
    m = re.fullmatch(r"(?i)(t|task:?|pr|project:?)\s*(\d+)", s)
    if m:
        kind = "task" if m.group(1).lower().startswith("t") else "project"
        item = get_item(session, kind, int(m.group(2)))
        if item.plan_id != plan.id:
            raise NotFound(f"{s} 不属于规划 {plan.id} / {s} is not in plan {plan.id}")
        return item
    found: list[Task | Project] = [
        *session.scalars(select(Task).where(Task.plan_id == plan.id, Task.active, Task.text.contains(s))),
        *session.scalars(select(Project).where(Project.plan_id == plan.id, Project.active, Project.name.contains(s))),
    ]
    if not found:
        raise NotFound(f"找不到任务或项目 / no task or project matches {s!r} (t编号 / pr编号, e.g. t3, pr2)")
    if len(found) > 1:
        raise Ambiguous(f"多个任务或项目匹配 {s!r} / several match: " + "; ".join(
            f"{item_ref(kind_of(i), i.id)} {item_name(i)[:30]}" for i in found[:10]))
    return found[0]


def kind_of(item: Task | Project) -> str:
    return "task" if isinstance(item, Task) else "project"


def validate(session: Session, r: ProgressInput) -> Task | Project:
    """The task/project the report is for; `FieldError` on the first bad field."""
    item = get_item(session, r.kind, r.item_id)
    plan = session.get(Plan, item.plan_id)
    assert plan is not None
    from planwatch.register.reporting import check_year  # the one year rule for every report

    check_year(plan, r.year)
    allowed = states_for(r.kind)
    if r.state not in allowed:
        raise FieldError("state", "进展应为 " + "、".join(allowed), "state must be one of " + ", ".join(allowed))
    if r.percent is not None and not (math.isfinite(r.percent) and 0 <= r.percent <= 100):
        raise FieldError("percent", "完成比例应在 0–100 之间", "percent must be between 0 and 100")
    if r.state == "已完成" and r.percent is not None and r.percent < 100:
        raise FieldError("percent", "已完成的完成比例应为 100 或留空", "a completed item is 100 percent (or leave it empty)")
    if r.state == "未启动" and r.percent:
        raise FieldError("percent", "未启动的完成比例应为 0 或留空", "an item not started is 0 percent (or leave it empty)")
    if r.note is not None and len(r.note) > NOTE_MAX:
        raise FieldError("note", f"说明不超过 {NOTE_MAX} 字", f"note longer than {NOTE_MAX} characters")
    if r.status not in OBSERVATION_STATUSES:
        raise FieldError("status", "状态应为 " + "、".join(OBSERVATION_STATUSES),
                         "status must be one of " + ", ".join(OBSERVATION_STATUSES))
    return item


def stored(session: Session, kind: str, item_id: int, year: int) -> ProgressReport | None:
    col = ProgressReport.task_id if kind == "task" else ProgressReport.project_id
    return session.scalars(select(ProgressReport).where(col == item_id, ProgressReport.year == year)).first()


def report_progress(session: Session, r: ProgressInput, *, by: str | None = None,
                    reason: str | None = None) -> ProgressReport:
    """Insert or update the report for (task/project, year) in the caller's transaction."""
    item = validate(session, r)
    lock_writes(session, "progress")  # before reading what the version check compares
    rounds.check_writable(session, item.plan_id, r.year, by)
    old = stored(session, r.kind, r.item_id, r.year)
    if old is None:
        if r.expected_version is not None:
            raise ConflictError(f"{item_ref(r.kind, r.item_id)} {r.year}年的进展已被删除或不存在 / "
                                f"no stored report for {item_ref(r.kind, r.item_id)} {r.year} any more")
        row = ProgressReport(
            task_id=r.item_id if r.kind == "task" else None, project_id=r.item_id if r.kind == "project" else None,
            year=r.year, reporter_id=r.reporter_id, reporter_name=r.reporter_name, reported_at=utcnow(),
            **{f: getattr(r, f) for f in PAYLOAD})
        session.add(row)
        try:
            # A savepoint: someone else inserting the same (item, year) first is a conflict, not a crash.
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise ConflictError(f"{item_ref(r.kind, r.item_id)} {r.year}年的进展刚被他人报送,请刷新后再改 / "
                                "reported concurrently by someone else; reload and retry") from exc
        history.record(session, "progress", row.id, "create", new={f: getattr(r, f) for f in PAYLOAD}
                       | {"kind": r.kind, "item_id": r.item_id, "year": r.year, "version": 1}, by=by, reason=reason)
        return row
    changes = {f: getattr(r, f) for f in PAYLOAD if getattr(old, f) != getattr(r, f)}
    if not changes:
        return old
    if r.expected_version != old.version:
        raise ConflictError(
            f"{item_ref(r.kind, r.item_id)} {r.year}年的进展已被他人修改(当前版本 {old.version},你的版本 "
            f"{r.expected_version}),请刷新后再改 / changed by someone else (stored version {old.version}, "
            f"yours {r.expected_version}); reload and retry")
    return _update(session, old, changes | {"reporter_id": r.reporter_id, "reporter_name": r.reporter_name},
                   by=by, reason=reason)


def _update(session: Session, row: ProgressReport, changes: dict[str, Any], *, by: str | None,
            reason: str | None) -> ProgressReport:
    version = row.version
    old = {k: getattr(row, k) for k in changes if k in PAYLOAD}
    stmt = (update(_T).where(_T.c.id == row.id, _T.c.version == version)
            .values(**changes, reported_at=utcnow(), version=_T.c.version + 1))
    if session.connection().execute(stmt).rowcount != 1:
        raise ConflictError(f"该进展刚被他人修改,请刷新后再改 / progress report {row.id} was changed concurrently")
    history.record(session, "progress", row.id, "update", old=old | {"version": version},
                   new={k: changes[k] for k in old} | {"version": version + 1}, by=by, reason=reason)
    session.expire(row)
    return row


def set_progress_status(session: Session, report_id: int, expected_version: int, status: str, *,
                        by: str | None = None, reason: str | None = None) -> ProgressReport:
    """Approve or return a submitted report (or move it back to draft); version-checked."""
    if status not in OBSERVATION_STATUSES:
        raise FieldError("status", "状态应为 " + "、".join(OBSERVATION_STATUSES),
                         "status must be one of " + ", ".join(OBSERVATION_STATUSES))
    row = session.get(ProgressReport, report_id)
    if row is None:
        raise NotFound(f"进展报告不存在 / no progress report {report_id}")
    if row.version != expected_version:
        raise ConflictError(f"该进展已被他人修改(当前版本 {row.version},你的版本 {expected_version}),请刷新 / "
                            f"progress report {report_id} was changed (version {row.version}, yours "
                            f"{expected_version}); reload")
    if row.status == status:
        return row
    item = get_item(session, row.kind, row.item_id)
    rounds.check_writable(session, item.plan_id, row.year, by, decision=status in rounds.DECISION_STATUSES)
    return _update(session, row, {"status": status}, by=by, reason=reason)


# -- responsibility -------------------------------------------------------------------------------------------


def assign_item(session: Session, item: Task | Project, department_name: str, role: str = "lead", *,
                by: str | None = None) -> ItemResponsibility:
    """Make a department lead (牵头) or co-responsible (配合) for a task or project.

    A task has one lead: naming a new lead turns the previous one into a co-responsible."""
    if role not in RESPONSIBILITY_ROLES:
        raise FieldError("role", "角色应为 lead 或 co", f"role must be lead or co: {role!r}")
    kind = kind_of(item)
    plan = session.get(Plan, item.plan_id)
    assert plan is not None
    dept = ensure_department(session, department_name, plan.region_code)
    col = ItemResponsibility.task_id if kind == "task" else ItemResponsibility.project_id
    rows = list(session.scalars(select(ItemResponsibility).where(col == item.id)))
    if role == "lead":
        for other in rows:
            if other.role == "lead" and other.department_id != dept.id:
                other.role = "co"
    mine = next((x for x in rows if x.department_id == dept.id), None)
    if mine is None:
        mine = ItemResponsibility(task_id=item.id if kind == "task" else None,
                                  project_id=item.id if kind == "project" else None, department_id=dept.id, role=role)
        session.add(mine)
    elif mine.role == role:
        return mine
    else:
        mine.role = role
    history.record(session, kind, item.id, "assign", new={"department": department_name, "role": role}, by=by)
    session.flush()
    return mine


def assign_from_document(session: Session, item: Task | Project, text: str | None) -> None:
    """The document's departments for a new task/project: the first named leads, the rest co-operate."""
    if not text:
        return
    names = [n.strip() for n in re.split(r"[、,，;；/]", text) if n.strip()]
    for n, name in enumerate(names[:10]):
        assign_item(session, item, name[:200], "lead" if n == 0 else "co", by="import")


def leads(session: Session, plan_id: int) -> dict[tuple[str, int], tuple[int, str]]:
    """(kind, id) → (department id, name) of the lead department, for a plan's tasks and projects."""
    out: dict[tuple[str, int], tuple[int, str]] = {}
    for kind, model, col in (("task", Task, ItemResponsibility.task_id),
                             ("project", Project, ItemResponsibility.project_id)):
        ids = select(model.id).where(model.plan_id == plan_id).scalar_subquery()
        for item_id, dep_id, name in session.execute(
                select(col, Department.id, Department.name).join(Department, Department.id ==
                                                                 ItemResponsibility.department_id)
                .where(col.in_(ids), ItemResponsibility.role == "lead").order_by(ItemResponsibility.id)):
            out.setdefault((kind, item_id), (dep_id, name))
    return out


def department_items(session: Session, department_id: int | None) -> frozenset[tuple[str, int]]:
    """The (kind, id) of every task/project a department leads: what its reporters may report on."""
    if department_id is None:
        return frozenset()
    rows = session.execute(select(ItemResponsibility.task_id, ItemResponsibility.project_id).where(
        ItemResponsibility.department_id == department_id, ItemResponsibility.role == "lead"))
    return frozenset(("task", t) if t is not None else ("project", p) for t, p in rows)


# -- reading --------------------------------------------------------------------------------------------------


def reports_of(session: Session, plan_id: int, statuses: tuple[str, ...] | None = None,
               up_to_year: int | None = None, include_simulated: bool = True) -> dict[tuple[str, int], list[Any]]:
    """(kind, id) → its reports (plain rows, oldest year first), filtered by status and year."""
    out: dict[tuple[str, int], list[Any]] = {}
    task_ids = select(Task.id).where(Task.plan_id == plan_id).scalar_subquery()
    project_ids = select(Project.id).where(Project.plan_id == plan_id).scalar_subquery()
    q = select(_T).where(_T.c.task_id.in_(task_ids) | _T.c.project_id.in_(project_ids)).order_by(_T.c.year)
    if statuses is not None:
        q = q.where(_T.c.status.in_(statuses))
    if up_to_year is not None:
        q = q.where(_T.c.year <= up_to_year)
    if not include_simulated:
        q = q.where(_T.c.simulated.is_(False))
    for row in session.execute(q):
        key = ("task", row.task_id) if row.task_id is not None else ("project", row.project_id)
        out.setdefault(key, []).append(row)
    return out


def report_dict(row: Any) -> dict[str, Any]:
    kind = "task" if row.task_id is not None else "project"
    item_id = row.task_id if kind == "task" else row.project_id
    return {"id": row.id, "kind": kind, "item_id": item_id, "ref": item_ref(kind, item_id), "year": row.year,
            "state": row.state, "percent": row.percent, "note": row.note, "evidence": bool(row.evidence_file),
            "status": row.status, "reporter": row.reporter_name, "simulated": row.simulated, "version": row.version,
            "reported_at": row.reported_at.isoformat(timespec="seconds") if row.reported_at else None}


def plan_items(session: Session, plan_id: int, *, approved_only: bool = False) -> list[dict[str, Any]]:
    """Every active task and project of a plan with its lead and reports: `approved` is the latest
    approved report (what the public and the evaluation report see), `latest` the latest of any status
    (what staff work on; omitted when `approved_only`)."""
    lead = leads(session, plan_id)
    reports = reports_of(session, plan_id, ("approved",) if approved_only else None)
    out: list[dict[str, Any]] = []
    for kind, model in (("task", Task), ("project", Project)):
        for item in session.scalars(select(model).where(model.plan_id == plan_id, model.active)
                                    .order_by(model.position, model.id)):
            rows = reports.get((kind, item.id), [])
            approved = [r for r in rows if r.status == "approved"]
            dept = lead.get((kind, item.id))
            out.append({
                "kind": kind, "id": item.id, "ref": item_ref(kind, item.id), "name": item_name(item),
                "domain": item.domain, "line": item.line,
                "lead_department": dept[1] if dept else None, "lead_department_id": dept[0] if dept else None,
                "states": list(states_for(kind)),
                "approved": report_dict(approved[-1]) if approved else None,
                **({} if approved_only else {"latest": report_dict(rows[-1]) if rows else None,
                                             "reports": [report_dict(r) for r in rows]}),
            })
    return out


def parse_percent(text: str | None) -> float | None:
    """A percent as typed ("60", "60%", "60.5"); `FieldError` when it is not a number."""
    if text is None or not str(text).strip():
        return None
    s = str(text).strip().rstrip("%％").strip()
    try:
        value = float(s)
    except ValueError:
        raise FieldError("percent", "完成比例应为数字(0–100)", "percent must be a number (0–100)") from None
    return value


__all__ = ["ConflictError", "FieldError", "ProgressInput", "RegisterError", "assign_item", "plan_items",
           "report_progress", "set_progress_status"]
