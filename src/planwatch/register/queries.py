"""Read side of the register: what other layers (evaluate, report, web) ask for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, func, null, or_, select
from sqlalchemy.orm import Session, selectinload

from planwatch import model
from planwatch.register import history, series
from planwatch.register.db import among
from planwatch.register.errors import Ambiguous, NotFound
from planwatch.register.finality import counted_statuses
from planwatch.register.regions import descendants_of
from planwatch.register.schema import (
    Department,
    History,
    Indicator,
    Milestone,
    Observation,
    Plan,
    PlanDocument,
    Project,
    Region,
    RegionPopulation,
    Responsibility,
    ServiceItem,
    Task,
    indicator_ref,
)

_LEVELS = {"prefecture": "city", "county_functional_zone": "county", "township_other": "township"}


def resolve_plan(session: Session, plan_ref: str | int) -> Plan:
    """A plan by id, or by a substring of its title or region name that matches exactly one plan."""
    if isinstance(plan_ref, int) or str(plan_ref).strip().isdigit():
        plan = session.get(Plan, int(plan_ref))
        if plan is None:
            raise NotFound(f"规划不存在 / no plan with id {plan_ref}")
        return plan
    ref = str(plan_ref).strip()
    plans = list(
        session.scalars(
            select(Plan).join(Region, Plan.region_code == Region.code)
            .where(or_(Plan.title.contains(ref), Region.name.contains(ref), Plan.region_code == ref))
            .order_by(Plan.id)
        )
    )
    if not plans:
        raise NotFound(f"找不到规划 / no plan matches {ref!r}")
    if len(plans) > 1:
        raise Ambiguous(f"多个规划匹配 {ref!r} / several plans match: " + "; ".join(f"{p.id} {p.title}" for p in plans))
    return plans[0]


def indicator_by_ref(session: Session, ref: str | int) -> Indicator:
    """An indicator by its database id or its stable string id ("p3-i12")."""
    s = str(ref).strip()
    if s.startswith("p") and "-i" in s:
        plan_part, ind_part = s[1:].split("-i", 1)
        ind = session.get(Indicator, int(ind_part)) if ind_part.isdigit() else None
        if ind is None or str(ind.plan_id) != plan_part:
            raise NotFound(f"未知指标 / unknown indicator {s}")
        return ind
    if s.isdigit() and (ind := session.get(Indicator, int(s))) is not None:
        return ind
    raise NotFound(f"未知指标 / unknown indicator {s}")


def list_plans(session: Session) -> list[dict[str, Any]]:
    """Every plan with id, title, region, period and the number of active indicators."""
    counts = dict(
        session.execute(
            select(Indicator.plan_id, func.count()).where(Indicator.active).group_by(Indicator.plan_id)
        ).all()
    )
    out = []
    for plan, region_name in session.execute(
        select(Plan, Region.name).join(Region, Plan.region_code == Region.code).order_by(Plan.id)
    ):
        out.append({
            "id": plan.id,
            "title": plan.title,
            "region": region_name,
            "region_code": plan.region_code,
            "period": [plan.period_start, plan.period_end],
            "issuer": plan.issuer,
            "issued": plan.issued,
            "indicator_count": counts.get(plan.id, 0),
            "predecessor_id": plan.predecessor_id,
            "superior_plan_id": plan.superior_plan_id,
        })
    return out


def to_model_indicator(ind: Any, lead: str | None = None, baseline: float | None = None,
                       use_baseline: bool = False) -> model.Indicator:
    """`baseline`/`use_baseline`: the value `series.baseline` settled on (the document's otherwise)."""
    return model.Indicator(
        id=ind.ref,
        plan_id=str(ind.plan_id),
        name=ind.name,
        target=model.Target(
            raw=ind.target_raw or "",
            value=ind.target_value,
            op=ind.target_op,  # type: ignore[arg-type]
            kind=ind.target_kind,  # type: ignore[arg-type]
            year=ind.target_year,
            value_low=ind.target_low,
            value_high=ind.target_high,
        ),
        unit=ind.unit,
        domain=ind.domain,
        binding=ind.attribute == "约束性",
        direction=ind.direction,  # type: ignore[arg-type]
        baseline=baseline if use_baseline else ind.baseline_value,
        baseline_year=ind.baseline_year,
        aggregation=ind.aggregation,  # type: ignore[arg-type]
        lead_department=lead or ind.lead_department_text,
        source=ind.source,
        metric_id=ind.metric_id,
    )


def _first_leads(rows: Any) -> dict[int, str]:
    """Indicator id → the name of its first lead responsibility (rows of (indicator id, name) by id)."""
    out: dict[int, str] = {}
    for ind_id, name in rows:
        out.setdefault(ind_id, name)
    return out


_LEADS = (select(Responsibility.indicator_id, Department.name, Responsibility.region_code)
          .join(Department, Responsibility.department_id == Department.id)
          .where(Responsibility.role == "lead").order_by(Responsibility.id))


def lead_departments(session: Session, indicator_ids: Any, region_code: str) -> dict[int, str]:
    """Indicator id → its lead department's name in a region (`indicator_ids`: a list or a sub-select)."""
    return _first_leads((r[0], r[1]) for r in session.execute(
        _LEADS.where(Responsibility.indicator_id.in_(indicator_ids), Responsibility.region_code == region_code)))


def lead_departments_in(session: Session, regions: dict[int, str]) -> dict[int, str]:
    """`lead_departments` for indicators of several plans at once: indicator id → its lead department's
    name in `regions[indicator id]` (its plan's region)."""
    wanted = sorted(regions)
    out: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        some = wanted[i:i + 500]
        out.update(_first_leads((ind_id, name) for ind_id, name, code in session.execute(
            _LEADS.where(among(session, Responsibility.indicator_id, some),
                         among(session, Responsibility.region_code, sorted({regions[k] for k in some}))))
            if regions[ind_id] == code))
    return out


def evaluation_input(session: Session, plan_ref: str | int,
                     statuses: Sequence[str] | None = None) -> model.EvaluationInput:
    """Everything evaluate needs for one plan: its active indicators, the values reported for them
    in `statuses` (by default only those that count, `finality.counted_statuses`: approved means
    final; pass `finality.ALL_STATUSES` for every one), simulated ones flagged, and its region with
    the regions below it."""
    plan = resolve_plan(session, plan_ref)
    return evaluation_inputs(session, [plan.id], statuses)[plan.id]


def evaluation_inputs(session: Session, plan_ids: Sequence[int], statuses: Sequence[str] | None = None,
                      for_evaluation: bool = False) -> dict[int, model.EvaluationInput]:
    """`evaluation_input` of a batch of plans (plan id → its input; a plan that does not exist has
    none): the plans, their indicators, lead departments, region trees and populations read in a few
    statements for the whole batch (`evaluate_register` evaluates plans in batches), the values a plan
    at a time (`_plan_values`: a plan's regions and metrics are its own). `for_evaluation`: the input
    as the evaluation reads it: the sub-regions' values as `model.ValueRows` (`EvaluationInput.below`),
    without their sources (it never reads them: ~15 % of the read on SQLite)."""
    states = list(counted_statuses() if statuses is None else statuses)
    wanted = sorted(set(plan_ids))
    plans: dict[int, Plan] = {}
    indicators: dict[int, list[Any]] = {}
    conn = session.connection()
    for i in range(0, len(wanted), 500):
        some = wanted[i:i + 500]
        plans.update((p.id, p) for p in session.scalars(select(Plan).where(Plan.id.in_(some))))
        for row in _driver_rows(conn, select(*_INDICATOR_COLS).where(Indicator.plan_id.in_(some), Indicator.active)
                                .order_by(Indicator.plan_id, Indicator.position, Indicator.id)):
            ind = _IndicatorRow(*row)
            indicators.setdefault(ind.plan_id, []).append(ind)
    leads = lead_departments_in(session, {ind.id: plans[plan_id].region_code
                                          for plan_id, inds in indicators.items() for ind in inds})
    trees = descendants_of(session, {p.region_code for p in plans.values()})
    pops = region_populations(session, {r.code for tree in trees.values() for r in tree})
    return {plan_id: _evaluation_input(session, plans[plan_id], indicators.get(plan_id, []), leads,
                                       trees.get(plans[plan_id].region_code, []), pops, states, for_evaluation)
            for plan_id in wanted if plan_id in plans}


class _IndicatorRow(NamedTuple):
    """An indicator's columns the evaluation's input reads, by `Indicator`'s attribute names: a batch of
    county plans reads ~2,000 of them, and ORM objects cost ~3x as much to load and read."""

    id: int
    plan_id: int
    name: str
    target_raw: str | None
    target_value: float | None
    target_op: str
    target_kind: str
    target_year: int
    target_low: float | None
    target_high: float | None
    unit: str | None
    domain: str | None
    attribute: str | None
    direction: str | None
    baseline_value: float | None
    baseline_raw: str | None
    baseline_year: int | None
    aggregation: str
    lead_department_text: str | None
    source: str
    metric_id: int

    @property
    def ref(self) -> str:
        return indicator_ref(self.plan_id, self.id)


_INDICATOR_COLS = tuple(getattr(Indicator, name) for name in _IndicatorRow._fields)


def region_populations(session: Session, codes: Iterable[str]) -> dict[str, dict[int, float]]:
    """Each region's recorded populations by year ({code: {year: population}}), for the codes given."""
    wanted = sorted(set(codes))
    out: dict[str, dict[int, float]] = {}
    for i in range(0, len(wanted), 5000):
        for code, year, population in session.execute(
                select(RegionPopulation.region_code, RegionPopulation.year, RegionPopulation.population)
                .where(RegionPopulation.region_code.in_(wanted[i:i + 5000]))):
            out.setdefault(code, {})[year] = population
    return out


def indicator_rows(session: Session, indicator_ids: Sequence[int]) -> list[_IndicatorRow]:
    """The given indicators' columns as the evaluation reads them (`to_model_indicator` takes them)."""
    conn = session.connection()
    wanted = sorted(set(indicator_ids))
    return [_IndicatorRow(*row) for i in range(0, len(wanted), 500)
            for row in _driver_rows(conn, select(*_INDICATOR_COLS).where(Indicator.id.in_(wanted[i:i + 500])))]


def _evaluation_input(session: Session, plan: Plan, indicators: list[Any], leads: dict[int, str],
                      regions: list[Any], pops: dict[str, dict[int, float]], states: list[str],
                      for_evaluation: bool = False) -> model.EvaluationInput:
    """One plan's input from what `evaluation_inputs` read for its batch, and its values."""
    by_metric: dict[int, list[str]] = {}
    for i in indicators:
        by_metric.setdefault(i.metric_id, []).append(i.ref)
    # below the plan region, for the evaluation: `model.ValueRows`' rows; their usual status approved, unless
    # only other statuses count
    usual = ("approved" if "approved" in states or not states else states[0]) if for_evaluation else None
    home, below = _plan_values(session, plan.region_code, regions, indicators, states, sources=not for_evaluation,
                               usual=usual)
    # The series of a metric serves every target of the plan on it (usually one). Positional, from the
    # row's columns in `_plan_values`' order (metric, region, year, value, judgement, status, 口径 break,
    # simulated, source): a county plan reads thousands of them.
    own: dict[int, list[Any]] = {}
    for o in home:
        own.setdefault(o[0], []).append(_Value(*o))
    if for_evaluation:
        observations = model.Observation.many(home, by_metric)
    else:  # every value, in one order (metric, region, year) as one read gave them
        observations = model.Observation.many(sorted([*home, *below], key=itemgetter(0, 1, 2)), by_metric)
    successor = plan.predecessor_id is not None
    baselines = {
        i.id: series.baseline(i.baseline_value, i.baseline_raw, series.base_year_of(i, plan.base_year),
                              series.reported_at(own.get(i.metric_id, ()), series.base_year_of(i, plan.base_year)),
                              successor)
        for i in indicators
    }
    return model.EvaluationInput(
        plan=model.Plan(
            id=str(plan.id),
            title=plan.title,
            region_code=plan.region_code,
            period=(plan.period_start, plan.period_end),
            base_year=plan.base_year,
        ),
        indicators=[to_model_indicator(i, leads.get(i.id), baselines[i.id].value, baselines[i.id].from_series)
                    for i in indicators],
        observations=observations,
        regions=[
            model.Region(code=r.code, name=r.name, level=_LEVELS.get(r.level, r.level),
                         parent_code=r.parent_code, population=pops.get(r.code, {}))
            for r in regions
        ],
        below=model.ValueRows(below, by_metric, usual) if usual is not None else None,
    )


class _Value(NamedTuple):
    """A value row of `_plan_values` by name (the plan region's own, for its baselines)."""

    metric_id: int
    region_code: str
    year: int
    value: float | None
    judgement: str | None
    status: str
    series_break: bool
    simulated: bool
    source_note: str | None


def _driver_rows(conn: Any, stmt: Any, values: dict[str, Sequence[Any]] | None = None) -> list[tuple[Any, ...]]:
    """A select's rows as the database driver's tuples, in the caller's transaction: for the tens of
    thousands of values an evaluation reads, SQLAlchemy's per-row processing (Row objects, type
    processors) cost as much as the query. Only for plain columns (numbers, text; booleans come back
    as SQLite's 0/1: the caller converts them). psycopg is asked for binary results: its numbers then
    need no parsing from text (a county plan's ~6,650 values: ~1 ms less CPU on each side).

    `values`: the lists of `stmt`'s expanding parameters (`bindparam(name, expanding=True)`), by name.
    The statement is then compiled once for each length of those lists (`_compiled`): compiling a
    county plan's values query with its ~110 parameters cost ~0.7 ms a plan."""
    psycopg = conn.dialect.driver == "psycopg"
    dialect = _dollar(type(conn.dialect)) if psycopg else conn.dialect
    if values is None:
        sql, names, params = _compile(dialect, stmt)
    else:
        sql, names = _compiled(dialect, stmt, tuple(len(v) for v in values.values()), tuple(values))
        params = {f"{name}_{n}": v for name, some in values.items() for n, v in enumerate(some, 1)}
    args = tuple(params[k] for k in names) if names is not None else params
    if psycopg:
        from psycopg import RawCursor

        with RawCursor(conn.connection.dbapi_connection) as raw:
            raw.execute(sql, args, binary=True)
            return raw.fetchall()
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, args)
        return cursor.fetchall()
    finally:
        cursor.close()


@cache
def _dollar(dialect_class: Any) -> Any:
    """The PostgreSQL dialect writing PostgreSQL's own placeholders ($1, $2…), which psycopg's
    `RawCursor` sends as they are: its usual cursor rewrites `%(name)s` ones on every run when a
    statement has more than 50 parameters (~0.2 ms for a county plan's values query, run twice)."""
    return dialect_class(paramstyle="numeric_dollar")


def _compile(dialect: Any, stmt: Any) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """`stmt` as the driver's SQL, its parameters' names in order (None: the driver takes them by name)
    and their values; expanding parameters rendered one a value (`name_1`, `name_2`, …)."""
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None, compiled.params


_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[str, ...] | None]] = {}


def _compiled(dialect: Any, stmt: Any, lengths: tuple[int, ...], names: tuple[str, ...]
              ) -> tuple[str, tuple[str, ...] | None]:
    """`_compile` of a statement whose only parameters are expanding lists of these lengths, cached by
    the statement object (one built once, `_values_select`; the key holds it, so its identity is never
    another's) and the lengths: a bounded cache, as county plans' lists differ in the number of
    sub-regions."""
    key = (dialect.name, dialect.paramstyle, stmt, lengths)
    hit = _COMPILED.get(key)
    if hit is None:
        if len(_COMPILED) > 512:
            _COMPILED.clear()
        state = stmt.compile(dialect=dialect).construct_expanded_state(
            {n: [None] * k for n, k in zip(names, lengths, strict=True)})
        hit = _COMPILED[key] = (state.statement, tuple(state.positiontup) if state.positiontup is not None else None)
    return hit


@cache
def _values_select(sources: bool, by_region: bool, rest: bool = False) -> Any:
    """The statement `_plan_values` runs (built once: `_compiled` caches its SQL by this object).
    `rest`: rows of `model.ValueRows`' layout, whose last column is None for a value without a
    judgement, in the usual status (the list `u`), without a 口径 break and not simulated, else the
    value's id (`_with_rest` reads those few values' other columns)."""
    if rest:  # `model.ValueRows.rest`'s rule, in SQL
        usual = and_(Observation.judgement.is_(None), Observation.status.in_(bindparam("u", expanding=True)),
                     ~Observation.series_break, ~Observation.simulated)
        cols: tuple[Any, ...] = (Observation.metric_id, Observation.region_code, Observation.year, Observation.value,
                                 case((usual, null()), else_=Observation.id))
    else:
        cols = (Observation.metric_id, Observation.region_code, Observation.year, Observation.value,
                Observation.judgement, Observation.status, Observation.series_break, Observation.simulated,
                Observation.source_note if sources else null())
    # PostgreSQL (15) cannot walk the (metric, region, year) key in order for two lists of values: it
    # read a county plan's ~6,650 values by (region, year) and then sorted them, 2/3 of the query's
    # ~10 ms. Asked for the index's own (region, year) order (`by_region`), it sorts nothing, and a
    # stable sort by metric (`_plan_values`, ~0.5 ms) gives the same order. SQLite walks the key in
    # order: it is asked for it.
    order = ((Observation.region_code, Observation.year) if by_region
             else (Observation.metric_id, Observation.region_code, Observation.year))
    return select(*cols).where(Observation.metric_id.in_(bindparam("m", expanding=True)),
                               Observation.region_code.in_(bindparam("c", expanding=True)),
                               Observation.status.in_(bindparam("s", expanding=True))).order_by(*order)


def _with_rest(session: Session, rows: list[Any]) -> list[Any]:
    """`rows` (of `_values_select(rest=True)`) with each value's id replaced by its (judgement, status,
    口径 break, simulated); a value deleted since it was read is dropped."""
    # which rows carry an id, found in C: every county plan's ~6,000 rows pass here, nearly none with one
    odd = list(compress(range(len(rows)), map(is_not, map(itemgetter(4), rows), repeat(None))))
    if not odd:
        return rows
    ids = [rows[i][4] for i in odd]
    rest: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 5000):
        for id_, *fields in session.execute(
                select(Observation.id, *(getattr(Observation, f) for f in model.ValueRows.REST))
                .where(among(session, Observation.id, ids[i:i + 5000]))):
            rest[id_] = model.ValueRows.rest(*fields, usual=None)  # read as unusual: kept whole (status is never None)
    out = list(rows)
    for i in odd:
        r = out[i]
        out[i] = (*r[:4], rest[r[4]]) if r[4] in rest else None
    return [r for r in out if r is not None] if len(rest) < len(odd) else out


def _plan_values(session: Session, region_code: str, regions: Sequence[Any], indicators: Sequence[Indicator],
                 states: list[str], sources: bool = True, usual: str | None = None) -> tuple[list[Any], list[Any]]:
    """The values a plan's evaluation reads, each list by metric, region and year: (those of the plan's
    region, those below it). Below: its direct sub-regions', and deeper only where a region without a
    value of a summed or averaged metric is rolled up from its own sub-regions (`evaluate.rollup`). A
    provincial plan so reads its counties, not every township of the province. `sources=False`: each
    row's source is None. `usual`: the rows below in `model.ValueRows`' layout, with this usual status."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for r in regions:
        children[r.parent_code].append(r.code)
    conn = session.connection()
    by_region = conn.dialect.name == "postgresql"
    compact = usual is not None

    def load(metrics: list[int], codes: list[str], rest: bool = compact) -> list[Any]:
        out: list[Any] = []
        stmt = _values_select(sources, by_region, rest)
        lists = {"m": metrics, "c": [], "s": states, **({"u": [usual]} if rest else {})}
        for i in range(0, len(codes), 5000):
            lists["c"] = codes[i:i + 5000]
            part = _driver_rows(conn, stmt, lists)
            if by_region:
                part.sort(key=itemgetter(0))  # stable: by metric, then region and year as read
            out += part
        return out

    metrics = sorted({i.metric_id for i in indicators})
    level = children.get(region_code, [])
    # The plan region's values apart from those below it: the evaluation reads them apart, and a split
    # of the rows here cost a Python step a value (~1 ms a county plan) against one more statement.
    home = load(metrics, [region_code], rest=False) if metrics else []
    rows = load(metrics, level) if metrics and level else []
    rolled = sorted({i.metric_id for i in indicators if i.aggregation in ("sum", "mean_pop")})
    deeper = [c for c in level if children.get(c)]  # none for a county plan over its townships
    have = {(o[0], o[1]) for o in rows if o[3] is not None} if rolled and deeper else set()  # (metric, region)
    wanted = {(m, c) for m in rolled for c in deeper if (m, c) not in have}
    ordered = len(level) <= 5000  # one query, ordered by the database
    while wanted:
        ordered = False  # one level down, only below the regions that lack a value
        below = {ch: c for _, c in wanted for ch in children[c]}
        more = [o for o in load(sorted({m for m, _ in wanted}), sorted(below)) if (o[0], below[o[1]]) in wanted]
        rows += more
        have |= {(o[0], o[1]) for o in more if o[3] is not None}
        wanted = {(m, ch) for m, c in wanted for ch in children[c] if (m, ch) not in have and children.get(ch)}
    if not ordered:
        rows.sort(key=itemgetter(0, 1, 2))  # metric, region, year
    return home, _with_rest(session, rows) if compact else rows


@dataclass
class IndicatorView:
    """One indicator row of a plan page. Fields are plain rows (attribute access), not ORM objects:
    a page of 150 indicators reads in a few milliseconds."""

    indicator: Any
    lead: str | None
    milestones: list[Any] = field(default_factory=list)
    latest: Any | None = None


_VIEW_COLS = (
    Indicator.id, Indicator.plan_id, Indicator.position, Indicator.name, Indicator.domain, Indicator.unit,
    Indicator.attribute, Indicator.baseline_raw, Indicator.baseline_value, Indicator.baseline_year,
    Indicator.target_raw, Indicator.target_value, Indicator.target_op, Indicator.target_kind, Indicator.target_year,
    Indicator.direction, Indicator.aggregation, Indicator.source, Indicator.version, Indicator.metric_id,
)


def plan_view(session: Session, plan_ref: str | int, region_code: str | None = None) -> tuple[Plan, list[IndicatorView]]:
    """One plan as a page shows it: every active indicator with its milestones and latest value
    in the plan's region (or `region_code`). Four queries, whatever the plan's size."""
    plan = resolve_plan(session, plan_ref)
    region = region_code or plan.region_code
    rows = session.execute(select(*_VIEW_COLS).where(Indicator.plan_id == plan.id, Indicator.active)
                           .order_by(Indicator.position)).all()
    views = {r.id: IndicatorView(r, None) for r in rows}
    # A sub-select rather than a list of ids: one short statement the planner can join.
    ids = select(Indicator.id).where(Indicator.plan_id == plan.id, Indicator.active).scalar_subquery()
    for ind_id, name in lead_departments(session, ids, plan.region_code).items():
        if ind_id in views:
            views[ind_id].lead = name
    for m in session.execute(select(Milestone.indicator_id, Milestone.year, Milestone.value, Milestone.raw)
                             .where(Milestone.indicator_id.in_(ids), Milestone.region_code == region)
                             .order_by(Milestone.year)):
        views[m.indicator_id].milestones.append(m)
    metrics = select(Indicator.metric_id).where(Indicator.plan_id == plan.id, Indicator.active).scalar_subquery()
    latest_year = (
        select(Observation.metric_id, func.max(Observation.year).label("year"))
        .where(Observation.metric_id.in_(metrics), Observation.region_code == region)
        .group_by(Observation.metric_id)
        .subquery()
    )
    on_metric: dict[int, list[int]] = {}
    for r in rows:
        on_metric.setdefault(r.metric_id, []).append(r.id)
    for o in session.execute(
        select(Observation.id, Observation.metric_id, Observation.indicator_id, Observation.year, Observation.value,
               Observation.judgement, Observation.status, Observation.simulated, Observation.source_note,
               Observation.version)
        .join(latest_year, (Observation.metric_id == latest_year.c.metric_id)
              & (Observation.year == latest_year.c.year))
        .where(Observation.region_code == region)
    ):
        for ind_id in on_metric.get(o.metric_id, ()):
            views[ind_id].latest = o
    return plan, list(views.values())


# -- read models the pages build on (the web reads through these, never the tables) -----------------------------
def load_plan(session: Session, plan_id: int) -> Plan | None:
    """A plan with its indicators and region loaded, or None."""
    return session.scalars(select(Plan).where(Plan.id == plan_id)
                           .options(selectinload(Plan.indicators), selectinload(Plan.region))).first()


def all_plans(session: Session) -> list[Plan]:
    return list(session.scalars(select(Plan).order_by(Plan.id)
                                .options(selectinload(Plan.indicators), selectinload(Plan.region))).all())


def plans_by_id(session: Session, ids: Sequence[int]) -> dict[int, Plan]:
    return {p.id: p for p in session.scalars(select(Plan).where(Plan.id.in_(list(ids))))} if ids else {}


def get_indicator(session: Session, indicator_id: int) -> Indicator | None:
    """An active indicator, or None."""
    ind = session.get(Indicator, indicator_id)
    return ind if ind is not None and ind.active else None


def departments_of(session: Session, indicator_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Indicator id → its departments ({id, name, role}), the lead first."""
    out: dict[int, list[dict[str, Any]]] = {}
    if not indicator_ids:
        return out
    rows = session.execute(
        select(Responsibility.indicator_id, Responsibility.role, Department.id, Department.name)
        .join(Department, Department.id == Responsibility.department_id)
        .where(Responsibility.indicator_id.in_(list(indicator_ids)))).all()
    seen: set[tuple[int, int]] = set()
    for ind_id, role, dep_id, name in rows:
        if (ind_id, dep_id) in seen:
            continue
        seen.add((ind_id, dep_id))
        out.setdefault(ind_id, []).append({"id": dep_id, "name": name, "role": role})
    for deps in out.values():
        deps.sort(key=lambda d: (d["role"] != "lead", d["name"]))
    return out


def service_items(session: Session, plan_id: int) -> list[ServiceItem]:
    return list(session.scalars(select(ServiceItem).where(ServiceItem.plan_id == plan_id)
                                .order_by(ServiceItem.position)).all())


def latest_document(session: Session, plan_id: int) -> PlanDocument | None:
    return session.scalars(select(PlanDocument).where(PlanDocument.plan_id == plan_id)
                           .order_by(PlanDocument.id.desc()).limit(1)).first()


def has_document(session: Session, plan_id: int) -> bool:
    return session.scalar(select(PlanDocument.id).where(PlanDocument.plan_id == plan_id).limit(1)) is not None


def line_items(session: Session, plan_id: int) -> list[tuple[str, int, int | None, str]]:
    """A plan's active tasks, projects and service items as (kind, id, line, label)."""
    out: list[tuple[str, int, int | None, str]] = []
    out += [("task", t.id, t.line, t.text[:60]) for t in session.scalars(
        select(Task).where(Task.plan_id == plan_id, Task.active))]
    out += [("project", p.id, p.line, p.name[:60]) for p in session.scalars(
        select(Project).where(Project.plan_id == plan_id, Project.active))]
    out += [("service", x.id, x.line, x.item) for x in session.scalars(
        select(ServiceItem).where(ServiceItem.plan_id == plan_id))]
    return out


def metric_observations(session: Session, metric_id: int, statuses: Sequence[str]) -> list[Observation]:
    """Every region's values of a metric in `statuses`, by year then region."""
    return list(session.scalars(select(Observation).where(
        Observation.metric_id == metric_id, Observation.status.in_(list(statuses)))
        .order_by(Observation.year, Observation.region_code)).all())


def child_regions(session: Session, code: str) -> dict[str, str]:
    """code → name of the regions directly below `code`."""
    return {r.code: r.name for r in session.scalars(select(Region).where(Region.parent_code == code))}


def indicator_history(session: Session, indicator_id: int, observations: Sequence[Observation],
                      limit: int = 200) -> list[History]:
    """The newest history rows of an indicator and of the given values (those a bulk load created: their
    "create" rows made from the load's, `history.with_creations`)."""
    logged = list(session.scalars(select(History).where(
        ((History.entity == "indicator") & (History.entity_id == indicator_id))
        | ((History.entity == "observation") & History.entity_id.in_([o.id for o in observations] or [-1])))))
    return history.with_creations(session, observations, logged)[::-1][:limit]


def milestones_of(views: Sequence[IndicatorView]) -> dict[int, list[dict[str, Any]]]:
    """Indicator id → its yearly milestones as plain dicts (year, value, raw)."""
    return {v.indicator.id: [{"year": m.year, "value": m.value, "raw": m.raw} for m in v.milestones]
            for v in views}
