"""Reporting rounds: what the one write rule costs a bulk write, and how long 报送率 / 待办 take.

    .venv/bin/python bench/rounds.py [--indicators 300] [--departments 20] [--rows 100000] [--postgres]

Prints: the time `write_observations` spends on `rounds.check_indicator_writes` for --rows values
(without any round: one query; with rounds: one per plan and year), and the time of
`completeness` (a round's page), `todo` (a reporter's landing page) and `chase_rows` (the 催报 list)
for one plan with --indicators indicators and as many tasks, led by --departments departments.
Throwaway database; generated plan, not real data.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from planwatch.register import migrate, rounds
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.schema import Department, Indicator, Region
from planwatch.register.testing import TempPostgres


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=300)
    ap.add_argument("--departments", type=int, default=20)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--postgres", action="store_true", help="run against a throwaway local PostgreSQL server")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    pg = TempPostgres().start() if args.postgres else None
    url = pg.create_database() if pg else f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    depts = [f"部门{d}" for d in range(args.departments)]
    plan_json = {
        "plan": {"title": "基准测试规划", "region": "基准县", "period": [2021, 2025]},
        "indicators": [{"name": f"指标{i}", "unit": "%", "lead_department": depts[i % len(depts)],
                        "target": {"raw": "90", "value": 90, "year": 2025}} for i in range(args.indicators)],
        "tasks": [{"text": f"任务{i}", "departments": [depts[i % len(depts)]]} for i in range(args.indicators)],
        "projects": [],
    }
    with transaction(engine) as s:
        s.add(Region(code="990101", name="基准县", level="county"))
        s.flush()
        plan_id = import_plan(s, plan_json).plan_id
        ind_ids = list(s.scalars(select(Indicator.id).order_by(Indicator.id)))
        dept_id = s.scalars(select(Department.id).where(Department.name == depts[0])).one()
    pairs = [(ind_ids[n % len(ind_ids)], 2021 + n % 5) for n in range(args.rows)]

    with transaction(engine) as s:
        no_rounds = timed(lambda: rounds.check_indicator_writes(s, pairs, "bench"))
    with transaction(engine) as s:
        for year in range(2021, 2026):
            rounds.open_round(s, plan_id, year, due_date=date.today() - timedelta(days=1),
                              lock_date=date.today() + timedelta(days=30), by="bench")
    with transaction(engine) as s:
        with_rounds = timed(lambda: rounds.check_indicator_writes(s, pairs, "bench"))
        write_observations(s, [ObservationInput(i, "990101", 2025, value=80.0) for i in ind_ids[::2]], by="bench")
        r = rounds.round_for(s, plan_id, 2025)
        assert r is not None
        round_id = r.id
    with transaction(engine) as s:
        c = rounds.completeness(s, round_id)
        t_complete = timed(lambda: rounds.completeness(s, round_id))
        t_todo = timed(lambda: rounds.todo(s, dept_id))
        t_chase = timed(lambda: rounds.chase_rows(s, round_id))
    print(f"backend: {engine.dialect.name}")
    print(f"write rule for {args.rows:,} values: {no_rounds * 1000:.1f} ms without rounds, "
          f"{with_rounds * 1000:.1f} ms with 5 rounds")
    print(f"plan: {args.indicators} indicators + {args.indicators} tasks, {args.departments} departments; "
          f"报送率 {c.reported}/{c.expected}, overdue {len(c.overdue)}")
    print(f"completeness (round page): {t_complete * 1000:.1f} ms · todo (5 rounds, one department): "
          f"{t_todo * 1000:.1f} ms · chase list: {t_chase * 1000:.1f} ms  (best of 5)")
    engine.dispose()
    if pg:
        pg.stop()


if __name__ == "__main__":
    main()
