"""Migrations build the schema from nothing and step back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from planwatch.register import migrate
from planwatch.register.db import make_engine
from planwatch.register.schema import Base


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    else:
        pg, _ = request.getfixturevalue("pg_template")
        eng = make_engine(pg.create_database())
    yield eng
    eng.dispose()


PROGRESS_TABLES = {"progress_reports", "item_responsibilities"}
ACCOUNT_TABLES = {"user_sessions", "login_failures"}


def test_upgrade_from_empty_creates_every_table_then_downgrade_step_by_step_removes_them(blank: sa.Engine) -> None:
    assert migrate.current_revision(blank) is None
    migrate.upgrade(blank)
    assert migrate.is_current(blank)
    tables = set(sa.inspect(blank).get_table_names())
    assert set(Base.metadata.tables) <= tables

    assert len(_CODES) == 15 and _collations(blank) in ({}, {c: "C" for c in _CODES})

    migrate.downgrade(blank, "-1")  # 0021 → 0020: the stored rows' digests go
    assert migrate.current_revision(blank) == "0020_codes_compared_bytewise"
    assert "digest" not in {c["name"] for c in sa.inspect(blank).get_columns("evaluations")}

    migrate.downgrade(blank, "-1")  # 0020 → 0019: the codes compared in the database's collation again
    assert migrate.current_revision(blank) == "0019_spread_worked_out_on_read"
    assert _collations(blank) in ({}, {c: "default" for c in _CODES})

    migrate.downgrade(blank, "-1")  # 0019 → 0018: the stored spread's column comes back, empty
    assert migrate.current_revision(blank) == "0018_dashboard_counts_kept"
    assert "equalisation" in {c["name"] for c in sa.inspect(blank).get_columns("evaluations")}
    assert _compression(blank) in ({}, {c: "l" for c in (*_COMPRESSED, "evaluations.equalisation")})

    migrate.downgrade(blank, "-1")  # 0018 → 0017: the kept region counts go; the plain indexes come back
    assert migrate.current_revision(blank) == "0017_evaluations_plan_key"
    assert "region_counts" not in set(sa.inspect(blank).get_table_names())
    assert "neg_own_total" not in {c["name"] for c in sa.inspect(blank).get_columns("region_totals")}
    assert "ix_regions_level" not in {i["name"] for i in sa.inspect(blank).get_indexes("regions")}

    migrate.downgrade(blank, "-1")  # 0017 → 0016: the stored evaluations' plan is a foreign key again
    assert migrate.current_revision(blank) == "0016_reported_at_default"
    assert _evaluation_keys(blank) == {"indicators", "plans"}

    migrate.downgrade(blank, "-1")  # 0016 → 0015: reported_at without a default again
    assert migrate.current_revision(blank) == "0015_lz4_stored_evaluations"
    assert _reported_at_default(blank) is None

    migrate.downgrade(blank, "-1")  # 0015 → 0014: the stored evaluations' JSON back to the default method
    assert migrate.current_revision(blank) == "0014_subregion_rows_in_json"
    assert _compression(blank) in ({}, {c: "" for c in (*_COMPRESSED, "evaluations.equalisation")})

    migrate.downgrade(blank, "-1")  # 0014 → 0013: the table of sub-region statuses comes back
    assert migrate.current_revision(blank) == "0013_cold_reads"
    assert "subregion_statuses" in set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0013 → 0012: sub-region rows back into the detail; the totals go
    assert migrate.current_revision(blank) == "0012_region_rollup"
    assert "subregions" not in {c["name"] for c in sa.inspect(blank).get_columns("evaluations")}
    assert not {"status_totals", "region_totals"} & set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0012 → 0011: the region rollup goes
    assert migrate.current_revision(blank) == "0011_dashboard_summary"
    assert "region_status_counts" not in set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0011 → 0010: the dashboard's summary columns and table go
    assert migrate.current_revision(blank) == "0010_region_boundaries"
    assert "subregion_statuses" not in set(sa.inspect(blank).get_table_names())
    assert "risk_count" not in {c["name"] for c in sa.inspect(blank).get_columns("status_counts")}

    migrate.downgrade(blank, "-1")  # 0010 → 0009: the region boundaries go
    assert migrate.current_revision(blank) == "0009_indicator_meta"
    assert "region_boundaries" not in set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0009 → 0008: the metric and indicator metadata columns go
    assert migrate.current_revision(blank) == "0008_scale"
    assert not {"scope", "data_source"} & {c["name"] for c in sa.inspect(blank).get_columns("metrics")}
    assert "note" not in {c["name"] for c in sa.inspect(blank).get_columns("indicators")}

    migrate.downgrade(blank, "-1")  # 0008 → 0007: data versions, stored evaluations, status counts go
    assert migrate.current_revision(blank) == "0007_rounds"
    assert "evaluations" not in set(sa.inspect(blank).get_table_names())
    assert "data_version" not in {c["name"] for c in sa.inspect(blank).get_columns("plans")}

    migrate.downgrade(blank, "-1")  # 0007 → 0006: reporting rounds and notifications go
    assert migrate.current_revision(blank) == "0006_evidence_names"
    assert not {"reporting_rounds", "notifications"} & set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0006 → 0005: the evidence names go
    assert "evidence_name" not in {c["name"] for c in sa.inspect(blank).get_columns("observations")}
    migrate.downgrade(blank, "-1")  # 0005 → 0004: the audit log goes
    assert migrate.current_revision(blank) == "0004"
    assert "audit_log" not in set(sa.inspect(blank).get_table_names())

    migrate.downgrade(blank, "-1")  # 0004 → 0003: metrics, the series columns and plan links go
    assert migrate.current_revision(blank) == "0003"
    assert "metrics" not in set(sa.inspect(blank).get_table_names())
    assert "metric_id" not in {c["name"] for c in sa.inspect(blank).get_columns("observations")}

    migrate.downgrade(blank, "-1")  # 0003 → 0002: sessions, login failures and the new user columns go
    assert migrate.current_revision(blank) == "0002"
    tables = set(sa.inspect(blank).get_table_names())
    assert not ACCOUNT_TABLES & tables and "users" in tables
    assert "must_change_password" not in {c["name"] for c in sa.inspect(blank).get_columns("users")}

    migrate.downgrade(blank, "-1")  # 0002 → 0001: the progress tables and tasks.active go
    assert migrate.current_revision(blank) == "0001"
    tables = set(sa.inspect(blank).get_table_names())
    assert not PROGRESS_TABLES & tables and "tasks" in tables
    assert "active" not in {c["name"] for c in sa.inspect(blank).get_columns("tasks")}

    migrate.downgrade(blank, "-1")
    assert migrate.current_revision(blank) is None
    assert not set(Base.metadata.tables) & set(sa.inspect(blank).get_table_names())

    migrate.upgrade(blank)  # and back up again
    assert migrate.is_current(blank)


def test_schema_from_migrations_matches_the_models(blank: sa.Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade(blank)
    with blank.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_history_is_append_only_in_the_database_itself(blank: sa.Engine) -> None:
    migrate.upgrade(blank)
    with blank.begin() as c:
        c.execute(sa.text("INSERT INTO history (entity, entity_id, action, changed_at) "
                          "VALUES ('observation', 1, 'create', CURRENT_TIMESTAMP)"))
    for sql in ("UPDATE history SET reason = 'rewritten'", "DELETE FROM history"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), blank.begin() as c:
            c.execute(sa.text(sql))
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT count(*), max(reason) FROM history")).one() == (1, None)


def test_0002_keeps_existing_tasks_and_marks_them_active(blank: sa.Engine) -> None:
    """A register created at 0001 with tasks in it upgrades without losing them."""
    migrate.upgrade(blank, "0001")
    with blank.begin() as c:
        c.execute(sa.text("INSERT INTO regions (code, name, level) VALUES ('990101', '测试县', 'county')"))
        c.execute(sa.text("INSERT INTO plans (id, title, region_code, period_start, period_end, base_year, "
                          "created_at, updated_at) VALUES (1, '规划', '990101', 2021, 2025, 2020, "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        c.execute(sa.text("INSERT INTO tasks (plan_id, position, text) VALUES (1, 0, '实现全覆盖')"))
        c.execute(sa.text("INSERT INTO projects (plan_id, position, name) VALUES (1, 0, '县医院改扩建工程')"))
    migrate.upgrade(blank)
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT text, active FROM tasks")).one() == ("实现全覆盖", True)
        assert c.execute(sa.text("SELECT name, active FROM projects")).one() == ("县医院改扩建工程", True)
    migrate.downgrade(blank, "0001")
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT text FROM tasks")).scalar_one() == "实现全覆盖"


def test_0003_keeps_existing_users_able_to_sign_in(blank: sa.Engine) -> None:
    """A register at 0002 with users upgrades: they keep their password, stay active, and are not forced to
    change it; sessions and throttling start empty. Downgrading keeps the users."""
    from planwatch.register import logins
    from planwatch.register.db import transaction
    from planwatch.register.users import authenticate, hash_password

    migrate.upgrade(blank, "0002")
    with blank.begin() as c:
        c.execute(sa.text("INSERT INTO users (username, password_hash, role, active, created_at) "
                          "VALUES ('old-planner', :h, 'planner', :t, CURRENT_TIMESTAMP)"),
                  {"h": hash_password("an older secret"), "t": True})
    migrate.upgrade(blank)
    with transaction(blank) as s:
        user = authenticate(s, "old-planner", "an older secret")
        assert user is not None and user.active and not user.must_change_password
        token = logins.start_session(s, user.id, "127.0.0.1")
    with transaction(blank) as s:
        assert logins.session_account(s, token).username == "old-planner"  # type: ignore[union-attr]
    migrate.downgrade(blank, "0002")
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT username FROM users")).scalar_one() == "old-planner"


# the stored-evaluation columns the migration tests write
_EVALUATIONS = sa.table("evaluations", *(sa.column(n) for n in ("plan_id", "indicator_id", "status", "binding",
                                                                  "data_version")), sa.column("detail", sa.JSON))


def _plan_with_indicators(c: sa.Connection, indicators: tuple[int, ...]) -> None:
    """A county, plan 1 in it, metric 1 and these indicator ids of the plan on it (level targets)."""
    c.execute(sa.text("INSERT INTO regions (code, name, level) VALUES ('990101', '测试县', 'county')"))
    c.execute(sa.text("INSERT INTO plans (id, title, region_code, period_start, period_end, base_year, "
                      "created_at, updated_at) VALUES (1, '规划', '990101', 2021, 2025, 2020, "
                      "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    c.execute(sa.text("INSERT INTO metrics (id, name, direction, aggregation, created_at) "
                      "VALUES (1, '率', 'up', 'none', CURRENT_TIMESTAMP)"))
    for ind in indicators:
        c.execute(sa.text(
            "INSERT INTO indicators (id, plan_id, key, position, name, target_op, target_kind, target_year, "
            "direction, aggregation, source, active, version, updated_at, metric_id, metric_link) VALUES "
            f"({ind}, 1, 'k{ind}', {ind}, '率{ind}', '>=', 'level', 2025, 'up', 'none', 'table', TRUE, 1, "
            "CURRENT_TIMESTAMP, 1, 'new')"))


def test_0013_moves_stored_sub_region_rows_out_of_the_detail_and_sums_the_counts(blank: sa.Engine) -> None:
    """A register at 0012 with stored evaluations upgrades without re-evaluating: each indicator's
    sub-region rows move from `detail` to `evaluations.subregions`, and the register-wide sums are
    filled from the stored counts; stepping down puts the rows back."""
    migrate.upgrade(blank, "0012_region_rollup")
    rows = [{"code": "990102", "name": "甲镇", "value": 3.5, "status_code": "lagging"}]
    spread = {"n": 1, "cv": 0.0, "laggards": ["990102"]}
    with blank.begin() as c:
        _plan_with_indicators(c, (1, 2))
        c.execute(sa.text("INSERT INTO regions (code, name, level) VALUES ('990102', '甲镇', 'township')"))
        c.execute(_EVALUATIONS.insert(), [
            {"plan_id": 1, "indicator_id": 1, "status": "lagging", "binding": False, "data_version": 1,
             "detail": {"status": "lagging", "subregions": rows, "equalisation": spread}},
            {"plan_id": 1, "indicator_id": 2, "status": "on_track", "binding": False, "data_version": 1,
             "detail": {"status": "on_track", "subregions": [], "equalisation": None}}])
        c.execute(sa.text(
            "INSERT INTO status_counts (plan_id, region_code, domain, department, status, count, binding_count, "
            "risk_count, binding_risk_count, main_count, first_position) VALUES "
            "(1, '990101', '教育', '', 'lagging', 1, 0, 1, 0, 1, 1), (1, '990101', '教育', '', 'on_track', 1, 0, 0, 0,"
            " 1, 2)"))
        c.execute(sa.text("INSERT INTO region_status_counts (plan_id, region_code, status, count) VALUES "
                          "(1, '990101', 'lagging', 1), (1, '990101', 'on_track', 1), (1, '990102', 'lagging', 1)"))
    migrate.upgrade(blank, "0018_dashboard_counts_kept")  # 0019 drops `equalisation`

    def stored() -> dict[int, tuple[dict[str, object], object]]:
        with blank.connect() as c:
            got = c.execute(sa.text("SELECT indicator_id, detail, subregions, equalisation FROM evaluations")).all()
        return {i: tuple(v if v is None or isinstance(v, dict | list) else json.loads(v) for v in r)
                for i, *r in got}

    assert stored() == {1: ({"status": "lagging"}, rows, spread), 2: ({"status": "on_track"}, None, None)}
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT domain, status, count, risk_count, main_count FROM status_totals "
                                 "ORDER BY status")).all() == [("教育", "lagging", 1, 1, 1), ("教育", "on_track", 1, 0, 1)]
        assert c.execute(sa.text("SELECT region_code, neg_rank, neg_risk, total FROM region_totals "
                                 "ORDER BY neg_rank, neg_risk, region_code")).all() == [
            ("990101", -3, -1, 2), ("990102", -3, -1, 1)]
    migrate.downgrade(blank, "0012_region_rollup")
    with blank.connect() as c:
        details = {i: d if isinstance(d, dict) else json.loads(d)
                   for i, d in c.execute(sa.text("SELECT indicator_id, detail FROM evaluations"))}
    assert details == {1: {"status": "lagging", "subregions": rows, "equalisation": spread},
                       2: {"status": "on_track", "subregions": [], "equalisation": None}}


_COMPRESSED = ("evaluations.detail", "evaluations.subregions", "plan_evaluations.early_warnings",
               "plan_evaluations.summary")  # and `evaluations.equalisation` from 0015 to 0019


def _compression(engine: sa.Engine) -> dict[str, str]:
    """Each stored-evaluation JSON column's compression method on PostgreSQL ('' is the server's
    default); nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as c:
        return {f"{t}.{a}": m for t, a, m in c.execute(sa.text(
            "SELECT c.relname, a.attname, a.attcompression::text FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname IN ('evaluations', 'plan_evaluations') "
            "AND a.attname IN ('detail', 'subregions', 'equalisation', 'early_warnings', 'summary')"))}


def _coded() -> tuple[str, ...]:
    """The columns the models compare byte by byte on PostgreSQL (`schema.code_column`: every region
    code and history's entity, from 0020): the migrations must leave each so (Alembic's comparison of the
    schema with the models does not look at collations)."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    return tuple(sorted(f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns
                        if getattr(c.type.dialect_impl(dialect), "collation", None) == "C"))


_CODES = _coded()


def _collations(engine: sa.Engine) -> dict[str, str]:
    """The collation of each of `_CODES` on PostgreSQL; nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as c:
        found = {f"{t}.{a}": n for t, a, n in c.execute(sa.text(
            "SELECT c.relname, a.attname, l.collname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_collation l ON l.oid = a.attcollation WHERE c.relkind = 'r' AND a.attnum > 0"))}
    return {k: found[k] for k in _CODES}


def _reported_at_default(engine: sa.Engine) -> str | None:
    return next(c.get("default") for c in sa.inspect(engine).get_columns("observations") if c["name"] == "reported_at")


def test_0016_a_value_reported_without_a_time_gets_its_transactions_time_on_postgresql(blank: sa.Engine) -> None:
    """A bulk load's COPY leaves reported_at out (`observations._created_copy_text`): from 0016 on the
    server fills in the time its transaction began, the same for every row. SQLite keeps no default."""
    migrate.upgrade(blank)
    if blank.dialect.name != "postgresql":
        assert _reported_at_default(blank) is None
        return
    assert _reported_at_default(blank) == "now()"
    with blank.begin() as c:
        _plan_with_indicators(c, (1,))
        c.execute(sa.text("INSERT INTO observations (metric_id, indicator_id, region_code, year, status, series_break, "
                          "simulated, version) SELECT metric_id, id, '990101', 2022, 'approved', false, false, 1 "
                          "FROM indicators WHERE id = 1"))
        began, stored = c.execute(sa.text("SELECT now(), reported_at FROM observations")).one()
    assert stored == began


def _evaluation_keys(engine: sa.Engine) -> set[str]:
    return {k["referred_table"] for k in sa.inspect(engine).get_foreign_keys("evaluations")}


def test_0017_a_deleted_plan_still_takes_its_stored_evaluations_through_its_indicators(blank: sa.Engine) -> None:
    """From 0017 a stored evaluation's plan is no foreign key (a lookup a stored row, for nothing): deleting
    the plan deletes its indicators, and their cascade deletes the evaluations."""
    migrate.upgrade(blank)
    assert _evaluation_keys(blank) == {"indicators"}
    with blank.begin() as c:  # make_engine turns SQLite's foreign keys on for every connection
        _plan_with_indicators(c, (1, 2))
        c.execute(_EVALUATIONS.insert(), [{"plan_id": 1, "indicator_id": i, "status": "lagging", "binding": False,
                                           "data_version": 1, "detail": {}} for i in (1, 2)])
        assert c.execute(sa.text("SELECT count(*) FROM evaluations")).scalar() == 2
        c.execute(sa.text("DELETE FROM plans WHERE id = 1"))
        assert c.execute(sa.text("SELECT count(*) FROM evaluations")).scalar() == 0


def test_0018_keeps_the_region_cards_counts_of_a_register_stored_before_it(blank: sa.Engine) -> None:
    """A register evaluated before 0018 upgrades with each region's own plans' counts in `region_totals`
    (from `status_counts` by plan region) and `region_counts` holding how many rows there are."""
    migrate.upgrade(blank, "0017_evaluations_plan_key")
    with blank.begin() as c:
        _plan_with_indicators(c, (1, 2))
        c.execute(sa.text("INSERT INTO regions (code, name, level) VALUES ('990102', '甲镇', 'township')"))
        for status, n, risk in (("lagging", 2, 2), ("achieved", 3, 0)):
            c.execute(sa.text("INSERT INTO status_counts (plan_id, region_code, domain, department, status, count, "
                              "binding_count, risk_count, binding_risk_count, main_count, first_position) "
                              f"VALUES (1, '990101', '', '', '{status}', {n}, 0, {risk}, 0, 0, 0)"))
        c.execute(sa.text("INSERT INTO region_totals (region_code, neg_rank, neg_risk, total) "
                          "VALUES ('990101', -3, -2, 5), ('990102', -1, 0, 4)"))
    migrate.upgrade(blank)
    with blank.connect() as c:
        rows = c.execute(sa.text("SELECT region_code, neg_own_risk, neg_own_total FROM region_totals "
                                 "ORDER BY region_code")).all()
        counts = c.execute(sa.text("SELECT id, regions, own_regions FROM region_counts")).all()
    assert [tuple(r) for r in rows] == [("990101", -2, -5), ("990102", 0, 0)]
    assert [tuple(r) for r in counts] == [(1, 2, 1)]
    assert "ix_regions_level" in {i["name"] for i in sa.inspect(blank).get_indexes("regions")}


def test_0015_stores_the_evaluations_json_with_lz4_on_postgresql(blank: sa.Engine) -> None:
    """Each stored evaluation's JSON is over PostgreSQL's 2 KB threshold and compressed as it is
    stored: with lz4 from 0015 on (the server in the tests offers it), so a long row reads back whole."""
    migrate.upgrade(blank)
    if blank.dialect.name != "postgresql":
        assert _compression(blank) == {}
        return
    assert _compression(blank) == {c: "l" for c in _COMPRESSED}
    detail = {"note": "十四五" * 3000}  # ~27 KB of text: compressed, and moved out of line
    with blank.begin() as c:
        _plan_with_indicators(c, (1,))
        c.execute(_EVALUATIONS.insert(), [{"plan_id": 1, "indicator_id": 1, "status": "lagging", "binding": False,
                                           "data_version": 1, "detail": detail}])
    with blank.connect() as c:
        method, got = c.execute(sa.text("SELECT pg_column_compression(detail), detail FROM evaluations")).one()
    assert (method, got) == ("lz4", detail)


def test_0019_steps_down_with_every_stored_evaluation_stale(blank: sa.Engine) -> None:
    """Stepping down from 0019 brings the spread's column back empty, so the earlier code, which reads
    the spread from it, must evaluate every plan again: each stored evaluation is made stale."""
    migrate.upgrade(blank)
    with blank.begin() as c:
        _plan_with_indicators(c, (1,))
        c.execute(sa.text("INSERT INTO plan_evaluations (plan_id, year, data_version, shared_seq, indicator_count, "
                          "main_count, early_warnings, summary, evaluated_at) "
                          "VALUES (1, 2024, 3, 7, 1, 1, '[]', '{}', CURRENT_TIMESTAMP)"))
        c.execute(_EVALUATIONS.insert(), [{"plan_id": 1, "indicator_id": 1, "status": "lagging", "binding": False,
                                           "data_version": 3, "detail": {"status": "lagging", "baseline": 1.0}}])
    assert "equalisation" not in {c["name"] for c in sa.inspect(blank).get_columns("evaluations")}
    migrate.downgrade(blank, "0018_dashboard_counts_kept")
    with blank.connect() as c:
        assert c.execute(sa.text("SELECT data_version, shared_seq FROM plan_evaluations")).one() == (3, -1)
        assert c.execute(sa.text("SELECT equalisation FROM evaluations")).scalar() is None
