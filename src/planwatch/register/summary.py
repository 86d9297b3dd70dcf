"""The summary the overview, `/api/plans`, `/public` and the dashboard read: status counts by plan,
domain, lead department and region, and the plans' early warnings, from the stored evaluations
(`register.evaluations`). Nothing here reads observations; every list pages (`offset`, `limit`).

Call `evaluations.evaluate_register(session, stale only)` (or `ensure_fresh`) first when the
counts must reflect the latest writes; the overview does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, exists, false, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from planwatch.register.evaluations import SEVERITY_ORDER, evaluate_register
from planwatch.register.schema import (
    Evaluation,
    Indicator,
    Plan,
    PlanEvaluation,
    Region,
    RegionBoundary,
    RegionCount,
    RegionStatusCount,
    RegionTotal,
    StatusCount,
    StatusTotal,
)

DIMENSIONS = {"plan": StatusCount.plan_id, "domain": StatusCount.domain, "department": StatusCount.department,
              "region": StatusCount.region_code, "status": StatusCount.status}
TOTAL_DIMENSIONS = {"domain": StatusTotal.domain, "department": StatusTotal.department, "status": StatusTotal.status}


def ensure_fresh(session: Session, plan_ids: list[int] | None = None) -> int:
    """Evaluate and store the plans whose stored evaluation is not fresh; how many were."""
    return evaluate_register(session, plan_ids)


def status_counts(session: Session, by: str = "plan", plan_ids: list[int] | None = None,
                  region_codes: list[str] | None = None, domain: str | None = None,
                  department: str | None = None, binding_only: bool = False) -> dict[Any, dict[str, int]]:
    """Indicator counts by status, grouped `by` one of plan | domain | department | region | status,
    filtered by plans, regions (the plans' own region codes), domain and lead department. A domain
    or department the plan does not state is ''. `binding_only`: count 约束性 indicators only.
    Register-wide counts by domain, department or status are read from `status_totals` (a few hundred
    rows), not grouped over every plan's."""
    if by not in DIMENSIONS:
        raise ValueError(f"by: one of {', '.join(DIMENSIONS)}")
    if plan_ids is None and region_codes is None and by in TOTAL_DIMENSIONS:
        table: Any = StatusTotal  # register-wide: the kept sums
        q = select(TOTAL_DIMENSIONS[by], table.status, table.binding_count if binding_only else table.count)
    else:
        table, key = StatusCount, DIMENSIONS[by]
        n = func.sum(table.binding_count if binding_only else table.count)
        q = select(key, table.status, n).group_by(key, table.status)
        if plan_ids is not None:
            q = q.where(table.plan_id.in_(plan_ids))
        if region_codes is not None:
            q = q.where(table.region_code.in_(region_codes))
    if domain is not None:
        q = q.where(table.domain == domain)
    if department is not None:
        q = q.where(table.department == department)
    out: dict[Any, dict[str, int]] = defaultdict(dict)
    for k, status, count in session.execute(q):
        if count:
            out[k][status] = out[k].get(status, 0) + int(count)
    return dict(out)


def _plan_filters(q: Any, region_codes: list[str] | None, search: str | None, level: str | None,
                  under: str | None) -> Any:
    """The plan list's filters on a query over plans joined to their region (`Region`): the plans' own
    region codes; a title or region name containing `search`; the plan region's level; `under` a region
    (the plans of that region, of the regions directly below it and of those below them)."""
    if region_codes is not None:
        q = q.where(Plan.region_code.in_(region_codes))
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(Plan.title.like(pattern, escape="\\"), Region.name.like(pattern, escape="\\")))
    if level:
        q = q.where(Region.level == level)
    if under:
        parent = aliased(Region)
        q = (q.outerjoin(parent, parent.code == Region.parent_code)
             .where(or_(Region.code == under, Region.parent_code == under, parent.parent_code == under)))
    return q


def plan_rows(session: Session, offset: int = 0, limit: int | None = None,
              region_codes: list[str] | None = None, search: str | None = None, level: str | None = None,
              under: str | None = None) -> list[dict[str, Any]]:
    """One row per plan (by id): title, region, period, issuer, indicator counts, data year and
    status counts, as stored. A plan not evaluated yet has no data year and no counts. Filters as
    `plan_count`; a page is `offset`, `limit`."""
    q = (select(Plan.id, Plan.title, Plan.region_code, Region.name, Plan.period_start, Plan.period_end,
                Plan.base_year, Plan.issuer, Plan.doc_number, Plan.issued, PlanEvaluation.year,
                PlanEvaluation.indicator_count, PlanEvaluation.main_count)
         .join(Region, Region.code == Plan.region_code)
         .outerjoin(PlanEvaluation, PlanEvaluation.plan_id == Plan.id).order_by(Plan.id))
    q = _plan_filters(q, region_codes, search, level, under)
    q = q.offset(max(offset, 0))
    if limit is not None:
        q = q.limit(max(limit, 0))
    rows = session.execute(q).all()
    counts = status_counts(session, "plan", [r[0] for r in rows]) if rows else {}
    return [{"id": r[0], "title": r[1], "region_code": r[2], "region": r[3] or r[2], "period": [r[4], r[5]],
             "base_year": r[6], "issuer": r[7], "doc_number": r[8], "issued": r[9], "data_year": r[10],
             "indicator_count": r[11] or 0, "main_count": r[12] or 0, "other_count": (r[11] or 0) - (r[12] or 0),
             "status_counts": counts.get(r[0], {})} for r in rows]


def indicator_statuses(session: Session, plan_ids: list[int]) -> dict[int, list[tuple[str | None, str | None, str]]]:
    """Each plan's active indicators as (domain, source, stored status); an indicator without a stored
    evaluation is 'not_reported'. Bounded by the plans asked for."""
    out: dict[int, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for i in range(0, len(plan_ids), 500):
        q = (select(Indicator.plan_id, Indicator.domain, Indicator.source, Evaluation.status)
             .outerjoin(Evaluation, Evaluation.indicator_id == Indicator.id)
             .where(Indicator.plan_id.in_(plan_ids[i:i + 500]), Indicator.active))
        for plan_id, domain, source, status in session.execute(q):
            out[plan_id].append((domain, source, status or "not_reported"))
    return dict(out)


def domain_counts(session: Session, plan_ids: list[int]) -> dict[int, list[tuple[str, str, int, int]]]:
    """Each plan's stored counts as (domain, status, indicators, of them 主要指标), its domains in the
    plan's order of indicators (a missing domain is ''). From `status_counts`, bounded by the plans."""
    out: dict[int, list[tuple[str, str, int, int]]] = defaultdict(list)
    for i in range(0, len(plan_ids), 500):
        ids = plan_ids[i:i + 500]
        order = (select(StatusCount.plan_id, StatusCount.domain, func.min(StatusCount.first_position).label("first"))
                 .where(StatusCount.plan_id.in_(ids)).group_by(StatusCount.plan_id, StatusCount.domain).subquery())
        q = (select(StatusCount.plan_id, StatusCount.domain, StatusCount.status, func.sum(StatusCount.count),
                    func.sum(StatusCount.main_count))
             .join(order, (order.c.plan_id == StatusCount.plan_id) & (order.c.domain == StatusCount.domain))
             .where(StatusCount.plan_id.in_(ids))
             .group_by(StatusCount.plan_id, StatusCount.domain, StatusCount.status, order.c.first)
             .order_by(StatusCount.plan_id, order.c.first, StatusCount.domain, StatusCount.status))
        for plan_id, domain, status, n, n_main in session.execute(q):
            out[plan_id].append((domain, status, int(n or 0), int(n_main or 0)))
    return dict(out)


def plan_count(session: Session, region_codes: list[str] | None = None, search: str | None = None,
               level: str | None = None, under: str | None = None) -> int:
    """How many plans match the filters (`_plan_filters`)."""
    q = select(func.count(Plan.id))
    if search or level or under:
        q = q.join(Region, Region.code == Plan.region_code)
    return int(session.scalar(_plan_filters(q, region_codes, search, level, under)) or 0)


def plan_region_choices(session: Session, limit: int = 200) -> dict[str, list[tuple[str, str]]]:
    """What the plan list can be filtered by: the levels of the plans' regions, and the regions the
    plans' regions sit in (their parents), as (level, level) and (code, name), at most `limit` of each.
    One pass over the plans' regions for both (each pass joins every plan: ~6 ms at scale 1), then the
    names of the parents listed."""
    pairs = session.execute(select(Region.level, Region.parent_code).join(Plan, Plan.region_code == Region.code)
                            .distinct()).all()
    levels = sorted({lv for lv, _ in pairs if lv})[:max(limit, 0)]
    codes = sorted({code for _, code in pairs if code})[:max(limit, 0)]
    names = {c: n for c, n in session.execute(select(Region.code, Region.name).where(Region.code.in_(codes)))}
    return {"levels": [(lv, lv) for lv in levels],
            "regions": [(c, names.get(c) or c) for c in codes if c in names]}


def register_domain_counts(session: Session) -> list[tuple[str, str, int, int]]:
    """The whole register's stored counts as (domain, status, indicators, of them 主要指标), like
    `domain_counts` for one plan: from `status_totals` (the sums of `status_counts`), a row per domain
    and status."""
    q = (select(StatusTotal.domain, StatusTotal.status, func.sum(StatusTotal.count), func.sum(StatusTotal.main_count))
         .group_by(StatusTotal.domain, StatusTotal.status).order_by(StatusTotal.domain, StatusTotal.status))
    return [(d, st, int(n or 0), int(n_main or 0)) for d, st, n, n_main in session.execute(q)]


def risk_rows(session: Session, offset: int = 0, limit: int | None = 200, plan_ids: list[int] | None = None,
              severities: tuple[str, ...] = SEVERITY_ORDER) -> list[dict[str, Any]]:
    """Indicators with an early warning, by plan and the plan's order of indicators: plan, indicator,
    severity (red | orange | yellow), status, completion, schedule progress and the warnings' reasons."""
    q = (select(Evaluation.plan_id, Plan.title, Evaluation.indicator_id, Indicator.name, Evaluation.warning_code,
                Evaluation.status, Evaluation.completion, Evaluation.schedule, Evaluation.detail)
         .join(Plan, Plan.id == Evaluation.plan_id).join(Indicator, Indicator.id == Evaluation.indicator_id)
         .where(Evaluation.warning_code.in_(severities))
         .order_by(Evaluation.plan_id, Indicator.position, Indicator.id))
    if plan_ids is not None:
        q = q.where(Evaluation.plan_id.in_(plan_ids))
    q = q.offset(max(offset, 0))
    if limit is not None:
        q = q.limit(max(limit, 0))
    return [{"plan_id": r[0], "plan_title": r[1], "indicator": r[2], "indicator_name": r[3], "severity": r[4],
             "status": r[5], "P": r[6], "S": r[7], "reasons": list((r[8] or {}).get("warnings") or [])}
            for r in session.execute(q)]


def early_warnings(session: Session, plan_ids: list[int] | None = None, offset: int = 0,
                   limit: int | None = None) -> list[dict[str, Any]]:
    """The plans' early warnings as each plan's evaluation lists them, with the plan's title and the
    indicator's id: what the overview lists."""
    q = (select(PlanEvaluation.plan_id, Plan.title, PlanEvaluation.early_warnings)
         .join(Plan, Plan.id == PlanEvaluation.plan_id).order_by(PlanEvaluation.plan_id))
    if plan_ids is not None:
        q = q.where(PlanEvaluation.plan_id.in_(plan_ids))
    out: list[dict[str, Any]] = []
    for plan_id, title, warnings in session.execute(q):
        for w in warnings or []:
            ref = str(w.get("indicator_id") or "")
            ind = int(ref.rsplit("-i", 1)[1]) if "-i" in ref and ref.rsplit("-i", 1)[1].isdigit() else None
            out.append({**w, "plan_id": plan_id, "plan_title": title, "indicator": ind,
                        "indicator_name": w.get("name")})
    end = None if limit is None else offset + limit
    return out[offset:end]


# -- the leader's dashboard ------------------------------------------------------------------------
CHUNK = 500  # ids per IN list


def _chunks(ids: frozenset[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    wanted = sorted(ids)
    return [wanted[i:i + CHUNK] for i in range(0, len(wanted), CHUNK)]


DASHBOARD_DIMENSIONS = ("domain", "department", "region")


def dashboard_counts(session: Session, indicator_ids: frozenset[int] | None = None,
                     by: tuple[str, ...] = DASHBOARD_DIMENSIONS) -> list[dict[str, Any]]:
    """The stored indicator counts the dashboard tallies, one row per status and each of the `by`
    dimensions (domain, lead department, plan region): {domain, department, region_code, region,
    status, count, binding, risk, binding_risk} (a missing domain or department, or one not asked
    for, is ''; a region not asked for is None). For the whole register: by domain and department from
    `status_totals` (the writes keep it), by region from `status_counts` grouped in the order of its
    covering index (a row per plan region and status); for a viewer limited to `indicator_ids`, from
    their stored evaluations (bounded by those ids)."""
    unknown = set(by) - set(DASHBOARD_DIMENSIONS)
    if unknown:
        raise ValueError(f"by: any of {', '.join(DASHBOARD_DIMENSIONS)}")
    rows: list[Any] = []
    if indicator_ids is None and "region" not in by:  # from the register-wide sums: a few hundred rows
        keys = {"domain": StatusTotal.domain, "department": StatusTotal.department}
        cols = [keys[d] for d in DASHBOARD_DIMENSIONS if d in by]
        rows = list(session.execute(
            select(*cols, StatusTotal.status, func.sum(StatusTotal.count), func.sum(StatusTotal.binding_count),
                   func.sum(StatusTotal.risk_count), func.sum(StatusTotal.binding_risk_count))
            .group_by(*cols, StatusTotal.status)))
    elif indicator_ids is None and tuple(by) == ("region",):  # grouped in index order, then named
        g = (select(StatusCount.region_code.label("code"), StatusCount.status.label("status"),
                    func.sum(StatusCount.count).label("n"), func.sum(StatusCount.binding_count).label("b"),
                    func.sum(StatusCount.risk_count).label("r"), func.sum(StatusCount.binding_risk_count).label("br"))
             .group_by(StatusCount.region_code, StatusCount.status).subquery())
        rows = list(session.execute(select(g.c.code, Region.name, g.c.status, g.c.n, g.c.b, g.c.r, g.c.br)
                                    .outerjoin(Region, Region.code == g.c.code)))
    elif indicator_ids is None:
        keys = {"domain": StatusCount.domain, "department": StatusCount.department,
                "region": StatusCount.region_code}
        cols = [keys[d] for d in DASHBOARD_DIMENSIONS if d in by]
        q = (select(*cols, *([Region.name] if "region" in by else []), StatusCount.status,
                    func.sum(StatusCount.count), func.sum(StatusCount.binding_count),
                    func.sum(StatusCount.risk_count), func.sum(StatusCount.binding_risk_count))
             .group_by(*cols, StatusCount.status))
        if "region" in by:
            q = q.outerjoin(Region, Region.code == StatusCount.region_code).group_by(Region.name)
        rows = list(session.execute(q))
    else:
        at_risk = Evaluation.risk_severity.is_not(None)
        one = case((Evaluation.binding, 1), else_=0)
        keys = {"domain": func.coalesce(Evaluation.domain, ""), "department": func.coalesce(Evaluation.department, ""),
                "region": Evaluation.region_code}
        cols = [keys[d] for d in DASHBOARD_DIMENSIONS if d in by]
        for ids in _chunks(indicator_ids):
            assert ids is not None
            q = (select(*cols, *([Region.name] if "region" in by else []), Evaluation.status, func.count(),
                        func.sum(one), func.sum(case((at_risk, 1), else_=0)),
                        func.sum(case((at_risk & Evaluation.binding, 1), else_=0)))
                 .where(Evaluation.indicator_id.in_(ids))
                 .group_by(*cols, Evaluation.status))
            if "region" in by:
                q = q.outerjoin(Region, Region.code == Evaluation.region_code).group_by(Region.name)
            rows += session.execute(q)
    out = []
    for r in rows:
        values = iter(r)
        row: dict[str, Any] = {"domain": "", "department": "", "region_code": None, "region": None}
        for d in DASHBOARD_DIMENSIONS:
            if d in by:
                v = next(values)
                row["region_code" if d == "region" else d] = v if d == "region" else (v or "")
        if "region" in by:
            name = next(values)
            row["region"] = name or row["region_code"]
        status, n, binding, risk, binding_risk = values
        if n:
            out.append({**row, "status": status, "count": int(n), "binding": int(binding or 0),
                        "risk": int(risk or 0), "binding_risk": int(binding_risk or 0)})
    return out


def tally_key(code: str, total: int, risk: int) -> tuple[int, int, str]:
    """The order of the dashboard's region card: the most at risk first, then the most indicators,
    then by code (the administrative order statistical tables list regions in)."""
    return (-risk, -total, code)


def region_counts(session: Session) -> tuple[int, int]:
    """How many regions have a stored status, and how many of them have plans with indicators (kept by
    the writes: `region_counts`)."""
    row = session.execute(select(RegionCount.regions, RegionCount.own_regions).where(RegionCount.id == 1)).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def region_tally(session: Session, limit: int = 12) -> tuple[list[dict[str, Any]], int]:
    """The whole register's indicators counted by plan region as the dashboard's region card lists them:
    the `limit` regions first in the card's order (`tally_key`), each {key, name, total, risk} (the
    code for a region without a name), and how many regions have any. Read in the order of
    `ix_region_totals_tally_order` (kept by the writes) and counted from `region_counts`: only the
    rows shown are read, whatever the number of regions."""
    name = func.coalesce(Region.name, RegionTotal.region_code)
    q = (select(RegionTotal.region_code, name, RegionTotal.neg_own_total, RegionTotal.neg_own_risk)
         .outerjoin(Region, Region.code == RegionTotal.region_code).where(RegionTotal.neg_own_total < 0)
         .order_by(RegionTotal.neg_own_risk, RegionTotal.neg_own_total, RegionTotal.region_code)
         .limit(max(limit, 0)))
    rows = [{"key": code, "name": n, "total": -int(neg_total), "risk": -int(neg_risk)}
            for code, n, neg_total, neg_risk in session.execute(q)]
    return rows, region_counts(session)[1]


def region_statuses(session: Session, indicator_ids: frozenset[int] | None = None,
                    codes: list[str] | None = None) -> dict[str, dict[str, int]]:
    """How many stored indicator evaluations have each status in each region (of `codes`, or all): a
    plan's own indicators count in the plan's region, and each sub-region evaluation of a plan above
    counts in its sub-region. For the whole register, summed from `region_status_counts` (kept with
    each plan's stored evaluation: at most plans × regions × statuses rows, read in index order); for a
    viewer limited to `indicator_ids`, from their stored evaluations (bounded by those ids)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    wanted = [None] if codes is None else [sorted(codes)[i:i + CHUNK] for i in range(0, len(codes), CHUNK)]
    queries = []
    for some in wanted:
        if indicator_ids is None:
            q = (select(RegionStatusCount.region_code, RegionStatusCount.status, func.sum(RegionStatusCount.count))
                 .group_by(RegionStatusCount.region_code, RegionStatusCount.status))
            queries.append(q if some is None else q.where(RegionStatusCount.region_code.in_(some)))
            continue
        for ids in _chunks(indicator_ids):
            assert ids is not None
            own = (select(Evaluation.region_code, Evaluation.status, func.count())
                   .where(Evaluation.indicator_id.in_(ids)).group_by(Evaluation.region_code, Evaluation.status))
            rows, code, status = _subregion_rows(session)
            sub = (select(code, status, func.count()).select_from(Evaluation).join(rows, true())
                   .where(Evaluation.indicator_id.in_(ids)).group_by(code, status))
            if some is not None:
                own, sub = own.where(Evaluation.region_code.in_(some)), sub.where(code.in_(some))
            queries += [own, sub]
    for q in queries:
        for code, status, n in session.execute(q):
            if code and n:
                out[code][status] = out[code].get(status, 0) + int(n)
    return dict(out)


def _tile_key(code: str, counted: dict[str, int]) -> tuple[int, int, str]:
    """The order of the dashboard's region tiles: worst status first (`evaluate.status.RANK`; a region
    with no assessed status last), then the most at risk (`AT_RISK`), then by code."""
    from planwatch.evaluate.status import AT_RISK, RANK

    return (-max((RANK[c] for c, n in counted.items() if c in RANK and n), default=-1),
            -sum(n for c, n in counted.items() if c in AT_RISK), code)


def region_tiles(session: Session, indicator_ids: frozenset[int] | None = None, offset: int = 0,
                 limit: int = 200, left_out_level: str = "nation") -> tuple[dict[str, dict[str, int]], int]:
    """A page of the regions with a status that have no stored outline (the dashboard's tiles), in the
    tile order (`_tile_key`), with their counts by status (as `region_statuses`), and how many there
    are; the regions of `left_out_level` are left out. For the whole register the page is read in the
    order of `region_totals` (kept in the tile order by the writes) and only the page's counts are
    read; for a viewer limited to `indicator_ids`, from their stored evaluations (bounded by those ids)."""
    outlined = select(RegionBoundary.region_code)
    left_out = select(Region.code).where(Region.level == left_out_level)
    if indicator_ids is not None:
        counted = region_statuses(session, indicator_ids)
        skip = set(session.scalars(outlined.where(RegionBoundary.region_code.in_(list(counted))))) if counted else set()
        skip |= set(session.scalars(left_out))
        order = sorted((_tile_key(c, v), c) for c, v in counted.items() if c not in skip)
        return {c: counted[c] for _, c in order[offset:offset + limit]}, len(order)
    not_shown = union(outlined, left_out).subquery()  # the regions with an outline and those of the level
    codes = list(session.scalars(
        select(RegionTotal.region_code).where(RegionTotal.region_code.not_in(select(not_shown.c[0])))
        .order_by(RegionTotal.neg_rank, RegionTotal.neg_risk, RegionTotal.region_code)
        .offset(max(offset, 0)).limit(max(limit, 0))))
    # every region with a status (kept) less those not shown: bounded by the outlines, not the regions
    total = region_counts(session)[0] - int(session.scalar(
        select(func.count()).select_from(RegionTotal).join(not_shown, not_shown.c[0] == RegionTotal.region_code))
        or 0)
    counted = region_statuses(session, None, codes)
    return {c: counted.get(c, {}) for c in codes}, total


def _subregion_rows(session: Session) -> tuple[Any, ColumnElement[str], ColumnElement[str]]:
    """The sub-region rows of a stored evaluation (`evaluations.subregions`, a JSON array), as a
    table-valued function of the evaluation row in the same FROM: (the function, each row's region
    code, its status code). Read from the evaluations the caller bounds (by plan or indicator), so
    storing a plan's evaluation writes no row a sub-region (a county plan has ~1,200)."""
    if session.get_bind().dialect.name == "postgresql":
        rows = func.json_array_elements(Evaluation.subregions).table_valued("value")
        return rows, rows.c.value.op("->>")("code"), rows.c.value.op("->>")("status_code")
    rows = func.json_each(Evaluation.subregions).table_valued("value")
    return rows, func.json_extract(rows.c.value, "$.code"), func.json_extract(rows.c.value, "$.status_code")


def _risk_filters(session: Session, status: str | None, domain: str | None, department: str | None,
                  region: str | None, binding: bool | None, risk_only: bool) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status:
        where.append(Evaluation.status == status)
    if domain is not None:
        where.append(Evaluation.domain == domain if domain else or_(Evaluation.domain.is_(None),
                                                                      Evaluation.domain == ""))
    if department is not None:
        where.append(Evaluation.department == department if department else Evaluation.department.is_(None))
    if region is not None:
        # A sub-region row of `region` is kept by the plans of the region above it (their direct sub-regions).
        # Their ids are read first: a list, unlike a subquery, lets PostgreSQL serve each side of the OR by index.
        rows, code, _ = _subregion_rows(session)
        above = list(session.scalars(select(Plan.id).where(Plan.region_code == select(Region.parent_code)
                                                            .where(Region.code == region).scalar_subquery())))
        mine = Evaluation.region_code == region
        where.append(or_(mine, and_(Evaluation.plan_id.in_(above), exists(select(1).select_from(rows)
                                                                          .where(code == region))))
                     if above else mine)
    if binding is not None:
        where.append(Evaluation.binding if binding else Evaluation.binding == false())
    if risk_only:
        where.append(Evaluation.risk_severity.is_not(None))
    return where


def _kept_total(session: Session, status: str | None, domain: str | None, department: str | None,
                binding: bool | None, risk_only: bool) -> int:
    """How many stored indicator evaluations match `dashboard_page`'s filters, from `status_totals` (a
    few hundred rows the writes keep equal to the stored rows' counts) instead of counting every plan's
    rows: at scale 1 that count read ~310,000 rows on a cold dashboard."""
    kept = {(None, False): StatusTotal.count, (None, True): StatusTotal.risk_count,
            (True, False): StatusTotal.binding_count, (True, True): StatusTotal.binding_risk_count,
            (False, False): StatusTotal.count - StatusTotal.binding_count,
            (False, True): StatusTotal.risk_count - StatusTotal.binding_risk_count}[(binding, risk_only)]
    q = select(func.coalesce(func.sum(kept), 0))
    if status:
        q = q.where(StatusTotal.status == status)
    if domain is not None:  # '' for none, as `status_counts` keeps it
        q = q.where(StatusTotal.domain == domain)
    if department is not None:
        q = q.where(StatusTotal.department == department)
    return int(session.scalar(q) or 0)


def dashboard_page(session: Session, offset: int = 0, limit: int = 50, status: str | None = None,
                   domain: str | None = None, department: str | None = None, region: str | None = None,
                   binding: bool | None = None, risk_only: bool = False,
                   indicator_ids: frozenset[int] | None = None) -> tuple[list[tuple[int, int]], int]:
    """One page of the dashboard's indicator list as (plan id, indicator id), and how many match: at
    risk first in the risk order (`evaluate.warnings.risk_key`, stored with each evaluation), the rest
    worst status first, then by plan and indicator. Filters: status; domain and lead department (''
    for none); a region (the plan's own, or a sub-region evaluated by a plan above); 约束性 or not; at
    risk only; the indicators a viewer may see."""
    where = _risk_filters(session, status, domain, department, region, binding, risk_only)
    if indicator_ids is not None:
        if not indicator_ids:
            return [], 0
        where.append(or_(*(Evaluation.indicator_id.in_(ids) for ids in _chunks(indicator_ids) if ids)))
    if indicator_ids is None and region is None:  # every filter left is a column of the kept sums
        total = _kept_total(session, status, domain, department, binding, risk_only)
    else:
        total = int(session.scalar(select(func.count()).select_from(Evaluation).where(*where)) or 0)
    not_risk = Evaluation.risk_severity.is_(None)
    if risk_only:
        # Every row has a risk order: the order is ix_evaluations_risk's, column by column and direction by
        # direction, so the page is read from the index in order and stops at its last row (on SQLite
        # the NULL ratios, first in its indexes, are sorted last within their group).
        order: list[Any] = [Evaluation.risk_severity, Evaluation.risk_kind, Evaluation.status_rank.desc(),
                            Evaluation.binding.desc(), Evaluation.ratio.asc().nulls_last()]
    else:  # the same order for the rows at risk, the rest after them, worst status first
        order = [case((not_risk, 1), else_=0), Evaluation.risk_severity, Evaluation.risk_kind,
                 Evaluation.status_rank.desc(), case((not_risk, 0), (Evaluation.binding, 0), else_=1),
                 case((not_risk, None), else_=Evaluation.ratio).nulls_last()]
    q = (select(Evaluation.plan_id, Evaluation.indicator_id).where(*where)
         .order_by(*order, Evaluation.plan_id, Evaluation.indicator_id)
         .offset(max(offset, 0)).limit(max(limit, 0)))
    return [(int(p), int(i)) for p, i in session.execute(q)], total


__all__ = [
    "DASHBOARD_DIMENSIONS",
    "DIMENSIONS",
    "dashboard_counts",
    "dashboard_page",
    "domain_counts",
    "early_warnings",
    "ensure_fresh",
    "plan_count",
    "plan_region_choices",
    "plan_rows",
    "region_counts",
    "region_statuses",
    "region_tally",
    "region_tiles",
    "register_domain_counts",
    "risk_rows",
    "status_counts",
    "tally_key",
]
