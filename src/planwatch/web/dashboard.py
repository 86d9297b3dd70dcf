"""The leader's risk dashboard: read model, filters, counts and the sub-region map.

Everything the dashboard counts comes from the stored summary (`register.summary`: `dashboard_counts`,
`region_statuses`, kept with each plan's stored evaluation), after the stale plans are evaluated
(`summary.ensure_fresh`, as the overview does); its lists are pages of `summary.dashboard_page`, in the
stored risk order. Only the rows a page shows are built in full (sparkline, trend, projection, warning),
from the stored evaluations of those indicators only (`dashboard_rows`), so a page costs what it shows,
not the register's size nor the size of the plans on it.

How severe a risk is comes from the evaluate package (`evaluate.warnings.risk_key`, stored with each
evaluation), the same categories the warning lists use; the map colours a region by its worst status
(`evaluate.status.RANK`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from planwatch.evaluate.status import AT_RISK, RANK
from planwatch.evaluate.warnings import risk_key
from planwatch.register import dashboard_queries, evaluations, queries, summary
from planwatch.register import series as register_series
from planwatch.web.data import EVERY_PLAN, STRUCTURE, Services, reads
from planwatch.web.evaluation import IndicatorEval, indicator_eval, statuses_for
from planwatch.web.i18n import STATUS_ORDER, status_label
from planwatch.web.params import paging
from planwatch.web.views import NO_DOMAIN, baseline_of, indicator_row

PAGE_SIZE = 50
RISK_SHOWN = 15  # rows of the risk list on the dashboard itself; the rest on the list page
PRINT_SHOWN = 200  # rows of the risk list on the print view (the rest on the list page)
TILES_SHOWN = 200  # region tiles (without an outline) shown, worst first
REGIONS_SHOWN = 12  # plan regions listed on the dashboard's count card (the rest are counted)
MAPS_SHOWN = 4  # maps of region groups (regions with an outline, by parent) shown, largest first
NO_DEPARTMENT = "-"  # the filter and count key of indicators without a lead department (shown as 未明确)
FILTERS = ("status", "domain", "department", "region", "binding", "risk")

reads(STRUCTURE)(dashboard_queries.regions_with_parents)
reads(STRUCTURE)(dashboard_queries.region_outlines)
reads(STRUCTURE)(dashboard_queries.outlined_codes)
reads(STRUCTURE)(dashboard_queries.codes_at_level)


def _trend(series: list[tuple[int, float]], direction: str | None, baseline: tuple[int, float | None]
           ) -> str | None:
    """better | flat | worse, from the last two values (the baseline before a single one) and the
    indicator's direction; None without two."""
    if len(series) == 1 and baseline[1] is not None and baseline[0] < series[0][0]:
        series = [(baseline[0], baseline[1]), *series]
    if len(series) < 2:
        return None
    (_, a), (_, b) = series[-2], series[-1]
    if abs(b - a) <= 1e-9 * max(1.0, abs(a)):
        return "flat"
    up = b > a
    return "better" if up == (direction != "down") else "worse"


def _row(plan: dict[str, Any], r: dict[str, Any], warns: list[dict[str, Any]]) -> dict[str, Any]:
    key = risk_key(r["status"], r["binding"], [(w["kind"], w["severity"]) for w in warns], r["Q"])
    proj = r.get("projection") or {}
    reason = next((w["reason"] for w in warns if w["kind"] != "overdue"), None) or (r["warnings"] or [None])[0]
    return {
        "id": r["id"], "name": r["name"], "unit": r["unit"], "domain": r["domain"] or NO_DOMAIN,
        "binding": r["binding"], "attribute": r["attribute"], "main": r["main"],
        "plan_id": plan["id"], "plan_title": plan["title"], "region_code": plan["region_code"],
        "region": plan["region"], "lead_department": r["lead_department"] or None,
        "status": r["status"], "S": r["S"], "P": r["P"], "Q": r["Q"],
        "gap": (r["P"] - r["S"]) if r["P"] is not None and r["S"] is not None else None,
        "trend": _trend(r["series"], r.get("direction"), (r["baseline_year"] or plan["base_year"], r["baseline"])),
        "series": r["series"], "target_line": r["target_line"],
        "baseline": r["baseline"], "baseline_year": r["baseline_year"] or plan["base_year"],
        "target_raw": r["target_raw"], "target_year": r["target_year"],
        "latest": r["latest"],
        "projection": {"value": proj.get("value_at_target"), "meets": proj.get("meets_target")},
        "reason": reason, "severity": min((w["severity"] for w in warns), default=None,
                                          key=lambda s: ("red", "orange", "yellow").index(s)
                                          if s in ("red", "orange", "yellow") else 3),
        "risk": key is not None, "risk_key": key,
    }


@reads(EVERY_PLAN)
def dashboard_summary(session: Session, ids: frozenset[int] | None) -> dict[str, Any]:
    """The stored counts by dimension (by region: the REGIONS_SHOWN the card lists and how many there
    are), the statuses of the regions with an outline and the first page of region tiles (of the
    indicators `ids`, None for all), stale plans first evaluated."""
    summary.ensure_fresh(session)
    by_kind = summary.dashboard_counts(session, ids, ("domain", "department"))  # a few hundred rows
    regions = (summary.region_tally(session, REGIONS_SHOWN) if ids is None
               else _shown(_tally(summary.dashboard_counts(session, ids, ("region",)), "region_code")))
    return {"counts": {"domain": by_kind, "department": by_kind, "region_tally": regions},
            "regions": {"mapped": summary.region_statuses(session, ids,
                                                          sorted(dashboard_queries.outlined_codes(session))),
                        "tiles": summary.region_tiles(session, ids, 0, TILES_SHOWN)}}


def _shown(tally: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    return tally[:REGIONS_SHOWN], len(tally)


@reads(EVERY_PLAN)
def region_choices(session: Session, ids: frozenset[int] | None) -> list[dict[str, Any]]:
    """Every plan region with indicators (of `ids`, None for all), as the list page's region filter
    offers them: {key, name, total, risk}, the most at risk first."""
    summary.ensure_fresh(session)
    return _tally(summary.dashboard_counts(session, ids, ("region",)), "region_code")


@reads(EVERY_PLAN)
def dashboard_list(session: Session, filters: tuple[tuple[str, str], ...], offset: int, limit: int,
                   ids: frozenset[int] | None) -> tuple[list[tuple[int, int]], int]:
    """A page of (plan id, indicator id) in the risk order, and how many match the filters."""
    summary.ensure_fresh(session)
    f = dict(filters)
    department = f.get("department") or None
    return summary.dashboard_page(
        session, offset, limit, status=f.get("status") or None,
        domain=None if not f.get("domain") else ("" if f["domain"] == NO_DOMAIN else f["domain"]),
        department=None if department is None else ("" if department == NO_DEPARTMENT else department),
        region=f.get("region") or None,
        binding={"1": True, "0": False}.get(f.get("binding") or ""), risk_only=f.get("risk") == "1",
        indicator_ids=ids)


@reads(lambda _svc, keys: frozenset(p for p, _ in keys))
def dashboard_rows(session: Session, keys: tuple[tuple[int, int], ...]) -> dict[tuple[int, int], dict[str, Any]]:
    """The dashboard rows of the given (plan, indicator) pairs, built from those indicators' stored
    evaluations and series only (`evaluations.stored_indicators`), never from whole plans: a page
    costs what it shows, whatever the size of the plans on it."""
    inds = dashboard_queries.indicators_by_id(session, [i for _, i in keys])
    stored = evaluations.stored_indicators(session, keys)
    deps = queries.departments_of(session, list(inds))
    by_region: dict[str, list[Any]] = defaultdict(list)
    for ind in inds.values():
        by_region[ind.plan.region_code].append(ind)
    series: dict[int, list[Any]] = {}
    for region_code, some in by_region.items():
        series.update(register_series.series_by_indicator(session, some, region_code, statuses_for(False)))
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for pid, iid in keys:
        ind = inds.get(iid)
        if ind is None or ind.plan_id != pid:
            continue
        detail, warns = stored.get((pid, iid), (None, []))
        ev = indicator_eval(detail) if detail else IndicatorEval()
        plan = ind.plan
        s = series.get(iid, [])
        r = indicator_row(ind, ev, deps.get(iid, []), s, baseline_of(ind, plan, s))
        out[(pid, iid)] = _row({"id": plan.id, "title": plan.title, "region_code": plan.region_code,
                                "region": plan.region.name if plan.region else plan.region_code,
                                "base_year": plan.base_year}, r, warns)
    return out


def shown_rows(svc: Services, keys: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """The dashboard rows of the given (plan, indicator) pairs, in that order (`dashboard_rows`)."""
    rows = svc.view(dashboard_rows, tuple(keys)) if keys else {}
    return [rows[k] for k in keys if k in rows]


def indicator_page(svc: Services, filters: dict[str, str], offset: int, limit: int,
                   ids: frozenset[int] | None) -> tuple[list[dict[str, Any]], int]:
    """One page of the dashboard's list, built in full, and how many rows match."""
    keys, total = svc.view(dashboard_list, tuple(sorted((k, v) for k, v in filters.items() if v)), offset, limit,
                           ids)
    return shown_rows(svc, keys), total


# -- filters and paging -------------------------------------------------------------------------
def clean_filters(params: dict[str, str]) -> dict[str, str]:
    """The known filters of a query string, stripped and bounded (unknown statuses are dropped)."""
    out = {k: (params.get(k) or "").strip()[:200] for k in FILTERS}
    if out["status"] and out["status"] not in STATUS_ORDER:
        out["status"] = ""
    if out["binding"] not in ("", "1", "0"):
        out["binding"] = ""
    if out["risk"] not in ("", "1"):
        out["risk"] = ""
    return out


def page_numbers(total: int, page: int, size: int | None = None) -> dict[str, Any]:
    """The page asked for, kept within the pages there are, and the numbers the pager shows."""
    size = size or PAGE_SIZE
    p = paging(page, total, size)
    offset = (p["page"] - 1) * size
    return {**p, "size": size, "offset": offset, "first": offset + 1 if total else 0,
            "last": min(p["page"] * size, total)}


def list_url(**params: str) -> str:
    return "/dashboard/list?" + urlencode({k: v for k, v in params.items() if v})


# -- counts ---------------------------------------------------------------------------------------
def _tally(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    total: Counter[str] = Counter()
    risk: Counter[str] = Counter()
    names: dict[str, str] = {}
    for r in rows:
        k = r[field] or (NO_DOMAIN if field == "domain" else NO_DEPARTMENT)
        total[k] += r["count"]
        risk[k] += r["risk"]
        if field == "region_code":
            names[k] = r["region"]
    out = [{"key": k, "name": names.get(k, k), "total": n, "risk": risk[k]} for k, n in total.items()]
    # regions in the region card's order (`summary.tally_key`: then by code), the rest then by name
    tie = "key" if field == "region_code" else "name"
    out.sort(key=lambda x: summary.tally_key(x[tie], x["total"], x["risk"]))
    return out


def counts(by: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The dashboard's counts from the stored summary rows by dimension (`summary.dashboard_counts` with
    the domain and the department: each dimension's rows count every indicator once), and the regions'
    shown rows and number (`region_tally`)."""
    rows = by["domain"]
    regions, n_regions = by["region_tally"]
    domains, departments = _tally(by["domain"], "domain"), _tally(by["department"], "department")
    by_status: Counter[str] = Counter()
    for r in rows:
        by_status[r["status"]] += r["count"]
    return {
        "total": sum(r["count"] for r in rows), "risk": sum(r["risk"] for r in rows),
        "binding": sum(r["binding"] for r in rows), "binding_risk": sum(r["binding_risk"] for r in rows),
        "status": [(code, by_status[code]) for code in STATUS_ORDER if by_status.get(code)],
        "domain": domains, "department": departments, "region": regions,
        "totals": {"domain": len(domains), "department": len(departments), "region": n_regions},
    }


def not_reported_by_department(by: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """未报送 as one line per lead department with its count (never one line per indicator)."""
    c: Counter[str] = Counter()
    for r in by["department"]:
        if r["status"] == "not_reported":
            c[r["department"] or NO_DEPARTMENT] += r["count"]
    return [{"department": d, "count": n} for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]


# -- sub-regions ----------------------------------------------------------------------------------
def _worst(counted: dict[str, int]) -> str:
    """A region's colour: its worst assessed status (evaluate.status.RANK), else 未报送."""
    assessed = [c for c in counted if c in RANK]
    if assessed:
        return max(assessed, key=lambda c: RANK[c])
    return "not_reported" if "not_reported" in counted or not counted else next(iter(counted))


def _region(code: str, meta: dict[str, Any], counted: dict[str, int], lang: str, outline: bool) -> dict[str, Any]:
    worst = _worst(counted)
    label, css = status_label(worst, lang)
    return {"code": code, "name": meta["name"], "status_code": worst, "status": label, "css": css,
            "risk": sum(n for c, n in counted.items() if c in AT_RISK), "total": sum(counted.values()),
            "href": list_url(region=code), "outline": outline, "parent_name": meta["parent_name"]}


def region_groups(svc: Services, regions: dict[str, Any], lang: str) -> dict[str, Any]:
    """The regions with a status (`summary.region_statuses`: those of their own plans' indicators and of
    the sub-region evaluations of the plans above them), as the page shows them: the regions with an
    outline grouped under their parent region, a map each (the MAPS_SHOWN largest groups), and the
    first `TILES_SHOWN` of the rest as tiles, worst first (`summary.region_tiles`), with how many
    there are. Names, parents and outlines are read for the shown regions only."""
    statuses: dict[str, dict[str, int]] = regions["mapped"]
    left_out = svc.view(dashboard_queries.codes_at_level, "nation")
    mapped = sorted(c for c in statuses if c not in left_out)
    info = svc.view(dashboard_queries.regions_with_parents, tuple(mapped)) if mapped else {}
    groups: dict[str | None, dict[str, Any]] = {}
    for code in mapped:
        meta = info.get(code)
        if meta is not None:
            g = groups.setdefault(meta["parent"], {"parent": meta["parent"], "parent_name": meta["parent_name"],
                                                   "regions": []})
            g["regions"].append(_region(code, meta, statuses[code], lang, True))
    shown = sorted(groups.values(), key=lambda g: (-len(g["regions"]), g["parent_name"] or ""))[:MAPS_SHOWN]
    codes = tuple(sorted(x["code"] for g in shown for x in g["regions"]))
    outlines = svc.view(dashboard_queries.region_outlines, codes) if codes else {}
    for g in shown:
        g["regions"].sort(key=lambda x: x["name"])
        g["outlines"] = {x["code"]: outlines[x["code"]] for x in g["regions"] if x["code"] in outlines}
        g["legend"] = [c for c in STATUS_ORDER if c in {x["status_code"] for x in g["regions"]}]
    counted, total = regions["tiles"]
    found = svc.view(dashboard_queries.regions_with_parents, tuple(counted)) if counted else {}
    tiles = [_region(code, found[code], n, lang, False) for code, n in counted.items() if code in found]
    return {"groups": shown, "tiles": tiles, "tiles_total": total}
