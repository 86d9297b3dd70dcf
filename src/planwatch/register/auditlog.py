"""The global audit log: who did what, to which target, when, before → after.

`record` adds one row in the caller's transaction, so the entry commits or rolls back with the change
it describes. Every history row (values, progress, indicators, plans, assignments: `register.history`)
is mirrored here by `history` itself, so no write path can forget it; writes that have no history
(accounts, departments) call `record` directly. The table is append-only (database triggers).

Actions are "<target kind>.<verb>"; an update that only moves a workflow status is "<kind>.status".

A bulk load (`register.bulk`: millions of values from one file) is the one exception to "one audit row per
history row": it logs ONE entry for the whole load (`record_load`: "<kind>.import", naming the file, the
row counts, the status and the user), while every value keeps its own history row (the value trail).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from planwatch.register.schema import AuditEntry, utcnow

_T = AuditEntry.__table__
MAX_PAGE = 500
# Keys that say nothing to a reader on their own (the row's version counter).
_QUIET = frozenset({"version"})


def action_name(kind: str, verb: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """"<kind>.<verb>", with an update that changes only the workflow status named "<kind>.status"."""
    if verb == "update" and after and set(after) - _QUIET == {"status"}:
        verb = "status"
    return f"{kind}.{verb}"[:40]


def record(session: Session, actor: str | None, action: str, target_kind: str, target_id: int | None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, *,
           note: str | None = None) -> None:
    """One audit entry in the caller's transaction. `action` is "<kind>.<verb>" (see `action_name`)."""
    from planwatch.register.history import jsonable

    session.execute(insert(AuditEntry).values(
        at=utcnow(), actor=actor, action=action[:40], target_kind=target_kind[:20], target_id=target_id,
        before=jsonable(before), after=jsonable(after), note=note))


LOAD = "import"  # the verb of a bulk load's one entry


def record_load(session: Session, actor: str | None, kind: str, summary: dict[str, Any], *,
                note: str | None = None) -> None:
    """The one audit entry of a bulk load of `kind` rows (its history rows are written per row).
    `summary`: what the load did, e.g. {"file": ..., "rows": ..., "inserted": ..., "updated": ...,
    "unchanged": ..., "status": ...}."""
    record(session, actor, f"{kind}.{LOAD}", kind, None, None, summary, note=note)


def record_rows(session: Session, rows: Iterable[tuple[str | None, str, str, int | None, str | None, str | None,
                                                       str | None]], at: Any) -> None:
    """The bulk path: (actor, action, kind, id, before JSON text, after JSON text, note) tuples; `at` in
    storage form (`history.stored_time`)."""
    from planwatch.register.history import insert_tuples

    insert_tuples(session, _T, ("at", "actor", "action", "target_kind", "target_id", "before", "after", "note"),
                  [(at, *row) for row in rows])


@dataclass(frozen=True)
class Filter:
    actor: str | None = None
    action: str | None = None  # an exact action, or a kind prefix such as "user."
    target_kind: str | None = None
    target_id: int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _where(q: Any, f: Filter) -> Any:
    if f.actor:
        q = q.where(_T.c.actor == f.actor)
    if f.action:
        q = q.where(_T.c.action.startswith(f.action, autoescape=True) if f.action.endswith(".")
                    else _T.c.action == f.action)
    if f.target_kind:
        q = q.where(_T.c.target_kind == f.target_kind)
    if f.target_id is not None:
        q = q.where(_T.c.target_id == f.target_id)
    if f.since is not None:
        q = q.where(_T.c.at >= f.since)
    if f.until is not None:
        q = q.where(_T.c.at < f.until)
    return q


def search(session: Session, f: Filter, *, offset: int = 0, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """Entries matching `f`, newest first, one page of at most MAX_PAGE, and how many match in all."""
    limit = max(1, min(limit, MAX_PAGE))
    total = session.execute(_where(select(func.count()).select_from(_T), f)).scalar_one()
    rows = session.execute(_where(select(_T), f).order_by(_T.c.id.desc()).offset(max(0, offset)).limit(limit))
    return [dict(r._mapping) for r in rows], int(total)


def each(session: Session, f: Filter, *, cap: int = 100_000) -> Iterable[dict[str, Any]]:
    """Every entry matching `f`, newest first, at most `cap` (exports), read in batches."""
    q = _where(select(_T), f).order_by(_T.c.id.desc()).limit(cap)
    for row in session.execute(q.execution_options(yield_per=2000)):
        yield dict(row._mapping)


def actors(session: Session) -> list[str]:
    return [a for a in session.scalars(select(_T.c.actor).where(_T.c.actor.is_not(None)).distinct()
                                       .order_by(_T.c.actor))]


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(_T.c.action).distinct().order_by(_T.c.action)))


def target_labels(session: Session, rows: Iterable[dict[str, Any]]) -> dict[tuple[str, int], str]:
    """(kind, id) → a readable name for the targets of `rows`: the account, department, plan, indicator,
    task or project name; a value as "indicator · region · year", a round as "plan · year". Targets since removed are left out."""
    from planwatch.register.schema import (
        Department,
        Indicator,
        Metric,
        Observation,
        Plan,
        ProgressReport,
        Project,
        Region,
        ReportingRound,
        Task,
        User,
    )

    wanted: dict[str, set[int]] = {}
    for r in rows:
        if r.get("target_id") is not None:
            wanted.setdefault(r["target_kind"], set()).add(r["target_id"])
    out: dict[tuple[str, int], str] = {}
    simple = {"user": (User, User.username), "department": (Department, Department.name),
              "plan": (Plan, Plan.title), "indicator": (Indicator, Indicator.name), "task": (Task, Task.text),
              "project": (Project, Project.name), "metric": (Metric, Metric.name)}
    def chunks(kind: str) -> Iterable[list[int]]:
        ids = sorted(wanted.get(kind, ()))
        for n in range(0, len(ids), 1000):
            yield ids[n:n + 1000]

    for kind, (model, col) in simple.items():
        for ids in chunks(kind):
            for i, name in session.execute(select(model.id, col).where(model.id.in_(ids))):
                out[(kind, i)] = str(name)[:80]
    for ids in chunks("observation"):
        q = (select(Observation.id, Metric.name, Region.name, Observation.year)
             .join(Metric, Metric.id == Observation.metric_id).join(Region, Region.code == Observation.region_code)
             .where(Observation.id.in_(ids)))
        for i, metric, region, year in session.execute(q):
            out[("observation", i)] = f"{metric} · {region} · {year}"
    for ids in chunks("progress"):
        q = (select(ProgressReport.id, func.coalesce(Task.text, Project.name), ProgressReport.year)
             .outerjoin(Task, Task.id == ProgressReport.task_id)
             .outerjoin(Project, Project.id == ProgressReport.project_id).where(ProgressReport.id.in_(ids)))
        for i, name, year in session.execute(q):
            out[("progress", i)] = f"{str(name)[:60]} · {year}"
    for ids in chunks("round"):
        q = (select(ReportingRound.id, Plan.title, ReportingRound.year).join(Plan, Plan.id == ReportingRound.plan_id)
             .where(ReportingRound.id.in_(ids)))
        for i, title, year in session.execute(q):
            out[("round", i)] = f"{str(title)[:60]} · {year}"
    return out
