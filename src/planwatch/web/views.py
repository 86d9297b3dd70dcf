"""Read models: what each page and its API twin show, as plain dicts.

Approved means final: staff and public views alike count approved values only
(`register.finality`), so nothing unapproved reaches a status, a download or the
API. Staff pages list pending values beside them, marked 待审核.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy.orm import Session

from planwatch.register import queries, summary
from planwatch.register import series as register_series
from planwatch.register.changes import plans_read_by_indicator
from planwatch.register.evaluations import is_main, stale_plans
from planwatch.register.finality import ALL_STATUSES, is_pending
from planwatch.register.metrics import metric_meta
from planwatch.register.reference import national_reference
from planwatch.register.regions import descendants
from planwatch.register.users import with_display_names
from planwatch.web.data import EVERY_PLAN, STRUCTURE, reads
from planwatch.web.evaluation import IndicatorEval, PlanEval, evaluate_register_plan, statuses_for
from planwatch.web.i18n import STATUS_ORDER
from planwatch.web.params import paging

NO_DOMAIN = "其他"


def _lead_departments(session: Session, indicator_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    return defaultdict(list, queries.departments_of(session, indicator_ids))


def _load_plan(session: Session, plan_id: int) -> Any:
    return queries.load_plan(session, plan_id)


def evaluate_plan_rows(session: Session, plan: Any, public: bool, year: int | None,
                       subregions: tuple[int, ...] = ()) -> PlanEval:
    return evaluate_register_plan(session, plan.id, public, year, subregions)


def is_reported(status: str) -> bool:
    """An indicator has counted data for the page's year unless its status says 未报送."""
    return status != "not_reported"


def reporting_by_domain(rows: Any) -> list[dict[str, Any]]:
    """Per domain: how many 主要指标 and other targets a plan has, and how many have counted data.
    `rows` are its active indicators as (domain, source, status)."""
    out: dict[str, dict[str, Any]] = {}
    for domain, source, status in rows:
        d = out.setdefault(domain or NO_DOMAIN, {"domain": domain or NO_DOMAIN, "main": 0, "main_reported": 0,
                                                 "other": 0, "other_reported": 0})
        kind = "main" if is_main(source) else "other"
        d[kind] += 1
        d[f"{kind}_reported"] += is_reported(status)
    return list(out.values())


def reporting_from_counts(counts: list[tuple[str, str, int, int]]) -> list[dict[str, Any]]:
    """`reporting_by_domain` from stored counts: (domain, status, indicators, of them 主要指标)."""
    out: dict[str, dict[str, Any]] = {}
    for domain, status, n, n_main in counts:
        d = out.setdefault(domain or NO_DOMAIN, {"domain": domain or NO_DOMAIN, "main": 0, "main_reported": 0,
                                                 "other": 0, "other_reported": 0})
        d["main"] += n_main
        d["other"] += n - n_main
        if is_reported(status):
            d["main_reported"] += n_main
            d["other_reported"] += n - n_main
    return list(out.values())


def with_reporting(summary_row: dict[str, Any], reporting: list[dict[str, Any]]) -> dict[str, Any]:
    """A plan's summary with its reporting by domain, and how many indicators have counted data
    (a plan with none shows no 数据年份)."""
    return {**summary_row, "reporting": reporting,
            "reported_count": sum(d["main_reported"] + d["other_reported"] for d in reporting)}


def plan_summary(plan: Any, ev: PlanEval) -> dict[str, Any]:
    counts = Counter(ev.indicators[i.ref].status for i in plan.indicators if i.active and i.ref in ev.indicators)
    main = sum(1 for i in plan.indicators if i.active and is_main(i.source))
    reporting = reporting_by_domain((i.domain, i.source, ev.indicators.get(i.ref, IndicatorEval()).status)
                                    for i in plan.indicators if i.active)
    return with_reporting({"id": plan.id, "title": plan.title, "region_code": plan.region_code,
            "region": plan.region.name if plan.region else plan.region_code,
            "period": [plan.period_start, plan.period_end], "base_year": plan.base_year,
            "issuer": plan.issuer, "doc_number": plan.doc_number, "issued": plan.issued,
            "indicator_count": sum(1 for i in plan.indicators if i.active), "data_year": ev.year,
            "main_count": main, "other_count": sum(1 for i in plan.indicators if i.active) - main,
            "status_counts": {k: counts[k] for k in STATUS_ORDER if counts.get(k)}}, reporting)


def baseline_of(ind: Any, plan: Any, series: list[Any]) -> register_series.Baseline:
    year = register_series.base_year_of(ind, plan.base_year)
    return register_series.baseline(ind.baseline_value, ind.baseline_raw, year,
                                    register_series.reported_at(series, year), plan.predecessor_id is not None)


def indicator_row(ind: Any, ev: IndicatorEval, deps: list[dict[str, Any]],
                  series: list[Any], base: register_series.Baseline | None = None,
                  milestones: list[dict[str, Any]] | None = None) -> dict[str, Any]:
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
        # the plan's yearly milestones (年度目标) for the indicator, oldest first
        "milestones": milestones or [],
        # for the risk dashboard: projection to the target year (each sub-region's row: `indicator_view`)
        "projection": ev.projection,
    }


@reads(lambda _svc, plan_id, *_: frozenset({plan_id}))
def plan_view(session: Session, plan_id: int, public: bool, year: int | None = None) -> dict[str, Any] | None:
    plan = _load_plan(session, plan_id)
    if plan is None:
        return None
    ev = evaluate_plan_rows(session, plan, public, year)
    # The register's plan view gives each active indicator its milestones (the benchmark times it).
    _, views = queries.plan_view(session, plan.id)
    milestones = queries.milestones_of(views)
    inds = [i for i in plan.indicators if i.active]
    deps = _lead_departments(session, [i.id for i in inds])
    series = register_series.series_by_indicator(session, inds, plan.region_code, statuses_for(public))
    if year is not None:  # the plan as of a year (?as_of=2023): later values are not yet known
        series = {k: [o for o in v if o.year <= year] for k, v in series.items()}
    rows = [indicator_row(i, ev.indicators.get(i.ref, IndicatorEval()), deps.get(i.id, []), series.get(i.id, []),
                          baseline_of(i, plan, series.get(i.id, [])), milestones.get(i.id))
            for i in inds]
    by_domain: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_domain[r["domain"]][r["status"]] += 1
    from planwatch.web.tasks_flow import plan_items_view

    items = plan_items_view(session, plan_id, public)
    services = queries.service_items(session, plan_id)
    names = {r["ref"]: r["name"] for r in rows}
    wanted = [x for x in (plan.predecessor_id, plan.superior_plan_id) if x is not None]
    related = queries.plans_by_id(session, wanted)
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
        "has_document": queries.has_document(session, plan_id),
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


PLANS_PER_PAGE = 50  # plans a page on the overview, the public overview and the reporting status


@reads(STRUCTURE)  # the plans' regions and the region tree: a value written changes none of it
def plan_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """The plan list's filter choices (`summary.plan_region_choices`), cached apart from the overview,
    which any value written makes stale: its rebuilds do not join every plan to its region again."""
    return summary.plan_region_choices(session)


@reads(EVERY_PLAN)
def overview(session: Session, page: int = 1, search: str = "", level: str = "",
             under: str = "", per_page: int = PLANS_PER_PAGE) -> dict[str, Any]:
    """One page of the plans (`per_page` by id, filtered by a title or region name, the region's level
    and a region they lie in) with their status counts, the register's counts (by status and domain,
    from the stored summary, never by listing every plan) and the early warnings of the plans shown.
    The shown plans' stale evaluations are brought up to date first, and at most `per_page` others
    (the rest wait for `planwatch evaluate --all`; `stale` says how many): the cost follows the page,
    not the register. One entry serves the staff and the public overview (approved means final for both),
    so the public page's first request after the staff one's is a cache hit."""
    filters = {"search": search.strip()[:100], "level": level.strip()[:40], "under": under.strip()[:12]}
    total = summary.plan_count(session, **filters)
    paged = paging(page, total, per_page)

    def rows() -> list[dict[str, Any]]:
        return summary.plan_rows(session, (paged["page"] - 1) * per_page, per_page, **filters)

    shown = rows()
    stale = stale_plans(session)
    if stale:
        on_page = {r["id"] for r in shown}
        todo = [p for p in stale if p in on_page] + [p for p in stale if p not in on_page][:per_page]
        summary.ensure_fresh(session, todo)
        shown, stale = rows(), stale_plans(session)
    ids = [r["id"] for r in shown]
    counted = summary.domain_counts(session, ids)
    domains: dict[str, Counter[str]] = defaultdict(Counter)
    for d, c in summary.status_counts(session, "domain").items():
        domains[d or NO_DOMAIN].update(c)
    by_status = summary.status_counts(session, "status")
    reporting = reporting_from_counts(summary.register_domain_counts(session))
    return {"plans": [with_reporting({**row, "status_counts": {k: row["status_counts"][k] for k in STATUS_ORDER
                                                               if row["status_counts"].get(k)}},
                                     reporting_from_counts(counted.get(row["id"], [])))
                      for row in shown],
            "paging": paged,
            "plan_total": total if not any(filters.values()) else summary.plan_count(session),
            "filters": filters,
            "counts": {k: by_status[k][k] for k in STATUS_ORDER if by_status.get(k, {}).get(k)},
            "reporting": {k: sum(d[k] for d in reporting) for k in ("main", "main_reported", "other",
                                                                     "other_reported")},
            "domains": {d: {k: c[k] for k in STATUS_ORDER if c.get(k)} for d, c in sorted(domains.items())},
            "early_warnings": summary.early_warnings(session, ids) if ids else [],
            "stale": len(stale)}


@reads(lambda svc, indicator_id, *_: svc.view(plans_read_by_indicator, indicator_id))
def indicator_view(session: Session, indicator_id: int, public: bool) -> dict[str, Any] | None:
    ind = queries.get_indicator(session, indicator_id)
    if ind is None:
        return None
    plan = _load_plan(session, ind.plan_id)
    assert plan is not None
    statuses = statuses_for(public)
    ev = evaluate_plan_rows(session, plan, public, None, (ind.id,))
    deps = _lead_departments(session, [ind.id]).get(ind.id, [])
    shown = statuses if public else ALL_STATUSES  # staff see pending values too, marked, never counted
    obs = queries.metric_observations(session, ind.metric_id, shown)
    own = [o for o in obs if o.region_code == plan.region_code]
    counted = [o for o in own if o.status in statuses]
    row = indicator_row(ind, ev.indicators.get(ind.ref, IndicatorEval()), deps, counted,
                        baseline_of(ind, plan, counted))
    ev_ind = ev.indicators.get(ind.ref, IndicatorEval())
    subs = queries.child_regions(session, plan.region_code)
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
        entries = queries.indicator_history(session, ind.id, [o for o in obs if o.region_code in below])
        history = [{"id": h.id, "entity": h.entity, "action": h.action, "by": h.changed_by,
                    "at": h.changed_at.isoformat(timespec="minutes") if h.changed_at else None,
                    "old": h.old, "new": h.new, "reason": h.reason} for h in entries]
    # who reported each value, as pages name people (the display name; storage keeps the user name)
    values = [{"id": o.id, "year": o.year, "value": o.value, "judgement": o.judgement, "status": o.status,
               "pending": is_pending(o.status),
               "source": o.source_note, "evidence": bool(o.evidence_file), "simulated": o.simulated,
               "series_break": o.series_break,
               "reported_at": o.reported_at.isoformat(timespec="minutes") if o.reported_at else None,
               # the public sees values, never who reported them
               **({} if public else {"reporter": o.reporter_name})}
              for o in own]
    with_display_names(session, values, "reporter")
    return {
        "plan": {"id": plan.id, "title": plan.title, "region": plan.region.name if plan.region else plan.region_code,
                 "period": [plan.period_start, plan.period_end], "base_year": plan.base_year},
        "indicator": row,
        # definition, 统计口径 and data source, shared by every plan measuring the metric
        "meta": metric_meta(session, ind.metric_id),
        "note": ind.note,  # the plan's own footnote on this target
        "quote": ind.quote, "line": ind.line, "table": ind.table_label,
        "evaluation": {"status": ev_ind.status, "label": ev_ind.label, "S": ev_ind.S, "P": ev_ind.P,
                       "Q": ev_ind.Q, "year": ev_ind.year, "value": ev_ind.value, "projection": ev_ind.projection,
                       "warnings": ev_ind.warnings, "flags": ev_ind.flags},
        "values": values,
        "subregions": sub_rows,
        "equalisation": ({**eq, "laggard_names": [subs.get(c, c) for c in eq["laggards"]]} if eq else None),
        "history": with_display_names(session, history, "by"),
        "national": national_reference(session, ind.id, public),
    }


SEVERITY_ORDER = {"red": 0, "orange": 1, "yellow": 2}
RISKS_SHOWN = 15  # risk warnings shown at first on the overview; the rest behind "show more"
OVERDUE_SHOWN = 10  # plans with overdue data shown at first on the overview; the rest behind "show more"


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
    groups = list(overdue.values())
    return {"risks": risks[:RISKS_SHOWN], "more_risks": risks[RISKS_SHOWN:], "overdue": groups[:OVERDUE_SHOWN],
            "more_overdue": groups[OVERDUE_SHOWN:],
            "overdue_count": sum(len(g["items"]) for g in overdue.values())}


@reads(STRUCTURE)
def document_view(session: Session, plan_id: int) -> dict[str, Any] | None:
    """The plan's latest document as lines, with every register item that points at a line."""
    plan = queries.load_plan(session, plan_id)
    if plan is None:
        return None
    doc = queries.latest_document(session, plan_id)
    lines = document_lines(doc) if doc is not None else []
    items: list[dict[str, Any]] = []
    for i in plan.indicators:
        if i.active and i.line:
            items.append({"kind": "indicator", "id": i.id, "line": i.line, "label": i.name,
                          "href": f"/indicators/{i.id}"})
    for kind, item_id, line, label in queries.line_items(session, plan_id):
        if line:
            items.append({"kind": kind, "id": item_id, "line": line, "label": label, "href": None})
    items.sort(key=lambda it: (it["line"], it["kind"]))
    return {"plan": {"id": plan.id, "title": plan.title}, "lines": lines, "items": items,
            "filename": doc.filename if doc else None}


def document_lines(doc: Any) -> list[str]:
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
