"""The appendix: every figure printed in the report, year by year, with the
source each came from, so a reader can check any number."""

from __future__ import annotations

from collections import Counter

from planwatch.report import fmt
from planwatch.report.config import ReportConfig
from planwatch.report.content import Block, Cell, Column, GroupRow, Paragraph, Row, Section, Table
from planwatch.report.data import IndicatorRow, Point, ReportData
from planwatch.report.sections import domain_of, domains

NO_SOURCE = "（登记库未记录来源）"


class SourceIndex:
    """Numbers sources in order of first use: [1], [2], …"""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def ref(self, source: str | None) -> int:
        key = (source or "").strip() or NO_SOURCE
        return self._ids.setdefault(key, len(self._ids) + 1)

    def items(self) -> list[tuple[int, str]]:
        return [(i, s) for s, i in self._ids.items()]


def _cell(p: Point | None, sources: SourceIndex) -> Cell:
    if p is None or (p.value is None and not p.judgement):
        return Cell(fmt.MISSING, tone="missing")
    text = fmt.number(p.value) if p.value is not None else str(p.judgement)
    text += f"[{sources.ref(p.source)}]"
    if p.simulated:
        text += "*"
    if p.series_break:
        text += "†"
    return Cell(text)


REGION_COLUMNS = 8  # sub-regions per table; more are continued in a further table


def _regional_tables(rows: list[IndicatorRow], sources: SourceIndex) -> list[Block]:
    """Indicators × sub-regions, latest values; a cell below the target is shaded."""
    names = list(dict.fromkeys(v.region_name for r in rows for v in r.subregions))
    blocks: list[Block] = []
    chunks = [names[i:i + REGION_COLUMNS] for i in range(0, len(names), REGION_COLUMNS)]
    for k, chunk in enumerate(chunks, 1):
        cols = (Column("指标名称", 5.0, "left"), Column("单位", 1.4), Column("年份", 1.2),
                *(Column(n, 1.8) for n in chunk))
        trows: list[Row] = []
        for r in rows:
            by_name = {v.region_name: v for v in r.subregions}
            years = Counter(v.year for v in r.subregions if v.year is not None)
            common = years.most_common(1)[0][0] if years else None
            cells = []
            for n in chunk:
                v = by_name.get(n)
                if v is None or v.value is None:
                    cells.append(Cell(fmt.MISSING, tone="missing"))
                    continue
                p = Point(v.year or 0, v.value, simulated=v.simulated, source=v.source)
                c = _cell(p, sources)
                text = c.text if v.year == common else f"{c.text}（{v.year}年）"
                cells.append(Cell(text, tone="lag" if v.meets_target is False else None))
            trows.append((Cell(r.name, align="left"), Cell(r.unit or ""), Cell(str(common or "")), *cells))
        caption = "附表3 分地区最新数据" + (f"（续{k - 1}）" if k > 1 else "")
        notes = ("底色标出的数值未达到规划目标；括号内年份与该行“年份”不同。",) if k == len(chunks) else ()
        blocks.append(Table(caption, cols, tuple(trows), notes=notes, font_size=8.0, landscape=len(chunk) > 4))
    return blocks


def appendix_sections(data: ReportData, cfg: ReportConfig) -> list[Section]:
    sources = SourceIndex()
    years = list(range(data.base_year, data.year + 1))
    cols = (
        Column("序号", 0.8),
        Column("指标名称", 5.5, "left"),
        Column("单位", 1.4),
        *(Column(f"{y}年", 1.7) for y in years),
    )
    rows: list[Row] = []
    no = 0
    for d in domains(data):
        rows.append(GroupRow(d))
        for r in (r for r in data.indicators if domain_of(r) == d):
            no += 1
            by_year = {p.year: p for p in r.series}
            cells = []
            for y in years:
                p = by_year.get(y)
                if p is None and y == r.baseline_year and r.baseline is not None:
                    # The baseline comes from the plan document itself.
                    cells.append(Cell(f"{fmt.number(r.baseline)}[{sources.ref('规划文本（基期值）')}]"))
                else:
                    cells.append(_cell(p, sources))
            rows.append((Cell(str(no)), Cell(r.name, align="left"), Cell(r.unit or ""), *cells))
    notes = [
        "方括号内数字为数据来源编号，见附件2。",
        f"“{fmt.MISSING}”表示登记库中没有该年度数据。",
    ]
    if any(p.simulated for r in data.indicators for p in r.series):
        notes.append(f"带“*”的数值为{fmt.SIMULATED}，仅用于演示，不作为评估依据。")
    if any(p.series_break for r in data.indicators for p in r.series):
        notes.append("带“†”的数值统计口径发生调整，与此前年份不可直接比较。")
    table = Table("附表1 指标分年度数据", cols, tuple(rows), notes=tuple(notes), font_size=8.0, landscape=True)
    out = [Section("appendix-data", "附件1：指标分年度数据", (table,))]

    regional = [r for r in data.indicators if r.subregions]
    if regional:
        out.append(Section("appendix-regions", "附件3：分地区数据", tuple(_regional_tables(regional, sources))))

    src_rows: list[Row] = [(Cell(str(i)), Cell(s, align="left")) for i, s in sources.items()]
    blocks: list[Block] = [Paragraph(data.evaluation_note, style="note")] if data.evaluation_note else []
    blocks.append(Table("附表2 数据来源", (Column("编号", 0.8), Column("来源", 12.0, "left")), tuple(src_rows)))
    # Sources are numbered while the tables above are built, so this comes second
    # in code but is listed as 附件2.
    out.insert(1, Section("appendix-sources", "附件2：数据来源及评估方法", tuple(blocks)))
    return out
