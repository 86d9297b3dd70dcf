"""Section builders: ReportData → the numbered sections of the report.

Each builder reads figures evaluate already produced; it counts and words them
but computes no progress measure of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

from planwatch.evaluate import kinds
from planwatch.evaluate.wording import rate_words
from planwatch.report import fmt
from planwatch.report.config import KIND_NAMES, ReportConfig
from planwatch.report.content import (
    Block,
    Cell,
    Column,
    Cover,
    Document,
    DomainStatusChart,
    Figure,
    GroupRow,
    Heading,
    IndicatorChart,
    Paragraph,
    RegionChart,
    Row,
    Section,
    Table,
    TrajectoryChart,
)
from planwatch.report.data import IndicatorRow, ReportData

OTHER_DOMAIN = "其他"
FAILED = frozenset({"not_met", "below_floor"})  # evaluate codes for a target missed or a floor broken


# --- shared helpers --------------------------------------------------------------


def domain_of(row: IndicatorRow) -> str:
    return row.domain or OTHER_DOMAIN


def domains(data: ReportData) -> list[str]:
    """Domains in plan order (first appearance)."""
    return list(dict.fromkeys(domain_of(r) for r in data.indicators))


def status_order(rows: Iterable[IndicatorRow]) -> list[str]:
    seen = {r.status for r in rows}
    known = [s for s in fmt.STATUS_ORDER if s in seen]
    return known + sorted(seen - set(known))


def lagging(data: ReportData) -> list[IndicatorRow]:
    return [r for r in data.indicators if r.tone in fmt.LAGGING_TONES]


def schedule_of(data: ReportData) -> float | None:
    """The plan-wide 时序进度 as evaluate reported it (the most common S)."""
    values = Counter(round(r.schedule, 6) for r in data.indicators if r.schedule is not None and r.reported)
    return values.most_common(1)[0][0] if values else None


def join_names(names: Iterable[str], limit: int = 6) -> str:
    items = [f"“{n}”" for n in names]
    if len(items) > limit:
        return "、".join(items[:limit]) + f"等{len(items)}项"
    return "、".join(items)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？")) else text + "。"


def count_phrase(counts: Counter[str], order: list[str]) -> str:
    parts = [f"{s}{counts[s]}项" for s in order if counts[s]]
    return "、".join(parts) if parts else "无"


def status_cell(status: str, code: str | None = None) -> Cell:
    t = fmt.tone(status, code)
    return Cell(status, tone=t, bold=t in fmt.LAGGING_TONES)


def baseline_text(r: IndicatorRow) -> str:
    if r.baseline is None:
        return fmt.NOT_APPLICABLE  # the plan gives none: not a reporting gap
    text = fmt.number(r.baseline)
    if r.baseline_year is not None:
        text += f"（{r.baseline_year}年{'，暂用首个观测年' if r.baseline_provisional else ''}）"
    return text


def target_text(r: IndicatorRow) -> str:
    return r.target_raw or fmt.number(r.target_value)


# --- 一、总体情况 ------------------------------------------------------------------


def overview(data: ReportData, cfg: ReportConfig) -> list[Block]:
    rows = data.indicators
    # "设置主要指标N项" counts the indicator table; targets from running text are counted apart.
    n = sum(r.main for r in rows)
    n_other = len(rows) - n
    n_binding = sum(r.binding for r in rows if r.main)
    doms = domains(data)
    order = status_order(rows)
    counts = Counter(r.status for r in rows)
    binding_counts = Counter(r.status for r in rows if r.binding)
    s = schedule_of(data)
    years_ = Counter(r.latest.year for r in rows if r.latest is not None and r.reported)
    latest_year = years_.most_common(1)[0][0] if years_ else None

    blocks: list[Block] = [
        Paragraph(
            f"《{data.plan_title}》（以下简称《规划》）设置主要指标{n}项，其中约束性指标{n_binding}项、"
            f"预期性指标{n - n_binding}项，"
            + (f"另有正文提出的其他量化目标{n_other}项，" if n_other else "")
            + f"涉及{'、'.join(doms)}等{len(doms)}个领域。"
        ),
        Paragraph(
            f"本报告评估截至{data.year}年的规划实施情况。各项指标按其最新数据所属年份计算时序进度"
            + (f"，多数指标最新数据为{latest_year}年，对应时序进度{fmt.percent(s)}" if s is not None and latest_year
               else "")
            + "。各项数据均取自规划登记库中各责任单位报送的数据，数据来源见附件；"
            f"登记库中无数据的指标记为“{fmt.MISSING}”，不作零值处理。"
        ),
    ]
    reported = [r for r in rows if r.tone != "missing"]
    on_track = [r for r in reported if r.tone in ("done", "ahead", "normal")]
    summary = f"从指标状态看，{count_phrase(counts, order)}。"
    if cfg.kind == "final":
        sm = data.summary
        done_n = sm.get("achieved_or_met", sum(r.tone == "done" for r in rows))
        assessed = sm.get("assessed", len(reported))
        rate_ = sm.get("completion_rate", done_n / assessed if assessed else None)
        if not assessed:
            summary += f"{n}项指标均因未报送数据或无法评估，尚不能计算指标完成率。"
        else:
            summary += (
                f"已实现目标（含保持类指标达标）的指标{done_n}项，占可评估指标{assessed}项的"
                f"{fmt.percent(rate_)}（指标完成率）"
                + (f"；另有{n - assessed}项指标因未报送数据或无法评估未计入。" if n > assessed else "。")
            )
    elif cfg.kind == "midterm" and reported:
        summary += (
            f"对照“时间过半、任务过半”的要求，在已报送数据的{len(reported)}项指标中，"
            f"{len(on_track)}项已完成或达到、快于时序进度，占{fmt.percent(len(on_track) / len(reported))}。"
        )
    elif reported:
        summary += f"已报送数据的{len(reported)}项指标中，{len(on_track)}项进展符合或快于时序进度。"
    blocks.append(Paragraph(summary))
    if n_binding:
        blocks.append(Paragraph(f"约束性指标{n_binding}项中，{count_phrase(binding_counts, order)}。"))
    if data.has_simulated:
        blocks.append(
            Paragraph(
                f"说明：登记库中部分数值为模拟数据（仅用于演示预警功能），报告中均标注“{fmt.SIMULATED}”，"
                "不得作为正式评估依据。",
                style="note",
            )
        )

    # Status counts by domain, with the binding indicators on their own row so a
    # binding failure is never averaged into its domain.
    cols = (Column("领域", 3.0, "left"), Column("指标数", 1.2), *(Column(s_, 1.3) for s_ in order))
    table_rows: list[Row] = []
    per_domain = {d: Counter(r.status for r in rows if domain_of(r) == d) for d in doms}
    for d in doms:
        c = per_domain[d]
        table_rows.append(
            (Cell(d, align="left"), Cell(str(sum(c.values()))), *(Cell(str(c[s_] or "")) for s_ in order))
        )
    table_rows.append(
        (Cell("合计", bold=True, align="left"), Cell(str(n), bold=True),
         *(Cell(str(counts[s_] or ""), bold=True) for s_ in order))
    )
    if n_binding:
        table_rows.append(
            (Cell("其中：约束性指标", align="left"), Cell(str(n_binding)),
             *(Cell(str(binding_counts[s_] or "")) for s_ in order))
        )
    blocks.append(Table("表1 各领域指标状态统计", cols, tuple(table_rows), notes=("单位：项。",)))
    if cfg.charts and doms:
        tones = [t for t in fmt.TONE_ORDER if any(r.tone == t for r in rows)]
        chart = DomainStatusChart(
            title="各领域指标状态",
            domains=tuple(doms),
            statuses=tuple(fmt.TONE_GROUPS[t] for t in tones),
            counts=tuple(tuple(sum(1 for r in rows if domain_of(r) == d and r.tone == t) for t in tones)
                         for d in doms),
            tones=tuple(tones),
        )
        blocks.append(Figure(chart, "图1 各领域指标状态分布", key="fig-domains"))
    return blocks


# --- 二、主要指标完成情况 ------------------------------------------------------------


def indicator_table(data: ReportData, cfg: ReportConfig) -> list[Block]:
    cols = (
        Column("序号", 0.9),
        Column("指标名称", 6.0, "left"),
        Column("单位", 1.6),
        Column("属性", 1.5),
        Column("基期值", 2.4),
        Column(f"{data.period[1]}年目标", 2.2),
        Column("最新值", 2.6),
        Column("完成度", 1.6),
        Column("时序进度", 1.6),
        Column("状态", 1.6),
        Column("责任单位", 2.8, "left"),
    )
    rows: list[Row] = []
    no = 0
    for d in domains(data):
        rows.append(GroupRow(d))
        for r in (r for r in data.indicators if domain_of(r) == d):
            no += 1
            rows.append(
                (
                    Cell(str(no)),
                    Cell(r.name, align="left", bold=r.binding),
                    Cell(r.unit or ""),
                    Cell("约束性" if r.binding else "预期性", bold=r.binding),
                    Cell(baseline_text(r)),
                    Cell(target_text(r)),
                    Cell(fmt.point(r.latest), tone="missing" if not r.reported else None),
                    Cell(fmt.percent(r.completion)),
                    Cell(fmt.percent(r.schedule)),
                    status_cell(r.status, r.status_code),
                    Cell(r.lead_department or "", align="left"),
                )
            )
    notes = (
        "约束性指标以粗体标出。",
        "完成度、时序进度和状态由 planwatch 评估模块按规划监测评估方法计算；"
        "保持类、底线类和定性指标只判断是否达标，不计算完成度，记为“—”。",
        f"“{fmt.MISSING}”表示登记库中没有该指标的数据，不按零值计算。",
        "最新值括号内为数据所属年份，其来源见附件。",
    )
    lead = Paragraph(
        f"《规划》{len(data.indicators)}项主要指标的基期值、目标值、最新值及完成情况见表2。"
    )
    return [lead, Table("表2 主要指标完成情况", cols, tuple(rows), notes=notes, font_size=8.0, landscape=True)]


# --- 三、约束性指标完成情况 -----------------------------------------------------------


def binding_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    rows = [r for r in data.indicators if r.binding]
    if not rows:
        return [Paragraph("《规划》未设置约束性指标。")]
    final = cfg.kind == "final"
    order = status_order(rows)
    counts = Counter(r.status for r in rows)
    blocks: list[Block] = [
        Paragraph(
            f"《规划》设置约束性指标{len(rows)}项。约束性指标是政府对人民群众作出的承诺，须确保实现。"
            f"截至{data.year}年，{count_phrase(counts, order)}。"
        )
    ]

    def verdict(r: IndicatorRow) -> Cell:
        t = r.tone
        if r.status == fmt.MISSING:
            return Cell("无法判定（未报送）", tone="missing")
        if final:
            if t == "done":
                return Cell("完成", tone="done")
            if r.status_code in FAILED or (r.latest is not None and r.latest.year >= r.target_year):
                return Cell("未完成", tone="severe", bold=True)
            # Judged on earlier data: the target year's figure decides.
            return Cell(f"待{r.target_year}年数据判定", tone="lag" if r.warnings or t in fmt.LAGGING_TONES else None)
        if r.warnings or t in fmt.LAGGING_TONES:
            return Cell("预警", tone="severe", bold=True)
        return Cell("符合要求", tone="normal")

    cols = (
        Column("序号", 0.9),
        Column("指标名称", 5.0, "left"),
        Column("目标值", 2.2),
        Column("最新值", 2.4),
        Column("状态", 1.5),
        Column("完成判定" if final else "预警", 2.6),
        Column("责任单位", 2.6, "left"),
    )
    table_rows: list[Row] = [
        (
            Cell(str(i)),
            Cell(r.name, align="left"),
            Cell(target_text(r)),
            Cell(fmt.point(r.latest)),
            status_cell(r.status, r.status_code),
            verdict(r),
            Cell(r.lead_department or "", align="left"),
        )
        for i, r in enumerate(rows, 1)
    ]
    blocks.append(Table("表3 约束性指标完成情况", cols, tuple(table_rows)))
    at_risk = [r for r in rows if r.warnings or r.tone in fmt.LAGGING_TONES]
    failed = [r for r in at_risk if r.status_code in FAILED]
    risky = [r for r in at_risk if r.status_code not in FAILED]
    if failed:
        blocks.append(Paragraph(f"其中，{join_names(r.name for r in failed)}未达到目标要求，原因分析见第四部分。"))
    if risky:
        blocks.append(Paragraph(f"{join_names(r.name for r in risky)}存在不能如期完成的风险，预警原因见第四部分。"))
    missing = [r for r in rows if r.status == fmt.MISSING]
    if missing:
        blocks.append(
            Paragraph(f"{join_names(r.name for r in missing)}尚无{data.year}年及以前的数据，无法判定完成情况，请责任单位补报。")
        )
    return blocks


# --- 四、进展滞后指标分析 ------------------------------------------------------------


def _kind(r: IndicatorRow) -> kinds.Kind:
    """The row's target kind (a row built without an evaluation reads as a level)."""
    return kinds.get(r.method or "level")


def trajectory(r: IndicatorRow, base_year: int, references: tuple[tuple[str, float], ...] = ()) -> TrajectoryChart:
    if r.chart_series is not None:
        pts = r.chart_series
    else:
        pts = tuple((p.year, p.value, p.simulated) for p in r.series if p.value is not None)  # type: ignore[misc]
    kind = _kind(r)
    if kind.rate:
        base: tuple[int, float] | None = None  # rates and growth targets have no level path
    elif not kind.baseline_on_chart:
        base = (base_year, 0.0)  # a running sum starts from nothing
    else:
        base = (r.baseline_year, r.baseline) if r.baseline is not None and r.baseline_year is not None else None
    line = r.target_line if r.target_line is not None else (None if kind.rate else r.target_value)
    target = (r.target_year, line) if line is not None else None
    proj = None
    if r.projected_value is not None and kind.shows_projection():
        proj = (r.target_year, r.projected_value)
    return TrajectoryChart(
        title=r.name,
        unit=kind.chart_unit(r.unit),
        points=pts,
        baseline=base,
        target=target,
        target_label=f"目标 {target_text(r)}",
        schedule_path=base is not None and target is not None and kind.schedule_path(),
        projection=proj,
        mark_baseline=kind.baseline_on_chart or kind.rate,
        breaks=tuple(p.year for p in r.series if p.series_break),
        references=references if kind.level_target else (),
    )


def reference_lines(data: ReportData, indicator_id: str) -> tuple[tuple[str, float], ...]:
    """The national and superior plans' targets on the same metric, as reference lines of a chart."""
    b = next((b for b in data.benchmarks if b.indicator_id == indicator_id), None)
    if b is None:
        return ()
    out = []
    if b.national_value is not None:
        out.append((f"全国目标 {b.national_target}", b.national_value))
    if b.superior_value is not None:
        out.append((f"上位规划目标 {b.superior_target}", b.superior_value))
    return tuple(out)


def signed_rate(rate: float) -> str:
    word, size = rate_words(rate)
    return f"年均{word}{fmt.rate(size)}"


def lagging_paragraph(r: IndicatorRow, data: ReportData) -> str:
    u = r.unit or ""
    tgt = target_text(r)
    parts = []
    if r.baseline is not None:
        parts.append(f"该指标{r.baseline_year or data.base_year}年基期值为{fmt.number(r.baseline)}{u}")
    parts.append(f"规划目标为{tgt}{'' if (not u or u in tgt) else u}")
    if r.latest is not None and r.reported:
        label = r.value_label or ""
        val = fmt.point(r.latest, u, with_year=False)
        parts.append(f"{'截至' if label else ''}{r.latest.year}年{label}为{val}")
    text = "，".join(parts)
    if r.completion is not None and r.schedule is not None:
        text += f"，完成度{fmt.percent(r.completion)}，时序进度{fmt.percent(r.schedule)}"
    text += f"，评估状态为“{r.status}”。"
    if r.projected_value is not None and _kind(r).shows_projection():
        how = f"按{r.projection_method}" if r.projection_method else "按现有趋势"
        text += f"{how}推算，{r.target_year}年预计为{fmt.number(r.projected_value)}{u}"
        if r.projection_meets:
            text += "，可如期实现目标。"
        elif r.reach_year and r.reach_year > r.target_year:
            text += f"，预计{r.reach_year}年才能达到目标。"
        else:
            text += "，难以如期实现目标。"
    start = (r.latest.year if r.latest else data.year) + 1
    span = f"{start}年" if start == r.target_year else f"{start}—{r.target_year}年"
    each = "" if start == r.target_year else "年均"
    if r.required_rate is not None and start <= r.target_year:
        text += f"如期实现目标，{span}需{signed_rate(r.required_rate).replace('年均', each)}。"
    elif r.required_change is not None and start <= r.target_year:
        verb = _kind(r).added_verb(r.required_change)
        text += f"如期实现目标，{span}需{each}{verb}{fmt.number(abs(r.required_change))}{u}。"
    text += f"牵头责任单位：{r.lead_department or '未明确'}。"
    return text


def equalisation_text(r: IndicatorRow) -> str | None:
    e = r.equalisation
    if e is None:
        return None
    parts = []
    if e.cv is not None:
        parts.append(f"变异系数{fmt.number(e.cv, 3)}")
    if e.theil is not None:
        parts.append(f"泰尔指数{fmt.number(e.theil, 4)}")
    if e.max_min_ratio is not None:
        parts.append(f"最高与最低之比{fmt.number(e.max_min_ratio)}")
    if e.share_meeting is not None:
        parts.append(f"达到目标的地区占{fmt.percent(e.share_meeting)}")
    text = "分地区看，" + "，".join(parts) if parts else ""
    if e.laggards:
        text += ("，" if text else "分地区看，") + f"{'、'.join(e.laggards)}相对落后"
    return text + "。" if text else None


def region_chart(r: IndicatorRow) -> RegionChart | None:
    if not r.subregions or all(v.value is None for v in r.subregions):
        return None
    return RegionChart(
        title=f"{r.name}（分地区）",
        unit=r.unit,
        names=tuple(v.region_name for v in r.subregions),
        values=tuple(v.value for v in r.subregions),
        simulated=tuple(v.simulated for v in r.subregions),
        target=r.target_value,
    )


def warnings_blocks(data: ReportData, number: int) -> list[Block]:
    """预警事项: each risk by name; overdue reporting counted in one sentence (it is listed in 六)."""
    risks = [w for w in data.warnings if w.kind != "overdue"]
    overdue = [w for w in data.warnings if w.kind == "overdue"]
    if not risks and not overdue:
        return []
    blocks: list[Block] = [Heading(f"（{fmt.cn_number(number)}）预警事项", level=2)]
    text = f"根据评估结果，共有预警事项{len(risks)}项" + ("，见表4" if risks else "")
    if overdue:
        text += f"；另有{len(overdue)}项指标截至{data.year}年的数据逾期未报送（黄色预警），见第六部分"
    blocks.append(Paragraph(text + "。"))
    if risks:
        cols = (Column("序号", 0.8), Column("指标名称", 4.0, "left"), Column("预警", 1.2),
                Column("原因", 8.0, "left"))
        trows: list[Row] = [
            (Cell(str(i)), Cell(w.indicator_name, align="left"), Cell(w.level, tone="severe"),
             Cell(w.reason, align="left"))
            for i, w in enumerate(risks, 1)
        ]
        blocks.append(Table("表4 预警事项清单", cols, tuple(trows)))
    return blocks


def lagging_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    rows = lagging(data)
    if not rows:
        return [Paragraph(f"按截至{data.year}年已报送的数据，暂无进展滞后的指标。"), *warnings_blocks(data, 1)]
    blocks: list[Block] = [
        Paragraph(
            f"截至{data.year}年，{len(rows)}项指标进展滞后，其中严重滞后或未达标"
            f"{sum(r.tone == 'severe' for r in rows)}项，逐项分析如下。"
        )
    ]
    fig_no = 2
    for i, r in enumerate(rows, 1):
        blocks.append(Heading(f"（{fmt.cn_number(i)}）{r.name}{'（约束性）' if r.binding else ''}", level=2))
        blocks.append(Paragraph(lagging_paragraph(r, data)))
        eq = equalisation_text(r)
        if eq:
            blocks.append(Paragraph(eq))
        if cfg.charts and i <= cfg.max_lagging_charts:
            chart = trajectory(r, data.base_year, reference_lines(data, r.id))
            rc = region_chart(r)
            if chart.points or chart.target or rc:
                caption = f"图{fig_no} {r.name}变化趋势" + ("及分地区情况" if rc else "")
                blocks.append(Figure(IndicatorChart(chart, rc), caption, key=f"fig-{fig_no}"))
                fig_no += 1
    if cfg.charts and len(rows) > cfg.max_lagging_charts:
        blocks.append(Paragraph(f"第{cfg.max_lagging_charts + 1}项以后的滞后指标图表从略，数据见附件1。", style="note"))
    blocks += warnings_blocks(data, len(rows) + 1)
    return blocks


# --- 五、重点任务和重大项目进展 ---------------------------------------------------------


def tasks_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    if not data.tasks:
        return [
            Paragraph(
                "规划登记库中尚未登记本规划的重点任务和重大工程项目进展数据。"
                "请牵头单位在登记库中报送各项任务和项目的进展后重新生成本部分。"
            )
        ]
    blocks: list[Block] = []
    labels = {"task": "重点任务", "project": "重大工程项目"}
    for kind, label in labels.items():
        items = [t for t in data.tasks if t.kind == kind]
        if not items:
            continue
        states = Counter(t.state or fmt.MISSING for t in items)
        blocks.append(
            Paragraph(f"《规划》登记{label}{len(items)}项，" + "、".join(f"{k}{v}项" for k, v in states.items()) + "。")
        )
        # 年度 and 说明 say which approved report a state comes from; an item without one is 未报送.
        cols = (Column("序号", 0.7), Column("名称", 4.2, "left"), Column("领域", 1.6), Column("进展", 1.3),
                Column("完成进度", 1.3), Column("年度", 1.1), Column("进展说明及来源", 3.5, "left"),
                Column("责任单位", 2.1, "left"))
        trows: list[Row] = [
            (
                Cell(str(i)),
                Cell(t.name + (f"[{fmt.SIMULATED}]" if t.simulated else ""), align="left"),
                Cell(t.domain or ""),
                status_cell(t.state or fmt.MISSING),
                Cell(fmt.percent(t.progress, 0)),
                Cell(f"{t.year}年" if t.year else ""),
                Cell(t.source or "", align="left"),
                Cell(t.lead_department or "", align="left"),
            )
            for i, t in enumerate(items, 1)
        ]
        blocks.append(Table(f"{label}进展情况", cols, tuple(trows), font_size=8.5))
    return blocks


# --- document ----------------------------------------------------------------------

Builder = Callable[[ReportData, ReportConfig], list[Block]]


COVER_TITLE_COLS = 36  # the cover's title (二号, 22 pt) holds about 18 Chinese characters a line on A4


def sparse_warning(data: ReportData) -> str:
    """The cover's warning when most indicators have no data (data.sparse)."""
    return (f"注意：截至{data.year}年，{len(data.indicators)}项指标中仅{data.with_data}项有已审核数据，"
            "多数指标未报送，本报告的评估结论不完整，请补齐数据后再印发。")


def report_title(data: ReportData, cfg: ReportConfig) -> str:
    name = KIND_NAMES[cfg.kind]
    if cfg.kind == "annual":
        return f"{data.year}年度{name}"
    return f"实施{name}"


def build_document(data: ReportData, cfg: ReportConfig, today: date | None = None) -> Document:
    # Imported here: drafts and appendix build on the helpers above.
    from planwatch.report.appendix import appendix_sections
    from planwatch.report.compare_section import benchmark_section
    from planwatch.report.drafts import problems_section, suggestions_section

    builders: dict[str, Builder] = {
        "overview": overview,
        "indicators": indicator_table,
        "binding": binding_section,
        "lagging": lagging_section,
        "benchmarks": benchmark_section,
        "tasks": tasks_section,
        "problems": problems_section,
        "suggestions": suggestions_section,
    }
    drafted = {"problems", "suggestions"}
    # Sections that say nothing without their data are left out (and not numbered).
    keys = [k for k in cfg.sections if k != "benchmarks" or data.benchmarks]
    sections = tuple(
        Section(
            key=key,
            title=f"{fmt.cn_number(i)}、{cfg.title(key)}",
            blocks=tuple(builders[key](data, cfg)),
            draft=key in drafted,
        )
        for i, key in enumerate(keys, 1)
    )
    today = today or date.today()
    title = report_title(data, cfg)
    from planwatch.textwidth import title_lines

    cover = Cover(
        plan_title=f"《{data.plan_title}》",
        plan_title_lines=tuple(title_lines(f"《{data.plan_title}》", COVER_TITLE_COLS)),
        report_title=title,
        region_name=data.region_name,
        data_year=data.year,
        issuer=cfg.issuer,
        date_text=f"{today.year}年{today.month}月",
        notes=(
            *((sparse_warning(data),) if data.sparse else ()),
            "本报告由 planwatch 根据规划登记库数据自动起草，数据截至"
            f"{data.year}年；“存在的问题”和“下一步工作建议”两部分为初稿，请编制单位修改完善后印发。",
        ),
    )
    return Document(
        title=f"《{data.plan_title}》{title}",
        cover=cover,
        sections=sections,
        appendix=tuple(appendix_sections(data, cfg)) if cfg.appendix else (),
        meta={"plan_id": data.plan_id, "kind": cfg.kind, "year": str(data.year)},
    )
