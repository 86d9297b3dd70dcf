"""The audit log in words: a round's steps and states, and an uploaded file by its name, never by the
register's stored path."""

from __future__ import annotations

import pytest

from planwatch.web.audit_text import action_label, changes

STORED = "evidence/" + "0123456789abcdef" * 2 + ".pdf"


def test_an_uploaded_file_reads_as_its_name_or_as_uploaded_never_as_its_path() -> None:
    named = changes({"evidence_file": None, "evidence_name": None},
                    {"evidence_file": STORED, "evidence_name": "年报摘录.pdf"}, "zh", "observation")
    assert named == ["佐证材料:— → 年报摘录.pdf"]
    bare = changes(None, {"evidence_file": STORED}, "en", "progress")
    assert bare == ["evidence:uploaded file"]
    text = changes(None, {"evidence_file": "见统计年报第12页"}, "zh", "observation")  # a text reference stays
    assert text == ["佐证材料:见统计年报第12页"]


def test_a_rounds_steps_and_states_read_as_on_the_round_page() -> None:
    assert action_label("round.open", "zh") == "填报轮次 · 开启"
    assert action_label("round.lock", "en") == "reporting round · locked"
    assert changes({"state": "approved"}, {"state": "locked"}, "zh", "round") == ["轮次状态:已审定 → 已锁定"]
    opened = changes(None, {"plan_id": 3, "year": 2025, "due_date": "2025-03-31", "state": "open"}, "zh", "round")
    assert opened == ["应报日期:2025年3月31日", "轮次状态:填报中"]
    # a task's progress state keeps its own label
    assert changes({"state": "推进中"}, {"state": "已完成"}, "zh", "progress")[0].startswith("进展状态:")


def test_the_registers_bilingual_reasons_read_in_the_pages_language() -> None:
    from planwatch.web.audit_text import note

    assert note("提交 / submitted", "zh") == "提交"
    assert note("提交 / submitted", "en") == "submitted"
    assert note("报表导入 / spreadsheet 卫健局2025.xlsx", "zh") == "报表导入 卫健局2025.xlsx"
    assert note("报表导入 / spreadsheet edu.csv", "en") == "spreadsheet edu.csv"
    assert note("导入: 新版本不再包含该指标 / not in the new revision", "zh") == "导入: 新版本不再包含该指标"
    # a person's words stay as written
    assert note("与年报不一致 / 请核对", "zh") == "与年报不一致 / 请核对"
    assert note("统计快报延迟发布", "en") == "统计快报延迟发布"
    assert note(None, "zh") == ""


def test_a_region_reads_as_its_name_and_code_never_the_bare_code() -> None:
    from planwatch.web.audit_text import readable, region_codes

    row = {"id": 1, "at": "2026-01-02 03:04:05", "actor": "planner", "action": "indicator.milestone",
           "target_kind": "indicator", "target_id": 5, "note": None,
           "before": {"region": "990101", "year": 2025, "value": 1.0},
           "after": {"region": "990101", "year": 2025, "value": 2.0}}
    assert region_codes([row]) == {"990101"}
    lines = readable([row], {}, "zh", {"990101": "测试县"})[0]["changes"]
    assert "地区:测试县 (990101) → 测试县 (990101)" in lines
    assert changes(None, {"region_code": "990101"}, "en", "plan", {"990101": "测试县"}) == ["region:测试县 (990101)"]
    # a code the register does not know stays as stored rather than vanish
    assert changes(None, {"region": "123456"}, "zh", "department", {}) == ["地区:123456"]


@pytest.mark.browser
def test_the_audit_page_names_the_region_of_an_assignment(server, page) -> None:  # type: ignore[no-untyped-def]
    from webtools import shot, sign_in_page

    sign_in_page(page, server, "admin")
    page.goto(f"{server}/admin/audit?kind=indicator")
    table = page.locator("[data-testid=audit]").inner_text()
    assert "地区:测试县 (990101)" in table  # the seed assigns indicators to 县卫生健康局 in 测试县
    assert "地区:990101" not in table
    shot(page, "audit-region")


def test_who_acted_reads_as_the_display_name_with_the_user_name_beside_it() -> None:
    from planwatch.web.audit_text import readable

    rows = [{"id": n, "at": "2026-01-02 03:04:05", "actor": actor, "action": "round.lock", "target_kind": "round",
             "target_id": None, "note": None, "before": None, "after": None}
            for n, actor in enumerate(("planner", "cli:root", None, "viewer"))]
    shown = [r["actor"] for r in readable(rows, {}, "zh", people={"planner": "规划科", "viewer": "viewer"})]
    assert shown == ["规划科 (planner)", "cli:root", "系统", "viewer"]
