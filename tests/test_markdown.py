"""Markdown copies of plans (wiki, repository, chat tools) read like every other format:
pipe tables are TAB rows, `#` heading marks and `**` emphasis are gone, line numbers are kept."""

from __future__ import annotations

from pathlib import Path

from planwatch.extract import extract_path
from planwatch.extract.formats.markdown import render_markdown
from planwatch.extract.readers import read_document

MARKDOWN_PLAN = """# 某县“十五五”养老服务发展规划

## 一、发展基础

**成效明显。** 2025年,全县养老机构护理型床位占比为55%,建成居家养老服务中心12个。

## 二、主要目标

表1 主要指标

| 类别 | 指标 | 单位 | 2025年 | 2030年 | 属性 |
|---|:---:|---|---|---|---|
| 养老服务 | 养老机构护理型床位占比 | % | 55 | ≥65 | 约束性 |
| 养老服务 | 每万名老年人拥有持证养老护理员数 | 人 | 18 | 25 | 预期性 |

## 三、主要任务

到2030年,新建社区嵌入式养老服务设施20处。
"""


def test_pipe_rows_become_tab_rows_and_separator_an_empty_line() -> None:
    text = "表1\n| 指标 | 单位 |\n|---|---|\n| 低保标准 | 元/月 |\n| 护理员 \\| 持证 | 人 |\n后文"
    assert render_markdown(text).split("\n") == ["表1", "指标\t单位", "", "低保标准\t元/月", "护理员 | 持证\t人", "后文"]


def test_line_count_is_kept_and_headings_lose_their_marks() -> None:
    out = render_markdown(MARKDOWN_PLAN)
    assert len(out.split("\n")) == len(MARKDOWN_PLAN.split("\n"))
    lines = out.split("\n")
    assert lines[0] == "某县“十五五”养老服务发展规划"
    assert lines[2] == "一、发展基础"
    assert lines[4].startswith("成效明显。 2025年")


def test_pipes_without_a_separator_row_stay_text() -> None:
    text = "说明 | 不是表格\n另一行 | 也不是"
    assert render_markdown(text) == text


def test_text_without_markdown_is_unchanged() -> None:
    text = "第一章 总体要求\n**不是标题** 到2025年,托位数达到4.5个。"
    assert render_markdown(text) == text


def test_markdown_plan_reads_table_rows_baselines_and_targets(tmp_path: Path) -> None:
    for name in ("plan.md", "plan.txt"):
        p = tmp_path / name
        p.write_text(MARKDOWN_PLAN, encoding="utf-8")
        doc = read_document(p)
        assert len(doc.lines) == len(MARKDOWN_PLAN.split("\n"))
        out = extract_path(p)
        rows = [i for i in out["indicators"] if i["source"] == "table"]
        assert [(r["line"], r["name"], r["target"]["raw"], r["attribute"]) for r in rows] == [
            (13, "养老机构护理型床位占比", "≥65", "约束性"), (14, "每万名老年人拥有持证养老护理员数", "25", "预期性")]
        assert {(b["line"], b["value"]) for b in out["baselines"]} == {(5, 55), (5, 12)}
        prose = [i for i in out["indicators"] if i["source"] == "prose"]
        assert [(i["line"], i["target"]["value"]) for i in prose] == [(18, 20)]
        assert out["plan"]["title"] == "某县“十五五”养老服务发展规划"
