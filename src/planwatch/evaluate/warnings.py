"""预警: the early-warning list for a plan and year, each reason in one Chinese sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planwatch.evaluate import kinds
from planwatch.evaluate.results import IndicatorEvaluation, Warning
from planwatch.evaluate.status import AT_RISK, RANK
from planwatch.evaluate.wording import rate_words, worse_than

_SEVERITY_ORDER = {"red": 0, "orange": 1, "yellow": 2}
_KIND_ORDER = {"binding_at_risk": 0, "floor_not_met": 1, "seriously_lagging": 2, "backwards": 3,
               "running_total": 4, "overdue": 5}
_MODEL = {"linear": "线性", "growth": "不变增速", "mean_flow": "年均新增", "realised_rate": "已实现增速"}


def fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _distinct(x: float | None, target_raw: str) -> str:
    """x printed with enough digits not to read as the target it misses (2.596 is not 「2.6」)."""
    text = fmt(x)
    digits = 2
    while digits < 6 and x is not None and text in target_raw:
        digits += 1
        text = fmt(x, digits)
    return text


def _value(e: IndicatorEvaluation) -> str:
    return f"{fmt(e.value)}{e.unit or ''}" if e.value is not None else (e.judgement or "—")


def _progress_clause(e: IndicatorEvaluation) -> str:
    text = f"完成度{pct(e.P)},时序进度{pct(e.S)}"
    rate = e.projection.required_rate
    rate_target = kinds.get(e.method).rate
    if rate is not None and not rate_target:
        word, size = rate_words(rate)
        text += f",今后需年均{word}{fmt(size)}%"
    elif rate_target and e.detail.get("required_rate") is not None:
        word, size = rate_words(e.detail["required_rate"])
        text += f",今后需年均{word}{fmt(size)}%(目标{fmt(e.detail['target_rate'])}%)"
    return text


def _binding_reason(e: IndicatorEvaluation) -> str | None:
    head = f"约束性指标「{e.name}」"
    if e.status == "below_floor":
        return f"{head}{e.year}年为{_value(e)},未达到目标「{e.target_raw}」的底线要求。"
    if e.status == "not_met":
        return f"{head}{e.year}年为{_value(e)},未完成{e.target_year}年目标「{e.target_raw}」。"
    if e.status == "not_started":
        return f"{head}尚未启动,目标「{e.target_raw}」须在{e.target_year}年前实现。"
    if e.status in AT_RISK:
        return f"{head}{_progress_clause(e)},{e.label},目标「{e.target_raw}」有落空风险。"
    p = e.projection
    if p.meets_target is False:
        return (f"{head}按{_MODEL.get(p.method or '', '')}趋势预计{e.target_year}年为"
                f"{_distinct(p.value_at_target, e.target_raw)}{'%' if kinds.get(e.method).rate else (e.unit or '')},"
                f"达不到目标「{e.target_raw}」,预计难以完成。")
    years = e.detail.get("years_not_met")
    if years:
        return f"{head}{'、'.join(str(y) for y in years)}年未达到目标「{e.target_raw}」的底线要求。"
    return None


def indicator_warnings(e: IndicatorEvaluation, evaluation_year: int) -> tuple[Warning, ...]:
    out: list[Warning] = []

    def add(kind: str, severity: str, reason: str) -> None:
        out.append(Warning(kind, severity, e.id, e.name, reason))

    if e.binding:
        reason = _binding_reason(e)
        if reason:
            add("binding_at_risk", "red", reason)
    if not e.binding and e.status == "below_floor":
        add("floor_not_met", "orange", f"「{e.name}」{e.year}年为{_value(e)},未达到目标「{e.target_raw}」的要求。")
    if not e.binding and e.status == "seriously_lagging":
        add("seriously_lagging", "orange",
            f"「{e.name}」{_progress_clause(e)},仅达时序要求的{pct(e.Q)},严重滞后。")
    if e.backwards:
        prev = e.detail.get("previous")
        if e.P is not None and e.P < 0 and e.baseline is not None:
            why = f"{worse_than(e.direction)}{e.base_year}年基期值{fmt(e.baseline)}{e.unit or ''}"
        elif prev:
            why = f"较{prev['year']}年的{fmt(prev['value'])}{e.unit or ''}倒退"
        else:
            why = "出现负增长"
        add("backwards", "orange" if e.binding else "yellow", f"「{e.name}」{e.year}年为{_value(e)},{why}。")
    if "looks_running_total" in e.flags:
        add("running_total", "yellow",
            f"「{e.name}」各年数值逐年递增,疑似逐年累计数而非当年新增量,已按当年新增合计为{_value(e)};"
            "请确认该指标的数据口径。")
    if e.overdue:
        if e.year is None:
            add("overdue", "yellow", f"「{e.name}」{evaluation_year}年数据未报送,且尚无任何数据。")
        else:
            add("overdue", "yellow", f"「{e.name}」{evaluation_year}年数据未报送,最近数据为{e.year}年。")
    return tuple(out)


def early_warnings(evals: Sequence[IndicatorEvaluation]) -> tuple[Warning, ...]:
    order = {e.id: i for i, e in enumerate(evals)}
    ws = [w for e in evals for w in e.warnings]
    return tuple(sorted(ws, key=lambda w: (_SEVERITY_ORDER[w.severity], _KIND_ORDER.get(w.kind, 9),
                                           order.get(w.indicator_id, 0))))


# Warnings that say a target may be missed (not a reporting gap or a data-口径 doubt).
RISK_KINDS = frozenset({"binding_at_risk", "floor_not_met", "seriously_lagging", "backwards"})


def risk_key(status: str, binding: bool, warnings: Iterable[tuple[str, str]],
             Q: float | None = None) -> tuple[float, ...] | None:
    """How severe an indicator's risk is, as a sort key (smaller first), or None when it is not at risk.

    The one severity rule every risk list uses (the dashboard, its filtered list): an indicator is at
    risk when its status is one of `status.AT_RISK` or it carries a warning of `RISK_KINDS`; it is ordered
    as the warning list is (severity, then kind: a binding target at risk first), then by how bad its
    status is (`status.RANK`), 约束性 before 预期性, then by how far behind schedule it is (Q = P/S)."""
    risky = [(kind, sev) for kind, sev in warnings if kind in RISK_KINDS]
    if status not in AT_RISK and not risky:
        return None
    severity = min((_SEVERITY_ORDER.get(sev, 3) for _, sev in risky), default=len(_SEVERITY_ORDER))
    kind = min((_KIND_ORDER.get(k, 9) for k, _ in risky), default=9)
    return (severity, kind, -RANK.get(status, 0), 0 if binding else 1, Q if Q is not None else float("inf"))
