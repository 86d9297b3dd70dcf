"""Bulk import into the register: 1,000,000 generated observations in one transaction, through the
register's bulk write path (`register.bulk.write_observation_chunks`: the checks and history rows of
`write_observations`, COPY on PostgreSQL). The file path (CSV reading and row checks) is measured by
bench/national.py.

    .venv/bin/python bench/register_import.py [--rows 1000000] [--url postgresql://...]

Prints rows/s. The bar: under 60 s on SQLite. Values are generated (not real
data) into a throwaway database; each observation also gets its history row.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from planwatch.register import migrate
from planwatch.register.bulk import chunked, write_observation_chunks
from planwatch.register.db import make_engine, transaction
from planwatch.register.observations import ObservationInput
from planwatch.register.plans import import_plan
from planwatch.register.schema import History, Indicator, Observation, Region
from planwatch.register.testing import TempPostgres


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--postgres", action="store_true", help="run against a throwaway local PostgreSQL server")
    ap.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    pg = TempPostgres().start() if args.postgres else None
    url = pg.create_database() if pg else args.url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)

    indicators, years = 100, 5
    regions = -(-args.rows // (indicators * years))
    with transaction(engine) as s:
        s.add(Region(code="510824", name="苍溪县", level="county"))
        s.flush()
        s.execute(insert(Region), [{"code": f"510824{n:03d}", "name": f"乡镇{n}", "level": "township",
                                    "parent_code": "510824"} for n in range(regions)] if regions <= 1000 else
                  [{"code": f"5{n:08d}", "name": f"单元{n}", "level": "township", "parent_code": "510824"}
                   for n in range(regions)])
        plan_id = import_plan(s, {"plan": {"title": "基准测试规划", "period": [2021, 2025]}, "indicators": [
            {"name": f"指标{i}", "unit": "%", "target": {"value": 90.0}, "baseline": {"value": 50.0}}
            for i in range(indicators)]}, region="510824").plan_id
        ind_ids = list(s.scalars(select(Indicator.id).where(Indicator.plan_id == plan_id).order_by(Indicator.id)))
        codes = list(s.scalars(select(Region.code).where(Region.level == "township").order_by(Region.code)))

    rows = []
    for ind in ind_ids:
        for code in codes:
            for year in range(2021, 2021 + years):
                rows.append(ObservationInput(ind, code, year, value=50.0 + (hash((ind, code, year)) % 5000) / 100,
                                             status="submitted", source_note="generated"))
                if len(rows) == args.rows:
                    break
            if len(rows) == args.rows:
                break
        if len(rows) == args.rows:
            break

    t0 = time.perf_counter()
    with transaction(engine) as s:
        result = write_observation_chunks(s, chunked(rows), by="bench", reason="bench")
    elapsed = time.perf_counter() - t0
    with transaction(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Observation))
        logged = s.scalar(select(func.count()).select_from(History))
    backend = engine.dialect.name
    print(f"backend: {backend}")
    print(f"observations inserted: {result.inserted:,} (stored {stored:,}, history rows {logged:,})")
    print(f"elapsed: {elapsed:.1f} s  →  {result.inserted / elapsed:,.0f} rows/s  (bars: 1,000,000 rows < 60 s on SQLite; ≥ 100,000 rows/s on PostgreSQL)")
    if backend == "postgresql":
        raw_copy_baseline(engine, rows)
    engine.dispose()
    if pg:
        pg.stop()


def raw_copy_baseline(engine: Engine, rows: list[ObservationInput]) -> None:
    """The floor under the figure above on this machine, now: the same rows COPYed straight into a copy of the
    observations table (its indexes, no foreign keys, no checks, no history) by the same driver."""
    now = datetime.now(UTC)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            cur.execute("CREATE TEMP TABLE raw_copy (LIKE observations INCLUDING DEFAULTS INCLUDING INDEXES)")
            t = time.perf_counter()
            with cur.copy("COPY raw_copy (metric_id, indicator_id, region_code, year, value, status, source_note, "
                          "reported_at, series_break, simulated, version) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row((r.metric_id, r.indicator_id, r.region_code, r.year, r.value, r.status,
                                    r.source_note, now, False, False, 1))
            raw.commit()
            took = time.perf_counter() - t
    finally:
        raw.close()
    print(f"raw COPY of the same rows (no checks, no history, no foreign keys): {len(rows) / took:,.0f} rows/s")


if __name__ == "__main__":
    main()
