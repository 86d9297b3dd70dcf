"""A small register for web tests: one county plan with two departments,
their reporters, a planner, sub-regions, and approved and unapproved values."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from planwatch.register import migrate
from planwatch.register import schema as db
from planwatch.register.db import transaction
from planwatch.register.editing import assign
from planwatch.register.observations import ObservationInput, write_observations
from planwatch.register.plans import import_plan
from planwatch.register.progress import assign_item
from planwatch.register.users import add_user

PASSWORD = "secret-pass-1"

PLAN_JSON = {
    "plan": {"title": "测试县“十四五”公共服务规划", "region": "测试县", "region_level": "county",
             "issuer": "测试县发展和改革局", "doc_number": None, "issued": "2022-05-27", "period": [2021, 2025]},
    "indicators": [
        {"source": "table", "line": 3, "table": "表1", "domain": "幼有所育", "name": "每千人口3岁以下婴幼儿托位数",
         "unit": "个", "attribute": "预期性", "baseline": {"raw": "1.0", "value": 1.0, "year": 2020},
         "target": {"raw": "4.5", "value": 4.5, "value_low": None, "value_high": None, "op": "=",
                    "kind": "level", "year": 2025}, "quote": "每千人口3岁以下婴幼儿托位数(个)"},
        {"source": "table", "line": 4, "table": "表1", "domain": "学有所教", "name": "学前教育毛入园率",
         "unit": "%", "attribute": "约束性", "baseline": {"raw": "85", "value": 85.0, "year": 2020},
         "target": {"raw": "≥90", "value": 90.0, "value_low": None, "value_high": None, "op": ">=",
                    "kind": "level", "year": 2025}, "quote": "学前教育毛入园率(%)"},
        {"source": "table", "line": 5, "table": "表1", "domain": "病有所医", "name": "每千人口执业(助理)医师数",
         "unit": "人", "attribute": "预期性", "baseline": {"raw": "2.0", "value": 2.0, "year": 2020},
         "target": {"raw": "3.0", "value": 3.0, "value_low": None, "value_high": None, "op": "=",
                    "kind": "level", "year": 2025}, "quote": "每千人口执业(助理)医师数(人)"},
    ],
    "service_items": [{"line": 8, "domain": "幼有所育", "item": "农村免费孕前优生健康检查"}],
    "tasks": [{"line": 7, "domain": "学有所教", "text": "推进义务教育优质均衡发展,实现全覆盖"}],
    "projects": [{"line": 9, "domain": "病有所医", "name": "县人民医院改扩建工程"}],
}

DOCUMENT = "\n".join([
    "测试县“十四五”公共服务规划",
    "表1 主要指标",
    "每千人口3岁以下婴幼儿托位数(个)",
    "学前教育毛入园率(%)",
    "每千人口执业(助理)医师数(人)",
    "第二章 重点任务",
    "推进义务教育优质均衡发展,实现全覆盖",
    "农村免费孕前优生健康检查",
    "县人民医院改扩建工程",
]).encode()


@dataclass
class Seed:
    plan_id: int
    childcare: int  # indicator ids
    preschool: int
    doctors: int
    health_dept: int
    edu_dept: int


def build(engine: Engine) -> Seed:
    migrate.upgrade(engine)
    with transaction(engine) as s:
        s.add_all([
            db.Region(code="990000", name="测试省", level="province"),
            db.Region(code="990100", name="测试市", level="city", parent_code="990000"),
            db.Region(code="990101", name="测试县", level="county", parent_code="990100"),
            db.Region(code="990101001", name="东镇", level="township", parent_code="990101"),
            db.Region(code="990101002", name="西镇", level="township", parent_code="990101"),
            db.Region(code="990101003", name="南镇", level="township", parent_code="990101"),
        ])
        s.flush()
        result = import_plan(s, PLAN_JSON, content=DOCUMENT, filename="test-plan.txt", by="seed")
        plan = s.get(db.Plan, result.plan_id)
        assert plan is not None
        inds = {i.name: i for i in plan.indicators}
        childcare, preschool, doctors = (inds["每千人口3岁以下婴幼儿托位数"], inds["学前教育毛入园率"],
                                         inds["每千人口执业(助理)医师数"])
        assign(s, childcare, "县卫生健康局", "990101")
        assign(s, doctors, "县卫生健康局", "990101")
        assign(s, preschool, "县教育局", "990101")
        # The hospital project is the health department's to report on; the task has no lead yet.
        assign_item(s, s.query(db.Project).filter_by(plan_id=plan.id).one(), "县卫生健康局", "lead", by="seed")
        health = s.query(db.Department).filter_by(name="县卫生健康局").one()
        edu = s.query(db.Department).filter_by(name="县教育局").one()
        add_user(s, "admin", PASSWORD, "admin", display_name="管理员")
        add_user(s, "planner", PASSWORD, "planner", display_name="规划科")
        add_user(s, "viewer", PASSWORD, "viewer")
        add_user(s, "health", PASSWORD, "reporter", department=health, display_name="卫健填报员")
        add_user(s, "edu", PASSWORD, "reporter", department=edu, display_name="教育填报员")
        rows = [
            ObservationInput(childcare.id, "990101", 2021, 1.6, status="approved", source_note="县统计公报2021"),
            ObservationInput(childcare.id, "990101", 2022, 2.3, status="approved", source_note="县统计公报2022"),
            ObservationInput(preschool.id, "990101", 2021, 86.0, status="approved", source_note="教育统计"),
            ObservationInput(preschool.id, "990101", 2022, 86.5, status="approved", source_note="教育统计"),
            # Submitted but not approved: staff see it, the public must not.
            ObservationInput(preschool.id, "990101", 2023, 87.0, status="submitted", source_note="待审"),
            ObservationInput(doctors.id, "990101", 2022, 2.2, status="approved"),
            ObservationInput(childcare.id, "990101001", 2022, 2.9, status="approved"),
            ObservationInput(childcare.id, "990101002", 2022, 1.8, status="approved"),
            ObservationInput(childcare.id, "990101003", 2022, 2.4, status="approved"),
        ]
        write_observations(s, rows, by="seed")
        return Seed(plan.id, childcare.id, preschool.id, doctors.id, health.id, edu.id)
