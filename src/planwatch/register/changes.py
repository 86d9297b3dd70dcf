"""Which plans a write touches: the one rule behind per-plan data versions and the caches of read models.

Every write of a value (observation, progress report) and of the plans' structure leaves a row
in the append-only `history` log; this module says what such a row touches.

A touched plan is one whose pages read the written row: an observation (a value of a series, metric ×
region × year) touches every plan with a target on its metric in its region or a region above it; a
progress report touches the plan of its task or project. Anything else in the log (plans, indicators, targets, milestones, assignments)
is a structure change: it may change what every plan's page and every cross-plan table shows.

`register.versions` applies this rule in every writing transaction: it bumps the touched plans'
`data_version`, or the register's structure sequence.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.regions import NATION_CODE
from planwatch.register.schema import Indicator, Observation, Plan, ProgressReport, Project, Region, Task

# Log entities that hold values read by one plan's pages; every other entity is structure.
VALUE_ENTITIES = ("observation", "progress")
MAX_DEPTH = 12  # levels of regions walked up from a value's region (nation > province > city > county > …)


def plans_reading_series(session: Session, pairs: set[tuple[int, str]]) -> set[int]:
    """The plans whose pages read values of these series (metric id, region code): every plan with a
    target on the metric whose region is the value's region or one above it."""
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


def series_of_observations(session: Session, observation_ids: set[int]) -> set[tuple[int, str]]:
    """The series (metric id, region code) of these observations. Ids written by one bulk insert are
    contiguous, so each run of consecutive ids is one range query."""
    out: set[tuple[int, str]] = set()
    ordered = sorted(observation_ids)
    runs: list[tuple[int, int]] = []
    for i in ordered:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    singles = {a for a, b in runs if a == b}
    for a, b in runs:
        if a != b:
            out.update((m, r) for m, r in session.execute(
                select(Observation.metric_id, Observation.region_code).where(Observation.id.between(a, b)).distinct()))
    for chunk in _chunks(singles):
        out.update((m, r) for m, r in session.execute(
            select(Observation.metric_id, Observation.region_code).where(Observation.id.in_(chunk))))
    return out


def _chunks(ids: set[int], size: int = 500) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), size):
        yield ordered[i:i + size]


def _observation_plans(session: Session, observation_ids: set[int]) -> set[int]:
    """The plans whose pages read these observations. A value belongs to a series (metric × region ×
    year) that a predecessor and a successor plan share; a plan reads the series of its targets' metrics
    in its region and the regions below it."""
    return plans_reading_series(session, series_of_observations(session, observation_ids))


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


def progress_plans(session: Session, report_ids: set[int]) -> set[int]:
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


def observation_plans(session: Session, observation_ids: set[int]) -> set[int]:
    return _observation_plans(session, observation_ids)


__all__ = ["VALUE_ENTITIES", "observation_plans", "plans_read_by_indicator", "plans_reading_series",
           "progress_plans", "series_of_observations"]
