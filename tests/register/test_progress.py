"""Task and project progress: validation by field, versions, history, responsibility, revisions."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import Engine, select

from planwatch.register.db import transaction
from planwatch.register.errors import ConflictError, FieldError, NotFound
from planwatch.register.history import history_of
from planwatch.register.plans import import_plan
from planwatch.register.progress import (
    ProgressInput,
    assign_item,
    department_items,
    plan_items,
    report_progress,
    resolve_item,
    set_progress_status,
)
from planwatch.register.schema import ItemResponsibility, ProgressReport, Project, Region, Task

PLAN = {
    "plan": {"title": "测试县公共服务规划", "region": "测试县", "period": [2021, 2025]},
    "indicators": [],
    "tasks": [{"line": 7, "domain": "学有所教", "text": "义务教育优质均衡发展,实现全覆盖",
               "departments": ["县教育局", "县财政局"]},
              {"line": 8, "domain": "弱有所扶", "text": "困难群众应保尽保"}],
    "projects": [{"line": 9, "domain": "病有所医", "name": "县人民医院改扩建工程", "lead_department": "县卫生健康局"}],
}


@pytest.fixture
def plan_id(engine: Engine) -> int:
    with transaction(engine) as s:
        s.add(Region(code="990101", name="测试县", level="county"))
        s.flush()
        return import_plan(s, PLAN).plan_id


def ids(engine: Engine) -> tuple[int, int, int]:
    with transaction(engine) as s:
        t1, t2 = s.scalars(select(Task.id).order_by(Task.position)).all()
        return t1, t2, s.scalars(select(Project.id)).one()


def test_import_assigns_the_documents_departments_as_lead_and_co(engine: Engine, plan_id: int) -> None:
    with transaction(engine) as s:
        items = {i["name"]: i for i in plan_items(s, plan_id)}
        assert items["义务教育优质均衡发展,实现全覆盖"]["lead_department"] == "县教育局"
        assert items["县人民医院改扩建工程"]["lead_department"] == "县卫生健康局"
        assert items["困难群众应保尽保"]["lead_department"] is None
        roles = {(r.department.name, r.role) for r in s.scalars(select(ItemResponsibility))}
        assert ("县财政局", "co") in roles


def test_report_update_approve_with_versions_and_history(engine: Engine, plan_id: int) -> None:
    task, _, project = ids(engine)
    with transaction(engine) as s:
        row = report_progress(s, ProgressInput("project", project, 2023, "推进中", percent=60, note="主体完工"),
                              by="health")
        rid = row.id
    with transaction(engine) as s:  # resubmitting the same is a no-op
        assert report_progress(s, ProgressInput("project", project, 2023, "推进中", percent=60, note="主体完工"),
                               by="health").version == 1
    with pytest.raises(ConflictError), transaction(engine) as s:  # a writer who did not see version 1
        report_progress(s, ProgressInput("project", project, 2023, "滞后", percent=40), by="other")
    with transaction(engine) as s:
        report_progress(s, ProgressInput("project", project, 2023, "滞后", percent=40, expected_version=1), by="h")
    with pytest.raises(ConflictError), transaction(engine) as s:
        set_progress_status(s, rid, 1, "approved", by="planner")
    with transaction(engine) as s:
        set_progress_status(s, rid, 2, "approved", by="planner")
        row = s.get(ProgressReport, rid)
        assert (row.state, row.percent, row.status, row.version) == ("滞后", 40, "approved", 3)
        assert [h.action for h in history_of(s, "progress", rid)] == ["create", "update", "update"]
        items = {i["ref"]: i for i in plan_items(s, plan_id, approved_only=True)}
        assert items[f"pr{project}"]["approved"]["state"] == "滞后"
        assert items[f"t{task}"]["approved"] is None


@pytest.mark.parametrize(("kind", "state", "percent", "year", "field"), [
    ("task", "滞后", None, 2023, "state"),  # 滞后 is for projects
    ("task", "进行中", None, 2023, "state"),
    ("project", "推进中", 120.0, 2023, "percent"),
    ("project", "已完成", 50.0, 2023, "percent"),
    ("project", "推进中", None, 2020, "year"),  # the base year is not reportable
    ("project", "推进中", None, 2026, "year"),
])
def test_bad_input_names_the_field_and_writes_nothing(engine: Engine, plan_id: int, kind: str, state: str,
                                                      percent: float | None, year: int, field: str) -> None:
    task, _, project = ids(engine)
    with pytest.raises(FieldError) as exc, transaction(engine) as s:
        report_progress(s, ProgressInput(kind, task if kind == "task" else project, year, state, percent=percent))
    assert exc.value.field == field
    with transaction(engine) as s:
        assert s.scalars(select(ProgressReport)).first() is None


def test_refs_and_responsibility(engine: Engine, plan_id: int) -> None:
    task, other, project = ids(engine)
    with transaction(engine) as s:
        from planwatch.register.schema import Plan

        plan = s.get(Plan, plan_id)
        assert resolve_item(s, plan, f"t{task}").id == task
        assert resolve_item(s, plan, f"pr{project}").id == project
        assert resolve_item(s, plan, "应保尽保").id == other
        with pytest.raises(NotFound):
            resolve_item(s, plan, "t99999")
        assign_item(s, resolve_item(s, plan, f"t{task}"), "县民政局", "lead", by="planner")
        dept = s.scalars(select(ItemResponsibility).where(ItemResponsibility.task_id == task,
                                                          ItemResponsibility.role == "lead")).one().department
        assert dept.name == "县民政局"
        assert ("task", task) in department_items(s, dept.id)
        # The previous lead stays on as co-responsible and can no longer report.
        edu = s.scalars(select(ItemResponsibility).where(ItemResponsibility.task_id == task,
                                                         ItemResponsibility.role == "co")).all()
        assert "县教育局" in {r.department.name for r in edu}
        assert [h.action for h in history_of(s, "task", task)][-1] == "assign"


def test_a_revision_keeps_reported_items_and_retires_dropped_ones(engine: Engine, plan_id: int) -> None:
    task, other, project = ids(engine)
    with transaction(engine) as s:
        report_progress(s, ProgressInput("task", other, 2022, "已完成", status="approved"))
    v2 = copy.deepcopy(PLAN)
    v2["tasks"] = [v2["tasks"][0] | {"line": 17}, {"line": 18, "text": "新增任务"}]  # 应保尽保 dropped
    v2["projects"] = []
    with transaction(engine) as s:
        import_plan(s, v2)
        assert s.get(Task, task).line == 17  # same row, moved
        assert s.get(Task, other).active is False  # reported against: kept, retired
        assert s.get(Project, project) is None  # nothing reported: gone
        assert s.scalars(select(ProgressReport)).one().task_id == other
        assert {i["name"] for i in plan_items(s, plan_id)} == {"义务教育优质均衡发展,实现全覆盖", "新增任务"}
    with transaction(engine) as s:  # and the first revision brings it back, with its progress
        import_plan(s, PLAN)
        assert s.get(Task, other).active is True
        assert plan_items(s, plan_id)[1]["latest"]["state"] == "已完成"


def test_cli_assign_report_approve_and_list(engine: Engine, plan_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner

    from planwatch.cli import main

    task, _, project = ids(engine)
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    run = CliRunner().invoke
    r = run(main, ["dept", "assign", "县民政局", "--plan", str(plan_id), "--task", "应保尽保"])
    assert r.exit_code == 0, r.output
    r = run(main, ["task", "report", str(plan_id), f"pr{project}", "--year", "2023", "--state", "推进中",
                   "--percent", "60%", "--note", "县卫健委年报"])
    assert r.exit_code == 0, r.output
    r = run(main, ["task", "report", str(plan_id), f"t{task}", "--year", "2023", "--state", "滞后"])
    assert r.exit_code == 1 and "state" in r.output and "Traceback" not in r.output
    listed = json.loads(run(main, ["tasks", str(plan_id), "--json"]).output)["items"]
    by_ref = {i["ref"]: i for i in listed}
    assert by_ref[f"pr{project}"]["latest"]["status"] == "submitted"
    assert by_ref[f"pr{project}"]["approved"] is None
    assert {i["lead_department"] for i in listed if i["name"] == "困难群众应保尽保"} == {"县民政局"}
    assert run(main, ["task", "approve", str(plan_id), f"pr{project}", "--year", "2023"]).exit_code == 0
    r = run(main, ["tasks", str(plan_id), "--approved"])
    assert "推进中 60% (2023, approved)" in r.output
