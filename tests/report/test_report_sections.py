"""Report content from hand-built data: structure, numbering, honesty rules, drafts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planwatch.report import fmt
from planwatch.report.config import ReportConfig, load_config
from planwatch.report.content import Document, Figure, GroupRow, IndicatorChart, Paragraph, Table
from planwatch.report.data import Equalisation, IndicatorRow, Point, RegionValue, ReportData, TaskRow
from planwatch.report.drafts import DRAFT_MARK
from planwatch.report.sections import build_document


def row(id_: str, name: str, status: str, code: str, **kw: object) -> IndicatorRow:
    base: dict[str, object] = dict(
        id=id_, name=name, unit="%", domain="学有所教", binding=False, target_raw="≥96", target_value=96.0,
        target_year=2025, status=status, status_code=code, baseline=95.0, baseline_year=2020,
        lead_department="市教育局",
    )
    base.update(kw)
    return IndicatorRow(**base)  # type: ignore[arg-type]


def sample_data(**kw: object) -> ReportData:
    rows = (
        row("a", "九年义务教育巩固率", "滞后", "lagging", binding=True, completion=0.5, schedule=0.8,
            latest=Point(2024, 95.5, source="市统计公报2024"), required_rate=0.0026, projected_value=95.7,
            projection_method="线性趋势", projection_meets=False,
            series=(Point(2021, 95.1, source="公报2021"), Point(2024, 95.5, source="市统计公报2024")),
            warnings=("约束性指标“九年义务教育巩固率”有落空风险。",),
            subregions=(RegionValue("1", "东城区", 2024, 96.2, True), RegionValue("2", "南山县", 2024, 93.0, False)),
            equalisation=Equalisation(cv=0.02, max_min_ratio=1.03, share_meeting=0.5, laggards=("南山县",))),
        row("b", "学前教育毛入园率", "未报送", "not_reported", domain="学有所教", lead_department="市教育局"),
        row("c", "人均预期寿命", "提前实现", "achieved", unit="岁", domain="病有所医", target_raw="78.3",
            target_value=78.3, baseline=77.9, completion=1.2, schedule=0.6,
            latest=Point(2023, 78.6, simulated=True, source="模拟"),
            series=(Point(2023, 78.6, simulated=True, source="模拟"),)),
        row("d", "城镇新增就业", "严重滞后", "seriously_lagging", unit="万人", domain="劳有所得", target_raw="【12】",
            target_value=12.0, baseline=None, baseline_year=None, completion=0.3, schedule=0.8, method="cumulative",
            value_label="累计", latest=Point(2024, 3.6), required_change=2.1, lead_department=None,
            chart_series=((2021, 1.0, False), (2024, 3.6, False)), target_line=12.0),
    )
    data = ReportData(plan_id="p1", plan_title="示例市“十四五”公共服务规划", region_name="示例市", period=(2021, 2025),
                      base_year=2020, year=2025, indicators=rows, has_simulated=True,
                      tasks=(TaskRow("建设托育综合服务中心", "project", "幼有所育", None),))
    return replace(data, **kw)  # type: ignore[arg-type]


def doc_of(kind: str = "final", **cfg: object) -> Document:
    return build_document(sample_data(), ReportConfig(kind=kind, **cfg), today=date(2025, 12, 1))  # type: ignore[arg-type]


def text_of(doc: Document) -> str:
    parts: list[str] = [doc.cover.plan_title, doc.cover.report_title]
    for s in (*doc.sections, *doc.appendix):
        parts.append(s.title)
        for b in s.blocks:
            if isinstance(b, Paragraph):
                parts.append((b.lead or "") + b.text)
            elif isinstance(b, Table):
                parts.append(b.caption)
                for r in b.rows:
                    parts.append(r.text if isinstance(r, GroupRow) else " ".join(c.text for c in r))
                parts.extend(b.notes)
    return "\n".join(parts)


def test_sections_are_numbered_in_order_and_titles_follow_the_kind() -> None:
    titles = [s.title for s in doc_of("final").sections]
    assert titles[:6] == ["一、总体情况", "二、主要指标完成情况", "三、约束性指标完成情况", "四、进展滞后指标分析",
                          "五、重点任务和重大项目进展", "六、存在的问题"]
    assert titles[6].startswith("七、下一步工作建议")
    assert doc_of("annual").sections[6].title == "七、下一年度工作建议"
    assert doc_of("annual").cover.report_title == "2025年度实施情况监测报告"
    assert doc_of("midterm").cover.report_title == "实施中期评估报告"


def test_titles_and_sections_are_configurable_and_numbering_closes_gaps(tmp_path: Path) -> None:
    cfg_file = tmp_path / "r.json"
    cfg_file.write_text(json.dumps({"titles": {"lagging": "进展缓慢指标分析"},
                                    "sections": ["overview", "indicators", "lagging", "problems"],
                                    "issuer": "示例市发展和改革委员会"}, ensure_ascii=False), encoding="utf-8")
    cfg = load_config("final", cfg_file)
    doc = build_document(sample_data(), cfg)
    assert [s.title for s in doc.sections] == ["一、总体情况", "二、主要指标完成情况", "三、进展缓慢指标分析", "四、存在的问题"]
    assert doc.cover.issuer == "示例市发展和改革委员会"
    cfg_file.write_text(json.dumps({"titles": {"nonsense": "x"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="nonsense"):
        load_config("final", cfg_file)


def test_every_indicator_is_in_the_main_table_grouped_by_domain() -> None:
    table = next(b for b in doc_of().sections[1].blocks if isinstance(b, Table))
    names = [r[1].text for r in table.rows if not isinstance(r, GroupRow)]
    groups = [r.text for r in table.rows if isinstance(r, GroupRow)]
    assert names == ["九年义务教育巩固率", "学前教育毛入园率", "人均预期寿命", "城镇新增就业"]
    assert groups == ["学有所教", "病有所医", "劳有所得"]
    assert table.landscape and [c.title for c in table.columns][-2:] == ["状态", "责任单位"]


def test_missing_data_is_unreported_never_zero() -> None:
    table = next(b for b in doc_of().sections[1].blocks if isinstance(b, Table))
    missing = next(r for r in table.rows if not isinstance(r, GroupRow) and r[1].text == "学前教育毛入园率")
    assert isinstance(missing, tuple)
    assert missing[6].text == "未报送" and missing[9].text == "未报送"
    assert "0" not in {c.text for c in missing}
    appendix = text_of(doc_of()).split("附件1")[1]
    assert "未报送" in appendix


def test_simulated_values_are_labelled_wherever_shown() -> None:
    text = text_of(doc_of())
    assert "78.6[模拟数据]（2023年）" in text
    overview = text.split("二、主要指标完成情况")[0]
    assert "报告中均标注“模拟数据”" in overview
    assert "78.6[" in text and "]*" in text  # appendix marks it with * and explains it
    assert "带“*”的数值为模拟数据" in text


def test_binding_indicators_in_a_final_report_are_met_or_not() -> None:
    sec = doc_of("final").sections[2]
    table = next(b for b in sec.blocks if isinstance(b, Table))
    verdicts = {r[1].text: r[5].text for r in table.rows if isinstance(r, tuple)}
    # Judged on 2024 data, so the 2025 figure decides; a target-year miss is 未完成.
    assert verdicts == {"九年义务教育巩固率": "待2025年数据判定"}
    missed = sample_data()
    rows = (replace(missed.indicators[0], status="未完成", status_code="not_met",
                    latest=Point(2025, 95.6)), *missed.indicators[1:])
    doc = build_document(replace(missed, indicators=rows), ReportConfig(kind="final"))
    table = next(b for b in doc.sections[2].blocks if isinstance(b, Table))
    assert [r[5].text for r in table.rows if isinstance(r, tuple)] == ["未完成"]
    assert "部分约束性指标未完成" in text_of(doc)
    mid = next(b for b in doc_of("midterm").sections[2].blocks if isinstance(b, Table))
    assert [r[5].text for r in mid.rows if isinstance(r, tuple)] == ["预警"]


def test_each_lagging_indicator_has_its_analysis_chart_rate_and_department() -> None:
    sec = doc_of().sections[3]
    heads = [b.text for b in sec.blocks if not isinstance(b, Paragraph | Table | Figure)]
    assert heads == ["（一）九年义务教育巩固率（约束性）", "（二）城镇新增就业"]
    paras = [b.text for b in sec.blocks if isinstance(b, Paragraph)]
    first = next(p for p in paras if p.startswith("该指标2020年基期值为95"))
    assert "完成度50.0%" in first and "时序进度80.0%" in first
    assert "如期实现目标，2025年需增长0.26%" in first and "牵头责任单位：市教育局" in first and "难以如期实现目标" in first
    jobs = next(p for p in paras if "城镇新增就业" in p or "累计为3.6" in p)
    assert "截至2024年累计为3.6万人" in jobs and "2025年需新增2.1万人" in jobs and "牵头责任单位：未明确" in jobs
    figs = [b for b in sec.blocks if isinstance(b, Figure)]
    assert len(figs) == 2 and all(isinstance(f.chart, IndicatorChart) for f in figs)
    first_chart = figs[0].chart
    assert isinstance(first_chart, IndicatorChart) and first_chart.regions is not None
    assert first_chart.regions.names == ("东城区", "南山县")
    cumulative = figs[1].chart
    assert isinstance(cumulative, IndicatorChart)
    assert cumulative.trajectory.baseline == (2020, 0.0) and not cumulative.trajectory.mark_baseline
    assert any("南山县相对落后" in p for p in paras)


def test_problems_and_suggestions_are_drafted_from_the_data_and_marked() -> None:
    doc = doc_of()
    problems, suggestions = doc.sections[5], doc.sections[6]
    assert problems.draft and suggestions.draft
    assert problems.blocks[0].text.startswith(DRAFT_MARK)  # type: ignore[union-attr]
    body = [b for b in problems.blocks[1:] if isinstance(b, Paragraph)]
    assert all(b.draft for b in body)
    text = "".join(b.text for b in body)
    assert "学有所教领域1项" in text and "劳有所得领域1项" in text
    assert "“学前教育毛入园率”" in text  # overdue reporting named
    assert "南山县1项指标相对落后" in text  # sub-region gap
    assert "未报送进展" in text  # the project with no reported state
    assert [b.lead for b in body] == ["一是", "二是", "三是", "四是", "五是"]
    sugg = "".join(b.text for b in suggestions.blocks if isinstance(b, Paragraph))
    assert "市教育局" in sugg and "南山县" in sugg


def test_headline_counts_come_from_evaluate_summary_when_given() -> None:
    data = sample_data(summary={"achieved_or_met": 1, "assessed": 3, "completion_rate": 1 / 3})
    doc = build_document(data, ReportConfig(kind="final"))
    text = "".join(b.text for b in doc.sections[0].blocks if isinstance(b, Paragraph))
    assert "占可评估指标3项的33.3%（指标完成率）" in text
    assert "另有1项指标因未报送数据或无法评估未计入" in text


def test_tasks_without_a_reported_state_print_unreported() -> None:
    sec = doc_of().sections[4]
    table = next(b for b in sec.blocks if isinstance(b, Table))
    cells = [c.text for c in table.rows[0]]  # type: ignore[union-attr]
    assert "建设托育综合服务中心" in cells and "未报送" in cells
    empty = build_document(sample_data(tasks=()), ReportConfig())
    assert "尚未登记" in empty.sections[4].blocks[0].text  # type: ignore[union-attr]


def test_appendix_lists_every_source_once_with_numbers() -> None:
    doc = doc_of()
    sources = next(s for s in doc.appendix if s.key == "appendix-sources")
    table = next(b for b in sources.blocks if isinstance(b, Table))
    listed = [r[1].text for r in table.rows if isinstance(r, tuple)]
    assert len(listed) == len(set(listed))
    assert {"公报2021", "市统计公报2024", "模拟", "规划文本（基期值）"} <= set(listed)
    assert [s.title for s in doc.appendix] == ["附件1：指标分年度数据", "附件2：数据来源及评估方法", "附件3：分地区数据"]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一")])
def test_chinese_section_numbers(n: int, text: str) -> None:
    assert fmt.cn_number(n) == text


def test_number_formatting() -> None:
    assert fmt.number(None) == "未报送"
    assert fmt.number(3.0) == "3" and fmt.number(77.93) == "77.93" and fmt.number(0.12345) == "0.12"
    assert fmt.percent(None) == "—" and fmt.percent(0.8) == "80.0%"


def test_a_plan_without_indicators_still_gives_a_whole_report() -> None:
    empty = ReportData(plan_id="x", plan_title="空规划", region_name="某地", period=(2021, 2025), base_year=2020,
                       year=2023, indicators=())
    doc = build_document(empty, ReportConfig(kind="midterm"))
    assert len(doc.sections) == 7 and "设置主要指标0项" in text_of(doc)
    assert doc.figures() == []
    final = build_document(replace(empty, indicators=(row("b", "学前教育毛入园率", "未报送", "not_reported"),)),
                           ReportConfig(kind="final"))
    assert "1项指标均因未报送数据或无法评估，尚不能计算指标完成率" in text_of(final)


def test_midterm_overview_measures_against_half_time_half_task() -> None:
    text = text_of(doc_of("midterm"))
    assert "对照“时间过半、任务过半”的要求，在已报送数据的3项指标中，1项已完成或达到、快于时序进度" in text


def test_main_indicators_count_the_table_rows_and_prose_targets_are_counted_apart() -> None:
    data = sample_data()
    rows = (*data.indicators, row("e", "新建公办幼儿园数", "进度正常", "on_track", unit="所", main=False))
    doc = build_document(replace(data, indicators=rows), ReportConfig(kind="final"), today=date(2025, 12, 1))
    text = text_of(doc)
    assert "设置主要指标4项，其中约束性指标1项、预期性指标3项，另有正文提出的其他量化目标1项" in text
