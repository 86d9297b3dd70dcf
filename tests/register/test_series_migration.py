"""Migration 0004 carries a register made by the previous schema over to metrics and series, losing nothing.

The register is `planwatch demo --simulate` as built at revision 0003, with two users, approvals and
edits (tests/register/fixtures/register_0003.json.gz, written by make_register_0003.py with that code)."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction

FIXTURE = Path(__file__).with_name("fixtures") / "register_0003.json.gz"
OBS_COLS = ("id", "indicator_id", "region_code", "year", "value", "judgement", "status", "source_note",
            "reporter_name", "series_break", "simulated", "version")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_register(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    else:
        pg, _ = request.getfixturevalue("pg_template")
        eng = make_engine(pg.create_database())
    migrate.upgrade(eng, "0003")
    _load(eng, json.loads(gzip.decompress(FIXTURE.read_bytes())))
    yield eng
    eng.dispose()


def _value(v: Any, col: sa.Column) -> Any:
    if isinstance(v, dict) and "$bytes" in v:
        return base64.b64decode(v["$bytes"])
    if isinstance(v, dict) and "$time" in v:
        return datetime.fromisoformat(v["$time"])
    if v is not None and isinstance(col.type, sa.Boolean):
        return bool(v)
    return v


def _load(engine: sa.Engine, dump: dict[str, list[dict[str, Any]]]) -> None:
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as c:
        for table in meta.sorted_tables:
            rows = [{k: _value(v, table.c[k]) for k, v in r.items()} for r in dump.get(table.name, [])]
            if not rows:
                continue
            if table.name == "regions":  # parents first would need a sort; set them after
                c.execute(table.insert(), [r | {"parent_code": None} for r in rows])
                c.execute(table.update().where(table.c.code == sa.bindparam("b_code"))
                          .values(parent_code=sa.bindparam("b_parent")),
                          [{"b_code": r["code"], "b_parent": r["parent_code"]} for r in rows if r["parent_code"]])
                continue
            c.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":
            for table in meta.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


def _snapshot(engine: sa.Engine) -> dict[str, Any]:
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as c:
        counts = {t: c.execute(sa.select(sa.func.count()).select_from(meta.tables[t])).scalar_one()
                  for t in meta.tables if t != "alembic_version"}
        obs = meta.tables["observations"]
        values = [tuple(r) for r in c.execute(sa.select(*(obs.c[k] for k in OBS_COLS)).order_by(obs.c.id))]
        hist = meta.tables["history"]
        history = [tuple(r) for r in c.execute(sa.select(hist.c.id, hist.c.entity, hist.c.entity_id, hist.c.action,
                                                         hist.c.changed_by, hist.c.old, hist.c.new)
                                               .order_by(hist.c.id))]
        users = [tuple(r) for r in c.execute(sa.text("SELECT username, password_hash, role, active FROM users "
                                                      "ORDER BY id"))]
    return {"counts": counts, "values": values, "history": history, "users": users}


def test_0004_keeps_every_value_history_row_and_user_of_a_demo_register(old_register: sa.Engine) -> None:
    before = _snapshot(old_register)
    assert before["counts"]["observations"] > 200 and before["counts"]["history"] > 500 and before["users"]
    assert any(v[6] == "approved" for v in before["values"]) and any(v[11] > 1 for v in before["values"])

    migrate.upgrade(old_register)
    assert migrate.is_current(old_register)
    after = _snapshot(old_register)

    # Every table of the old register keeps its rows (later migrations may add tables of their own).
    assert {t: after["counts"].get(t) for t in before["counts"]} == before["counts"]
    assert after["counts"]["metrics"] == before["counts"]["indicators"]
    assert after["values"] == before["values"]  # same ids, values, statuses, versions, reporters
    assert after["history"] == before["history"]
    assert after["users"] == before["users"]
    with old_register.connect() as c:
        # Every value now sits on the series of its indicator's metric.
        assert c.execute(sa.text(
            "SELECT count(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id "
            "WHERE o.metric_id = i.metric_id")).scalar_one() == before["counts"]["observations"]
        assert c.execute(sa.text(
            "SELECT count(*) FROM metrics m JOIN indicators i ON i.metric_id = m.id "
            "WHERE m.name = i.name AND m.direction = i.direction")).scalar_one() == before["counts"]["indicators"]


def test_0004_register_reads_and_writes_as_before(old_register: sa.Engine) -> None:
    """After the upgrade the old users sign in, every plan's values reach evaluation, and new values go in."""
    from planwatch.register.observations import ObservationInput, write_observations
    from planwatch.register.queries import evaluation_input
    from planwatch.register.users import authenticate

    with old_register.connect() as c:
        per_plan = dict(c.execute(sa.text(
            "SELECT i.plan_id, count(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id "
            "GROUP BY i.plan_id")).all())
    migrate.upgrade(old_register)
    with transaction(old_register) as s:
        assert authenticate(s, "old-planner", "an older secret 2") is not None
        for plan_id, n in per_plan.items():
            assert len(evaluation_input(s, plan_id).observations) == n
        ind_id, region = s.execute(sa.text("SELECT i.id, p.region_code FROM indicators i "
                                           "JOIN plans p ON p.id = i.plan_id ORDER BY i.id LIMIT 1")).one()
        result = write_observations(s, [ObservationInput(ind_id, region, 2031, value=1.5)], by="old-planner")
        assert result.inserted == 1
        # New metrics get fresh ids after the ones the migration wrote (PostgreSQL's sequence moved on).
        from planwatch.register.plans import import_plan

        new = import_plan(s, {"plan": {"title": "新规划", "region": region, "period": [2026, 2030]},
                              "indicators": [{"name": "一项从未有过的指标名称", "unit": "个", "source": "table",
                                              "target": {"raw": "5", "value": 5, "op": "=", "kind": "level"}}]})
        assert new.created and new.added == ["一项从未有过的指标名称"]
    with old_register.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM history WHERE entity = 'observation' AND action = 'create' "
                                 "AND changed_by = 'old-planner'")).scalar_one() == 1


def test_0004_steps_back_to_values_per_indicator(old_register: sa.Engine) -> None:
    """Downgrading right after the upgrade gives the same register back."""
    before = _snapshot(old_register)
    migrate.upgrade(old_register)
    migrate.downgrade(old_register, "0003")
    assert migrate.current_revision(old_register) == "0003"
    after = _snapshot(old_register)
    assert after == before
