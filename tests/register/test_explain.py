"""The hot reads use indexes: every SELECT the plan page, the indicator page, the overview (from the
summary) and the cache's freshness check send is explained, on SQLite (EXPLAIN QUERY PLAN: no SCAN of
observations or history) and PostgreSQL (EXPLAIN (FORMAT JSON) with sequential scans disabled: no Seq
Scan on observations or history, so an index serves each one)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from planwatch.register import evaluations, summary, versions
from planwatch.register.db import session_factory, transaction
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.regions import import_regions_csv
from planwatch.register.schema import Indicator, Plan
from planwatch.web.dashboard import dashboard_list, dashboard_rows, dashboard_summary
from planwatch.web.views import indicator_view, overview, plan_view

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))
BIG = ("observations", "history")


@pytest.fixture
def register(engine: Engine) -> dict[str, Any]:
    other = copy.deepcopy(V1)
    other["plan"] = {**other["plan"], "title": "文水县“十四五”公共服务规划", "region": "文水县"}
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        a = import_plan(s, V1).plan_id
        import_plan(s, other)
        inds = s.execute(select(Indicator.id, Plan.region_code).join(Plan, Plan.id == Indicator.plan_id)).all()
        write_observations(s, [ObservationInput(i, region, y, value=50.0 + y % 7, status="approved")
                               for i, region in inds for y in range(2021, 2024)], by="t")
        ind = s.scalars(select(Indicator.id).where(Indicator.plan_id == a)).first()
    evaluations.evaluate_register(engine)
    return {"plan": a, "indicator": ind}


def _statements(engine: Engine, read: Callable[[Any], Any]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def grab(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with session_factory(engine)() as s:
            read(s)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert seen
    return seen


def _full_scans(engine: Engine, statements: list[tuple[str, Any]], big: tuple[str, ...] = BIG) -> list[str]:
    bad = []
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            for sql, params in statements:
                for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params):
                    if re.search(rf"\bSCAN (TABLE )?({'|'.join(big)})\b", row[-1]):
                        bad.append(f"{row[-1]}  ←  {sql[:200]}")
        else:
            c.exec_driver_sql("SET enable_seqscan = off")
            for sql, params in statements:
                plan = c.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar_one()
                text = json.dumps(plan)
                for table in big:
                    if re.search(rf'"Node Type": "Seq Scan", [^{{}}]*"Relation Name": "{table}"', text):
                        bad.append(f"Seq Scan on {table}  ←  {sql[:200]}")
    return bad


@pytest.mark.parametrize("page", ["plan", "indicator", "overview", "freshness", "dashboard", "dashboard list"])
def test_hot_reads_use_indexes_not_scans_of_values_or_history(engine: Engine, register: dict[str, Any],
                                                              page: str) -> None:
    reads: dict[str, Callable[[Any], Any]] = {
        "plan": lambda s: plan_view(s, register["plan"], False),
        "indicator": lambda s: indicator_view(s, register["indicator"], False),
        "overview": lambda s: overview(s),
        "dashboard": lambda s: (summary.dashboard_counts(s), summary.region_statuses(s),
                                summary.dashboard_page(s, 0, 15, risk_only=True)),
        "dashboard list": lambda s: summary.dashboard_page(s, 0, 50, status="lagging", binding=True),
        "freshness": lambda s: (versions.current(s), versions.changed_plans(s, 0, 10**9),
                                evaluations.stored(s, register["plan"])),
    }
    statements = _statements(engine, reads[page])
    assert _full_scans(engine, statements) == []


def test_the_overview_reads_no_values_when_every_plan_is_fresh(engine: Engine, register: dict[str, Any]) -> None:
    statements = _statements(engine, lambda s: overview(s))
    assert not [sql for sql, _ in statements if re.search(r"\b(FROM|JOIN) observations\b", sql)]


def test_the_dashboard_reads_no_values_when_every_plan_is_fresh(engine: Engine, register: dict[str, Any]) -> None:
    statements = _statements(engine, lambda s: (dashboard_summary(s, None), dashboard_list(s, (), 0, 50, None)))
    assert not [sql for sql, _ in statements if re.search(r"\b(FROM|JOIN) (observations|history)\b", sql)]


@pytest.mark.parametrize("region", ["510781", "511000"])
def test_the_dashboard_region_filter_finds_sub_regions_by_index(engine: Engine, register: dict[str, Any],
                                                                 region: str) -> None:
    """A region's rows include the sub-region evaluations of the plans above it: the region's own rows
    and the plans above it looked up by index, and only those plans' stored sub-region rows read, never
    a scan of every stored evaluation."""
    statements = _statements(engine, lambda s: summary.dashboard_page(s, 0, 50, region=region))
    assert _full_scans(engine, statements, ("evaluations", "plans", "regions")) == []


def test_a_viewers_region_counts_read_only_its_indicators_evaluations(engine: Engine, register: dict[str, Any]) -> None:
    """A viewer limited to some indicators counts statuses by region from those indicators' stored
    evaluations and their sub-region rows, looked up by indicator id (an index), never a scan."""
    ids = frozenset({register["indicator"]})
    statements = _statements(engine, lambda s: (summary.region_statuses(s, ids),
                                                summary.region_statuses(s, ids, ["510781", "511000"])))
    assert _full_scans(engine, statements, ("evaluations",)) == []


def test_the_dashboard_reads_its_rows_and_region_counts_without_scanning_stored_evaluations(
        engine: Engine, register: dict[str, Any]) -> None:
    """The dashboard's region counts come from the rollup (`region_status_counts`), its first page of
    risks from the risk index, and its rows from their own stored evaluations: never a scan of every
    stored evaluation or sub-region status, nor a read of a whole plan's evaluation."""
    with session_factory(engine)() as s:
        keys, _ = summary.dashboard_page(s, 0, 15, risk_only=True)
        assert keys
    statements = _statements(engine, lambda s: (summary.region_statuses(s), summary.region_tiles(s),
                                                summary.dashboard_page(s, 0, 15, risk_only=True),
                                                dashboard_rows(s, tuple(keys))))
    assert _full_scans(engine, statements, (*BIG, "evaluations", "indicators")) == []
    assert not [sql for sql, _ in statements if re.search(r"\bjson_(each|array_elements)\b", sql)]


@pytest.mark.parametrize("args", [(1, "", "", ""), (2, "", "", ""), (1, "文水", "county", "140000")])
def test_the_overview_reads_its_page_of_plans_never_every_evaluation(engine: Engine, register: dict[str, Any],
                                                                    args: tuple[Any, ...]) -> None:
    """A page of the overview (and its filters: title or region name, level, a region above) reads the
    summary and its plans' rows; never a scan of the indicators' stored evaluations, sub-region
    statuses, values or history."""
    statements = _statements(engine, lambda s: overview(s, *args, 1))
    assert _full_scans(engine, statements, (*BIG, "evaluations", "indicators")) == []


def test_the_check_itself_sees_a_scan(engine: Engine, register: dict[str, Any]) -> None:
    """A read no index serves is reported (so the checks above can fail)."""
    bad = _statements(engine, lambda s: s.execute(text("SELECT count(*) FROM observations WHERE value > 1")).all())
    assert len(_full_scans(engine, bad)) == 1


def test_the_register_wide_counts_tiles_and_risks_read_what_the_writes_keep(engine: Engine,
                                                                           register: dict[str, Any]) -> None:
    """The overview's and the dashboard's register-wide counts come from `status_totals`, the tiles'
    order from `region_totals` (kept by the writes that store evaluations), never a scan of every
    plan's counts; the at-risk page is read from `ix_evaluations_risk` alone, not the stored rows, and
    counted from `status_totals`."""
    statements = _statements(engine, lambda s: (
        summary.status_counts(s, "status"), summary.status_counts(s, "domain"), summary.register_domain_counts(s),
        summary.dashboard_counts(s, None, ("domain", "department")), summary.region_tiles(s),
        summary.region_tally(s)))
    assert _full_scans(engine, statements, ("status_counts", "region_status_counts", "evaluations")) == []
    assert any(re.search(r"\bFROM status_totals\b", sql) for sql, _ in statements)
    # how many regions there are: kept (`region_counts`), never a count of every region's row
    assert any(re.search(r"\bFROM region_counts\b", sql) for sql, _ in statements)
    assert not any(re.search(r"count\(\*\).*\bFROM (status_counts|region_totals)\b(?! JOIN)", sql, re.S)
                   for sql, _ in statements), [sql for sql, _ in statements]
    risks = _statements(engine, lambda s: summary.dashboard_page(s, 0, 15, risk_only=True))
    # the count from the kept sums, the page from the index alone
    assert any(re.search(r"\bFROM status_totals\b", sql) for sql, _ in risks)
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            plans = [" ".join(r[-1] for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                     for sql, params in risks]
            on_rows = [p for p in plans if "evaluations" in p]
            assert on_rows and all("COVERING INDEX ix_evaluations_risk" in p for p in on_rows), plans
            return
        # PostgreSQL reads the page in the index's order and stops at its last row: with sorts and scans
        # made dear, its plan has neither (the order's directions are the index's, column by column)
        c.exec_driver_sql("SET enable_seqscan = off")
        c.exec_driver_sql("SET enable_sort = off")
        plans = [json.dumps(c.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, params).scalar_one())
                 for sql, params in risks]
    on_rows = [p for p in plans if '"Relation Name": "evaluations"' in p]
    assert on_rows and all('"Index Name": "ix_evaluations_risk"' in p and '"Node Type": "Sort"' not in p
                           and '"Node Type": "Incremental Sort"' not in p for p in on_rows), on_rows


def test_the_stale_check_reads_the_stored_evaluations_versions_from_their_index(engine: Engine,
                                                                               register: dict[str, Any]) -> None:
    """Every overview and dashboard miss checks which plans are stale. A stored evaluation's row holds
    the plan's warnings and summary (~7 KB at scale 1): the check reads only its versions' index. On
    SQLite a join had read each row by primary key (the whole table from a cold cache: 143 ms at scale
    1); PostgreSQL reads the narrow heap (its JSON is kept apart), so only SQLite's plan is checked."""
    statements = _statements(engine, lambda s: evaluations.stale_plans(s))
    if engine.dialect.name != "sqlite":
        assert statements
        return
    with engine.connect() as c:
        touched = [row[-1] for sql, params in statements
                   for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params) if "plan_evaluations" in row[-1]]
    assert touched
    assert all("COVERING INDEX ix_plan_evaluations_versions" in step for step in touched), touched
