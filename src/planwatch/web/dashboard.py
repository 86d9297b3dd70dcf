"""The leader's risk dashboard: read model, filters, counts and the sub-region map.

`indicator_rows` is the one read every part of the dashboard uses: one row per active indicator of
every plan, with its status, gap to the time schedule, trend, projection and warnings. It is built
from the plans' cached read models (`views.plan_view`), so it is rebuilt only when a plan it read
changes; when the register keeps stored evaluations (a summary table), only this function changes.

How severe a risk is comes from the evaluate package (`evaluate.warnings.risk_key`), the same
categories the warning lists use; the map colours a region by its worst status (`evaluate.status.RANK`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from planwatch.evaluate.status import AT_RISK, RANK
from planwatch.evaluate.warnings import risk_key
from planwatch.register import dashboard_queries
from planwatch.web.data import STRUCTURE, Services, reads
from planwatch.web.i18n import STATUS_ORDER, status_label
from planwatch.web.views import NO_DOMAIN, plan_view

PAGE_SIZE = 50
RISK_SHOWN = 15  # rows of the risk list on the dashboard itself; the rest on the list page
NO_DEPARTMENT = "-"  # the filter and count key of indicators without a lead department (shown as 未明确)
FILTERS = ("status", "domain", "department", "region", "binding", "risk")

reads(STRUCTURE)(dashboard_queries.plan_ids)
reads(STRUCTURE)(dashboard_queries.regions_with_parents)
reads(STRUCTURE)(dashboard_queries.region_outlines)


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
        "subregions": r.get("subregion_status") or [],
    }


def indicator_rows(svc: Services) -> list[dict[str, Any]]:
    """Every active indicator of every plan as a dashboard row, most severe risk first, then the rest
    worst status first. The one read behind the dashboard (see the module's docstring)."""
    def build() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for pid in svc.view(dashboard_queries.plan_ids):
            view = svc.view(plan_view, pid, False, None)
            if view is None:
                continue
            warns: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for w in view["early_warnings"]:
                warns[w.get("indicator_id") or ""].append(w)
            rows.extend(_row(view["plan"], r, warns.get(r["ref"], [])) for r in view["indicators"])
        rows.sort(key=order_key)
        return rows

    return svc.cached(("dashboard_rows",), build, STRUCTURE)


def order_key(r: dict[str, Any]) -> tuple[Any, ...]:
    if r["risk_key"] is not None:
        return (0, r["risk_key"], r["plan_id"], r["id"])
    return (1, (-RANK.get(r["status"], -1),), r["plan_id"], r["id"])


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


def _in_region(r: dict[str, Any], code: str) -> bool:
    return r["region_code"] == code or any(s["code"] == code for s in r["subregions"])


def filter_rows(rows: list[dict[str, Any]], f: dict[str, str]) -> list[dict[str, Any]]:
    tests: list[Callable[[dict[str, Any]], bool]] = []
    if f.get("status"):
        tests.append(lambda r: r["status"] == f["status"])
    if f.get("domain"):
        tests.append(lambda r: r["domain"] == f["domain"])
    if f.get("department"):
        dep = None if f["department"] == NO_DEPARTMENT else f["department"]
        tests.append(lambda r: r["lead_department"] == dep)
    if f.get("region"):
        tests.append(lambda r: _in_region(r, f["region"]))
    if f.get("binding") == "1":
        tests.append(lambda r: r["binding"])
    elif f.get("binding") == "0":
        tests.append(lambda r: not r["binding"])
    if f.get("risk") == "1":
        tests.append(lambda r: r["risk"])
    return [r for r in rows if all(t(r) for t in tests)]


def page_of(rows: list[dict[str, Any]], page: int, size: int | None = None) -> dict[str, Any]:
    size = size or PAGE_SIZE
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    return {"rows": rows[(page - 1) * size: page * size], "page": page, "pages": pages, "total": len(rows),
            "first": (page - 1) * size + 1 if rows else 0, "last": min(page * size, len(rows))}


def list_url(**params: str) -> str:
    return "/dashboard/list?" + urlencode({k: v for k, v in params.items() if v})


# -- counts ---------------------------------------------------------------------------------------
def _tally(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    total: Counter[str] = Counter()
    risk: Counter[str] = Counter()
    names: dict[str, str] = {}
    for r in rows:
        k = r[field] or NO_DEPARTMENT
        total[k] += 1
        risk[k] += r["risk"]
        if field == "region_code":
            names[k] = r["region"]
    out = [{"key": k, "name": names.get(k, k), "total": n, "risk": risk[k]} for k, n in total.items()]
    out.sort(key=lambda x: (-x["risk"], -x["total"], x["name"]))
    return out


def counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = Counter(r["status"] for r in rows)
    binding = [r for r in rows if r["binding"]]
    return {
        "total": len(rows), "risk": sum(r["risk"] for r in rows),
        "binding": len(binding), "binding_risk": sum(r["risk"] for r in binding),
        "status": [(code, by_status[code]) for code in STATUS_ORDER if by_status.get(code)],
        "domain": _tally(rows, "domain"),
        "department": _tally(rows, "lead_department"),
        "region": _tally(rows, "region_code"),
    }


def not_reported_by_department(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """未报送 as one line per lead department with its count (never one line per indicator)."""
    c = Counter(r["lead_department"] or NO_DEPARTMENT for r in rows if r["status"] == "not_reported")
    return [{"department": d, "count": n} for d, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))]


# -- sub-regions ----------------------------------------------------------------------------------
def _worst(codes: list[str]) -> str:
    """A region's colour: its worst assessed status (evaluate.status.RANK), else 未报送."""
    assessed = [c for c in codes if c in RANK]
    if assessed:
        return max(assessed, key=lambda c: RANK[c])
    return "not_reported" if "not_reported" in codes or not codes else codes[0]


def region_groups(svc: Services, rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Regions with a status, grouped under their parent region: each group a map where outlines
    exist and tiles for the rest. A region's statuses are those of its own plans' indicators and
    of the sub-region evaluations of the plans above it."""
    statuses: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        statuses[r["region_code"]].append(r["status"])
        for s in r["subregions"]:
            statuses[s["code"]].append(s["status"])
    codes = sorted(statuses)
    info = svc.view(dashboard_queries.regions_with_parents, tuple(codes)) if codes else {}
    outlines = svc.view(dashboard_queries.region_outlines, tuple(codes)) if codes else {}
    groups: dict[str | None, dict[str, Any]] = {}
    for code in codes:
        meta = info.get(code)
        if meta is None or meta["level"] == "nation":
            continue
        worst = _worst(statuses[code])
        label, css = status_label(worst, lang)
        counted = Counter(statuses[code])
        g = groups.setdefault(meta["parent"], {"parent": meta["parent"], "parent_name": meta["parent_name"],
                                               "regions": []})
        g["regions"].append({"code": code, "name": meta["name"], "status_code": worst, "status": label, "css": css,
                             "risk": sum(n for c, n in counted.items() if c in AT_RISK),
                             "total": len(statuses[code]), "href": list_url(region=code),
                             "outline": code in outlines})
    out = sorted(groups.values(), key=lambda g: (-len(g["regions"]), g["parent_name"] or ""))
    for g in out:
        g["regions"].sort(key=lambda x: x["name"])
        g["outlines"] = {x["code"]: outlines[x["code"]] for x in g["regions"] if x["outline"]}
        shown = {x["status_code"] for x in g["regions"]}
        g["legend"] = [c for c in STATUS_ORDER if c in shown]
    return out
