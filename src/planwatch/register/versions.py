"""Per-plan data versions, bumped in the transaction that writes.

The register keeps one change sequence (`register_state.seq`). A transaction that changes what pages
read takes the next number when it commits and writes it:

- into `plans.data_version` of every plan whose pages read the values it wrote (observations,
  progress reports; which plans is `register.changes`' rule, the one home of it);
- into `register_state.structure_seq` when it changed anything else pages read (plans, indicators,
  targets, milestones, assignments, regions, departments, users): every page may change.

Readers (`web.data.Services`) ask `current` — one row — and, when the sequence moved, `changed_plans`
(an index range on `plans.data_version`, bounded by the plans touched). Neither grows with the register.

Writes are seen without their callers doing anything: `history.record`/`record_many`/`insert_tuples`
note the log rows they write (every value write is logged), and session events note the ORM
objects and ORM-enabled statements flushed through the session. The bump runs in `before_commit`.

On PostgreSQL the `UPDATE register_state` row lock orders the bumping transactions, so sequence order
is commit order and a reader that saw `seq = n` sees every write numbered up to n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, event, insert, select, update
from sqlalchemy.orm import Session, UOWTransaction

from planwatch.register import changes
from planwatch.register.schema import (
    Evaluation,
    History,
    LoginFailure,
    Observation,
    Plan,
    ProgressReport,
    RegisterState,
    StatusCount,
    UserSession,
)

KEY = "planwatch.versions"
# Tables no page reads (sessions, throttling) and the ones this module and the evaluation store write.
UNREAD = frozenset(t.__tablename__ for t in (UserSession, LoginFailure, History, RegisterState, Evaluation,
                                             StatusCount))
_STATE = RegisterState.__table__
_PLANS: Table = Plan.__table__  # type: ignore[assignment]
MAX_PLANS_LISTED = 10_000  # more touched plans than this since a reader last looked: treat as structure


@dataclass
class Pending:
    """What the open transaction wrote, as far as pages are concerned."""

    observations: set[int] = field(default_factory=set)  # observation ids (from the log)
    series: set[tuple[int, str]] = field(default_factory=set)  # (metric id, region code) written
    progress: set[int] = field(default_factory=set)  # progress report ids
    plans: set[int] = field(default_factory=set)  # plans known directly
    structure: bool = False

    def empty(self) -> bool:
        return not (self.observations or self.series or self.progress or self.plans or self.structure)


def pending(session: Session) -> Pending:
    p = session.info.get(KEY)
    if p is None:
        p = session.info[KEY] = Pending()
    return p


def note_log(session: Session, entity: str, entity_id: int) -> None:
    """A history row is being written: what it touches is resolved at commit."""
    p = pending(session)
    if entity == "observation":
        p.observations.add(entity_id)
    elif entity == "progress":
        p.progress.add(entity_id)
    else:
        p.structure = True


def note_log_rows(session: Session, rows: list[tuple[str, int]]) -> None:
    p = pending(session)
    for entity, entity_id in rows:
        if entity == "observation":
            p.observations.add(entity_id)
        elif entity == "progress":
            p.progress.add(entity_id)
        else:
            p.structure = True


def note_structure(session: Session) -> None:
    pending(session).structure = True


# -- reading ------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    seq: int
    structure_seq: int


def current(session: Session) -> State:
    """The register's change sequence: one row by primary key."""
    row = session.execute(select(RegisterState.seq, RegisterState.structure_seq)
                          .where(RegisterState.id == 1)).first()
    return State(0, 0) if row is None else State(int(row[0]), int(row[1]))


def changed_plans(session: Session, after: int, upto: int) -> set[int] | None:
    """The plans whose data version moved into (after, upto]; None when more than MAX_PLANS_LISTED."""
    ids = session.scalars(select(Plan.id).where(Plan.data_version > after, Plan.data_version <= upto)
                          .limit(MAX_PLANS_LISTED + 1)).all()
    return None if len(ids) > MAX_PLANS_LISTED else set(ids)


def plan_versions(session: Session, plan_ids: list[int]) -> dict[int, int]:
    """Each plan's data version (plans that do not exist are left out)."""
    out: dict[int, int] = {}
    for i in range(0, len(plan_ids), 500):
        out.update((pid, v) for pid, v in session.execute(
            select(Plan.id, Plan.data_version).where(Plan.id.in_(plan_ids[i:i + 500]))))
    return out


# -- writing ------------------------------------------------------------------
def _next_seq(session: Session, structure: bool) -> int:
    conn = session.connection()
    values: dict[str, Any] = {"seq": _STATE.c.seq + 1}
    if structure:
        values["structure_seq"] = _STATE.c.seq + 1
    if conn.execute(update(_STATE).where(_STATE.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(insert(_STATE).values(id=1, seq=1, structure_seq=1 if structure else 0))
        return 1
    return int(conn.execute(select(_STATE.c.seq).where(_STATE.c.id == 1)).scalar_one())


def bump(session: Session) -> int | None:
    """Resolve what the open transaction wrote and write the new versions. Returns the sequence
    number taken, or None when nothing pages read changed. Called by the `before_commit` hook;
    callers never need to."""
    p = session.info.get(KEY)
    if p is None or p.empty():
        return None
    session.flush()
    p = session.info.pop(KEY, None) or p
    plans = set(p.plans)
    structure = p.structure
    if not structure:
        series = set(p.series)
        if p.observations:
            found = changes.series_of_observations(session, p.observations)
            if not found:
                structure = True  # values gone (deleted): do not guess who read them
            series |= found
        plans |= changes.plans_reading_series(session, series)
        if p.progress:
            found_plans = changes.progress_plans(session, p.progress)
            if not found_plans:
                structure = True
            plans |= found_plans
    seq = _next_seq(session, structure)
    if plans and not structure:
        conn = session.connection()
        ordered = sorted(plans)
        for i in range(0, len(ordered), 500):
            conn.execute(update(_PLANS).where(_PLANS.c.id.in_(ordered[i:i + 500])).values(data_version=seq))
    session.info.pop(KEY, None)  # the flush above may have noted rows this bump already covers
    return seq


# -- session events: every Session of the register -----------------------------
def _table_of(obj: object) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    p: Pending | None = None
    for bucket in (session.new, session.dirty, session.deleted):
        for obj in bucket:
            name = _table_of(obj)
            if name is None or name in UNREAD:
                continue
            if bucket is session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            p = p or pending(session)
            if isinstance(obj, Observation):
                if obj.metric_id is not None and obj.region_code is not None:
                    p.series.add((obj.metric_id, obj.region_code))
                else:
                    p.structure = True
            elif isinstance(obj, ProgressReport) and bucket is not session.deleted and obj.id is not None:
                p.progress.add(obj.id)
            elif isinstance(obj, ProgressReport):
                p.plans.update(_progress_report_plan(session, obj))
            else:
                p.structure = True


def _progress_report_plan(session: Session, report: ProgressReport) -> set[int]:
    from planwatch.register.schema import Project, Task

    if report.task_id is not None:
        pid = session.scalar(select(Task.plan_id).where(Task.id == report.task_id))
    else:
        pid = session.scalar(select(Project.plan_id).where(Project.id == report.project_id))
    return {pid} if pid is not None else set()


@event.listens_for(Session, "do_orm_execute")
def _do_orm_execute(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is None or name in UNREAD:
        return
    if name in ("observations", "progress_reports"):
        return  # value writes are logged row by row (`history`), and the log rows are noted
    note_structure(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    bump(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(KEY, None)


__all__ = ["State", "bump", "changed_plans", "current", "note_log", "note_log_rows", "note_structure",
           "pending", "plan_versions"]
