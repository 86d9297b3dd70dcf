"""Roll-up: sub-region values to their region, and status counts to domain and plan.

Values aggregate only by the indicator's rule (sum for counts, population-weighted
mean for rates), and only when every sub-region reported, so a partial sum is never
passed off as the region's value. Statuses are *counted*, never averaged: a binding
(约束性) failure stays visible by name at every level."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planwatch.evaluate.results import IndicatorEvaluation
from planwatch.evaluate.status import AT_RISK, LABELS, RANK
from planwatch.model import Observation, Region


def aggregate(values: Mapping[str, float], rule: str, populations: Mapping[str, float] | None = None) -> float | None:
    """Aggregate one year's sub-region values; None when the rule does not allow it."""
    if not values:
        return None
    if rule == "sum":
        return sum(values.values())
    if rule == "mean_pop":
        if populations is None or any(populations.get(k) in (None, 0) for k in values):
            return None
        total = sum(populations[k] for k in values)
        return sum(populations[k] * v for k, v in values.items()) / total
    return None


def population(region: Region, year: int) -> float | None:
    """The region's population in `year`, else in the nearest year recorded."""
    return population_in(region.population, year)


def population_in(by_year: Mapping[int, float], year: int) -> float | None:
    """`population` from a region's recorded populations by year."""
    if not by_year:
        return None
    if year in by_year:
        return by_year[year]
    return by_year[min(by_year, key=lambda y: (abs(y - year), y))]


def rollup_observations(indicator_id: str, rule: str, region_code: str, observations: Sequence[Observation],
                        regions: Sequence[Region], accepted_statuses: tuple[str, ...] = ("approved", "submitted"),
                        children_of: Mapping[str | None, Sequence[Region]] | None = None) -> list[Observation]:
    """Region-level observations built from its direct children, recursively.

    A year is rolled up only when every child has a value for it (directly or rolled up itself).
    `children_of`: the regions by parent code, when the caller holds them for many calls (a provincial
    plan rolls up each city from thousands of counties: `regions` is walked once, not once a region)."""
    if rule not in ("sum", "mean_pop"):
        return []
    # Only this indicator's usable values matter (filtered and grouped once, not once per region of the tree).
    by_region: dict[str, list[Observation]] = {}
    for o in observations:
        if o.indicator_id == indicator_id and o.value is not None and o.status in accepted_statuses:
            by_region.setdefault(o.region_code, []).append(o)
    if not by_region:
        return []
    if children_of is None:
        children_of = regions_by_parent(regions)
    return _rollup(indicator_id, rule, region_code, by_region, children_of)


def regions_by_parent(regions: Sequence[Region]) -> dict[str | None, list[Region]]:
    """Each parent code's regions, in the order given."""
    out: dict[str | None, list[Region]] = {}
    for r in regions:
        out.setdefault(r.parent_code, []).append(r)
    return out


def _rollup(indicator_id: str, rule: str, region_code: str, by_region: Mapping[str, list[Observation]],
            children_of: Mapping[str | None, Sequence[Region]]) -> list[Observation]:
    children = children_of.get(region_code)
    if not children:
        return []
    per_child: dict[str, dict[int, Observation]] = {}
    for ch in children:
        own = by_region.get(ch.code) or _rollup(indicator_id, rule, ch.code, by_region, children_of)
        if not own:
            return []  # a year needs every child: one child with nothing means no year at all
        by_year: dict[int, Observation] = {}
        for o in sorted(own, key=lambda o: (o.year, o.status != "approved", o.value)):
            by_year.setdefault(o.year, o)
        per_child[ch.code] = by_year
    years = set.intersection(*(set(d) for d in per_child.values())) if per_child else set()
    by_code = {r.code: r for r in children}
    out = []
    for y in sorted(years):
        vals = {c: per_child[c][y].value for c in per_child}
        pops = {c: population(by_code[c], y) for c in per_child}
        v = aggregate(vals, rule, pops)  # type: ignore[arg-type]
        if v is None:
            continue
        obs = [per_child[c][y] for c in per_child]
        out.append(Observation(indicator_id, region_code, y, v, status="approved" if all(
            o.status == "approved" for o in obs) else "submitted",
            series_break=any(o.series_break for o in obs), simulated=any(o.simulated for o in obs),
            source="rollup"))
    return out


def _counts(evals: Iterable[IndicatorEvaluation]) -> dict[str, int]:
    c = Counter(e.label for e in evals)
    return dict(sorted(c.items(), key=lambda kv: -kv[1]))


def summarise_group(evals: Sequence[IndicatorEvaluation]) -> dict[str, Any]:
    binding = [e for e in evals if e.binding]
    at_risk = [e for e in binding if e.status in AT_RISK or e.projection.meets_target is False
               or e.detail.get("years_not_met")]
    assessed = [e for e in evals if e.status in RANK]
    done = [e for e in evals if e.status in ("achieved", "met")]
    worst = max((e for e in binding if e.status in RANK), key=lambda e: RANK[e.status], default=None)
    return {
        "total": len(evals),
        "counts": _counts(evals),
        "assessed": len(assessed),
        "achieved_or_met": len(done),
        # 指标完成率 as national reviews state it: indicators met / indicators assessed
        "completion_rate": len(done) / len(assessed) if assessed else None,
        "binding_total": len(binding),
        "binding_at_risk": [{"id": e.id, "name": e.name, "status": e.label} for e in at_risk],
        "worst_binding_status": worst.label if worst else None,
        "binding_unknown": [{"id": e.id, "name": e.name, "status": e.label} for e in binding
                            if e.status not in RANK and e not in at_risk],
        "not_reported": sum(e.status == "not_reported" for e in evals),
    }


def headline(s: dict[str, Any]) -> str:
    """One Chinese sentence: counts by status, then binding indicators at risk by name."""
    parts = "、".join(f"{k}{v}项" for k, v in s["counts"].items())
    text = f"共{s['total']}项指标:{parts}。"
    if s["binding_total"]:
        risk, unknown = s["binding_at_risk"], s["binding_unknown"]
        text += f"约束性指标{s['binding_total']}项"
        if risk:
            names = "、".join(f"{r['name']}({r['status']})" for r in risk)
            text += f",其中{len(risk)}项存在风险:{names}"
        if unknown:
            text += f",{len(unknown)}项未报送或无法评估、尚不能判断"
        if not risk and not unknown:
            text += ",均未发现风险"
        text += "。"
    return text


def summarise(evals: Sequence[IndicatorEvaluation]) -> dict[str, Any]:
    plan = summarise_group(evals)
    plan["headline"] = headline(plan)
    domains: dict[str, list[IndicatorEvaluation]] = {}
    for e in evals:
        domains.setdefault(e.domain or "未分类", []).append(e)
    plan["domains"] = [{"domain": d, **summarise_group(es)} for d, es in domains.items()]
    plan["status_labels"] = LABELS
    return plan
