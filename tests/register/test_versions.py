"""Per-plan data versions: a write bumps, in its own transaction, the versions of the plans that read
what it wrote (or the register's structure sequence), and nothing else; readers ask one row."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from planwatch.register import logins, versions
from planwatch.register.db import transaction
from planwatch.register.editing import update_indicator
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.schema import Indicator, Plan, UserSession
from planwatch.register.users import add_user

RATE = "学前教育毛入园率"


def _version(engine: Engine, plan_id: int) -> int:
    with transaction(engine) as s:
        return s.scalar(select(Plan.data_version).where(Plan.id == plan_id))  # type: ignore[return-value]


def test_a_value_bumps_the_plans_that_read_it_in_the_same_transaction(engine: Engine, plans: dict[str, int]) -> None:
    with transaction(engine) as s:
        before = versions.current(s)
        rate = s.scalars(select(Indicator.id).where(Indicator.plan_id == plans["a"], Indicator.name == RATE)).one()
        region = s.get(Plan, plans["a"]).region_code  # type: ignore[union-attr]
    other_before = _version(engine, plans["b"])
    with transaction(engine) as s:
        write_observations(s, [ObservationInput(rate, region, 2022, value=93.5, status="approved")], by="t")
    with transaction(engine) as s:
        after = versions.current(s)
        assert after.seq == before.seq + 1
        assert after.structure_seq == before.structure_seq  # a value is not structure
        assert versions.changed_plans(s, before.seq, after.seq) == {plans["a"]}
    assert _version(engine, plans["a"]) == after.seq
    assert _version(engine, plans["b"]) == other_before


def test_a_rolled_back_write_bumps_nothing(engine: Engine, plans: dict[str, int]) -> None:
    with transaction(engine) as s:
        before = versions.current(s)
        rate = s.scalars(select(Indicator.id).where(Indicator.plan_id == plans["a"], Indicator.name == RATE)).one()
        region = s.get(Plan, plans["a"]).region_code  # type: ignore[union-attr]
    with pytest.raises(RuntimeError), transaction(engine) as s:
        write_observations(s, [ObservationInput(rate, region, 2022, value=93.5)], by="t")
        raise RuntimeError("abandon")
    with transaction(engine) as s:
        assert versions.current(s) == before
    assert _version(engine, plans["a"]) <= before.seq


def test_an_indicator_edit_moves_the_structure_sequence(engine: Engine, plans: dict[str, int]) -> None:
    with transaction(engine) as s:
        before = versions.current(s)
        ind = s.scalars(select(Indicator).where(Indicator.plan_id == plans["a"], Indicator.name == RATE)).one()
        update_indicator(s, ind, ind.version, {"unit": "百分比"}, by="t", reason="test")
    with transaction(engine) as s:
        after = versions.current(s)
    assert after.seq > before.seq and after.structure_seq == after.seq
    # the edit is the plan's own: its version moves, the evaluation of other plans is not affected
    assert _version(engine, plans["a"]) == after.seq and after.shared_seq == before.shared_seq
    assert _version(engine, plans["b"]) < after.seq


def test_a_bulk_write_beyond_the_limit_counts_as_a_change_of_everything(
        engine: Engine, plans: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "MAX_VALUES_RESOLVED", 1)
    with transaction(engine) as s:
        before = versions.current(s)
        rate = s.scalars(select(Indicator.id).where(Indicator.plan_id == plans["a"], Indicator.name == RATE)).one()
        region = s.get(Plan, plans["a"]).region_code  # type: ignore[union-attr]
        write_observations(s, [ObservationInput(rate, region, y, value=90.0 + y % 5) for y in (2021, 2022)], by="t")
    with transaction(engine) as s:
        after = versions.current(s)
    assert after.seq == before.seq + 1 and after.shared_seq == after.structure_seq == after.seq


def test_an_attribute_set_just_before_the_commit_is_seen(engine: Engine, plans: dict[str, int]) -> None:
    """The commit flushes after the bump's hook: a change still unflushed then is noted all the same."""
    with transaction(engine) as s:
        before = versions.current(s)
    with transaction(engine) as s:
        s.get(Plan, plans["b"]).title = "文水县公共服务规划(修订)"  # type: ignore[union-attr]
    with transaction(engine) as s:
        after = versions.current(s)
    assert after.seq == before.seq + 1 and after.structure_seq == after.seq
    assert _version(engine, plans["b"]) == after.seq


def test_ending_sessions_moves_the_sequence_and_nothing_pages_read(engine: Engine, plans: dict[str, int]) -> None:
    """A worker keeps signed-in accounts until the sequence moves: a session ended moves it (no plan, no
    structure); a sign-in that ends no session leaves it."""
    with transaction(engine) as s:
        user_id = add_user(s, "planner", "lantern-orchard-42", "planner").id
    with transaction(engine) as s:
        before = versions.current(s)
        token = logins.start_session(s, user_id)  # its purge of expired sessions deletes nothing
    with transaction(engine) as s:
        assert versions.current(s) == before
        logins.end_session(s, token)
    with transaction(engine) as s:
        after = versions.current(s)
        assert after == versions.State(before.seq + 1, before.structure_seq, before.shared_seq)
        assert versions.changed_plans(s, before.seq, after.seq) == set()
        logins.end_session(s, token)  # already ended: nothing deleted, nothing moves
    with transaction(engine) as s:
        assert versions.current(s) == after


def test_a_session_row_deleted_through_the_orm_moves_the_sequence(engine: Engine, plans: dict[str, int]) -> None:
    """`session.delete` of a signed-in session (not a DELETE statement) ends it too."""
    with transaction(engine) as s:
        user_id = add_user(s, "planner", "lantern-orchard-42", "planner").id
        logins.start_session(s, user_id)
    with transaction(engine) as s:
        before = versions.current(s)
        s.delete(s.scalars(select(UserSession).where(UserSession.user_id == user_id)).one())
    with transaction(engine) as s:
        assert versions.current(s) == versions.State(before.seq + 1, before.structure_seq, before.shared_seq)


def test_an_attribute_set_to_its_own_value_bumps_nothing(engine: Engine, plans: dict[str, int]) -> None:
    """A row the session holds as dirty with no column changed (an attribute set to what it was) is no
    change to any plan."""
    with transaction(engine) as s:
        before = versions.current(s)
    with transaction(engine) as s:
        plan = s.get(Plan, plans["b"])
        assert plan is not None
        plan.title = plan.title
    with transaction(engine) as s:
        assert versions.current(s) == before
