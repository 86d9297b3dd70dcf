"""Stored evaluations: each plan's evaluation kept with the versions it was computed from.

A plan's evaluation (`planwatch.evaluate`, on the values that count: `register.finality`) is stored
in `plan_evaluations` (data year, early warnings, summary) and `evaluations` (one row per indicator),
with the plan's `data_version` and the register's `shared_seq` (`register.versions`). It is fresh
while neither moved: pages read it instead of evaluating, and recompute only the plans whose version
moved. The same step rewrites the plan's rows of `status_counts`, the summary the overview and the
dashboard read (`register.summary`), and of `region_status_counts`, its statuses counted by region, and
keeps their register-wide sums (`status_totals`, `region_totals`) in step.

`evaluate_register` brings every plan (or the given ones) up to date: `planwatch evaluate --all`.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, literal, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from planwatch.register import versions
from planwatch.register.db import among, custom_plans
from planwatch.register.errors import NotFound
from planwatch.register.finality import counted_statuses
from planwatch.register.history import dumps, insert_tuples
from planwatch.register.queries import evaluation_inputs, lead_departments_in
from planwatch.register.rounds import data_year, round_states
from planwatch.register.schema import (
    Evaluation,
    Indicator,
    Plan,
    PlanEvaluation,
    RegionCount,
    RegionStatusCount,
    RegionTotal,
    StatusCount,
    StatusTotal,
)

log = logging.getLogger(__name__)
SEVERITY_ORDER = ("red", "orange", "yellow")
Progress = Callable[[int, int], None]  # (plans done, plans in all)


def is_main(source: str | None) -> bool:
    """The plan's indicator table is its 主要指标; targets found in running text are 其他量化目标."""
    return source != "prose"


@dataclass
class PlanResult:
    """A plan's evaluation as pages read it: plain data, the same whether computed or stored."""

    year: int | None
    # indicator ref → its evaluation (see `_flatten`). A stored result holds an indicator's sub-region
    # rows and their spread (`APART`: "subregions", "equalisation") only for the indicators asked for
    # (`stored(..., subregions=)`); the others' have neither key. A computed result holds every one's
    # rows, and their spread only where `with_spread` worked it out (else None).
    indicators: dict[str, dict[str, Any]]
    early_warnings: list[dict[str, Any]]
    summary: dict[str, Any]
    data_version: int = 0
    shared_seq: int = 0
    stored: bool = False  # read from the store (not computed by this call)
    rows: list[dict[str, Any]] = field(default_factory=list)  # indicator id, domain, binding, department


# What only the pages showing an indicator's sub-regions read (the indicator page and its API twin): the
# rows in a column of their own, apart from `detail` (a provincial plan's indicator has a row per county),
# and their spread, worked out from them when read (`with_spread`).
APART = ("subregions", "equalisation")


def _flatten(e: Any, target: float | None) -> dict[str, Any]:
    from planwatch.evaluate import kinds

    return {"status": e.status, "label": e.label, "S": e.S, "P": e.P, "Q": e.Q, "year": e.year, "value": e.value,
            "projection": e.projection.to_dict(), "warnings": [w.reason for w in e.warnings],
            "severity": next((s for s in SEVERITY_ORDER if any(w.severity == s for w in e.warnings)), None),
            "subregions": list(e.subregions),
            "equalisation": e.equalisation.to_dict() if e.equalisation else None,
            "flags": list(e.flags), "method": e.method,
            "target_line": kinds.get(e.method).chart(target, e, ())[1],
            # what the sub-regions' spread reads besides the indicator (`with_spread`)
            "baseline": e.baseline, "direction": e.direction}


def compute(session: Session, plan_id: int, year: int | None = None) -> PlanResult:
    """Evaluate a plan now, on the values that count (`finality.counted_statuses`)."""
    return compute_many(session, [plan_id], year)[0][1]


def compute_many(session: Session, plan_ids: list[int], year: int | None = None) -> list[tuple[int, PlanResult]]:
    """`compute` for a batch of plans, in the order given: their inputs read together
    (`queries.evaluation_inputs`) and evaluated together (`evaluate.evaluate_plans`: each result is the
    plan's alone). A plan that does not exist raises NotFound."""
    from planwatch.evaluate import EvaluationConfig, evaluate_plans

    state = versions.current(session)
    statuses = counted_statuses()
    inputs = evaluation_inputs(session, plan_ids, statuses, for_evaluation=True)  # never values that do not count
    missing = [p for p in plan_ids if p not in inputs]
    if missing:
        raise NotFound(f"规划不存在 / no plan with id {missing[0]}")
    have = versions.plan_versions(session, sorted(inputs))
    rounds = round_states(session, inputs) if not year else {}
    config = EvaluationConfig(accepted_statuses=statuses)
    years = [year or data_year(session, inputs[plan_id], statuses, rounds=rounds[plan_id]) for plan_id in plan_ids]
    results = evaluate_plans([(inputs[p], at) for p, at in zip(plan_ids, years, strict=True)], config, spread=False)
    out = []
    for plan_id, at, result in zip(plan_ids, years, results, strict=True):
        inp = inputs[plan_id]
        targets = {i.id: i.target.value for i in inp.indicators}
        per = {e.id: _flatten(e, targets.get(e.id)) for e in result.indicators}
        out.append((plan_id, PlanResult(at, per, [w.to_dict() for w in result.early_warnings], dict(result.summary),
                                        data_version=have.get(plan_id) or 0, shared_seq=state.shared_seq)))
    return out


def stored(session: Session, plan_id: int, subregions: Iterable[int] = ()) -> PlanResult | None:
    """The plan's stored evaluation if it is fresh (its versions have not moved), else None. Each
    indicator's sub-region rows are read, and their spread worked out (`with_spread`), for the indicator
    ids in `subregions` only (a provincial plan's indicator has a row a county: plan pages do not show
    them). A row stored before the spread was worked out on read (no "baseline" in its detail) is not
    fresh for them: its plan is evaluated again."""
    state = versions.current(session)
    row = session.execute(
        select(PlanEvaluation.year, PlanEvaluation.early_warnings, PlanEvaluation.summary,
               PlanEvaluation.data_version, PlanEvaluation.shared_seq, Plan.data_version)
        .join(Plan, Plan.id == PlanEvaluation.plan_id).where(PlanEvaluation.plan_id == plan_id)).first()
    if row is None or row[3] != row[5] or row[4] != state.shared_seq:
        return None
    per = {f"p{plan_id}-i{ind_id}": detail for ind_id, detail in session.execute(
        select(Evaluation.indicator_id, Evaluation.detail).where(Evaluation.plan_id == plan_id))}
    wanted = sorted(set(subregions))
    if any("baseline" not in per[ref] for ref in (f"p{plan_id}-i{i}" for i in wanted) if ref in per):
        return None
    for i in range(0, len(wanted), 500):
        for ind_id, rows in session.execute(
                select(Evaluation.indicator_id, Evaluation.subregions)
                .where(Evaluation.plan_id == plan_id, Evaluation.indicator_id.in_(wanted[i:i + 500]))):
            per[f"p{plan_id}-i{ind_id}"].update(subregions=list(rows or []), equalisation=None)
    result = PlanResult(row[0], per, list(row[1]), dict(row[2]), data_version=row[3], shared_seq=row[4], stored=True)
    return with_spread(session, plan_id, result, wanted)


def with_spread(session: Session, plan_id: int, result: PlanResult, indicator_ids: Iterable[int]) -> PlanResult:
    """`result` with the equalisation across each given indicator's sub-region rows
    (`evaluate.engine.subregion_spread`, the rule the evaluation itself applies), worked out from the
    rows and the indicator as stored, with the sub-regions' populations for an averaged indicator.
    Bounded by what a page shows: the evaluation stores no spread (~3 ms of CPU a county plan)."""
    from planwatch.evaluate.engine import subregion_spread
    from planwatch.evaluate.rollup import population_in
    from planwatch.register.queries import indicator_rows, region_populations, to_model_indicator

    refs = {ind_id: f"p{plan_id}-i{ind_id}" for ind_id in sorted(set(indicator_ids))}
    todo = {i: ref for i, ref in refs.items() if (result.indicators.get(ref) or {}).get("subregions")}
    if not todo:
        return result
    inds = {row.id: row for row in indicator_rows(session, sorted(todo))}
    pops = region_populations(session, {r["code"] for i, ref in todo.items()
                                        if i in inds and inds[i].aggregation == "mean_pop"
                                        for r in result.indicators[ref]["subregions"]})
    known: dict[tuple[str, int], float] = {}

    def weight(code: str, year: int) -> float:
        if (code, year) not in known:
            known[(code, year)] = population_in(pops.get(code, {}), year) or 0.0
        return known[(code, year)]

    for ind_id, ref in todo.items():
        ev = result.indicators[ref]
        if ind_id in inds:  # the indicator as the evaluation judged it: with the baseline it settled on
            ind = to_model_indicator(inds[ind_id], None, ev.get("baseline"), True)
            eq = subregion_spread(ind, ev.get("baseline"), ev.get("direction") or 1, ev["subregions"], weight)
            ev["equalisation"] = eq.to_dict() if eq else None
    return result


def stored_indicators(session: Session, keys: Iterable[tuple[int, int]]
                      ) -> dict[tuple[int, int], tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(plan id, indicator id) → the indicator's stored evaluation (as `PlanResult.indicators` holds
    it, without its sub-region rows) and its plan's stored early warnings about it, for the pairs asked
    for that have one: read from those rows only, never a whole plan's evaluation (a list page costs
    what it shows)."""
    wanted = sorted(set(keys))
    out: dict[tuple[int, int], tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    if not wanted:
        return out
    plans = sorted({p for p, _ in wanted})
    warnings: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(plans), 500):
        for plan_id, early in session.execute(select(PlanEvaluation.plan_id, PlanEvaluation.early_warnings)
                                              .where(PlanEvaluation.plan_id.in_(plans[i:i + 500]))):
            warnings[plan_id] = list(early or [])
    pairs = set(wanted)
    ids = sorted({i for _, i in wanted})
    for i in range(0, len(ids), 500):
        for plan_id, ind_id, detail in session.execute(
                select(Evaluation.plan_id, Evaluation.indicator_id, Evaluation.detail)
                .where(Evaluation.indicator_id.in_(ids[i:i + 500]))):
            if (plan_id, ind_id) in pairs:
                ref = f"p{plan_id}-i{ind_id}"
                out[(plan_id, ind_id)] = (detail, [w for w in warnings.get(plan_id, [])
                                                   if str(w.get("indicator_id") or "") == ref])
    return out


def plan_evaluation(session: Session, plan_id: int, year: int | None = None, store: bool = True,
                    subregions: Iterable[int] = ()) -> PlanResult:
    """What pages read: the stored evaluation when fresh, else computed now (and stored, in its own
    short transaction, unless `store` is false). A given `year` is always computed, never stored.
    `subregions`: the indicator ids whose sub-region rows the caller shows (see `stored`)."""
    if year is None:
        hit = stored(session, plan_id, subregions)
        if hit is not None:
            return hit
    result = compute(session, plan_id, year)
    if year is None and store:
        bind = session.get_bind()
        if isinstance(bind, Engine):
            save_quietly(bind, plan_id, result)
    return with_spread(session, plan_id, result, subregions)


def save_quietly(engine: Engine, plan_id: int, result: PlanResult) -> bool:
    """Store a result computed on a read path. A store is a cache: when another writer holds the
    register or stored the same plan first, the next reader computes again. False then."""
    try:
        with Session(engine) as s, s.begin():
            save(s, plan_id, result)
        return True
    except (IntegrityError, DBAPIError) as exc:
        log.info("evaluation of plan %s not stored: %s", plan_id, exc.__class__.__name__)
        return False


def save(session: Session, plan_id: int, result: PlanResult) -> None:
    """Replace the plan's stored evaluation and its status counts (one transaction: the caller's).
    A result older than the one stored is not written over it."""
    save_many(session, [(plan_id, result)])


def save_many(session: Session, results: list[tuple[int, PlanResult]]) -> None:
    """`save` for a batch of plans with one delete and one multi-row insert per table (the caller's
    transaction): the rows are the same as saving each plan on its own. A result older than the one
    stored is skipped, as is a plan that no longer exists. An indicator's row that is stored as the
    result has it (the same `_digest`) is left in place, with the version it was written at: a plan
    evaluated again on the same values, or with a few changed, rewrites only the rows that changed."""
    from planwatch.evaluate.status import RANK
    from planwatch.evaluate.warnings import risk_key

    if not results:
        return
    if any(result.stored for _, result in results):  # read back without its sub-region rows (`APART`)
        raise ValueError("save_many stores computed evaluations, not ones read from the store")
    # its reads of the evaluation tables it fills: a whole-register evaluation grows them from empty
    custom_plans(session)
    wanted = sorted({plan_id for plan_id, _ in results})
    have: dict[int, int] = {}
    regions: dict[int, str] = {}
    inds_of: dict[int, list[Any]] = {}
    for i in range(0, len(wanted), 500):
        ids = wanted[i:i + 500]
        for plan_id, version in session.execute(select(PlanEvaluation.plan_id, PlanEvaluation.data_version)
                                                .where(PlanEvaluation.plan_id.in_(ids))):
            have[plan_id] = version
        for plan_id, region_code in session.execute(select(Plan.id, Plan.region_code).where(Plan.id.in_(ids))):
            regions[plan_id] = region_code
        for row in session.execute(select(Indicator.plan_id, Indicator.id, Indicator.domain, Indicator.attribute,
                                          Indicator.source, Indicator.lead_department_text, Indicator.position)
                                   .where(Indicator.plan_id.in_(ids), Indicator.active)
                                   .order_by(Indicator.plan_id, Indicator.position, Indicator.id)):
            inds_of.setdefault(row[0], []).append(row[1:])
    todo = {plan_id: result for plan_id, result in results  # the last result given for a plan wins
            if plan_id in regions and not (plan_id in have and have[plan_id] > result.data_version)}
    if not todo:
        return
    ids = sorted(todo)
    totals: dict[tuple[str, str, str], list[int]] = {}  # (domain, department, status) → the change in its sums
    touched: set[str] = set()  # regions whose statuses change
    was: dict[tuple[int, int], tuple[int, int | None]] = {}  # (plan, indicator) → its stored row's id and digest
    for i in range(0, len(ids), 500):
        session.execute(delete(PlanEvaluation).where(PlanEvaluation.plan_id.in_(ids[i:i + 500])))
        for row_id, plan_id, ind_id, digest in session.execute(
                select(Evaluation.id, Evaluation.plan_id, Evaluation.indicator_id, Evaluation.digest)
                .where(Evaluation.plan_id.in_(ids[i:i + 500]))):
            was[(plan_id, ind_id)] = (row_id, digest)
        for d, dep, st, *sums in session.execute(
                delete(StatusCount).where(StatusCount.plan_id.in_(ids[i:i + 500]))
                .returning(StatusCount.domain, StatusCount.department, StatusCount.status, *_TOTAL_SUMS)):
            change = totals.setdefault((d, dep, st), [0] * len(_TOTAL_SUMS))
            for k, n in enumerate(sums):
                change[k] -= int(n or 0)
        touched.update(session.scalars(delete(RegionStatusCount).where(RegionStatusCount.plan_id.in_(ids[i:i + 500]))
                                       .returning(RegionStatusCount.region_code)))
    session.flush()
    leads = lead_departments_in(session, {i[0]: regions[plan_id] for plan_id in ids for i in inds_of.get(plan_id, [])})
    plan_rows, rows, count_rows, region_rows = [], [], [], []
    gone: list[int] = []  # the ids of stored rows to delete: changed, or of an indicator no longer evaluated
    for plan_id in ids:
        result, region_code = todo[plan_id], regions[plan_id]
        inds = inds_of.get(plan_id, [])
        counts: Counter[tuple[str, str, str]] = Counter()
        binding: Counter[tuple[str, str, str]] = Counter()
        risk: Counter[tuple[str, str, str]] = Counter()
        binding_risk: Counter[tuple[str, str, str]] = Counter()
        warns: dict[str, list[tuple[str, str]]] = {}
        for w in result.early_warnings:
            warns.setdefault(str(w.get("indicator_id") or ""), []).append((w.get("kind") or "",
                                                                            w.get("severity") or ""))
        main: Counter[tuple[str, str, str]] = Counter()
        first: dict[tuple[str, str, str], int] = {}
        in_regions: Counter[tuple[str, str]] = Counter()  # (region, status): own and sub-region statuses
        for ind_id, domain, attribute, source, lead_text, position in inds:
            ref = f"p{plan_id}-i{ind_id}"
            ev = result.indicators.get(ref)
            status = ev["status"] if ev else "not_reported"
            department = leads.get(ind_id) or lead_text or ""
            key = (domain or "", department, status)
            is_binding = attribute == "约束性"
            order = risk_key(status, is_binding, warns.get(ref, []), ev["Q"] if ev else None)
            counts[key] += 1
            in_regions[(region_code, status)] += 1
            main[key] += is_main(source)
            first.setdefault(key, position or 0)
            binding[key] += is_binding
            risk[key] += order is not None
            binding_risk[key] += is_binding and order is not None
            if ev is None:
                continue
            proj = ev.get("projection") or {}
            sub_rows = ev.get("subregions") or []
            row = (plan_id, ind_id, result.year, status, ev["P"], ev["S"], ev["Q"], ev["value"], ev["year"],
                   proj.get("value_at_target"), proj.get("meets_target"), ev.get("severity"), domain,
                   is_binding, result.data_version, dumps({k: v for k, v in ev.items() if k not in APART}),
                   dumps(list(sub_rows)) if sub_rows else None, region_code, department or None,
                   int(order[0]) if order else None, int(order[1]) if order else None,
                   int(-order[2]) if order else RANK.get(status, -1))
            digest = _digest(row)
            stored_row = was.pop((plan_id, ind_id), None)
            if stored_row is None or stored_row[1] != digest:  # else stored as it is: left in place
                if stored_row is not None:
                    gone.append(stored_row[0])
                rows.append((*row, digest))
            # each sub-region row counts in its sub-region (the dashboard's map); the rows themselves stay
            # in `subregions` (read by `summary._subregion_rows`), not a table row each
            in_regions.update([(r["code"], r["status_code"]) for r in sub_rows if r.get("status_code") and r.get("code")])
        plan_rows.append({"plan_id": plan_id, "year": result.year, "data_version": result.data_version,
                          "shared_seq": result.shared_seq, "indicator_count": len(inds),
                          "main_count": sum(1 for i in inds if is_main(i[3])),
                          "early_warnings": result.early_warnings, "summary": result.summary})
        count_rows += [
            {"plan_id": plan_id, "region_code": region_code, "domain": d, "department": dep, "status": st,
             "count": n, "binding_count": binding[(d, dep, st)], "risk_count": risk[(d, dep, st)],
             "binding_risk_count": binding_risk[(d, dep, st)], "main_count": main[(d, dep, st)],
             "first_position": first[(d, dep, st)]}
            for (d, dep, st), n in counts.items()]
        region_rows += [{"plan_id": plan_id, "region_code": code, "status": st, "count": n}
                        for (code, st), n in in_regions.items() if code]
    gone += [row_id for row_id, _ in was.values()]
    for i in range(0, len(gone), 5000):
        session.execute(delete(Evaluation).where(among(session, Evaluation.id, gone[i:i + 5000])))
    for i in range(0, len(plan_rows), 5000):  # bounded statements; executemany within each
        session.execute(PlanEvaluation.__table__.insert(), plan_rows[i:i + 5000])
    # Plain tuples through the driver (COPY on PostgreSQL), not SQLAlchemy's per-row parameter
    # processing, which cost as much as the rest of the store, nor psycopg's executemany, which sent
    # the ~80 count rows of a plan as ~80 statements. JSON as the JSON type writes it (`dumps`).
    insert_tuples(session, Evaluation.__table__, _EVALUATION_COLS, rows)
    for table, data in ((StatusCount, count_rows), (RegionStatusCount, region_rows)):
        cols = tuple(data[0]) if data else ()
        insert_tuples(session, table.__table__, cols, [tuple(r.values()) for r in data])
    for r in count_rows:
        change = totals.setdefault((r["domain"], r["department"], r["status"]), [0] * len(_TOTAL_SUMS))
        for k, col in enumerate(_TOTAL_SUMS):
            change[k] += int(r[col.key])
    _refresh_region_totals(session, touched | {r["region_code"] for r in region_rows})
    # Last: every store of any plan updates these register-wide rows, and holds their locks until it
    # commits; taken before the region totals, a concurrent worker waited out that work too (the first
    # evaluation of a scale-1 register on PostgreSQL: 792 upserts, 1.1-3.2 s waiting in all).
    _add_to_totals(session, totals)


# `Evaluation` rows as `save_many` builds their tuples
_EVALUATION_COLS = ("plan_id", "indicator_id", "year", "status", "completion", "schedule", "ratio", "value",
                    "value_year", "projected", "projected_meets", "warning_code", "domain", "binding", "data_version",
                    "detail", "subregions", "region_code", "department", "risk_severity",
                    "risk_kind", "status_rank", "digest")
_VERSION = _EVALUATION_COLS.index("data_version")


def _digest(row: tuple[Any, ...]) -> int:
    """A stored row's digest: a 64-bit hash (BLAKE2b, signed for the BIGINT column) of the `repr` of its
    columns but the plan's version (exact for floats; the JSON columns as `dumps` writes them). Two
    rows with the same digest are taken as the same; ~0.2 ms a county plan's ~95 rows."""
    body = repr(row[:_VERSION] + row[_VERSION + 1:]).encode()
    return int.from_bytes(hashlib.blake2b(body, digest_size=8).digest(), "big", signed=True)


_TOTAL_SUMS = (StatusCount.count, StatusCount.binding_count, StatusCount.risk_count, StatusCount.binding_risk_count,
               StatusCount.main_count)


def _upsert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _add_to_totals(session: Session, totals: dict[tuple[str, str, str], list[int]]) -> None:
    """Add each (domain, department, status)'s change to `status_totals` (an upsert a key, in key order:
    concurrent stores on PostgreSQL lock the rows in one order), then drop the keys left at zero."""
    changed = sorted((k, v) for k, v in totals.items() if any(v))
    if not changed:
        return
    insert = _upsert(session)
    names = [c.key for c in _TOTAL_SUMS]
    table = StatusTotal.__table__
    for (d, dep, st), change in changed:
        stmt = insert(table).values(domain=d, department=dep, status=st, **dict(zip(names, change, strict=True)))
        session.execute(stmt.on_conflict_do_update(
            index_elements=[table.c.domain, table.c.department, table.c.status],
            set_={n: table.c[n] + stmt.excluded[n] for n in names}))
    session.execute(delete(StatusTotal).where(StatusTotal.count <= 0))


def region_totals(counted: dict[str, dict[str, int]],
                  own: dict[str, tuple[int, int]] | None = None) -> list[dict[str, Any]]:
    """`region_totals` rows of regions' summed counts by status ({region: {status: n}}), in the dashboard
    tiles' order (`summary._tile_key`, one rule), with the region's own plans' indicators ({region:
    (how many, how many at risk)}) in the region card's (`summary.tally_key`); a region with nothing
    counted has none."""
    from planwatch.register.summary import _tile_key, tally_key

    own = own or {}
    out = []
    for code, by in sorted(counted.items()):
        total = sum(by.values())
        if code and total > 0:
            neg_rank, neg_risk, _ = _tile_key(code, by)
            neg_own_risk, neg_own_total, _ = tally_key(code, *own.get(code, (0, 0)))
            out.append({"region_code": code, "neg_rank": neg_rank, "neg_risk": neg_risk, "total": total,
                        "neg_own_risk": neg_own_risk, "neg_own_total": neg_own_total})
    return out


def _refresh_region_totals(session: Session, codes: set[str]) -> None:
    """Recompute the `region_totals` rows of the regions given from `region_status_counts` and
    `status_counts` (the rows of every plan, as this transaction leaves them), and add the change in
    their number to `region_counts`. On PostgreSQL each region's row is locked first, in code order, so
    a concurrent store of a plan counting in the same region waits and then sees ours (a region new to
    the table gets a placeholder row, total 0, which no stored row has)."""
    wanted = sorted(c for c in codes if c)
    if not wanted:
        return
    table = RegionTotal.__table__
    rows_change = own_change = 0
    for i in range(0, len(wanted), 500):
        some = wanted[i:i + 500]
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            # one array parameter, unnested in its (code) order, not a VALUES row a region
            lock = select(func.unnest(literal(some, ARRAY(table.c.region_code.type))), literal(1), literal(0),
                          literal(0))
            session.execute(_upsert(session)(table).from_select(["region_code", "neg_rank", "neg_risk", "total"], lock)
                            .on_conflict_do_update(index_elements=[table.c.region_code],
                                                   set_={"total": table.c.total}))
        counted: dict[str, dict[str, int]] = {}
        for code, status, n in session.execute(
                select(RegionStatusCount.region_code, RegionStatusCount.status, func.sum(RegionStatusCount.count))
                .where(among(session, RegionStatusCount.region_code, some))
                .group_by(RegionStatusCount.region_code, RegionStatusCount.status)):
            counted.setdefault(code, {})[status] = int(n or 0)
        own = {code: (int(n or 0), int(risk or 0)) for code, n, risk in session.execute(
            select(StatusCount.region_code, func.sum(StatusCount.count), func.sum(StatusCount.risk_count))
            .where(among(session, StatusCount.region_code, some)).group_by(StatusCount.region_code))}
        for total, neg_own_total in session.execute(
                delete(RegionTotal).where(among(session, RegionTotal.region_code, some))
                .returning(RegionTotal.total, RegionTotal.neg_own_total)):
            rows_change -= total > 0  # not a placeholder
            own_change -= total > 0 and neg_own_total < 0
        rows = region_totals(counted, own)
        insert_tuples(session, table, tuple(rows[0]) if rows else (), [tuple(r.values()) for r in rows])
        rows_change += len(rows)
        own_change += sum(r["neg_own_total"] < 0 for r in rows)
    if rows_change or own_change:
        counts = RegionCount.__table__
        stmt = _upsert(session)(counts).values(id=1, regions=rows_change, own_regions=own_change)
        session.execute(stmt.on_conflict_do_update(
            index_elements=[counts.c.id], set_={"regions": counts.c.regions + stmt.excluded.regions,
                                                "own_regions": counts.c.own_regions + stmt.excluded.own_regions}))


def stale_plans(session: Session, plan_ids: Iterable[int] | None = None) -> list[int]:
    """The plans whose stored evaluation is missing or older than their version (no observation is
    read). Two narrow reads, compared here: each plan's version and each stored evaluation's versions,
    both answered from their indexes (`ix_plans_data_version`, `ix_plan_evaluations_versions`).
    Joined in one statement, SQLite read each stored evaluation's row by its primary key instead: at
    scale 1 (3,265 plans, ~7 KB of warnings and summary a row) the whole 22 MB table, 143 ms from a
    cold cache against ~5 ms for the two index scans (the dashboard's and overview's first request)."""
    state = versions.current(session)
    plans = select(Plan.id, Plan.data_version)
    stored = select(PlanEvaluation.plan_id, PlanEvaluation.data_version, PlanEvaluation.shared_seq)
    if plan_ids is None:
        parts: list[list[int] | None] = [None]
    else:
        wanted = sorted(set(plan_ids))
        parts = [wanted[i:i + 500] for i in range(0, len(wanted), 500)]
    out: list[int] = []
    for some in parts:
        p, e = (plans, stored) if some is None else (plans.where(Plan.id.in_(some)),
                                                     stored.where(PlanEvaluation.plan_id.in_(some)))
        fresh = {plan_id: (version, seq) for plan_id, version, seq in session.execute(e)}
        out += [plan_id for plan_id, version in session.execute(p)
                if fresh.get(plan_id) != (version, state.shared_seq)]
    return sorted(out)


def _evaluate_batch(engine: Engine, plan_ids: list[int]) -> None:
    """Compute a batch in a read session, then store it in one short transaction (the write lock is
    held for the writes only, not for the evaluation)."""
    with _one_collection():
        with Session(engine) as s, s.begin():  # committed, not rolled back: psycopg forgets its prepared
            results = compute_many(s, plan_ids)  # statements (the values queries) on every rollback
        with Session(engine) as s, s.begin():
            save_many(s, results)


@contextmanager
def _one_collection() -> Iterator[None]:
    """The cyclic collector paused for a batch, then run once over what the batch left (its youngest
    generation). A batch allocates millions of objects, nearly all freed by reference counting; the
    collector's passes examined every one still alive, the batch's inputs above all: ~2.2 ms of CPU a
    county plan at a threshold of 100,000 allocations, against ~0.2 ms for one pass a batch, which
    finds a few hundred objects in cycles (PostgreSQL, scale 1, 300 plans; the same peak memory)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        gc.collect(0)


_worker_engine: Engine | None = None


def _worker_start(url: str) -> None:
    global _worker_engine
    from planwatch.register.db import make_engine

    _worker_engine = make_engine(url)
    gc.freeze()  # what the worker imported is never garbage: the collector need not walk it again


def _worker_batch(plan_ids: list[int]) -> int:
    assert _worker_engine is not None
    _evaluate_batch(_worker_engine, plan_ids)
    return len(plan_ids)


def evaluate_register(session_or_engine: Session | Engine, plan_ids: Iterable[int] | None = None,
                      progress: Progress | None = None, force: bool = False, batch: int = 50,
                      workers: int = 1) -> int:
    """Evaluate and store every plan (or `plan_ids`) whose stored evaluation is not fresh (every one
    with `force`). Each batch of plans is stored in one transaction, so an interrupted run keeps what
    it did; a batch has fixed costs (its statements, its commit: ~50 ms on SQLite), and 50 plans a batch
    evaluated a scale-1 register ~5 % faster than 20 (100: no faster than 50). `workers` > 1 evaluates
    batches in that many processes. Returns how many plans were evaluated. `progress(done, total)` is
    called at the start and after each batch."""
    engine = session_or_engine.get_bind() if isinstance(session_or_engine, Session) else session_or_engine
    assert isinstance(engine, Engine)
    with Session(engine) as s:
        if force:
            todo = list(s.scalars(select(Plan.id).order_by(Plan.id))) if plan_ids is None else sorted(set(plan_ids))
        else:
            todo = stale_plans(s, plan_ids)
    total = len(todo)
    if progress:
        progress(0, total)
    batches = [todo[i:i + batch] for i in range(0, total, batch)]
    done = 0
    if workers > 1 and len(batches) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        url = engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(min(workers, len(batches)), mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_worker_start, initargs=(url,)) as pool:
            for fut in as_completed([pool.submit(_worker_batch, b) for b in batches]):
                done += fut.result()
                if progress:
                    progress(done, total)
        return total
    for b in batches:
        _evaluate_batch(engine, b)
        done += len(b)
        if progress:
            progress(done, total)
    return total


__all__ = ["APART", "PlanResult", "compute", "compute_many", "data_year", "evaluate_register", "is_main", "plan_evaluation", "save",
           "save_many", "save_quietly", "stale_plans", "stored", "stored_indicators", "with_spread"]
