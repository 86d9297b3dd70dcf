"""Read models: what each page and its API twin show, as plain dicts.

Approved means final: staff and public views alike count approved values only
(`register.finality`), so nothing unapproved reaches a status, a download or the
API. Staff pages list pending values beside them, marked 待审核.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from planwatch.register import schema as db
from planwatch.register import series as register_series
from planwatch.register.changes import plans_read_by_indicator
from planwatch.register.finality import ALL_STATUSES, is_pending
from planwatch.register.reference import national_reference
from planwatch.register.regions import descendants
from planwatch.web.data import EVERY_PLAN, STRUCTURE, reads
from planwatch.web.evaluation import IndicatorEval, PlanEval, evaluate_register_plan, statuses_for
from planwatch.web.i18n import STATUS_ORDER

NO_DOMAIN = "其他"


def _lead_departments(session: Session, indicator_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not indicator_ids:
        return out
    rows = session.execute(
        select(db.Responsibility.indicator_id, db.Responsibility.role, db.Department.id, db.Department.name)
        .join(db.Department, db.Department.id == db.Responsibility.department_id)
        .where(db.Responsibility.indicator_id.in_(indicator_ids))).all()
    seen: set[tuple[int, int]] = set()
    for ind_id, role, dep_id, name in rows:
        if (ind_id, dep_id) in seen:
            continue
        seen.add((ind_id, dep_id))
        out[ind_id].append({"id": dep_id, "name": name, "role": role})
    for deps in out.values():
        deps.sort(key=lambda d: (d["role"] != "lead", d["name"]))
    return out




def _load_plan(session: Session, plan_id: int) -> db.Plan | None:
    return session.scalars(select(db.Plan).where(db.Plan.id == plan_id)
                           .options(selectinload(db.Plan.indicators), selectinload(db.Plan.region))).first()


def evaluate_plan_rows(session: Session, plan: db.Plan, public: bool, year: int | None) -> PlanEval:
    return evaluate_register_plan(session, plan.id, public, year)


def is_main(source: str | None) -> bool:
    """The plan's indicator table is its 主要指标; targets found in running text are 其他量化目标."""
    return source != "prose"


def plan_summary(plan: db.Plan, ev: PlanEval) -> dict[str, Any]:
    counts = Counter(ev.indicators[i.ref].status for i in plan.indicators if i.active and i.ref in ev.indicators)
    main = sum(1 for i in plan.indicators if i.active and is_main(i.source))
    return {"id": plan.id, "title": plan.title, "region_code": plan.region_code,
            "region": plan.region.name if plan.region else plan.region_code,
            "period": [plan.period_start, plan.period_end], "base_year": plan.base_year,
            "issuer": plan.issuer, "doc_number": plan.doc_number, "issued": plan.issued,
            "indicator_count": sum(1 for i in plan.indicators if i.active), "data_year": ev.year,
            "main_count": main, "other_count": sum(1 for i in plan.indicators if i.active) - main,
            "status_counts": {k: counts[k] for k in STATUS_ORDER if counts.get(k)}}


def baseline_of(ind: db.Indicator, plan: db.Plan, series: list[db.Observation]) -> register_series.Baseline:
    year = register_series.base_year_of(ind, plan.base_year)
    return register_series.baseline(ind.baseline_value, ind.baseline_raw, year,
                                    register_series.reported_at(series, year), plan.predecessor_id is not None)


def indicator_row(ind: db.Indicator, ev: IndicatorEval, deps: list[dict[str, Any]],
                  series: list[db.Observation], base: register_series.Baseline | None = None) -> dict[str, Any]:
    lead = next((d["name"] for d in deps if d["role"] == "lead"), None) or ind.lead_department_text
    return {
        "id": ind.id, "ref": ind.ref, "name": ind.name, "domain": ind.domain or NO_DOMAIN, "unit": ind.unit,
        "attribute": ind.attribute, "binding": ind.attribute == "约束性",
        "baseline": ind.baseline_value, "baseline_raw": ind.baseline_raw, "baseline_year": ind.baseline_year,
        "target": ind.target_value, "target_raw": ind.target_raw, "target_year": ind.target_year,
        "target_kind": ind.target_kind, "target_op": ind.target_op, "direction": ind.direction,
        # the kind judged by and the level its target means (a change's size or a rate is not a level)
        "method": ev.method or ind.target_kind,
        "target_line": ev.target_line if ev.method else ind.target_value,
        "lead_department": lead, "departments": deps,
        "status": ev.status, "S": ev.S, "P": ev.P, "Q": ev.Q,
        "latest": ({"year": series[-1].year, "value": series[-1].value, "judgement": series[-1].judgement,
                    "simulated": series[-1].simulated} if series else None),
        "series": [(o.year, o.value) for o in series if o.value is not None],
        "simulated": any(o.simulated for o in series),
        "warnings": ev.warnings, "line": ind.line, "source": ind.source, "main": is_main(ind.source),
        # The series' base-year value when the baseline is read from it, and a document that disagrees.
        "baseline_series": (base.reported if base is not None and base.from_series else None),
        "baseline_disagrees": bool(base is not None and base.disagrees),
        "baseline_reported": base.reported if base is not None else None,
        "metric_id": ind.metric_id, "superior_indicator_id": ind.superior_indicator_id,
    }


@reads(lambda _svc, plan_id, *_: frozenset({plan_id}))
def plan_view(session: Session, plan_id: int, public: bool, year: int | None = None) -> dict[str, Any] | None:
    plan = _load_plan(session, plan_id)
    if plan is None:
        return None
    ev = evaluate_plan_rows(session, plan, public, year)
    inds = [i for i in plan.indicators if i.active]
    ids = [i.id for i in inds]
    deps = _lead_departments(session, ids)
    series = register_series.series_by_indicator(session, inds, plan.region_code, statuses_for(public))
    if year is not None:  # the plan as of a year (?as_of=2023): later values are not yet known
        series = {k: [o for o in v if o.year <= year] for k, v in series.items()}
    rows = [indicator_row(i, ev.indicators.get(i.ref, IndicatorEval()), deps.get(i.id, []), series.get(i.id, []),
                          baseline_of(i, plan, series.get(i.id, [])))
            for i in inds]
    by_domain: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_domain[r["domain"]][r["status"]] += 1
    from planwatch.web.tasks_flow import plan_items_view

    items = plan_items_view(session, plan_id, public)
    services = session.scalars(select(db.ServiceItem).where(db.ServiceItem.plan_id == plan_id)
                               .order_by(db.ServiceItem.position)).all()
    names = {r["ref"]: r["name"] for r in rows}
    wanted = [x for x in (plan.predecessor_id, plan.superior_plan_id) if x is not None]
    related = {p.id: p for p in session.scalars(select(db.Plan).where(db.Plan.id.in_(wanted)))} if wanted else {}
    links = {k: {"id": p.id, "title": p.title, "period": [p.period_start, p.period_end]}
             for k, pid in (("predecessor", plan.predecessor_id), ("superior", plan.superior_plan_id))
             if pid is not None and (p := related.get(pid)) is not None}
    return {
        "plan": plan_summary(plan, ev),
        "links": links,
        "indicators": rows,
        "domains": {d: {k: c[k] for k in STATUS_ORDER if c.get(k)} for d, c in by_domain.items()},
        "early_warnings": [{**w, "indicator_name": names.get(w.get("indicator_id") or "")}
                           for w in ev.early_warnings],
        # Each with its latest approved progress ("approved", "code" for label and colour); staff copies
        # also carry the latest report of any status ("latest").
        "tasks": [it for it in items if it["kind"] == "task"],
        "projects": [it for it in items if it["kind"] == "project"],
        "services": [{"id": s.id, "line": s.line, "domain": s.domain, "item": s.item} for s in services],
        "has_document": session.scalar(select(db.PlanDocument.id).where(db.PlanDocument.plan_id == plan_id)
                                       .limit(1)) is not None,
    }


def filter_rows(rows: list[dict[str, Any]], domain: str = "", status: str = "", binding: str = "",
                department: str = "") -> list[dict[str, Any]]:
    out = rows
    if domain:
        out = [r for r in out if r["domain"] == domain]
    if status:
        out = [r for r in out if r["status"] == status]
    if binding == "1":
        out = [r for r in out if r["binding"]]
    elif binding == "0":  # 预期性 as the plan says it: a prose target without an attribute is neither
        out = [r for r in out if not r["binding"] and (r["attribute"] or r["main"])]
    if department:
        out = [r for r in out if r["lead_department"] == department
               or any(d["name"] == department for d in r["departments"])]
    return out


@reads(EVERY_PLAN)
def overview(session: Session, public: bool = False) -> dict[str, Any]:
    plans = session.scalars(select(db.Plan).order_by(db.Plan.id)
                            .options(selectinload(db.Plan.indicators), selectinload(db.Plan.region))).all()
    summaries, domains, warnings = [], defaultdict(Counter), []
    for plan in plans:
        ev = evaluate_plan_rows(session, plan, public, None)
        summaries.append(plan_summary(plan, ev))
        names = {}
        for ind in plan.indicators:
            if ind.active:
                names[ind.ref] = (ind.id, ind.name)
                domains[ind.domain or NO_DOMAIN][ev.indicators.get(ind.ref, IndicatorEval()).status] += 1
        for w in ev.early_warnings:
            ind_id, name = names.get(w.get("indicator_id") or "", (None, w.get("name")))
            warnings.append({**w, "plan_id": plan.id, "plan_title": plan.title, "indicator": ind_id,
                             "indicator_name": name})
    return {"plans": summaries,
            "domains": {d: {k: c[k] for k in STATUS_ORDER if c.get(k)} for d, c in sorted(domains.items())},
            "early_warnings": warnings}


@reads(lambda svc, indicator_id, *_: svc.view(plans_read_by_indicator, indicator_id))
def indicator_view(session: Session, indicator_id: int, public: bool) -> dict[str, Any] | None:
    ind = session.get(db.Indicator, indicator_id)
    if ind is None or not ind.active:
        return None
    plan = _load_plan(session, ind.plan_id)
    assert plan is not None
    statuses = statuses_for(public)
    ev = evaluate_plan_rows(session, plan, public, None)
    deps = _lead_departments(session, [ind.id]).get(ind.id, [])
    shown = statuses if public else ALL_STATUSES  # staff see pending values too, marked, never counted
    obs = session.scalars(select(db.Observation).where(
        db.Observation.metric_id == ind.metric_id, db.Observation.status.in_(shown))
        .order_by(db.Observation.year, db.Observation.region_code)).all()
    own = [o for o in obs if o.region_code == plan.region_code]
    counted = [o for o in own if o.status in statuses]
    row = indicator_row(ind, ev.indicators.get(ind.ref, IndicatorEval()), deps, counted,
                        baseline_of(ind, plan, counted))
    ev_ind = ev.indicators.get(ind.ref, IndicatorEval())
    subs = {r.code: r.name for r in session.scalars(select(db.Region).where(
        db.Region.parent_code == plan.region_code)).all()}
    eq = ev_ind.equalisation
    laggards = set(eq["laggards"]) if eq else set()
    sub_rows = [{"code": r["code"], "name": r["name"], "value": r["value"], "year": r["year"],
                 "status": r["status_code"], "P": r["P"], "laggard": r["code"] in laggards}
                for r in ev_ind.subregions if r.get("value") is not None]
    sub_rows.sort(key=lambda r: r["value"], reverse=ind.direction != "down")
    history = []
    if not public:
        # The values of the plan's region and the regions below it (the series holds every region's).
        below = {r.code for r in descendants(session, plan.region_code)}
        obs_ids = [o.id for o in obs if o.region_code in below]
        entries = session.scalars(select(db.History).where(
            ((db.History.entity == "indicator") & (db.History.entity_id == ind.id))
            | ((db.History.entity == "observation") & db.History.entity_id.in_(obs_ids or [-1])))
            .order_by(db.History.id.desc()).limit(200)).all()
        history = [{"id": h.id, "entity": h.entity, "action": h.action, "by": h.changed_by,
                    "at": h.changed_at.isoformat(timespec="minutes") if h.changed_at else None,
                    "old": h.old, "new": h.new, "reason": h.reason} for h in entries]
    return {
        "plan": {"id": plan.id, "title": plan.title, "region": plan.region.name if plan.region else plan.region_code,
                 "period": [plan.period_start, plan.period_end], "base_year": plan.base_year},
        "indicator": row,
        "quote": ind.quote, "line": ind.line, "table": ind.table_label,
        "evaluation": {"status": ev_ind.status, "label": ev_ind.label, "S": ev_ind.S, "P": ev_ind.P,
                       "Q": ev_ind.Q, "year": ev_ind.year, "value": ev_ind.value, "projection": ev_ind.projection,
                       "warnings": ev_ind.warnings, "flags": ev_ind.flags},
        "values": [{"id": o.id, "year": o.year, "value": o.value, "judgement": o.judgement, "status": o.status,
                    "pending": is_pending(o.status),
                    "source": o.source_note, "evidence": bool(o.evidence_file), "simulated": o.simulated,
                    "series_break": o.series_break,
                    "reported_at": o.reported_at.isoformat(timespec="minutes") if o.reported_at else None,
                    # the public sees values, never who reported them
                    **({} if public else {"reporter": o.reporter_name})}
                   for o in own],
        "subregions": sub_rows,
        "equalisation": ({**eq, "laggard_names": [subs.get(c, c) for c in eq["laggards"]]} if eq else None),
        "history": history,
        "national": national_reference(session, ind.id, public),
    }


SEVERITY_ORDER = {"red": 0, "orange": 1, "yellow": 2}
RISKS_SHOWN = 15  # risk warnings shown at first on the overview; the rest behind "show more"


def warning_board(warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """The overview's warning list: risks most severe first (the first RISKS_SHOWN, then the rest), and
    overdue data (未报送) as one line per plan with a count, never one line per indicator."""
    risks = sorted((w for w in warnings if w.get("kind") != "overdue"),
                   key=lambda w: (SEVERITY_ORDER.get(w.get("severity") or "", 3), w.get("plan_id") or 0))
    overdue: dict[Any, dict[str, Any]] = {}
    for w in warnings:
        if w.get("kind") == "overdue":
            g = overdue.setdefault(w.get("plan_id"), {"plan_id": w.get("plan_id"), "plan_title": w.get("plan_title"),
                                                      "items": []})
            g["items"].append(w)
    return {"risks": risks[:RISKS_SHOWN], "more_risks": risks[RISKS_SHOWN:], "overdue": list(overdue.values()),
            "overdue_count": sum(len(g["items"]) for g in overdue.values())}


@reads(STRUCTURE)
def document_view(session: Session, plan_id: int) -> dict[str, Any] | None:
    """The plan's latest document as lines, with every register item that points at a line."""
    plan = session.get(db.Plan, plan_id)
    if plan is None:
        return None
    doc = session.scalars(select(db.PlanDocument).where(db.PlanDocument.plan_id == plan_id)
                          .order_by(db.PlanDocument.id.desc()).limit(1)).first()
    lines = document_lines(doc) if doc is not None else []
    items: list[dict[str, Any]] = []
    for i in plan.indicators:
        if i.active and i.line:
            items.append({"kind": "indicator", "id": i.id, "line": i.line, "label": i.name,
                          "href": f"/indicators/{i.id}"})
    for t in session.scalars(select(db.Task).where(db.Task.plan_id == plan_id, db.Task.active)).all():
        if t.line:
            items.append({"kind": "task", "id": t.id, "line": t.line, "label": t.text[:60], "href": None})
    for p in session.scalars(select(db.Project).where(db.Project.plan_id == plan_id, db.Project.active)).all():
        if p.line:
            items.append({"kind": "project", "id": p.id, "line": p.line, "label": p.name[:60], "href": None})
    for s in session.scalars(select(db.ServiceItem).where(db.ServiceItem.plan_id == plan_id)).all():
        if s.line:
            items.append({"kind": "service", "id": s.id, "line": s.line, "label": s.item, "href": None})
    items.sort(key=lambda it: (it["line"], it["kind"]))
    return {"plan": {"id": plan.id, "title": plan.title}, "lines": lines, "items": items,
            "filename": doc.filename if doc else None}


def document_lines(doc: db.PlanDocument) -> list[str]:
    """The plain-text rendering the extractor's line numbers refer to."""
    extraction = doc.extraction or {}
    text = extraction.get("text") if isinstance(extraction, dict) else None
    if isinstance(text, str):
        return text.split("\n")
    if doc.content is None:
        return []
    return render_document_text(doc.content, doc.filename or "", doc.format or "")


def render_document_text(content: bytes, filename: str, fmt: str) -> list[str]:
    """Re-read stored bytes with the extractor's own readers, so line numbers agree."""
    import tempfile
    from pathlib import Path

    try:
        from planwatch.extract.readers import read_document  # type: ignore[attr-defined]
    except ImportError:
        read_document = None
    suffix = Path(filename).suffix or (f".{fmt}" if fmt else ".txt")
    if read_document is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"doc{suffix}"
            path.write_bytes(content)
            try:
                return list(read_document(path).lines)
            except Exception:
                pass
    try:
        return content.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace").split("\n")
