"""Read one plan as a page shows it: every indicator, its milestones and latest value.

    .venv/bin/python bench/register_read.py [--indicators 150] [--other-rows 200000] [--url ...]

Prints p50/p95 of `planwatch.register.queries.plan_view` (bar: p50 < 20 ms). The
register is generated: one plan with its region and 30 sub-regions, five
years of milestones and values, plus other plans' values as background.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from planwatch.register import migrate
from planwatch.register.db import make_engine, session_factory, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.queries import evaluation_input, plan_view
from planwatch.register.schema import Indicator, Milestone, Plan, Region
from planwatch.register.testing import TempPostgres


def build(engine, indicators: int, other_rows: int) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        s.add(Region(code="510824", name="苍溪县", level="county"))
        s.flush()
        s.execute(insert(Region), [{"code": f"510824{n:03d}", "name": f"乡镇{n}", "level": "township",
                                    "parent_code": "510824"} for n in range(100, 130)])
        plans = []
        for p in range(1 + max(1, other_rows // (indicators * 31 * 5))):
            plan = Plan(title=f"规划{p}", region_code="510824", period_start=2021, period_end=2025, base_year=2020)
            s.add(plan)
            s.flush()
            plans.append(plan.id)
            s.execute(insert(Indicator), [
                {"plan_id": plan.id, "key": f"指标{i}", "name": f"指标{i}", "unit": "%", "position": i,
                 "baseline_value": 50.0, "target_value": 60.0, "target_raw": "60"} for i in range(indicators)])
        ids = list(s.scalars(select(Indicator.id).where(Indicator.plan_id == plans[0])))
        s.execute(insert(Milestone), [{"indicator_id": i, "region_code": "510824", "year": y, "value": 50.0 + y - 2020}
                                      for i in ids for y in range(2021, 2026)])
        codes = ["510824", *(f"510824{n:03d}" for n in range(100, 130))]
        all_ids = list(s.scalars(select(Indicator.id)))
        rows = [ObservationInput(i, c, y, value=55.0, status="approved")
                for i in all_ids for c in codes for y in range(2021, 2026)]
        write_observations(s, rows)
        return plans[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=150)
    ap.add_argument("--other-rows", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--postgres", action="store_true", help="run against a throwaway local PostgreSQL server")
    ap.add_argument("--url")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    pg = TempPostgres().start() if args.postgres else None
    url = pg.create_database() if pg else args.url or f"sqlite:///{Path(tmp.name) / 'read.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    plan_id = build(engine, args.indicators, args.other_rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:  # fresh bulk-loaded tables: give the planner statistics
            c.exec_driver_sql("ANALYZE")
    Session = session_factory(engine)

    def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
        out = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            with Session() as s:
                fn(s)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    with Session() as s:
        _, views = plan_view(s, plan_id)
        assert len(views) == args.indicators and all(v.latest and len(v.milestones) == 5 for v in views)
    page = timed(lambda s: plan_view(s, plan_id))
    ev = timed(lambda s: evaluation_input(s, plan_id))
    q = statistics.quantiles
    print(f"backend: {engine.dialect.name}; plan with {args.indicators} indicators, 5 milestones each, "
          f"values for 31 regions × 5 years; ~{args.other_rows:,} other values in the register")
    print(f"plan_view (indicators + milestones + latest values): p50 {statistics.median(page):.1f} ms, "
          f"p95 {q(page, n=20)[-1]:.1f} ms  (bar: p50 < 20 ms)")
    print(f"evaluation_input (all values of all regions):       p50 {statistics.median(ev):.1f} ms, "
          f"p95 {q(ev, n=20)[-1]:.1f} ms")
    engine.dispose()
    if pg:
        pg.stop()


if __name__ == "__main__":
    main()
