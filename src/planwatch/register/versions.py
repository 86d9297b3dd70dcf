"""Per-plan data versions, bumped in the transaction that writes.

The register keeps one change sequence (`register_state.seq`). A transaction that changes what pages
read takes the next number when it commits and writes it:

- into `plans.data_version` of every plan whose pages read the values it wrote (observations,
  progress reports; which plans is `register.changes`' rule, the one home of it);
- into `register_state.structure_seq` when it changed anything else pages read (plans, indicators,
  targets, milestones, assignments, regions, departments, users): every page may change;
- nowhere else when it only ended sign-in sessions (deleted `user_sessions` rows): no page changes, but
  the sequence moves, so a web worker that keeps signed-in accounts between requests reads them again.

Readers (`web.data.Services`) ask `current` — one row — and, when the sequence moved, `changed_plans`
(an index range on `plans.data_version`, bounded by the plans touched). Neither grows with the register.

Writes are seen without their callers doing anything: `history.record`/`record_many`/`insert_tuples`
note the log rows they write (every value write is logged), and session events note the ORM
objects and ORM-enabled statements flushed through the session. The bump runs in `before_commit`.

On PostgreSQL the `UPDATE register_state` row lock orders the bumping transactions, so sequence order
is commit order and a reader that saw `seq = n` sees every write numbered up to n.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, event, insert, select, update
from sqlalchemy.orm import Session, UOWTransaction

from planwatch.register import changes
from planwatch.register.schema import (
    AuditEntry,
    Evaluation,
    History,
    LoginFailure,
    Notification,
    Observation,
    Plan,
    PlanEvaluation,
    ProgressReport,
    RegionCount,
    RegionStatusCount,
    RegionTotal,
    RegisterState,
    StatusCount,
    StatusTotal,
    UserSession,
)

KEY = "planwatch.versions"
# Tables no page reads (sessions, throttling) and the ones this module and the evaluation store write.
# Notifications are read live by the 待办 page, never cached.
UNREAD = frozenset(t.__tablename__ for t in (UserSession, LoginFailure, History, AuditEntry, RegisterState,
                                             Evaluation, PlanEvaluation, StatusCount,
                                             RegionStatusCount, StatusTotal, RegionTotal, RegionCount, Notification))
_STATE = RegisterState.__table__
_PLANS: Table = Plan.__table__  # type: ignore[assignment]
MAX_PLANS_LISTED = 10_000  # more touched plans than this since a reader last looked: treat as structure
# More values than this in one transaction (a bulk import): not resolved to plans one by one; the
# transaction counts as a change of everything (every cached page and stored evaluation is stale).
MAX_VALUES_RESOLVED = 200_000


@dataclass
class Pending:
    """What the open transaction wrote, as far as pages are concerned."""

    observations: set[int] = field(default_factory=set)  # observation ids (from the log)
    series: set[tuple[int, str]] = field(default_factory=set)  # (metric id, region code) written
    progress: set[int] = field(default_factory=set)  # progress report ids
    plans: set[int] = field(default_factory=set)  # plans whose own rows changed
    indicators: set[int] = field(default_factory=set)  # indicators whose own rows changed (→ their plans)
    tasks: set[int] = field(default_factory=set)
    projects: set[int] = field(default_factory=set)
    structure: bool = False  # something cross-plan pages read changed: every cached page is stale
    shared: bool = False  # something every plan's evaluation reads changed (regions, metrics)
    sessions: bool = False  # sign-in sessions ended: the sequence moves, no page is stale

    def empty(self) -> bool:
        return not (self.observations or self.series or self.progress or self.plans or self.indicators
                    or self.tasks or self.projects or self.structure or self.shared or self.sessions)


def pending(session: Session) -> Pending:
    p = session.info.get(KEY)
    if p is None:
        p = session.info[KEY] = Pending()
    return p


# Log entities and what their id names; anything else is shared structure.
_LOGGED = {"observation": "observations", "progress": "progress", "plan": "plans", "indicator": "indicators",
           "task": "tasks", "project": "projects"}
# Log entities whose rows are ORM objects with a plan id: the flush event notes their plan, so the log
# row adds nothing (a reporting round moves its own plan's data year, no other plan's).
_NOTED_BY_FLUSH = frozenset({"round"})


def note_log_ids(session: Session, entity: str, ids: Iterable[int]) -> None:
    """History rows of one entity are being written (a bulk load's: one set update): what they touch
    is resolved at commit. Already a change of everything, or noted by the flush: nothing to note."""
    p = pending(session)
    if (entity == "observation" and p.shared) or entity in _NOTED_BY_FLUSH:
        return
    where = _LOGGED.get(entity)
    if where is None:
        p.structure = p.shared = True
        return
    getattr(p, where).update(ids)
    if entity not in changes.VALUE_ENTITIES:
        p.structure = True
    if len(p.observations) > MAX_VALUES_RESOLVED:
        p.observations.clear()
        p.structure = p.shared = True


def note_log_rows(session: Session, rows: list[tuple[str, int]]) -> None:
    """History rows are being written: what they touch is resolved at commit."""
    by_entity: dict[str, list[int]] = {}
    for entity, entity_id in rows:
        by_entity.setdefault(entity, []).append(entity_id)
    for entity, ids in by_entity.items():
        note_log_ids(session, entity, ids)


def note_log(session: Session, entity: str, entity_id: int) -> None:
    note_log_rows(session, [(entity, entity_id)])


def note_structure(session: Session, shared: bool = True) -> None:
    p = pending(session)
    p.structure = True
    p.shared = p.shared or shared


# -- reading ------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    seq: int  # the last change
    structure_seq: int  # the last change of structure (every cached page may change)
    shared_seq: int  # the last change every plan's evaluation reads (regions, populations, metrics)


def current(session: Session) -> State:
    """The register's change sequence: one row by primary key."""
    row = session.execute(select(RegisterState.seq, RegisterState.structure_seq, RegisterState.shared_seq)
                          .where(RegisterState.id == 1)).first()
    return State(0, 0, 0) if row is None else State(int(row[0]), int(row[1]), int(row[2]))


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
def _next_seq(session: Session, structure: bool, shared: bool) -> int:
    conn = session.connection()
    values: dict[str, Any] = {"seq": _STATE.c.seq + 1}
    if structure:
        values["structure_seq"] = _STATE.c.seq + 1
    if shared:
        values["shared_seq"] = _STATE.c.seq + 1
    if conn.execute(update(_STATE).where(_STATE.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(insert(_STATE).values(id=1, seq=1, structure_seq=int(structure), shared_seq=int(shared)))
        return 1
    return int(conn.execute(select(_STATE.c.seq).where(_STATE.c.id == 1)).scalar_one())


def _owners(session: Session, column: Any, key: Any, ids: set[int]) -> set[int]:
    out: set[int] = set()
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        out.update(session.scalars(select(column).where(key.in_(ordered[i:i + 500]))))
    return out


def bump(session: Session) -> int | None:
    """Resolve what the open transaction wrote and write the new versions. Returns the sequence
    number taken, or None when nothing pages read changed and no session ended. Called by the
    `before_commit` hook; callers never need to."""
    from planwatch.register.schema import Indicator, Project, Task

    # The commit flushes after this hook: changes still unflushed (an attribute set just before the
    # commit) are noted by flushing them here.
    session.flush()
    p = session.info.pop(KEY, None)
    if p is None or p.empty():
        return None
    plans = set(p.plans)
    structure, shared = p.structure, p.shared
    series = set(p.series) if not shared else set()
    if p.observations and not shared:
        found = changes.series_of_observations(session, p.observations)
        if not found:
            structure = shared = True  # values gone (deleted): do not guess who read them
        series |= found
    plans |= changes.plans_reading_series(session, series)
    if p.progress:
        found_plans = changes.progress_plans(session, p.progress)
        if not found_plans:
            structure = shared = True
        plans |= found_plans
    plans |= _owners(session, Indicator.plan_id, Indicator.id, p.indicators)
    plans |= _owners(session, Task.plan_id, Task.id, p.tasks)
    plans |= _owners(session, Project.plan_id, Project.id, p.projects)
    seq = _next_seq(session, structure, shared)
    if plans:
        conn = session.connection()
        ordered = sorted(plans)
        for i in range(0, len(ordered), 500):
            conn.execute(update(_PLANS).where(_PLANS.c.id.in_(ordered[i:i + 500])).values(data_version=seq))
    session.info.pop(KEY, None)  # the flush above may have noted rows this bump already covers
    return seq


# -- session events: every Session of the register -----------------------------
# Tables no evaluation reads: a statement on them is structure for cached pages only.
_NOT_EVALUATED = frozenset({"users", "departments", "service_items", "plan_documents", "reference_facts",
                            "region_boundaries"})

def _table_of(obj: object) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


# Tables every plan's evaluation reads: a change there makes every stored evaluation stale.
SHARED = frozenset({"regions", "region_populations", "metrics"})


def _note_object(p: Pending, obj: Any, name: str) -> None:
    """An ORM row flushed: the plan it belongs to, or shared structure."""
    if isinstance(obj, Observation):
        if obj.metric_id is not None and obj.region_code is not None:
            p.series.add((obj.metric_id, obj.region_code))
        else:
            p.structure = p.shared = True
        return
    if isinstance(obj, ProgressReport):
        if obj.task_id is not None:
            p.tasks.add(obj.task_id)
        elif obj.project_id is not None:
            p.projects.add(obj.project_id)
        return
    p.structure = True
    if name in SHARED:
        p.shared = True
    elif isinstance(obj, Plan):
        if obj.id is not None:
            p.plans.add(obj.id)
    elif (plan_id := getattr(obj, "plan_id", None)) is not None:
        p.plans.add(plan_id)
    elif (indicator_id := getattr(obj, "indicator_id", None)) is not None:
        p.indicators.add(indicator_id)
    elif (task_id := getattr(obj, "task_id", None)) is not None:
        p.tasks.add(task_id)
    elif (project_id := getattr(obj, "project_id", None)) is not None:
        p.projects.add(project_id)
    # users, departments: structure for cached pages, nothing an evaluation reads


_SESSIONS = UserSession.__tablename__


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    p: Pending | None = None
    # Each of `session.new/dirty/deleted` builds a new set from the identity map when read: read once
    # (compared inside the loop they were rebuilt per object, quadratic in a flush of 40,000 regions,
    # and an `is` test against a fresh set never held).
    dirty, deleted = session.dirty, session.deleted
    for bucket in (session.new, dirty, deleted):
        for obj in bucket:
            name = _table_of(obj)
            if name == _SESSIONS and bucket is deleted:
                pending(session).sessions = True
            if name is None or name in UNREAD:
                continue
            if bucket is dirty and not session.is_modified(obj, include_collections=False):
                continue
            p = p or pending(session)
            _note_object(p, obj, name)


@event.listens_for(Session, "do_orm_execute")
def _do_orm_execute(state: Any) -> Any:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name == _SESSIONS and state.is_delete:
        # Sessions ended (sign-out, password change, the oldest of too many): noted only when rows went,
        # so a sign-in whose purge of expired sessions found none does not move the sequence.
        result = state.invoke_statement()
        if result.rowcount != 0:  # -1 (unknown) counts as ended
            pending(state.session).sessions = True
        return result
    if name is None or name in UNREAD:
        return None
    if name in ("observations", "progress_reports"):
        return None  # value writes are logged row by row (`history`), and the log rows are noted
    # A statement on many rows: which plans it touched is not known here, so every plan's.
    note_structure(state.session, shared=name not in _NOT_EVALUATED)
    return None


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    bump(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(KEY, None)


__all__ = ["State", "bump", "changed_plans", "current", "note_log", "note_log_rows", "note_structure",
           "pending", "plan_versions"]
