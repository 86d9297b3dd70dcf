"""Reporting rounds (填报轮次): one plan's values and progress for one year, with deadlines.

Modelled on DHIS2's data-set expiry and locking and its reporting-rate (completeness) report:

- A planner opens a round per plan and year with a due date (应报日期: what is reported after it
  is overdue) and a lock date (锁定日期: after it nothing is written). The state moves
  open → closed / approved → locked, each step recorded in `history` (entity "round": who, when, why).
- `check_writable` is the one rule for whether a value or a progress report of a plan and year may
  be written now. The storage layer (`observations.write_observations` / `update_observation`,
  `progress.report_progress` / `set_progress_status`) calls it, so the web, the API, spreadsheet
  imports and the CLI all obey it. After the lock date, or once locked, a write needs an unlock by
  a planner (recorded, with a reason; optionally only until a date).
- A closed or approved round ends reporting for reporters (planners may still correct and decide
  until the lock date) and moves the plan's data year (`data_year`).
- Completeness (报送率): expected = the indicators, tasks and projects a department leads in the
  plan; reported = submitted or approved for the round's year. `completeness`, `todo`, reminders
  (`remind`, `notifications_for`) and the 催报 list (`chase_rows`) all read `round_items`.

Without any round for a plan and year, nothing here restricts a write (a register that does not
use rounds works as before).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch import model
from planwatch.register import history
from planwatch.register.errors import FieldError, NotFound
from planwatch.register.finality import counted_statuses
from planwatch.register.schema import (
    ROUND_STATES,
    Department,
    History,
    Indicator,
    ItemResponsibility,
    Notification,
    Observation,
    Plan,
    ProgressReport,
    Project,
    ReportingRound,
    Responsibility,
    Task,
    User,
    utcnow,
)

# States in which a round's year counts as the plan's data year (collection has ended).
FINAL_STATES: tuple[str, ...] = ("closed", "approved", "locked")
# Workflow states of a value or progress report that count as reported (报送) for completeness.
REPORTED_STATUSES: tuple[str, ...] = ("submitted", "approved")
# Decisions a planner takes on a reported row: allowed until the round is locked, even after its lock date.
DECISION_STATUSES: tuple[str, ...] = ("approved", "returned")


class RoundClosed(FieldError):
    """A write refused by a round (past its lock date, locked, or closed to reporters).

    A `FieldError` on the year, whose message reads Chinese first, then English, without the field."""

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def today() -> date:
    """The date deadlines are compared with (local calendar date of the server)."""
    return date.today()


# -- reading rounds ---------------------------------------------------------------------------------------------


def get_round(session: Session, round_id: int) -> ReportingRound:
    row = session.get(ReportingRound, round_id)
    if row is None:
        raise NotFound(f"填报轮次不存在 / no reporting round {round_id}")
    return row


def round_for(session: Session, plan_id: int, year: int) -> ReportingRound | None:
    return session.scalars(select(ReportingRound).where(ReportingRound.plan_id == plan_id,
                                                        ReportingRound.year == year)).first()


def rounds(session: Session, plan_id: int | None = None) -> list[ReportingRound]:
    q = select(ReportingRound).order_by(ReportingRound.year.desc(), ReportingRound.plan_id)
    if plan_id is not None:
        q = q.where(ReportingRound.plan_id == plan_id)
    return list(session.scalars(q))


def is_unlocked(r: ReportingRound, on: date) -> bool:
    return bool(r.unlocked) and (r.unlocked_until is None or on <= r.unlocked_until)


def is_past_lock(r: ReportingRound, on: date) -> bool:
    return r.lock_date is not None and on > r.lock_date


def is_overdue(r: ReportingRound, on: date) -> bool:
    return r.due_date is not None and on > r.due_date


def round_dict(session: Session, r: ReportingRound, on: date | None = None) -> dict[str, Any]:
    on = on or today()
    plan = session.get(Plan, r.plan_id)
    return {"id": r.id, "plan_id": r.plan_id, "plan_title": plan.title if plan else "", "year": r.year,
            "due_date": r.due_date, "lock_date": r.lock_date, "state": r.state, "unlocked": is_unlocked(r, on),
            "unlocked_until": r.unlocked_until, "past_lock": is_past_lock(r, on), "overdue": is_overdue(r, on),
            "steps": next_steps(r),
            "writable": _refusal(r, on, reporter=True, decision=False) is None}


# -- the one write rule -------------------------------------------------------------------------------------------


def _refusal(r: ReportingRound, on: date, *, reporter: bool, decision: bool) -> tuple[str, str] | None:
    """Why round `r` refuses a write on `on` (zh, en), or None when it allows it."""
    if is_unlocked(r, on):
        return None
    if r.state == "locked":
        return (f"{r.year}年度填报已锁定,修改须由规划管理人员解锁",
                f"reporting for {r.year} is locked; a planner must unlock it before any change")
    if decision:
        return None
    if is_past_lock(r, on):
        return (f"{r.year}年度填报已过锁定日期({r.lock_date.isoformat()}),修改须由规划管理人员解锁",  # type: ignore[union-attr]
                f"reporting for {r.year} closed on its lock date ({r.lock_date.isoformat()}); "  # type: ignore[union-attr]
                "a planner must unlock it before any change")
    if reporter and r.state in ("closed", "approved"):
        return (f"{r.year}年度填报已结束,如需修改请联系规划管理人员",
                f"reporting for {r.year} has ended; ask a planner to make a change")
    return None


def _is_reporter(session: Session, user: Any) -> bool:
    """`user`: an object with `role` (a web user, a `User` row), a user name, or None (the register's
    own operator: CLI, imports run by an administrator)."""
    if user is None:
        return False
    if isinstance(user, str):
        role = session.scalars(select(User.role).where(User.username == user)).first()
        return role == "reporter"
    return getattr(user, "role", None) == "reporter"


def refusal(session: Session, plan_id: int, year: int, user: Any = None, *, decision: bool = False,
            on: date | None = None) -> tuple[str, str] | None:
    """Why a value or progress report of `plan_id` for `year` may not be written now (zh, en), or None.

    `decision`: an approval or return (allowed after the lock date, not once locked). A plan and year
    without a round are not restricted."""
    r = round_for(session, plan_id, year)
    if r is None:
        return None
    return _refusal(r, on or today(), reporter=_is_reporter(session, user), decision=decision)


def check_writable(session: Session, plan_id: int, year: int, user: Any = None, *, decision: bool = False,
                   on: date | None = None) -> None:
    """Raise `RoundClosed` when `refusal` names a reason: the rule every write obeys."""
    why = refusal(session, plan_id, year, user, decision=decision, on=on)
    if why is not None:
        raise RoundClosed("year", *why)


# The steps that end writing for reporters, newest decides (what a read-only form names: by whom, when).
_CLOSING_STEPS = ("close", "approve", "lock")


def closed_for(session: Session, plan_id: int, year: int, user: Any = None,
               on: date | None = None) -> dict[str, Any] | None:
    """A year `user` may not write now, as a form shows it read-only: why (`refusal`, zh and en), the
    round's state, and who ended writing and when (the latest close/approve/lock step; past the lock
    date, the lock date and who set it). None when `user` may write."""
    on = on or today()
    why = refusal(session, plan_id, year, user, on=on)
    if why is None:
        return None
    r = round_for(session, plan_id, year)
    assert r is not None  # a refusal needs a round
    log = round_log(session, r.id)
    step = next((h for h in reversed(log) if h["action"] in _CLOSING_STEPS), None)
    if r.state == "open" and is_past_lock(r, on):  # still open, but its lock date has passed
        setter = next((h for h in reversed(log) if h["action"] in ("open", "dates")), None)
        by, at = (setter["by"] if setter else r.opened_by), r.lock_date
    else:
        by, at = (step["by"], step["at"]) if step else (None, None)
    if by:
        from planwatch.register.users import display_names

        by = display_names(session, [by]).get(by, by)
    return {"zh": why[0], "en": why[1], "state": r.state, "past_lock": is_past_lock(r, on), "by": by, "at": at,
            "round_id": r.id}


def reporting_year(session: Session, plan: Plan, on: date | None = None) -> int:
    """The year a plan's reporters report now (a form's default year, a plan's reporting form): the
    latest year whose round is open to reporters (open, or unlocked); with none, last calendar year,
    kept within the plan's period (a plan that uses no rounds)."""
    on = on or today()
    open_years = [r.year for r in rounds(session, plan.id) if r.state == "open" or is_unlocked(r, on)]
    if open_years:
        return max(open_years)
    from planwatch.register.reporting import default_year

    return default_year(plan.period_start, plan.period_end, on)


def check_indicator_writes(session: Session, writes: Iterable[tuple[int | None, int]], user: Any = None, *,
                           decision: bool = False) -> None:
    """`check_writable` for values reported through indicators: (indicator id, year) pairs, checked once
    per plan and year. Costs one query when no plan has a round."""
    if session.scalars(select(ReportingRound.id).limit(1)).first() is None:
        return
    pairs = {(i, y) for i, y in writes if i is not None}
    ids = sorted({i for i, _ in pairs})
    plan_of: dict[int, int] = {}
    for n in range(0, len(ids), 500):
        plan_of.update({i: p for i, p in session.execute(select(Indicator.id, Indicator.plan_id)
                                                         .where(Indicator.id.in_(ids[n:n + 500])))})
    for plan_id, year in sorted({(plan_of[i], y) for i, y in pairs if i in plan_of}):
        check_writable(session, plan_id, year, user, decision=decision)


# -- changing rounds ----------------------------------------------------------------------------------------------


def _check_dates(due_date: date | None, lock_date: date | None) -> None:
    if due_date is not None and lock_date is not None and lock_date < due_date:
        raise FieldError("lock_date", "锁定日期不能早于应报日期", "the lock date cannot be before the due date")


def open_round(session: Session, plan_id: int, year: int, *, due_date: date | None = None,
               lock_date: date | None = None, by: str | None = None, reason: str | None = None) -> ReportingRound:
    """Open the round of `plan_id` for `year` (a year the plan reports on: after its base year, up to its end)."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"规划不存在 / no plan {plan_id}")
    if not plan.base_year < year <= plan.period_end:
        raise FieldError("year", f"年度应在 {plan.base_year + 1}–{plan.period_end} 之间",
                         f"year must be within {plan.base_year + 1}–{plan.period_end}")
    if round_for(session, plan_id, year) is not None:
        raise FieldError("year", f"{year}年度的填报轮次已存在", f"a reporting round for {year} exists already")
    _check_dates(due_date, lock_date)
    r = ReportingRound(plan_id=plan_id, year=year, due_date=due_date, lock_date=lock_date, state="open",
                       unlocked=False, opened_by=by, created_at=utcnow(), updated_at=utcnow())
    session.add(r)
    session.flush()
    history.record(session, "round", r.id, "open", new={"plan_id": plan_id, "year": year, "due_date": due_date,
                                                         "lock_date": lock_date, "state": "open"},
                   by=by, reason=reason)
    return r


def _change(session: Session, r: ReportingRound, action: str, changes: dict[str, Any], by: str | None,
            reason: str | None) -> ReportingRound:
    old = {k: getattr(r, k) for k in changes if getattr(r, k) != changes[k]}
    if not old:
        return r
    for k in old:
        setattr(r, k, changes[k])
    r.updated_at = utcnow()
    session.flush()
    history.record(session, "round", r.id, action, old=old, new={k: changes[k] for k in old}, by=by, reason=reason)
    return r


def set_dates(session: Session, round_id: int, *, due_date: date | None, lock_date: date | None,
              by: str | None = None, reason: str | None = None) -> ReportingRound:
    r = get_round(session, round_id)
    _check_dates(due_date, lock_date)
    return _change(session, r, "dates", {"due_date": due_date, "lock_date": lock_date}, by, reason)


# The states each whole-round step starts from (lock: any, see `next_steps`).
STEP_FROM = {"close": ("open",), "approve": ("open", "closed"), "lock": ("open", "closed", "approved", "locked")}


def next_steps(r: ReportingRound) -> tuple[str, ...]:
    """The whole-round steps a planner may take now (what the round page offers): a locked round only
    locks again after an unlock."""
    return tuple(step for step, states in STEP_FROM.items()
                 if r.state in states and not (step == "lock" and r.state == "locked" and not r.unlocked))


def _require_state(r: ReportingRound, allowed: tuple[str, ...], action_zh: str, action_en: str) -> None:
    if r.state not in allowed:
        raise FieldError("state", f"当前状态不能{action_zh}", f"a round in state {r.state!r} cannot be {action_en}")


def close_round(session: Session, round_id: int, *, by: str | None = None, reason: str | None = None) -> ReportingRound:
    """End collection: reporters can no longer write; the plan's data year may move to this year."""
    r = get_round(session, round_id)
    _require_state(r, STEP_FROM["close"], "结束", "closed")
    return _change(session, r, "close", {"state": "closed"}, by, reason)


def approve_round(session: Session, round_id: int, *, by: str | None = None,
                  reason: str | None = None) -> ReportingRound:
    """The planner approves the year's reporting as a whole."""
    r = get_round(session, round_id)
    _require_state(r, STEP_FROM["approve"], "审定", "approved")
    return _change(session, r, "approve", {"state": "approved"}, by, reason)


def lock_round(session: Session, round_id: int, *, by: str | None = None, reason: str | None = None) -> ReportingRound:
    """Freeze the year: no value, progress report or decision is written until a planner unlocks it."""
    r = get_round(session, round_id)
    return _change(session, r, "lock", {"state": "locked", "unlocked": False, "unlocked_until": None}, by, reason)


def unlock_round(session: Session, round_id: int, *, reason: str, until: date | None = None,
                 by: str | None = None) -> ReportingRound:
    """Let writes through again (after the lock date, or in a locked round), until `until` (inclusive) or,
    without it, until the round is locked again. A reason is required: the unlock is recorded."""
    if not reason or not reason.strip():
        raise FieldError("reason", "解锁须说明原因", "an unlock needs a reason")
    r = get_round(session, round_id)
    if until is not None and until < today():
        raise FieldError("until", "解锁截止日期不能早于今天", "the unlock cannot end before today")
    return _change(session, r, "unlock", {"unlocked": True, "unlocked_until": until}, by, reason.strip())


# -- the plan's data year ------------------------------------------------------------------------------------------


def final_round_years(session: Session, plan_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Plan id → the latest year whose round is closed, approved or locked."""
    q = select(ReportingRound.plan_id, ReportingRound.year).where(ReportingRound.state.in_(FINAL_STATES))
    if plan_ids is not None:
        q = q.where(ReportingRound.plan_id.in_(list(plan_ids)))
    out: dict[int, int] = {}
    for plan_id, year in session.execute(q):
        out[plan_id] = max(year, out.get(plan_id, year))
    return out


def round_states(session: Session, plan_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """Plan id → its rounds' states by year (`data_year` reads them), for a batch of plans at once."""
    wanted = sorted(set(plan_ids))
    out: dict[int, dict[int, str]] = {plan_id: {} for plan_id in wanted}
    for i in range(0, len(wanted), 500):
        for plan_id, year, state in session.execute(select(ReportingRound.plan_id, ReportingRound.year,
                                                           ReportingRound.state)
                                                    .where(ReportingRound.plan_id.in_(wanted[i:i + 500]))):
            out[plan_id][year] = state
    return out


def data_year(session: Session, inp: model.EvaluationInput, statuses: tuple[str, ...] | None = None,
              on: date | None = None, rounds: dict[int, str] | None = None) -> int:
    """The year a plan is evaluated at on every page.

    The latest of: a year whose round is closed, approved or locked; a year without a round that has a
    counted (approved, `finality.counted_statuses`) value. A year whose round is still open never
    counts, so one department's early submission (even approved) does not move the plan's data year
    before the round ends. With none, the last year that should have been reported by now, so missing
    data shows as overdue rather than as a plan evaluated at its base year. Always within the plan's
    period. `rounds`: the plan's `round_states`, when the caller read them for a batch of plans."""
    start, end = inp.plan.period
    plan_id = int(inp.plan.id)
    states = round_states(session, [plan_id])[plan_id] if rounds is None else rounds
    counted = statuses if statuses is not None else counted_statuses()
    years = {y for y, state in states.items() if state in FINAL_STATES}
    years |= {o.year for o in inp.observations if o.status in counted and o.year not in states}
    if inp.below is not None:  # the sub-regions' values, when the input holds them as rows
        years |= inp.below.years(counted) - states.keys()
    if years:
        return max(start, min(max(years), end))
    due = (on or today()).year - 1
    return max(start, min(due, end))


# -- what a round expects, and what came in --------------------------------------------------------------------


@dataclass
class RoundItem:
    """One thing a department owes a round: an indicator's value or a task's / project's progress."""

    kind: str  # indicator | task | project
    item_id: int
    name: str
    department_id: int
    department: str
    status: str | None = None  # draft | submitted | approved | returned, None: nothing yet
    row_id: int | None = None  # the observation or progress report
    comment: str | None = None  # why it was returned

    @property
    def reported(self) -> bool:
        return self.status in REPORTED_STATUSES

    @property
    def outstanding(self) -> bool:
        return not self.reported


def _return_comments(session: Session, entity: str, ids: list[int]) -> dict[int, str | None]:
    """Row id → the reason given with its latest return."""
    out: dict[int, str | None] = {}
    for n in range(0, len(ids), 500):
        for h in session.scalars(select(History).where(History.entity == entity,
                                                       History.entity_id.in_(ids[n:n + 500]))
                                 .order_by(History.id)):
            if (h.new or {}).get("status") == "returned":
                out[h.entity_id] = h.reason
    return out


def round_items(session: Session, r: ReportingRound, department_id: int | None = None) -> list[RoundItem]:
    """Everything the lead departments owe round `r` (optionally one department's), with its state."""
    plan = session.get(Plan, r.plan_id)
    assert plan is not None
    items: list[RoundItem] = []
    q = (select(Indicator.id, Indicator.name, Indicator.metric_id, Responsibility.region_code, Department.id,
                Department.name)
         .join(Responsibility, Responsibility.indicator_id == Indicator.id)
         .join(Department, Department.id == Responsibility.department_id)
         .where(Indicator.plan_id == plan.id, Indicator.active, Responsibility.role == "lead")
         .order_by(Indicator.position, Indicator.id))
    if department_id is not None:
        q = q.where(Department.id == department_id)
    ind_rows = session.execute(q).all()
    metrics = sorted({row[2] for row in ind_rows})
    obs: dict[tuple[int, str], tuple[int, str]] = {}
    for n in range(0, len(metrics), 500):
        for oid, metric, region, status in session.execute(
                select(Observation.id, Observation.metric_id, Observation.region_code, Observation.status)
                .where(Observation.metric_id.in_(metrics[n:n + 500]), Observation.year == r.year)):
            obs[(metric, region)] = (oid, status)
    seen: set[tuple[int, int]] = set()
    for ind_id, name, metric, region, dep_id, dep_name in ind_rows:
        if (ind_id, dep_id) in seen:
            continue
        seen.add((ind_id, dep_id))
        found = obs.get((metric, region))
        items.append(RoundItem("indicator", ind_id, name, dep_id, dep_name, found[1] if found else None,
                               found[0] if found else None))
    for kind, item_model, col, label in (("task", Task, ItemResponsibility.task_id, Task.text),
                                         ("project", Project, ItemResponsibility.project_id, Project.name)):
        report_col = ProgressReport.task_id if kind == "task" else ProgressReport.project_id
        q2 = (select(item_model.id, label, Department.id, Department.name, ProgressReport.id, ProgressReport.status)
              .join(ItemResponsibility, col == item_model.id)
              .join(Department, Department.id == ItemResponsibility.department_id)
              .outerjoin(ProgressReport, (report_col == item_model.id) & (ProgressReport.year == r.year))
              .where(item_model.plan_id == plan.id, item_model.active, ItemResponsibility.role == "lead")
              .order_by(item_model.position, item_model.id))
        if department_id is not None:
            q2 = q2.where(Department.id == department_id)
        for item_id, text, dep_id, dep_name, rep_id, status in session.execute(q2):
            items.append(RoundItem(kind, item_id, text, dep_id, dep_name, status, rep_id))
    for kind, entity in (("indicator", "observation"), ("task", "progress"), ("project", "progress")):
        returned = [i for i in items if i.kind == kind and i.status == "returned" and i.row_id is not None]
        if returned:
            comments = _return_comments(session, entity, [i.row_id for i in returned])  # type: ignore[misc]
            for i in returned:
                i.comment = comments.get(i.row_id)  # type: ignore[arg-type]
    return items


def rate(reported: int, expected: int) -> float | None:
    """报送率 as a fraction; None when nothing is expected."""
    return reported / expected if expected else None


@dataclass
class Completeness:
    round: dict[str, Any]
    expected: int = 0
    reported: int = 0
    approved: int = 0
    returned: int = 0
    departments: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return rate(self.reported, self.expected)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": self.rate}


def completeness(session: Session, round_id: int, on: date | None = None) -> Completeness:
    """报送率 of a round by department and for its plan, and the overdue list (after the due date:
    everything not submitted or approved, returned rows included)."""
    on = on or today()
    r = get_round(session, round_id)
    items = round_items(session, r)
    out = Completeness(round=round_dict(session, r, on))
    per: dict[int, dict[str, Any]] = {}
    plan_seen: dict[tuple[str, int], RoundItem] = {}
    for i in items:
        d = per.setdefault(i.department_id, {"department_id": i.department_id, "department": i.department,
                                             "expected": 0, "reported": 0, "approved": 0, "returned": 0})
        d["expected"] += 1
        d["reported"] += i.reported
        d["approved"] += i.status == "approved"
        d["returned"] += i.status == "returned"
        plan_seen.setdefault((i.kind, i.item_id), i)
    for d in per.values():
        d["rate"] = rate(d["reported"], d["expected"])
    out.departments = sorted(per.values(), key=lambda d: (d["rate"] if d["rate"] is not None else 2, d["department"]))
    unique = list(plan_seen.values())
    out.expected = len(unique)
    out.reported = sum(i.reported for i in unique)
    out.approved = sum(i.status == "approved" for i in unique)
    out.returned = sum(i.status == "returned" for i in unique)
    if is_overdue(r, on):
        days = (on - r.due_date).days  # type: ignore[operator]
        out.overdue = [{**asdict(i), "due_date": r.due_date, "days_overdue": days} for i in items if i.outstanding]
    return out


# -- a reporter's to-do list ------------------------------------------------------------------------------------


def todo(session: Session, department_id: int | None, on: date | None = None) -> dict[str, Any]:
    """What a department owes the open rounds: due (with the due date), returned (with the comment),
    overdue; with counts. Rounds closed to reporters are left out unless unlocked."""
    on = on or today()
    due: list[dict[str, Any]] = []
    returned: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    waiting = 0
    if department_id is not None:
        for r in rounds(session):
            if r.state != "open" and not is_unlocked(r, on):
                continue  # closed, approved or locked: nothing left to do
            info = round_dict(session, r, on)
            for i in round_items(session, r, department_id):
                row = {**asdict(i), "round": info, "year": r.year, "plan_id": r.plan_id,
                       "plan_title": info["plan_title"], "due_date": r.due_date, "lock_date": r.lock_date}
                if i.status == "submitted":
                    waiting += 1
                    continue
                if i.status == "approved":
                    continue
                if i.status == "returned":
                    returned.append(row)
                if is_overdue(r, on):
                    overdue.append(row | {"days_overdue": (on - r.due_date).days})  # type: ignore[operator]
                elif i.status != "returned":
                    due.append(row)
    due.sort(key=lambda x: (x["due_date"] or date.max, x["plan_id"]))
    return {"due": due, "returned": returned, "overdue": overdue, "waiting": waiting,
            "counts": {"due": len(due), "returned": len(returned), "overdue": len(overdue), "waiting": waiting}}


def template_choices(session: Session, department_id: int | None, on: date | None = None) -> list[dict[str, Any]]:
    """The reporting forms that can be downloaded now, one per (plan, year, department): each round open
    to reporters (open, or unlocked), and for a plan that uses no rounds, its default year. Only
    `department_id`'s forms when given (a reporter), else every department's (staff). A department's
    form lists the indicators it answers for (lead or co-responsible), as `exchange.template` writes it."""
    on = on or today()
    q = (select(Indicator.plan_id, Department.id, Department.name).distinct()
         .join(Responsibility, Responsibility.indicator_id == Indicator.id)
         .join(Department, Department.id == Responsibility.department_id)
         .where(Indicator.active))
    if department_id is not None:
        q = q.where(Department.id == department_id)
    by_plan: dict[int, list[tuple[int, str]]] = {}
    for plan_id, dep_id, dep_name in session.execute(q):
        by_plan.setdefault(plan_id, []).append((dep_id, dep_name))
    if not by_plan:
        return []
    plans = {p.id: p for p in session.scalars(select(Plan).where(Plan.id.in_(sorted(by_plan))))}
    with_rounds: dict[int, list[ReportingRound]] = {}
    for r in session.scalars(select(ReportingRound).where(ReportingRound.plan_id.in_(sorted(by_plan)))):
        with_rounds.setdefault(r.plan_id, []).append(r)
    out: list[dict[str, Any]] = []
    for plan_id, deps in by_plan.items():
        plan = plans[plan_id]
        if plan_id in with_rounds:
            open_ = [(r.year, r) for r in with_rounds[plan_id] if r.state == "open" or is_unlocked(r, on)]
        else:
            open_ = [(reporting_year(session, plan, on), None)]  # the CLI template's year
        for year, r in open_:
            for dep_id, dep_name in sorted(deps, key=lambda d: d[1]):
                out.append({"plan_id": plan_id, "plan_title": plan.title, "year": year, "department_id": dep_id,
                            "department": dep_name, "round_id": r.id if r else None,
                            "due_date": r.due_date if r else None})
    out.sort(key=lambda c: (c["due_date"] or date.max, c["plan_id"], -c["year"], c["department"]))
    return out


# -- reminders and the 催报 list -------------------------------------------------------------------------------


def chase_rows(session: Session, round_id: int, on: date | None = None) -> list[dict[str, Any]]:
    """One row per department with outstanding items: department, contact users, items outstanding, due date."""
    on = on or today()
    r = get_round(session, round_id)
    per: dict[int, dict[str, Any]] = {}
    for i in round_items(session, r):
        if i.outstanding:
            d = per.setdefault(i.department_id, {"department_id": i.department_id, "department": i.department,
                                                 "outstanding": 0, "items": []})
            d["outstanding"] += 1
            d["items"].append(i.name)
    contacts = _reporters(session, list(per))
    plan = session.get(Plan, r.plan_id)
    return [{**d, "contacts": [u.display_name or u.username for u in contacts.get(d["department_id"], [])],
             "due_date": r.due_date, "overdue": is_overdue(r, on), "plan_title": plan.title if plan else "",
             "year": r.year}
            for d in sorted(per.values(), key=lambda d: (-d["outstanding"], d["department"]))]


def _reporters(session: Session, department_ids: list[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    if department_ids:
        for u in session.scalars(select(User).where(User.department_id.in_(department_ids), User.active,
                                                    User.role == "reporter").order_by(User.username)):
            out.setdefault(u.department_id, []).append(u)  # type: ignore[arg-type]
    return out


def remind(session: Session, round_id: int, *, by: str | None = None, on: date | None = None) -> int:
    """An in-app reminder (催报) to every active reporter of each department with outstanding items.
    Returns how many were sent; recorded in `history`."""
    r = get_round(session, round_id)
    rows = chase_rows(session, round_id, on)
    contacts = _reporters(session, [d["department_id"] for d in rows])
    sent = 0
    for d in rows:
        day = d["due_date"]
        due = f",应报日期 {day.year}年{day.month}月{day.day}日" if day else ""
        due_en = (f", due {d['due_date'].isoformat()}" if d["due_date"] else "")
        message = (f"催报:《{d['plan_title']}》{r.year}年度尚有 {d['outstanding']} 项未报送{due} / "
                   f"Reminder: {d['outstanding']} items of {r.year} still to report{due_en}")
        for u in contacts.get(d["department_id"], []):
            session.add(Notification(user_id=u.id, round_id=r.id, message=message, created_by=by,
                                     created_at=utcnow()))
            sent += 1
    session.flush()
    history.record(session, "round", r.id, "remind", new={"sent": sent, "departments": len(rows)}, by=by)
    return sent


def notifications_for(session: Session, user_id: int, *, unread_only: bool = False,
                      limit: int = 50) -> list[dict[str, Any]]:
    q = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    return [{"id": n.id, "message": n.message, "created_at": n.created_at, "created_by": n.created_by,
             "read": n.read_at is not None, "round_id": n.round_id} for n in session.scalars(q)]


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or every) notification of `user_id` read; another user's is never touched."""
    q = select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        q = q.where(Notification.id == notification_id)
    rows = list(session.scalars(q))
    for n in rows:
        n.read_at = utcnow()
    session.flush()
    return len(rows)


__all__ = ["ROUND_STATES", "RoundClosed", "approve_round", "check_writable", "close_round", "completeness",
           "data_year", "lock_round", "open_round", "round_for", "set_dates", "todo", "unlock_round"]


def round_log(session: Session, round_id: int) -> list[dict[str, Any]]:
    """Every recorded step of a round (open, dates, close, approve, lock, unlock, remind): who, when, why."""
    rows = session.scalars(select(History).where(History.entity == "round", History.entity_id == round_id)
                           .order_by(History.id))
    from planwatch.register.users import with_display_names

    return with_display_names(session, [{"action": h.action, "by": h.changed_by, "at": h.changed_at,
                                         "reason": h.reason, "old": h.old, "new": h.new} for h in rows], "by")
