"""Benchmarks of a local target: the national plan's target on the same metric, and the
superior plan's (the nearest plan of a region above it, by administrative code)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planwatch.compare.grouping import group_by_metric
from planwatch.compare.items import TargetItem
from planwatch.extract import divisions, lexicon


def superior_chain(code: str, parents: Mapping[str, str | None] | None = None) -> list[str]:
    """Codes of the regions above `code`, nearest first, ending before the nation.

    The administrative division table (GB/T 2260) decides; a code it does not know
    (a test region, a functional zone) climbs the register's own parent links."""
    out: list[str] = []
    d = divisions.get(code)
    if d is not None:
        out = [a.code for a in divisions.ancestors(d)]
    else:
        seen = {code}
        up = (parents or {}).get(code)
        while up and up not in seen:
            out.append(up)
            seen.add(up)
            up = (parents or {}).get(up)
    return [c for c in out if c != divisions.NATION_CODE]


def comparable(a: TargetItem, b: TargetItem) -> bool:
    """Whether two targets on one metric can be weighed number against number: the same kind
    (a level against a level, not 提高3个百分点 against 95%), the same stated unit (个百分点 is not
    %), and neither a range nor a judgement."""
    ua, ub = lexicon.canonical_unit(a.unit), lexicon.canonical_unit(b.unit)
    return (a.kind == b.kind and (not ua or not ub or ua == ub)
            and not {a.op, b.op} & {"range", "qualitative"})


def target_stance(local: float | None, bench: float | None, direction: str) -> str | None:
    """How a local target stands against a benchmark target on the same metric:
    "stricter", "same" or "weaker" (direction-aware); None when either is not a number."""
    if local is None or bench is None:
        return None
    if abs(local - bench) <= 1e-9 * max(1.0, abs(bench)):
        return "same"
    better = local > bench if direction != "down" else local < bench
    return "stricter" if better else "weaker"


@dataclass(frozen=True)
class Benchmark:
    """The national and superior targets for one local item (None where there is none)."""

    national: TargetItem | None = None
    national_stance: str | None = None
    superior: TargetItem | None = None
    superior_stance: str | None = None

    def to_dict(self) -> dict[str, object]:
        def side(t: TargetItem | None) -> dict[str, object] | None:
            return None if t is None else {"ref": t.ref, "plan_id": t.plan_id, "plan_title": t.plan_title,
                                           "region": t.region, "name": t.name, "target_raw": t.target_raw,
                                           "target_value": t.target_value}
        return {"national": side(self.national), "national_stance": self.national_stance,
                "superior": side(self.superior), "superior_stance": self.superior_stance}


def pick(members: Sequence[TargetItem]) -> TargetItem:
    """A plan's item for a metric when it names it more than once: its indicator table's first."""
    return min(members, key=lambda m: (not m.main, m.position))


def benchmark_for(item: TargetItem, same_metric: Sequence[TargetItem],
                  parents: Mapping[str, str | None] | None = None) -> Benchmark:
    """`same_metric`: every item of the metric's group (the item itself may be among them)."""
    by_region: dict[str, list[TargetItem]] = {}
    for m in same_metric:
        if m.plan_id != item.plan_id:
            by_region.setdefault(m.region_code, []).append(m)
    national = None
    if not item.national:
        nat = [m for m in same_metric if m.national and m.plan_id != item.plan_id]
        national = pick(nat) if nat else None
    # The register's link (made at import or by hand) decides; else the nearest region above on the metric.
    superior = next((m for m in same_metric if item.superior_ref and m.ref == item.superior_ref
                     and not m.national), None)
    for code in ([] if superior is not None else superior_chain(item.region_code, parents)):
        if code in by_region:
            superior = pick(by_region[code])
            break
    def stance(bench: TargetItem | None) -> str | None:
        if bench is None or not comparable(item, bench):
            return None
        return target_stance(item.target_value, bench.target_value, item.direction)

    return Benchmark(national, stance(national), superior, stance(superior))


def plan_benchmarks(items: Sequence[TargetItem], plan_id: str | None = None,
                    parents: Mapping[str, str | None] | None = None) -> dict[str, Benchmark]:
    """Item ref → its benchmarks, for every item (of one plan, or of all) that has any."""
    out: dict[str, Benchmark] = {}
    for group in group_by_metric(items):
        own = [m for m in group.members if plan_id is None or m.plan_id == plan_id]
        if len({m.plan_id for m in group.members}) < 2:
            continue
        for m in own:
            b = benchmark_for(m, group.members, parents)
            if b.national is not None or b.superior is not None:
                out[m.ref] = b
    return out
