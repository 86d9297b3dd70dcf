"""Section 五 from the register: approved task/project progress with its year and note; 未报送 otherwise."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from planwatch.register import migrate
from planwatch.register.db import make_engine, transaction
from planwatch.register.plans import import_plan
from planwatch.register.progress import ProgressInput, report_progress
from planwatch.register.schema import Project, Region, Task
from planwatch.report.cli import tasks_of
from planwatch.report.config import ReportConfig
from planwatch.report.content import Table
from planwatch.report.data import ReportData
from planwatch.report.sections import build_document

PLAN = {
    "plan": {"title": "测试县公共服务规划", "region": "测试县", "period": [2021, 2025]},
    "indicators": [],
    "tasks": [{"domain": "学有所教", "text": "义务教育优质均衡发展全覆盖", "departments": "县教育局"},
              {"domain": "弱有所扶", "text": "困难群众应保尽保"},
              {"domain": "弱有所扶", "text": "残疾人托养服务"}],
    "projects": [{"domain": "病有所医", "name": "县人民医院改扩建工程", "lead_department": "县卫生健康局"}],
}


def test_section_five_prints_approved_progress_year_and_note(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    migrate.upgrade(engine)
    with transaction(engine) as s:
        s.add(Region(code="990101", name="测试县", level="county"))
        s.flush()
        plan_id = import_plan(s, PLAN).plan_id
        t1, t2, t3 = s.scalars(select(Task.id).order_by(Task.position)).all()
        project = s.scalars(select(Project.id)).one()
        report_progress(s, ProgressInput("task", t1, 2022, "推进中", percent=50, status="approved", note="2022年报"))
        report_progress(s, ProgressInput("task", t1, 2023, "已完成", status="approved", note="教育局验收文件"))
        report_progress(s, ProgressInput("task", t1, 2025, "已完成", status="approved", note="later than the report"))
        report_progress(s, ProgressInput("task", t2, 2023, "推进中", status="submitted", note="待审"))
        report_progress(s, ProgressInput("task", t3, 2023, "推进中", status="approved", simulated=True))
        report_progress(s, ProgressInput("project", project, 2023, "滞后", percent=40, status="approved",
                                         note="主体结构完工"))
        tasks = tasks_of(s, plan_id, 2023)
    engine.dispose()
    data = ReportData(plan_id=str(plan_id), plan_title="测试县公共服务规划", region_name="测试县", period=(2021, 2025),
                      base_year=2020, year=2023, indicators=(), tasks=tuple(tasks), has_simulated=True)
    sec = next(s for s in build_document(data, ReportConfig()).sections if s.key == "tasks")
    tables = [b for b in sec.blocks if isinstance(b, Table)]
    rows = {r[1].text: [c.text for c in r] for t in tables for r in t.rows}  # type: ignore[union-attr]
    done = rows["义务教育优质均衡发展全覆盖"]
    assert done[3] == "已完成" and "2023年" in done and "教育局验收文件" in done and "县教育局" in done
    assert rows["困难群众应保尽保"][3] == "未报送"  # submitted, not approved
    assert "残疾人托养服务[模拟数据]" in rows  # simulated appears only flagged
    proj = rows["县人民医院改扩建工程"]
    assert proj[3] == "滞后" and proj[4] == "40%" and "主体结构完工" in proj and "县卫生健康局" in proj
