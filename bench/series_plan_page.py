"""The plan page's read model with series shared across plans: SQL statements and time per page.

Builds the demo register (--simulate) in a temporary directory, then for every plan renders the staff
plan page's data (`web.views.plan_view`, evaluation included) and counts the SQL statements it runs.
The count must not grow with the number of indicators (no N+1 queries).

    PYTHONPATH=src .venv/bin/python bench/series_plan_page.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from planwatch.register.db import make_engine, session_factory
from planwatch.register.demo import run_demo
from planwatch.register.schema import Indicator, Plan


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    from planwatch.web.views import plan_view

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        from planwatch.register import migrate

        migrate.upgrade(engine)
        run_demo(engine, simulate=True, log=lambda _m: None)
        statements = [0]
        event.listen(engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
        with session_factory(engine)() as s:
            plans = [(p.id, p.title, len([i for i in p.indicators if i.active])) for p in s.query(Plan).all()]
            assert s.query(Indicator).count()
        for plan_id, title, n in plans:
            times = []
            for _ in range(args.rounds):
                with session_factory(engine)() as s:
                    statements[0] = 0
                    t = time.perf_counter()
                    plan_view(s, plan_id, False)
                    times.append((time.perf_counter() - t) * 1000)
            print(f"plan {plan_id:>2} {n:>4} indicators  {statements[0]:>3} SQL statements  "
                  f"median {statistics.median(times):6.1f} ms  p95 {sorted(times)[int(0.95 * len(times)) - 1]:6.1f} ms"
                  f"  {title[:30]}")
        engine.dispose()


if __name__ == "__main__":
    main()
