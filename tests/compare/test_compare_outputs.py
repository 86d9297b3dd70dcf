"""What compare feeds into: the report section, chart reference lines and the scorecard exports."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from compare_kit import five_plans
from openpyxl import load_workbook

from planwatch.compare import build_scorecard
from planwatch.compare.benchmarks import plan_benchmarks
from planwatch.compare.scorecard import items_of
from planwatch.report.adapter import benchmark_rows, evaluate_for_report
from planwatch.report.cli import render
from planwatch.report.config import ReportConfig
from planwatch.report.content import Table
from planwatch.report.sections import build_document, reference_lines, trajectory
from planwatch.web.compare_views import COLUMNS, cells, export, headers

TITLE = "与上位规划及全国对比"


def county_report(with_benchmarks: bool = True):  # type: ignore[no-untyped-def]
    plans = five_plans()
    county = plans[4].input
    items = [i for cp in plans for i in items_of(cp)]
    rows = benchmark_rows(county, plan_benchmarks(items, county.plan.id)) if with_benchmarks else []
    return evaluate_for_report(county, 2023, benchmarks=rows)


def test_report_section_compares_with_the_national_and_superior_targets() -> None:
    data = county_report()
    doc = build_document(data, ReportConfig(kind="midterm", charts=False))
    titles = [s.title for s in doc.sections]
    assert "五、" + TITLE in titles  # after 四、进展滞后指标分析
    section = next(s for s in doc.sections if s.title.endswith(TITLE))
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert [c.title for c in table.columns][-2:] == ["全国目标", "上位规划目标"]
    row = table.rows[0]
    assert [c.text for c in row][-2:] == ["4.5（宽于）", "新乡市4.5（宽于）"]  # type: ignore[union-attr]
    text = " ".join(b.text for b in section.blocks if hasattr(b, "text"))
    assert "宽于全国目标的1项" in text
    html = render(doc, "html").decode()
    assert TITLE in html and "新乡市4.5（宽于）" in html
    assert render(doc, "docx")[:2] == b"PK" and render(doc, "pdf")[:5] == b"%PDF-"


def test_report_without_comparable_metrics_keeps_its_sections() -> None:
    doc = build_document(county_report(False), ReportConfig(kind="midterm", charts=False))
    assert not any(s.title.endswith(TITLE) for s in doc.sections)
    assert doc.sections[4].title == "五、重点任务和重大项目进展"


def test_chart_reference_lines_for_a_level_target() -> None:
    data = county_report()
    r = data.indicators[0]
    refs = reference_lines(data, r.id)
    assert refs == (("全国目标 4.5", 4.5), ("上位规划目标 4.5", 4.5))
    assert trajectory(r, data.base_year, refs).references == refs
    cumulative = replace(r, method="cumulative")
    assert trajectory(cumulative, data.base_year, refs).references == ()  # not on the same scale


def test_exports_hold_the_page_cells_and_never_a_formula() -> None:
    card = build_scorecard(five_plans())
    rows = card.shared()
    rows[0] = replace(rows[0], name="=HYPERLINK(\"http://x\",\"y\")", plan_title="@SUM(A1)")
    table = list(csv.reader(io.StringIO(export("csv", rows, "zh", "t").decode("utf-8-sig"))))
    assert table[0] == headers("zh")
    expected = [[c[k][0] for k, _, _ in COLUMNS] for c in (cells(r, "zh") for r in rows)]
    assert table[2:] == expected[1:]
    name_col = [k for k, _, _ in COLUMNS].index("name")
    assert table[1][name_col].startswith("'=")
    ws = load_workbook(io.BytesIO(export("xlsx", rows, "zh", "t"))).active
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert len(values) == len(rows)
    assert values[0][name_col].startswith("'=") and ws.cell(3, name_col + 1).data_type == "s"
    value_col = [k for k, _, _ in COLUMNS].index("value")
    assert values[2][value_col] == rows[2].value  # numbers stay numbers in the workbook
    assert export("csv", rows, "en", "t").decode("utf-8-sig").startswith("Domain,Metric")
