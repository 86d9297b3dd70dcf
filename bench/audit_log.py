"""What the audit log costs a bulk write: N observations through `write_observations` in one transaction.

    .venv/bin/python bench/audit_log.py [--rows 100000]

Prints seconds and rows/s, and the history and audit_log rows written. Run it with PYTHONPATH pointing at a
checkout without the audit log to see the difference (the audit row count then prints as "-").
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Region

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "tests" / "register" / "fixtures" / "cangxi_v1.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        migrate.upgrade(engine)
        with transaction(engine) as s:
            import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
            import_plan(s, json.loads(PLAN.read_text(encoding="utf-8")))
            inds = list(s.scalars(select(Indicator.id).where(Indicator.active)))
            regions = list(s.scalars(select(Region.code)))
        rows: list[ObservationInput] = []
        year = 1950
        while len(rows) < args.rows:
            for ind in inds:
                for code in regions:
                    rows.append(ObservationInput(ind, code, year, value=float(len(rows) % 97)))
            year += 1
        rows = rows[:args.rows]
        start = time.perf_counter()
        with transaction(engine) as s:
            write_observations(s, rows, by="bench")
        took = time.perf_counter() - start
        with engine.connect() as c:
            history = c.execute(sa.text("SELECT count(*) FROM history")).scalar_one()
            tables = set(sa.inspect(engine).get_table_names())
            audit = c.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one() if "audit_log" in tables else "-"
        engine.dispose()
    print(f"{len(rows)} observations in {took:.2f} s ({len(rows) / took:,.0f} rows/s); "
          f"history rows {history}, audit_log rows {audit}")


if __name__ == "__main__":
    main()
