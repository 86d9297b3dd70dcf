"""How long comparing plans takes as the register grows.

Builds the demo register (five local plans and the national plan, values labelled
模拟数据) in a temporary SQLite file, then copies its local plans onto other county codes
until there are N plans, and prints for each N the time to group every item by metric,
to find every item's benchmarks (what plan pages show) and to build the whole scorecard
(evaluate every plan, group, rank).

    .venv/bin/python bench/compare.py [--plans 6 50 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planwatch.compare import ComparePlan, build_scorecard, group_by_metric  # noqa: E402
from planwatch.compare.benchmarks import plan_benchmarks  # noqa: E402
from planwatch.compare.scorecard import items_of  # noqa: E402
from planwatch.extract import divisions  # noqa: E402
from planwatch.model import Region  # noqa: E402
from planwatch.register import migrate  # noqa: E402
from planwatch.register.compare_queries import plan_inputs  # noqa: E402
from planwatch.register.db import make_engine, transaction  # noqa: E402
from planwatch.register.demo import run_demo  # noqa: E402


def copies(base: list[ComparePlan], n: int) -> list[ComparePlan]:
    counties = [d for d in divisions._table().by_code.values() if d.level == "county"]
    local = [cp for cp in base if cp.level != "nation"]
    out = list(base)
    k = 0
    while len(out) < n:
        src, place = local[k % len(local)], counties[k]
        pid = f"x{k}"
        inp = src.input
        ids = {i.id: f"{pid}-{i.id}" for i in inp.indicators}
        new = replace(inp, plan=replace(inp.plan, id=pid, region_code=place.code),
                      indicators=[replace(i, id=ids[i.id], plan_id=pid) for i in inp.indicators],
                      observations=[replace(o, indicator_id=ids[o.indicator_id], region_code=place.code)
                                    for o in inp.observations if o.region_code == inp.plan.region_code],
                      regions=[Region(place.code, place.name, "county", place.parent)])
        out.append(ComparePlan.of(new, src.year))
        k += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plans", type=int, nargs="+", default=[6, 50, 100])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        migrate.upgrade(engine)
        run_demo(engine, ROOT / "data", simulate=True, log=lambda _: None)
        t = time.perf_counter()
        with transaction(engine) as s:
            inputs = plan_inputs(s)
        print(f"read {len(inputs)} plans from the register: {(time.perf_counter() - t) * 1000:.0f} ms")
        engine.dispose()
    base = [ComparePlan.of(i, 2024) for i in inputs]
    print(f"{'plans':>6} {'items':>6} {'metrics':>8} {'group ms':>9} {'benchmarks ms':>14} {'scorecard ms':>13}")
    for n in args.plans:
        plans = copies(base, n)
        items = [i for cp in plans for i in items_of(cp)]
        t0 = time.perf_counter()
        groups = group_by_metric(items)
        t1 = time.perf_counter()
        plan_benchmarks(items)
        t2 = time.perf_counter()
        build_scorecard(plans)
        t3 = time.perf_counter()
        print(f"{n:>6} {len(items):>6} {len(groups):>8} {(t1 - t0) * 1000:>9.0f} {(t2 - t1) * 1000:>14.0f} "
              f"{(t3 - t2) * 1000:>13.0f}")


if __name__ == "__main__":
    main()
