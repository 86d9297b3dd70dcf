"""与上位规划及全国对比: the plan's targets beside the national and superior plans' targets on the
same metric, with the plan's own latest value and status (figures evaluate already produced)."""

from __future__ import annotations

from planwatch.report import fmt
from planwatch.report.config import ReportConfig
from planwatch.report.content import Block, Cell, Column, Paragraph, Row, Table
from planwatch.report.data import BenchmarkRow, ReportData
from planwatch.report.sections import join_names, status_cell

STANCE = {"stricter": "严于", "same": "持平", "weaker": "宽于"}


def _bench(target: str | None, stance: str | None, region: str | None = None) -> Cell:
    if not target:
        return Cell("—")
    text = f"{region}{target}" if region else target
    return Cell(f"{text}（{STANCE[stance]}）" if stance else text, tone="lag" if stance == "weaker" else None)


def _stance_sentence(rows: list[BenchmarkRow], side: str, what: str) -> str | None:
    judged = [(r, getattr(r, f"{side}_stance")) for r in rows if getattr(r, f"{side}_stance")]
    if not judged:
        return None
    parts = []
    for stance in ("stricter", "same", "weaker"):
        names = [r.name for r, s in judged if s == stance]
        if names:
            parts.append(f"{STANCE[stance]}{what}的{len(names)}项" + (f"（{join_names(names)}）" if stance == "weaker" else ""))
    return f"与{what}相比，目标可比的{len(judged)}项中，" + "，".join(parts) + "。"


def benchmark_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    rows = list(data.benchmarks)
    if not rows:
        return [Paragraph("登记库中没有与本规划同一指标的全国或上位规划目标，暂不对比。")]
    by_id = {r.id: r for r in data.indicators}
    national = sum(1 for b in rows if b.national_target)
    superior = sum(1 for b in rows if b.superior_target)
    sup_plans = sorted({b.superior_plan for b in rows if b.superior_plan})
    lead = f"《规划》有{len(rows)}项指标与全国或上位规划的同一指标可比：与全国规划可比{national}项"
    lead += f"，与上位规划（{'、'.join(f'《{p}》' for p in sup_plans)}）可比{superior}项。" if superior else "。"
    blocks: list[Block] = [Paragraph(lead)]
    for side, what in (("national", "全国目标"), ("superior", "上位规划目标")):
        sentence = _stance_sentence(rows, side, what)
        if sentence:
            blocks.append(Paragraph(sentence))
    cols = (
        Column("序号", 0.9),
        Column("指标名称", 6.0, "left"),
        Column("单位", 1.6),
        Column("本规划目标", 2.4),
        Column("最新值", 2.6),
        Column("状态", 1.6),
        Column("全国目标", 3.0),
        *((Column("上位规划目标", 3.4),) if superior else ()),
    )
    table: list[Row] = []
    for n, b in enumerate(rows, 1):
        r = by_id.get(b.indicator_id)
        table.append((
            Cell(str(n)),
            Cell(b.name, align="left", bold=bool(r and r.binding)),
            Cell(b.unit or ""),
            Cell(b.target_raw or "—"),
            Cell(fmt.point(r.latest) if r else "—", tone="missing" if r is None or not r.reported else None),
            status_cell(r.status, r.status_code) if r else Cell("—"),
            _bench(b.national_target, b.national_stance),
            *((_bench(b.superior_target, b.superior_stance, b.superior_region),) if superior else ()),
        ))
    notes = (
        "同一指标按名称（去除范围词、限定语，统一同义词）和计量单位判定；目标“严于/持平/宽于”按指标方向比较目标值"
        "（越低越好的指标，数值更低为更严）。",
        *(("上位规划指覆盖本地区的上一级行政区划中最近一级已登记的规划。",) if superior else ()),
    )
    blocks.append(Table("表5 与上位规划及全国目标对比", cols, tuple(table), notes=notes, font_size=8.5))
    return blocks
