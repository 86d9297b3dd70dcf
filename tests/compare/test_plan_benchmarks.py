"""A plan page's benchmarks are read for that plan alone (its metrics' national targets and the
targets of the regions above it), and are the ones the whole register's grouping gives its items."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from planwatch.compare.benchmarks import plan_benchmarks
from planwatch.register import migrate
from planwatch.register.compare_queries import plan_target_items, region_parents, target_items
from planwatch.register.db import make_engine, transaction
from planwatch.register.demo import run_demo
from planwatch.register.schema import Plan


def test_each_plans_benchmarks_read_alone_equal_the_whole_registers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    migrate.upgrade(engine)
    run_demo(engine, simulate=False, log=lambda _m: None)
    try:
        with transaction(engine) as s:
            every = target_items(s)
            parents = region_parents(s)
            plans = list(s.scalars(select(Plan.id).order_by(Plan.id)))
            found = 0
            for pid in plans:
                whole = {ref: b.to_dict() for ref, b in plan_benchmarks(every, str(pid), parents).items()}
                items, chain = plan_target_items(s, pid)
                alone = {ref: b.to_dict() for ref, b in plan_benchmarks(items, str(pid), chain).items()}
                assert alone == whole, pid
                assert len(items) < len(every) or len(plans) == 1
                found += len(alone)
            assert found  # the demo's local plans have national and superior targets
    finally:
        engine.dispose()
