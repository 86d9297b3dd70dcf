"""Reported values: upserts, version conflicts, history, and regions/users around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from planwatch.register.db import transaction
from planwatch.register.editing import update_indicator
from planwatch.register.errors import ConflictError, InputError, RegisterError
from planwatch.register.history import history_of
from planwatch.register.observations import (
    ObservationInput,
    set_status,
    update_observation,
    write_observations,
)
from planwatch.register.plans import import_plan
from planwatch.register.regions import import_regions_csv, resolve_region
from planwatch.register.schema import Indicator, Observation, Region
from planwatch.register.users import add_user, authenticate

ROOT = Path(__file__).resolve().parents[2]
V1 = json.loads((Path(__file__).parent / "fixtures" / "cangxi_v1.json").read_text(encoding="utf-8"))


@pytest.fixture
def rate_id(engine: Engine) -> int:
    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        import_plan(s, V1)
        return s.scalars(select(Indicator.id).where(Indicator.name == "学前教育毛入园率")).one()


def test_resubmitting_identical_values_is_a_no_op(engine: Engine, rate_id: int) -> None:
    row = ObservationInput(rate_id, "510824", 2022, value=93.5, source_note="教育统计年报")
    with transaction(engine) as s:
        assert write_observations(s, [row]).inserted == 1
    with transaction(engine) as s:
        r = write_observations(s, [row])
        assert (r.inserted, r.updated, r.unchanged) == (0, 0, 1)
        [obs] = s.scalars(select(Observation))
        assert obs.version == 1 and len(history_of(s, "observation", obs.id)) == 1


def test_two_editors_of_one_value_cannot_overwrite_each_other(engine: Engine, rate_id: int) -> None:
    with transaction(engine) as s:
        write_observations(s, [ObservationInput(rate_id, "510824", 2022, value=93.5)], by="alice")
        obs_id = s.scalars(select(Observation.id)).one()
    # Alice and Bob both loaded version 1. Alice saves first.
    with transaction(engine) as s:
        update_observation(s, obs_id, 1, {"value": 94.0}, by="alice", reason="核对后更正")
    with pytest.raises(ConflictError, match="changed by someone else"), transaction(engine) as s:
        update_observation(s, obs_id, 1, {"value": 92.0}, by="bob")
    # The bulk path refuses a stale or missing version as well, and writes nothing.
    with pytest.raises(ConflictError), transaction(engine) as s:
        write_observations(s, [ObservationInput(rate_id, "510824", 2022, value=92.0, expected_version=1)])
    with transaction(engine) as s:
        obs = s.get(Observation, obs_id)
        assert obs is not None and (obs.value, obs.version) == (94.0, 2)
        log = history_of(s, "observation", obs_id)
        assert [(h.action, h.changed_by) for h in log] == [("create", "alice"), ("update", "alice")]
        assert log[1].old == {"value": 93.5, "version": 1} and log[1].new == {"value": 94.0, "version": 2}
        assert log[1].reason == "核对后更正"
        set_status(s, obs_id, 2, "approved", by="planner")
    with transaction(engine) as s:
        r = write_observations(s, [ObservationInput(rate_id, "510824", 2022, value=95.0, status="submitted",
                                                    expected_version=3)], by="carol")
        assert r.updated == 1


def test_indicator_edits_are_versioned_and_logged(engine: Engine, rate_id: int) -> None:
    with transaction(engine) as s:
        ind = s.get(Indicator, rate_id)
        assert ind is not None
        update_indicator(s, ind, 1, {"direction": "down", "aggregation": "sum"}, by="planner", reason="测试")
        with pytest.raises(ConflictError):
            update_indicator(s, ind, 1, {"direction": "up"})
        with pytest.raises(RegisterError):
            update_indicator(s, ind, 2, {"direction": "sideways"})
        assert history_of(s, "indicator", rate_id)[-1].new == {"direction": "down", "aggregation": "sum"}


def test_regions_csv_is_checked_whole_before_anything_is_written(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "regions.csv"
    bad.write_text("code,name,level,parent_code\n510000,四川省,province,\n5108,广元,prefecture,510000\n"
                   "510800,广元市,prefecture,999999\n", encoding="utf-8")
    with pytest.raises(InputError) as err, transaction(engine) as s:
        import_regions_csv(s, bad)
    assert "row 3" in str(err.value) and "code" in str(err.value) and "row 4" in str(err.value)
    with transaction(engine) as s:
        assert s.scalars(select(Region)).first() is None


def test_regions_resolve_by_code_name_and_short_name(engine: Engine) -> None:
    with transaction(engine) as s:
        r = import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        assert r.added == 450 and r.populations > 0
        assert resolve_region(s, "苍溪县").code == "510824"
        assert resolve_region(s, "苍溪").code == "510824"
        assert resolve_region(s, "640200").name == "石嘴山市"
    with transaction(engine) as s:
        again = import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        assert (again.added, again.updated, again.populations) == (0, 0, 0)


def test_users_have_roles_and_hashed_passwords(engine: Engine) -> None:
    from planwatch.register.plans import ensure_department

    with transaction(engine) as s:
        import_regions_csv(s, ROOT / "data" / "reference" / "regions.csv")
        dept = ensure_department(s, "县教育局", "510824")
        user = add_user(s, "jiaoyu", "correct horse", "reporter", department=dept)
        assert "correct horse" not in user.password_hash and user.password_hash.startswith("scrypt$")
        with pytest.raises(RegisterError, match="department"):
            add_user(s, "nodept", "correct horse", "reporter")
        with pytest.raises(RegisterError, match="role"):
            add_user(s, "x", "correct horse", "superuser")
    with transaction(engine) as s:
        assert authenticate(s, "jiaoyu", "correct horse") is not None
        assert authenticate(s, "jiaoyu", "wrong password") is None


def test_is_unchanged_is_the_one_rule_for_no_update() -> None:
    from planwatch.register.observations import ObservationInput, is_unchanged

    stored = {"value": 2.3, "judgement": None, "source_note": "公报", "evidence_file": None, "status": "approved",
              "simulated": True}
    same = ObservationInput(1, "990101", 2022, 2.3, source_note="公报", status="submitted")
    assert is_unchanged(stored, same)  # re-sending an approved value: no update, approval and flag kept
    assert not is_unchanged(stored, ObservationInput(1, "990101", 2022, 2.4, source_note="公报"))
    assert not is_unchanged(stored, ObservationInput(1, "990101", 2022, 2.3, source_note="另一来源"))
    draft = {**stored, "status": "draft"}
    assert not is_unchanged(draft, same)  # submitting a draft moves it forward
    assert is_unchanged({**stored, "status": "submitted"}, ObservationInput(1, "990101", 2022, 2.3,
                                                                            source_note="公报", status="draft"))


def test_a_bulk_load_draws_its_ids_ahead_in_few_statements_and_each_once(engine: Engine) -> None:
    """PostgreSQL, `reserve_ids(grow=True)`: each chunk's ids are contiguous and never repeat; they come from
    ranges drawn ahead (doubling, at most IDS_AHEAD_MAX), so most chunks need no statement, and a new
    transaction starts afresh. Ids drawn ahead and not used are a gap, never given out again."""
    from sqlalchemy import event

    from planwatch.register.observations import reserve_ids

    if engine.dialect.name != "postgresql":  # SQLite: max(id) + 1 on, under the write lock, a chunk at a time
        with transaction(engine) as s:
            assert list(reserve_ids(s, 3, grow=True)) == list(reserve_ids(s, 3)) == [1, 2, 3]
        return
    drawn: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: drawn.append(a[2]) if "setval" in a[2] else None)
    sizes = (5, 5, 3, 7, 5, 20, 4)
    with transaction(engine) as s:
        ranges = [reserve_ids(s, n, grow=True) for n in sizes]
    ids = [i for r in ranges for i in r]
    assert [len(r) for r in ranges] == list(sizes) and len(set(ids)) == len(ids)
    assert all(list(r) == list(range(r[0], r[0] + len(r))) for r in ranges)
    assert len(drawn) == 4  # 5; 5 + 5 ahead (3 served); 7 + 15 ahead (5 served); 20 + 37 ahead (4 served)
    with transaction(engine) as s:
        later = reserve_ids(s, 4, grow=True)
        plain = reserve_ids(s, 2)
    assert min(later) > max(ids) and min(plain) > max(later)
    assert len(drawn) == 6


def test_the_write_lock_is_asked_for_once_a_transaction(engine: Engine) -> None:
    """PostgreSQL: `lock_writes` takes the advisory lock once a transaction (a bulk load asks once a
    chunk); a savepoint (rolling one back releases what it took) or a new transaction asks again. Another
    transaction cannot take it meanwhile."""
    from sqlalchemy import event

    from planwatch.register.observations import LOCK_KEYS, lock_writes

    if engine.dialect.name != "postgresql":  # SQLite: the lock is the transaction, begun once (BEGIN IMMEDIATE)
        begun: list[str] = []
        event.listen(engine, "before_cursor_execute",
                     lambda *a: begun.append(a[2]) if a[2].startswith("BEGIN") else None)
        with transaction(engine) as s:
            lock_writes(s)
            lock_writes(s)
        assert begun == ["BEGIN IMMEDIATE"]
        return
    asked: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *a: asked.append(a[2]) if "pg_try_advisory_xact_lock(%" in a[2] else None)
    with transaction(engine) as s:
        lock_writes(s)
        lock_writes(s)
        lock_writes(s, "progress")
        assert len(asked) == 2
        with s.begin_nested():
            lock_writes(s)
        assert len(asked) == 3
        with engine.connect() as other:
            key = LOCK_KEYS["observations"]
            assert other.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({key})").scalar() is False
    with transaction(engine) as s:
        lock_writes(s)
    assert len(asked) == 4
