"""What changed in the register since a reader last looked: for caches of read models.

Every write of a value (observation, progress report) and of the plans' structure leaves a row
in the append-only `history` log, so "what did the writes since history id N touch" is answered
from the log alone, whichever process wrote: the web, another worker, the CLI.

A touched plan is one whose pages read the written row: an observation (a value of a series, metric ×
region × year) touches every plan with a target on its metric in its region or a region above it; a
progress report touches the plan of its task or project. Anything else in the log (plans, indicators, targets, milestones, assignments)
is a structure change: it may change what every plan's page and every cross-plan table shows.

`probe` also covers the writes the log does not record (users, responsibilities set by an import,
plan metadata), as changes of structure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planwatch.register.regions import NATION_CODE
from planwatch.register.schema import (
    History,
    Indicator,
    Observation,
    Plan,
    ProgressReport,
    Project,
    Region,
    Responsibility,
    Task,
    User,
)

# Log entities that hold values read by one plan's pages; every other entity is structure.
VALUE_ENTITIES = ("observation", "progress")
MAX_DEPTH = 12  # levels of regions walked up from a value's region (nation > province > city > county > …)


@dataclass(frozen=True)
class Probe:
    """A cheap fingerprint of the register: the log's newest id and the unlogged structure."""

    last_history_id: int
    structure: tuple[Any, ...]


@dataclass
class Touched:
    """What the log rows read by `touched_since` changed."""

    plans: set[int]  # plans whose values changed
    structure: bool = False  # plans, indicators, targets, assignments: every read model may change
    seen: tuple[int, ...] = ()  # the log ids read


def probe(session: Session) -> Probe:
    row = session.execute(select(
        select(func.max(History.id)).scalar_subquery(),
        select(func.max(Plan.updated_at)).scalar_subquery(),
        select(func.count(Plan.id)).scalar_subquery(),
        select(func.count(Indicator.id)).scalar_subquery(),
        select(func.count(Responsibility.id)).scalar_subquery(),
        select(func.count(User.id)).scalar_subquery(),
    )).one()
    return Probe(int(row[0] or 0), tuple(row[1:]))


def touched_since(session: Session, after_id: int, also: Iterable[int] = (), limit: int = 10_000) -> Touched | None:
    """What the log rows with id > `after_id` (and the ids in `also`, rows not yet committed when
    last asked) touched. None when there are more than `limit` of them: treat everything as changed."""
    also = sorted(set(also))
    cond = History.id > after_id
    if also:
        cond = cond | History.id.in_(also)
    rows = session.execute(select(History.id, History.entity, History.entity_id).where(cond)
                           .order_by(History.id).limit(limit + 1)).all()
    if len(rows) > limit:
        return None
    out = Touched(plans=set(), seen=tuple(r[0] for r in rows))
    by_entity: dict[str, set[int]] = {}
    for _, entity, entity_id in rows:
        if entity in VALUE_ENTITIES:
            by_entity.setdefault(entity, set()).add(entity_id)
        else:
            out.structure = True
    out.plans |= _observation_plans(session, by_entity.get("observation", set()))
    out.plans |= _progress_plans(session, by_entity.get("progress", set()))
    return out


def _chunks(ids: set[int], size: int = 500) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), size):
        yield ordered[i:i + size]


def _observation_plans(session: Session, observation_ids: set[int]) -> set[int]:
    """The plans whose pages read these observations. A value belongs to a series (metric × region ×
    year) that a predecessor and a successor plan share; a plan reads the series of its targets' metrics
    in its region and the regions below it. So: every plan with a target on the value's metric whose
    region is the value's region or one above it."""
    pairs: set[tuple[int, str]] = set()
    for chunk in _chunks(observation_ids):
        pairs.update((m, r) for m, r in session.execute(
            select(Observation.metric_id, Observation.region_code).where(Observation.id.in_(chunk))))
    if not pairs:
        return set()
    above = _with_ancestors(session, {r for _, r in pairs})
    wanted = {(m, a) for m, r in pairs for a in above[r]}
    regions = sorted({a for _, a in wanted})
    out: set[int] = set()
    for chunk in _chunks({m for m, _ in pairs}):
        q = (select(Indicator.plan_id, Indicator.metric_id, Plan.region_code)
             .join(Plan, Plan.id == Indicator.plan_id).where(Indicator.metric_id.in_(chunk)))
        if len(regions) <= 500:
            q = q.where(Plan.region_code.in_(regions))
        out.update(plan_id for plan_id, m, region in session.execute(q) if (m, region) in wanted)
    return out


def _with_ancestors(session: Session, codes: set[str]) -> dict[str, set[str]]:
    """Each region code → itself and every region above it (bounded against cycles)."""
    parent: dict[str, str | None] = {}
    frontier = set(codes)
    for _ in range(MAX_DEPTH):
        todo = sorted(c for c in frontier if c not in parent)
        if not todo:
            break
        for i in range(0, len(todo), 500):
            parent.update((c, p) for c, p in session.execute(select(Region.code, Region.parent_code)
                                                             .where(Region.code.in_(todo[i:i + 500]))))
        frontier = {p for c in todo if (p := parent.setdefault(c, None)) is not None}
    out: dict[str, set[str]] = {}
    for code in codes:
        chain, at = {code}, parent.get(code)
        while at is not None and at not in chain:
            chain.add(at)
            at = parent.get(at)
        out[code] = chain
    return out


def _progress_plans(session: Session, report_ids: set[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(report_ids):
        out.update(session.scalars(select(Task.plan_id).join(ProgressReport, ProgressReport.task_id == Task.id)
                                   .where(ProgressReport.id.in_(chunk)).distinct()))
        out.update(session.scalars(select(Project.plan_id)
                                   .join(ProgressReport, ProgressReport.project_id == Project.id)
                                   .where(ProgressReport.id.in_(chunk)).distinct()))
    return out


def plans_read_by_indicator(session: Session, indicator_id: int) -> frozenset[int]:
    """The plans whose values an indicator's page reads: its own plan, and the national plans
    (the page shows the national counterpart's values, `reference.national_reference`)."""
    own = session.scalar(select(Indicator.plan_id).where(Indicator.id == indicator_id))
    national = session.scalars(select(Plan.id).where(Plan.region_code == NATION_CODE)).all()
    return frozenset({*([own] if own is not None else []), *national})


__all__ = ["Probe", "Touched", "plans_read_by_indicator", "probe", "touched_since"]
