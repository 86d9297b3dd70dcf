"""Qualitative commitments and named projects, as plans phrase them."""

from __future__ import annotations

from pathlib import Path

import pytest

from planwatch.extract.outline import build_outline
from planwatch.extract.tasks import extract_tasks

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"

PLAN = """第一章 发展基础
“十三五”期间,全县已实现城乡低保全覆盖,建成敬老院12所。
第二章 主要目标
第一节 主要目标
到2025年,基本实现法定人员全覆盖,低保对象应保尽保,零就业家庭动态清零,城镇登记失业率控制在5%以内。
第三章 推进公共服务优质均衡发展
第一节 老有颐养
健全覆盖全民的多层次社会保障体系。实施老年人居家适老化改造工程,新建一所县级综合养老服务中心。
专栏1:老有颐养工程
1.养老服务设施建设工程:新建乡镇敬老院3所。
2.智慧养老行动。推动养老服务数字化。
第二节 病有良医
深入实施健康儿童行动,改扩建县人民医院。
"""


def run(text: str, skip: list[tuple[int, int]] | None = None) -> tuple[list[dict], list[dict]]:
    lines = text.split("\n")
    return extract_tasks(lines, build_outline(lines), skip or [])


def test_commitments_are_forward_clauses_without_numbers() -> None:
    tasks, _ = run(PLAN)
    quotes = [(t["line"], t["quote"]) for t in tasks]
    assert quotes == [(5, "基本实现法定人员全覆盖"), (5, "低保对象应保尽保"), (5, "零就业家庭动态清零")]
    assert all(t["kind"] == "commitment" for t in tasks)
    # "健全覆盖" is not 全覆盖, and the base period's 全覆盖 is an achievement
    assert not any(t["line"] in (2, 8) for t in tasks)


def test_commitment_quote_is_verbatim_and_carries_the_domain() -> None:
    lines = ["第一节 主要目标", "第二节 住有宜居", "力争城镇棚户区改造应改尽改,农村危房动态清零。"]
    tasks, _ = run("\n".join(lines))
    assert [t["text"] for t in tasks] == ["城镇棚户区改造应改尽改", "农村危房动态清零"]
    assert all(t["quote"] in lines[t["line"] - 1] for t in tasks)
    assert {t["domain"] for t in tasks} == {"住有所居"}


def test_projects_from_boxes_and_prose() -> None:
    _, projects = run(PLAN)
    boxed = [(p["line"], p["name"], p["box"]) for p in projects if p["box"]]
    assert boxed == [(10, "养老服务设施建设工程", "专栏1"), (11, "智慧养老行动", "专栏1")]
    prose = [(p["line"], p["name"]) for p in projects if not p["box"]]
    assert (8, "老年人居家适老化改造工程") in prose
    assert (8, "县级综合养老服务中心") in prose
    assert (13, "健康儿童行动") in prose
    assert (13, "县人民医院") in prose
    assert {p["domain"] for p in projects if p["line"] in (8, 10, 11)} == {"老有所养"}


def test_skipped_spans_and_generic_names_give_nothing() -> None:
    text = "第二章 主要目标\n表1 主要指标\n实现全覆盖\n实施重点工程,落实实施方案和年度工作计划。"
    tasks, projects = run(text, skip=[(2, 3)])
    assert tasks == [] and projects == []


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not present")
def test_seed_box_entries_are_projects() -> None:
    lines = (SEEDS / "002_9f04399c66dd38d8.txt").read_text(encoding="utf-8").split("\n")
    _, projects = extract_tasks(lines, build_outline(lines), [(484, 551)])
    boxed = [p for p in projects if p["box"]]
    assert {p["box"] for p in boxed} == {f"专栏{i}" for i in range(1, 11)}
    assert any(p["name"] == "托育服务扩容工程" and p["domain"] == "幼有所育" for p in boxed)
    assert all(p["quote"] in lines[p["line"] - 1] for p in projects)


def test_a_task_or_project_named_twice_is_one_item_listing_its_other_lines() -> None:
    text = PLAN + "第三节 幼有善育\n实施“智慧养老”行动,基本实现法定人员全覆盖。\n深入实施健康儿童行动。\n"
    tasks, projects = run(text)
    covered = [t for t in tasks if t["text"] == "基本实现法定人员全覆盖"]
    assert len(covered) == 1 and covered[0]["line"] == 5 and covered[0]["also_lines"] == [15]
    names = [p["name"] for p in projects]
    assert names.count("智慧养老行动") == 1 and names.count("健康儿童行动") == 1
    [child] = [p for p in projects if p["name"] == "健康儿童行动"]
    assert child["line"] == 13 and child["also_lines"] == [16]
