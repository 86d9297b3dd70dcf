"""Reporting rounds: deadlines and locks obeyed by every write path, completeness, 待办, reminders,
and the plan's data year. Runs on SQLite and on a real PostgreSQL server (the `engine` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from planwatch.register import rounds
from planwatch.register.db import transaction
from planwatch.register.errors import FieldError
from planwatch.register.history import history_of
from planwatch.register.observations import (
    ObservationInput,
    set_status,
    update_observation,
    write_observations,
)
from planwatch.register.plans import import_plan
from planwatch.register.progress import ProgressInput, report_progress, set_progress_status
from planwatch.register.queries import evaluation_input
from planwatch.register.schema import Department, Indicator, Observation, Region, Task, User
from planwatch.register.users import add_user

PLAN = {
    "plan": {"title": "测试县公共服务规划", "region": "测试县", "period": [2021, 2025]},
    "indicators": [
        {"name": "学前教育毛入园率", "unit": "%", "domain": "幼有所育", "lead_department": "县教育局",
         "baseline": {"raw": "85", "value": 85, "year": 2020}, "target": {"raw": "90", "value": 90, "year": 2025}},
        {"name": "每千人口执业医师数", "unit": "人", "domain": "病有所医", "lead_department": "县卫生健康局",
         "baseline": {"raw": "2.5", "value": 2.5, "year": 2020}, "target": {"raw": "3", "value": 3, "year": 2025}},
    ],
    "tasks": [{"line": 7, "domain": "学有所教", "text": "义务教育优质均衡发展", "departments": ["县教育局"]}],
    "projects": [],
}
TODAY = date.today()
PASSWORD = "Rounds-test-pw-2026"


@pytest.fixture
def plan(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        s.add(Region(code="990101", name="测试县", level="county"))
        s.flush()
        plan_id = import_plan(s, PLAN).plan_id
        edu = s.scalars(select(Department).where(Department.name == "县教育局")).one()
        add_user(s, "edu", PASSWORD, "reporter", department=edu)
        add_user(s, "boss", PASSWORD, "planner")
        inds = {i.name: i.id for i in s.scalars(select(Indicator))}
        return {"plan": plan_id, "rate": inds["学前教育毛入园率"], "doctors": inds["每千人口执业医师数"],
                "task": s.scalars(select(Task.id)).one(), "edu": edu.id}


def value(ind: int, year: int = 2025, v: float = 88.0, **kw: object) -> ObservationInput:
    return ObservationInput(ind, "990101", year, value=v, **kw)  # type: ignore[arg-type]


def test_no_round_means_no_restriction(engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        assert write_observations(s, [value(plan["rate"])], by="edu").inserted == 1


def test_after_the_lock_date_every_write_path_is_refused_until_a_planner_unlocks(
        engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        r = rounds.open_round(s, plan["plan"], 2025, due_date=TODAY - timedelta(days=10),
                              lock_date=TODAY - timedelta(days=1), by="boss")
        round_id = r.id
    # values (bulk path: web form, API, spreadsheet, CLI import) ...
    with pytest.raises(rounds.RoundClosed, match="锁定日期") as err, transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="edu")
    assert err.value.field == "year" and "unlock" in err.value.en and "year:" not in str(err.value)
    # ... and task progress
    with pytest.raises(rounds.RoundClosed), transaction(engine) as s:
        report_progress(s, ProgressInput("task", plan["task"], 2025, "推进中"), by="edu")
    with transaction(engine) as s:
        assert s.scalars(select(Observation)).first() is None  # nothing half-written
        # another year of the plan has no round: not restricted
        write_observations(s, [value(plan["rate"], 2024)], by="edu")
    with pytest.raises(FieldError, match="reason"), transaction(engine) as s:
        rounds.unlock_round(s, round_id, reason=" ", by="boss")
    with transaction(engine) as s:
        rounds.unlock_round(s, round_id, reason="统计局数据延迟发布", until=TODAY, by="boss")
    with transaction(engine) as s:
        assert write_observations(s, [value(plan["rate"])], by="edu").inserted == 1
        report_progress(s, ProgressInput("task", plan["task"], 2025, "推进中"), by="edu")
    with transaction(engine) as s:
        log = history_of(s, "round", round_id)
        unlock = next(h for h in log if h.action == "unlock")
        assert (unlock.changed_by, unlock.reason) == ("boss", "统计局数据延迟发布")
        assert unlock.changed_at is not None
        # and the global audit log lists every step of the round
        from planwatch.register import auditlog

        entries, _ = auditlog.search(s, auditlog.Filter(action="round."))
        assert {e["action"] for e in entries} == {"round.open", "round.unlock"}
        assert next(e for e in entries if e["action"] == "round.unlock")["note"] == "统计局数据延迟发布"


def test_locked_round_refuses_even_a_decision_while_past_lock_date_allows_one(
        engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="edu")
        obs = s.scalars(select(Observation)).one()
        r = rounds.open_round(s, plan["plan"], 2025, lock_date=TODAY - timedelta(days=1), by="boss")
        obs_id, round_id = obs.id, r.id
    with transaction(engine) as s:  # past the lock date a planner still approves or returns
        set_status(s, obs_id, 1, "approved", by="boss")
    with pytest.raises(rounds.RoundClosed), transaction(engine) as s:  # but a change of the value is refused
        update_observation(s, obs_id, 2, {"value": 89.0}, by="boss")
    with transaction(engine) as s:
        rounds.lock_round(s, round_id, by="boss", reason="年度数据审定")
    with pytest.raises(rounds.RoundClosed, match="已锁定"), transaction(engine) as s:
        set_status(s, obs_id, 2, "returned", by="boss", reason="再核")


def test_a_closed_round_ends_reporting_for_reporters_but_not_for_planners(
        engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        r = rounds.open_round(s, plan["plan"], 2025, due_date=TODAY + timedelta(days=5), by="boss")
        rounds.close_round(s, r.id, by="boss")
    with pytest.raises(rounds.RoundClosed, match="已结束"), transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="edu")
    with transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="boss")
        task = ProgressInput("task", plan["task"], 2025, "推进中", status="submitted")
        report = report_progress(s, task, by="boss")
        set_progress_status(s, report.id, 1, "approved", by="boss")


def test_dates_and_states_are_checked(engine: Engine, plan: dict[str, int]) -> None:
    with pytest.raises(FieldError) as err, transaction(engine) as s:
        rounds.open_round(s, plan["plan"], 2020)  # the base year is not reported
    assert err.value.field == "year"
    with pytest.raises(FieldError) as err, transaction(engine) as s:
        rounds.open_round(s, plan["plan"], 2025, due_date=TODAY, lock_date=TODAY - timedelta(days=1))
    assert err.value.field == "lock_date"
    with transaction(engine) as s:
        r = rounds.open_round(s, plan["plan"], 2025, by="boss")
        rounds.set_dates(s, r.id, due_date=TODAY, lock_date=TODAY + timedelta(days=3), by="boss")
        assert rounds.round_for(s, plan["plan"], 2025).lock_date == TODAY + timedelta(days=3)  # type: ignore[union-attr]
        with pytest.raises(FieldError):
            rounds.open_round(s, plan["plan"], 2025)
        rounds.approve_round(s, r.id, by="boss")
        with pytest.raises(FieldError):
            rounds.close_round(s, r.id)
        assert [h.action for h in history_of(s, "round", r.id)] == ["open", "dates", "approve"]


def test_completeness_by_department_and_plan_and_the_overdue_list(engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        r = rounds.open_round(s, plan["plan"], 2025, due_date=TODAY - timedelta(days=3), by="boss")
        write_observations(s, [value(plan["rate"])], by="edu")  # 县教育局: 1 of 2 (the task is missing)
        c = rounds.completeness(s, r.id)
    assert (c.expected, c.reported) == (3, 1) and c.rate == pytest.approx(1 / 3)
    per = {d["department"]: d for d in c.departments}
    assert (per["县教育局"]["expected"], per["县教育局"]["reported"]) == (2, 1)
    assert (per["县卫生健康局"]["expected"], per["县卫生健康局"]["reported"]) == (1, 0)
    overdue = {(o["department"], o["name"]) for o in c.overdue}
    assert overdue == {("县教育局", "义务教育优质均衡发展"), ("县卫生健康局", "每千人口执业医师数")}
    assert all(o["days_overdue"] == 3 for o in c.overdue)


def test_todo_lists_due_returned_with_comment_and_overdue(engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        rounds.open_round(s, plan["plan"], 2025, due_date=TODAY + timedelta(days=7), by="boss")
        write_observations(s, [value(plan["rate"])], by="edu")
        obs_id = s.scalars(select(Observation.id)).one()
        set_status(s, obs_id, 1, "returned", by="boss", reason="请附统计年报页码")
        todo = rounds.todo(s, plan["edu"])
    assert todo["counts"] == {"due": 1, "returned": 1, "overdue": 0, "waiting": 0}
    assert todo["returned"][0]["comment"] == "请附统计年报页码"
    assert todo["due"][0]["name"] == "义务教育优质均衡发展" and todo["due"][0]["due_date"] == TODAY + timedelta(days=7)
    with transaction(engine) as s:
        rounds.set_dates(s, rounds.round_for(s, plan["plan"], 2025).id,  # type: ignore[union-attr]
                         due_date=TODAY - timedelta(days=1), lock_date=None)
        todo = rounds.todo(s, plan["edu"])
    assert todo["counts"]["overdue"] == 2 and todo["counts"]["due"] == 0


def test_reminders_reach_the_departments_reporters_and_the_chase_list_names_them(
        engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        r = rounds.open_round(s, plan["plan"], 2025, due_date=TODAY, by="boss")
        rows = rounds.chase_rows(s, r.id)
        assert {d["department"]: d["outstanding"] for d in rows} == {"县教育局": 2, "县卫生健康局": 1}
        assert next(d for d in rows if d["department"] == "县教育局")["contacts"] == ["edu"]
        assert rounds.remind(s, r.id, by="boss") == 1  # the health bureau has no reporter account
    with transaction(engine) as s:
        uid = s.scalars(select(User.id).where(User.username == "edu")).one()
        [note] = rounds.notifications_for(s, uid)
        assert "2 项未报送" in note["message"] and not note["read"]
        assert rounds.mark_read(s, uid + 1000) == 0
        assert rounds.mark_read(s, uid) == 1
        assert rounds.notifications_for(s, uid, unread_only=True) == []


def test_data_year_moves_only_when_a_round_is_closed_or_approved(engine: Engine, plan: dict[str, int]) -> None:
    with transaction(engine) as s:
        write_observations(s, [value(plan["rate"], 2023, status="approved"),
                               value(plan["rate"], 2024, status="approved")], by="boss")
        inp = evaluation_input(s, plan["plan"])
        assert rounds.data_year(s, inp) == 2024  # no rounds: the latest approved value
        r23 = rounds.open_round(s, plan["plan"], 2023, by="boss")
        r24 = rounds.open_round(s, plan["plan"], 2024, by="boss")
        # a year whose round is open does not count, even with an approved value (none left: the year due)
        assert rounds.data_year(s, inp) == min(2025, max(2021, TODAY.year - 1))
        write_observations(s, [value(plan["rate"], 2022, status="approved")], by="boss")
        inp = evaluation_input(s, plan["plan"])
        assert rounds.data_year(s, inp) == 2022  # a year without a round: its approved value counts
        rounds.close_round(s, r23.id, by="boss")
        assert rounds.data_year(s, inp) == 2023
        rounds.approve_round(s, r24.id, by="boss")
        assert rounds.data_year(s, inp) == 2024


def test_cli_open_dates_status_lock_unlock(engine: Engine, plan: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from planwatch.cli import main

    monkeypatch.setenv("PLANWATCH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    p = str(plan["plan"])

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    past = (TODAY - timedelta(days=2)).isoformat()
    assert "填报中 open" in run("round", "open", p, "--year", "2025", "--due", past, "--user", "boss")
    bad = CliRunner().invoke(main, ["round", "dates", p, "--year", "2025", "--due", "2025-13-01"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    run("round", "dates", p, "--year", "2025", "--due", past, "--lock", (TODAY - timedelta(days=1)).isoformat())
    out = run("round", "status", p, "--year", "2025")
    assert "0% (0/3)" in out and "县教育局: 0% (0/2)" in out and "逾期 overdue 2d" in out
    with pytest.raises(rounds.RoundClosed), transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="edu")
    missing = CliRunner().invoke(main, ["round", "unlock", p, "--year", "2025"])
    assert missing.exit_code != 0 and "--reason" in missing.output
    assert "已解锁 unlocked" in run("round", "unlock", p, "--year", "2025", "--reason", "补报", "--user", "boss")
    with transaction(engine) as s:
        write_observations(s, [value(plan["rate"])], by="edu")
    assert "已锁定 locked" in run("round", "lock", p, "--year", "2025")
    none = CliRunner().invoke(main, ["round", "close", p, "--year", "2024"])
    assert none.exit_code == 1 and "round open" in none.output


def test_a_file_import_into_a_locked_round_is_refused_naming_the_file(engine: Engine, plan: dict[str, int],
                                                                      tmp_path) -> None:  # type: ignore[no-untyped-def]
    from planwatch.exchange.importer import import_file
    from planwatch.exchange.problems import ImportRejected

    sheet = tmp_path / "edu-2025.csv"
    sheet.write_text(f"indicator_id,region_code,year,value\n{plan['rate']},990101,2025,88\n", encoding="utf-8")
    with transaction(engine) as s:
        rounds.open_round(s, plan["plan"], 2025, lock_date=TODAY - timedelta(days=1))
    with pytest.raises(ImportRejected) as err, transaction(engine) as s:
        import_file(s, sheet, reporter="edu")
    assert "edu-2025.csv" in str(err.value) and "锁定日期" in str(err.value)
    with transaction(engine) as s:
        assert s.scalars(select(Observation)).first() is None
