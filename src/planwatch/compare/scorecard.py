"""Scorecard: regions × metrics with the latest value, target, 完成度, status and rank among peers.

Completion and status come from `planwatch.evaluate` (each plan evaluated once, the way its
own page evaluates it); grouping from `group_by_metric`; benchmarks from `benchmarks`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from planwatch.compare.benchmarks import benchmark_for, pick
from planwatch.compare.grouping import MetricGroup, group_by_metric
from planwatch.compare.items import NATION, TargetItem, level_rank
from planwatch.evaluate import evaluate_plan
from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.equalisation import Equalisation, equalisation
from planwatch.evaluate.results import IndicatorEvaluation
from planwatch.evaluate.status import AT_RISK
from planwatch.model import EvaluationInput
from planwatch.register.rules import infer_aggregation, infer_direction


@dataclass(frozen=True)
class ComparePlan:
    """One plan as compare needs it: the evaluation input, the data year to judge it at,
    and its region's name and level (nation | province | city | county | township)."""

    input: EvaluationInput
    year: int
    level: str
    region: str

    @classmethod
    def of(cls, inp: EvaluationInput, year: int) -> ComparePlan:
        """Name and level from the input's own region (the register lists the plan's region first)."""
        own = next((r for r in inp.regions if r.code == inp.plan.region_code), None)
        return cls(inp, year, own.level if own else "", own.name if own else inp.plan.region_code)


def items_of(cp: ComparePlan) -> list[TargetItem]:
    p = cp.input.plan
    return [TargetItem(
        ref=i.id, plan_id=p.id, plan_title=p.title, region_code=p.region_code, region=cp.region, level=cp.level,
        name=i.name, unit=i.unit, domain=i.domain, target_raw=i.target.raw, target_value=i.target.value,
        direction=i.direction or infer_direction(i.name, i.target.op, i.baseline, i.target.value),
        kind=i.target.kind, op=i.target.op, binding=i.binding, main=i.source != "prose", position=n,
        metric_id=i.metric_id) for n, i in enumerate(cp.input.indicators)]


@dataclass(frozen=True)
class ScoreRow:
    metric_id: str
    metric: str
    domain: str | None
    unit: str | None
    plan_id: str
    plan_title: str
    region_code: str
    region: str
    level: str
    ref: str  # the plan item's id ("p3-i12")
    name: str  # as the plan names it
    binding: bool
    target_raw: str
    target_value: float | None
    target_year: int
    value: float | None  # the value judged (latest level; running sum for cumulative targets)
    year: int | None
    judgement: str | None
    simulated: bool
    P: float | None
    status: str  # evaluate status code
    status_label: str  # evaluate's Chinese label
    direction: str
    rank: int | None = None  # among regions of the same level with a value; 1 = best
    peers: int = 0  # regions of the same level ranked on this metric
    national_target: str | None = None
    national_stance: str | None = None  # stricter | same | weaker
    superior_target: str | None = None
    superior_region: str | None = None
    superior_stance: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MetricInfo:
    id: str
    label: str
    unit: str | None
    domain: str | None
    direction: str
    plans: int  # distinct plans naming it


@dataclass(frozen=True)
class Scorecard:
    metrics: tuple[MetricInfo, ...]  # every metric, shared or not, in display order
    rows: tuple[ScoreRow, ...]  # every region × metric row, in display order
    equalisation: Mapping[str, Equalisation | None] = field(default_factory=dict)  # metric id → across regions

    def shared(self, min_plans: int = 2) -> list[ScoreRow]:
        keep = {m.id for m in self.metrics if m.plans >= min_plans}
        return [r for r in self.rows if r.metric_id in keep]

    def select(self, level: str = "", domain: str = "", min_plans: int = 2) -> list[ScoreRow]:
        """The rows a scorecard page shows: metrics in at least `min_plans` plans, filtered by the
        region level and the metric's domain (empty: all)."""
        return [r for r in self.shared(min_plans)
                if (not level or r.level == level) and (not domain or (r.domain or "") == domain)]

    def metric(self, metric_id: str) -> MetricInfo | None:
        return next((m for m in self.metrics if m.id == metric_id), None)

    def rows_of(self, metric_id: str) -> list[ScoreRow]:
        return [r for r in self.rows if r.metric_id == metric_id]

    def levels(self) -> list[str]:
        return sorted({r.level for r in self.rows}, key=level_rank)

    def domains(self, min_plans: int = 2) -> list[str]:
        return list(dict.fromkeys(r.domain for r in self.shared(min_plans) if r.domain))


def _direction(group: MetricGroup[TargetItem]) -> str:
    """The metric's direction: the national item's if any, else the members' majority
    (each came from the register's rule), ties to the rule on the metric's name."""
    nat = [m for m in group.members if m.national]
    if nat:
        return nat[0].direction
    c = Counter(m.direction for m in group.members)
    if c["down"] != c["up"]:
        return "down" if c["down"] > c["up"] else "up"
    return infer_direction(group.label, None, None, None)


def _domain(group: MetricGroup[TargetItem]) -> str | None:
    nat = next((m.domain for m in group.members if m.national and m.domain), None)
    if nat:
        return nat
    c = Counter(m.domain for m in group.members if m.domain)
    return c.most_common(1)[0][0] if c else None


def rank(values: Mapping[str, float], direction: str) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the keys by value, best first: ascending when lower is better."""
    ordered = sorted(values.items(), key=lambda kv: (kv[1] if direction == "down" else -kv[1], kv[0]))
    out: dict[str, int] = {}
    prev: float | None = None
    for n, (k, v) in enumerate(ordered, start=1):
        out[k] = out[ordered[n - 2][0]] if prev is not None and v == prev else n
        prev = v
    return out


def build_scorecard(plans: Sequence[ComparePlan], config: EvaluationConfig = DEFAULT_CONFIG,
                    parents: Mapping[str, str | None] | None = None) -> Scorecard:
    """Evaluate each plan at its year, group its items by metric, and lay out one row per metric and
    plan (a plan naming a metric twice contributes its indicator table's first item)."""
    evals: dict[str, IndicatorEvaluation] = {}
    items: list[TargetItem] = []
    # The national plan first: its names and order lead the groups.
    for cp in sorted(plans, key=lambda c: (level_rank(c.level), c.input.plan.region_code, c.input.plan.id)):
        result = evaluate_plan(cp.input, cp.year, config)
        evals.update({e.id: e for e in result.indicators})
        items.extend(items_of(cp))
    metrics: list[MetricInfo] = []
    rows: list[ScoreRow] = []
    eq: dict[str, Equalisation | None] = {}
    for group in group_by_metric(items):
        direction, domain = _direction(group), _domain(group)
        by_plan: dict[str, list[TargetItem]] = {}
        for m in group.members:
            by_plan.setdefault(m.plan_id, []).append(m)
        metrics.append(MetricInfo(group.id, group.label, group.unit, domain, direction, len(by_plan)))
        chosen = sorted((pick(ms) for ms in by_plan.values()),
                        key=lambda m: (level_rank(m.level), m.region_code, m.plan_id))
        group_rows = []
        for m in chosen:
            ev = evals[m.ref]
            b = benchmark_for(m, group.members, parents)
            group_rows.append(ScoreRow(
                metric_id=group.id, metric=group.label, domain=domain, unit=group.unit, plan_id=m.plan_id,
                plan_title=m.plan_title, region_code=m.region_code, region=m.region, level=m.level, ref=m.ref,
                name=m.name, binding=m.binding, target_raw=m.target_raw, target_value=m.target_value,
                target_year=ev.target_year, value=ev.value, year=ev.year, judgement=ev.judgement,
                simulated="simulated" in ev.flags, P=ev.P, status=ev.status, status_label=ev.label,
                direction=direction,
                national_target=b.national.target_raw if b.national else None, national_stance=b.national_stance,
                superior_target=b.superior.target_raw if b.superior else None,
                superior_region=b.superior.region if b.superior else None, superior_stance=b.superior_stance))
        # A count (新增就业人数, 床位数) grows with the region's size: ranking regions by it says nothing.
        countable = infer_aggregation(group.label, group.unit) != "sum"
        rows.extend(_ranked(group_rows, direction) if countable else group_rows)
        eq[group.id] = _spread(group_rows, direction)
    return Scorecard(tuple(metrics), tuple(rows), eq)


def common_year(rows: Sequence[ScoreRow]) -> int | None:
    """The year most of the rows' values come from (the later one on a tie): regions are compared
    on one year, as evaluate compares sub-regions."""
    years = Counter(r.year for r in rows if r.value is not None and r.year is not None)
    return max(years, key=lambda y: (years[y], y)) if years else None


def _ranked(rows: list[ScoreRow], direction: str) -> list[ScoreRow]:
    """Ranks within each level, among the regions whose value is of the level's common year."""
    out = list(rows)
    for level in {r.level for r in rows}:
        year = common_year([r for r in rows if r.level == level])
        idx = {i: r.value for i, r in enumerate(rows)
               if r.level == level and r.value is not None and r.year == year}
        ranks = rank({str(i): v for i, v in idx.items()}, direction)
        if len(idx) < 2:
            continue  # no peer to rank against
        for i in idx:
            out[i] = _with(out[i], rank=ranks[str(i)], peers=len(idx))
    return out


def _with(row: ScoreRow, **kw: Any) -> ScoreRow:
    return replace(row, **kw)


def _spread(rows: list[ScoreRow], direction: str) -> Equalisation | None:
    """均等化 across the local regions reporting the metric (the nation is a benchmark, not a peer),
    on the values of their common year; laggards are the regions whose own status is at risk."""
    year = common_year([r for r in rows if r.level != NATION])
    local = [r for r in rows if r.level != NATION and r.value is not None and r.year == year]
    if len(local) < 2:
        return None
    at_risk = {r.region_code for r in local if r.status in AT_RISK}
    return equalisation({r.region_code: r.value for r in local if r.value is not None},
                        direction=-1 if direction == "down" else 1, behind=at_risk.__contains__)


def metric_detail(card: Scorecard, metric_id: str) -> dict[str, Any] | None:
    """One metric across every plan and region: its rows, the years they come from and its spread."""
    info = card.metric(metric_id)
    if info is None:
        return None
    rows = card.rows_of(metric_id)
    e = card.equalisation.get(metric_id)
    year = common_year([r for r in rows if r.level != NATION])
    return {"metric": asdict(info), "rows": [r.to_dict() for r in rows],
            "equalisation": e.to_dict() if e is not None else None, "year": year}
