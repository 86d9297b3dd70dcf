"""六、存在的问题 and 七、下一步工作建议, drafted from the data.

The office writes these sections; planwatch only lays out what the data shows
(lagging domains, binding indicators at risk, overdue reporting, gaps between
sub-regions, stalled tasks) so nothing is missed. Every paragraph is marked as
a draft.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from planwatch.report import fmt
from planwatch.report.config import ReportConfig
from planwatch.report.content import Block, Paragraph
from planwatch.report.data import IndicatorRow, ReportData
from planwatch.report.sections import FAILED, domain_of, domains, join_names, lagging, signed_rate

DRAFT_MARK = "【初稿，请修改】"
_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Finding:
    """One problem the data shows, with what to suggest about it."""

    key: str
    problem: str
    suggestion: str


def _departments(rows: list[IndicatorRow]) -> str:
    depts = list(dict.fromkeys(r.lead_department for r in rows if r.lead_department))
    return "、".join(depts) if depts else "各责任单位"


def findings(data: ReportData, cfg: ReportConfig) -> list[Finding]:
    out: list[Finding] = []
    lag = lagging(data)
    final = cfg.kind == "final"
    if lag:
        by_domain = {d: [r for r in lag if domain_of(r) == d] for d in domains(data)}
        parts = [f"{d}领域{len(rs)}项（{join_names(r.name for r in rs)}）" for d, rs in by_domain.items() if rs]
        worst = [r for r in lag if r.tone == "severe"]
        problem = f"部分领域指标进展滞后。{'；'.join(parts)}进展慢于时序进度"
        problem += f"，其中{join_names(r.name for r in worst)}严重滞后。" if worst else "。"
        if final:
            suggestion = (
                f"对未实现目标的指标逐项分析原因，由{_departments(lag)}提出整改措施，"
                "并在下一个五年规划编制中统筹考虑目标设置和保障措施。"
            )
        else:
            need = [r for r in lag if r.required_rate is not None]
            suggestion = f"由{_departments(lag)}针对滞后指标制定专项推进措施，倒排工期、压实责任"
            if need:
                suggestion += "，" + "、".join(f"“{r.name}”需{signed_rate(r.required_rate)}" for r in need[:4])
            suggestion += "，确保如期实现规划目标。"
        out.append(Finding("lagging", problem, suggestion))

    binding_risk = [r for r in data.indicators if r.binding and (r.warnings or r.tone in fmt.LAGGING_TONES)]
    if binding_risk:
        failed = [r for r in binding_risk if r.status_code in FAILED]
        head = "部分约束性指标未完成" if failed else "约束性指标存在不能如期完成的风险"
        detail = (f"{join_names(r.name for r in failed)}未达到目标要求" if failed else "")
        rest = [r for r in binding_risk if r not in failed]
        if rest:
            detail += ("；" if detail else "") + f"{join_names(r.name for r in rest)}进展滞后或有落空风险"
        out.append(
            Finding(
                "binding",
                f"{head}。{detail}。",
                f"将上述约束性指标纳入政府督查和绩效考核，{_departments(binding_risk)}每季度报告推进情况"
                + ("，说明未完成原因并向本级人大常委会报告。" if final else "，确保约束性指标全面完成。"),
            )
        )

    missing = [r for r in data.indicators if r.status == fmt.MISSING or r.overdue]
    if missing:
        out.append(
            Finding(
                "overdue",
                f"监测数据报送不及时、不完整。共{len(missing)}项指标（{join_names(r.name for r in missing)}）"
                f"在规划登记库中缺少{data.year}年数据，无法客观评价其进展。",
                f"请{_departments(missing)}补报缺失年份数据并注明来源，建立指标数据按年报送、审核制度，"
                "明确统计口径和报送时限。",
            )
        )

    gaps = [r for r in data.indicators if r.equalisation and (r.equalisation.laggards or _wide(r))]
    if gaps:
        # One sentence for the spread, one for who lags and in how many indicators,
        # rather than the same county names once per indicator.
        widest = max((r for r in gaps if r.equalisation and r.equalisation.max_min_ratio is not None),
                     key=lambda r: r.equalisation.max_min_ratio or 0.0, default=None)  # type: ignore[union-attr]
        text = f"区域之间发展不够均衡。{len(gaps)}项指标存在地区差距"
        if widest is not None and widest.equalisation is not None:
            text += f"，差距最大的是“{widest.name}”，最高与最低地区之比为{fmt.number(widest.equalisation.max_min_ratio)}"
        counts = Counter(n for r in gaps if r.equalisation for n in r.equalisation.laggards)
        if counts:
            text += "；按指标数计，" + "、".join(f"{n}{k}项" for n, k in counts.most_common(8)) + "指标相对落后"
        out.append(
            Finding(
                "gaps",
                text + "。",
                "加大对"
                + ("、".join(n for n, _ in counts.most_common(8)) if counts else "相对落后地区")
                + "的财政转移支付和资源配置倾斜，推动基本公共服务均等化。",
            )
        )

    stalled = [t for t in data.tasks if t.state in (None, "未启动", "滞后", "进展滞后")]
    if stalled:
        out.append(
            Finding(
                "tasks",
                f"部分重点任务和重大项目推进缓慢或未报送进展（{len(stalled)}项），"
                f"如{join_names((t.name for t in stalled), limit=3)}。",
                "对未启动和进展滞后的任务、项目建立台账，明确完成时限和责任单位，按季度调度。",
            )
        )
    if cfg.kind == "midterm":
        out.append(
            Finding(
                "adjust",
                "",
                "对因发展环境变化确需调整的指标和任务，按程序提出规划调整建议，报原审批机关批准。",
            )
        )
    return out


def _wide(r: IndicatorRow) -> bool:
    e = r.equalisation
    # A max/min ratio above 2 is flagged for the office to look at; the office judges.
    return bool(e and e.max_min_ratio is not None and e.max_min_ratio > 2)


def _numbered(texts: list[str]) -> list[Block]:
    return [
        Paragraph(t, lead=f"{_ORDINALS[i] if i < len(_ORDINALS) else i + 1}是", draft=True)
        for i, t in enumerate(texts)
    ]


def problems_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    texts = [f.problem for f in findings(data, cfg) if f.problem]
    head = Paragraph(DRAFT_MARK + "以下内容根据登记库数据自动归纳，请结合实际修改、补充原因分析。", style="draft-mark")
    if not texts:
        return [head, Paragraph("按现有数据未发现突出问题。请结合工作实际补充。", draft=True)]
    return [head, *_numbered(texts)]


def suggestions_section(data: ReportData, cfg: ReportConfig) -> list[Block]:
    texts = [f.suggestion for f in findings(data, cfg)]
    head = Paragraph(DRAFT_MARK + "以下建议针对上述问题自动起草，请结合实际修改完善。", style="draft-mark")
    if not texts:
        return [head, Paragraph("继续做好规划实施监测，按时报送数据。", draft=True)]
    return [head, *_numbered(texts)]
