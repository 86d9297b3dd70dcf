"""EvaluationInput + evaluate's PlanEvaluation → ReportData.

Every progress figure (S, P, status, projection, 需年均增长, warnings,
equalisation) is taken from evaluate as it is; this module only attaches what a
report also prints: names, departments, the yearly series with their sources,
and the chart lines in each indicator's own terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from planwatch.compare.benchmarks import Benchmark
from planwatch.evaluate import kinds
from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.engine import evaluate_plan
from planwatch.evaluate.results import IndicatorEvaluation, PlanEvaluation
from planwatch.evaluate.rollup import rollup_observations
from planwatch.evaluate.series import build_series
from planwatch.model import EvaluationInput, Indicator, Observation
from planwatch.report.data import (
    BenchmarkRow,
    Equalisation,
    IndicatorRow,
    Point,
    RegionValue,
    ReportData,
    TaskRow,
    WarningItem,
)

SEVERITY = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
PROJECTION_METHODS = {
    "linear": "线性趋势",
    "growth": "不变增速",
    "mean_flow": "年均新增量",
    "realised_rate": "已实现年均增速",
}
ROLLUP_SOURCE = "由下级地区报送数据汇总"

_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}


def cjk_punctuation(text: str) -> str:
    """ASCII , : ; ( ) next to Chinese text → full-width, as official documents print them."""
    def swap(m: re.Match[str]) -> str:
        return _ASCII_PUNCT[m.group(0)]

    text = re.sub(rf"(?<={_CJK})[,:;()]|[,:;()](?={_CJK})", swap, text)
    return text.replace("「", "“").replace("」", "”")


def _accepted(obs: Iterable[Observation], cfg: EvaluationConfig) -> list[Observation]:
    return [o for o in obs if o.status in cfg.accepted_statuses]


def _source_of(candidates: Sequence[Observation], year: int, value: float | None, judgement: str | None,
               simulated: bool) -> str | None:
    """The source of the observation evaluate chose for a year (same value and flags)."""
    same = [o for o in candidates if o.year == year and o.value == value and o.judgement == judgement
            and o.simulated == simulated]
    same.sort(key=lambda o: o.status != "approved")
    return same[0].source if same else None


def _series(ind: Indicator, ev: IndicatorEvaluation, inp: EvaluationInput, year: int,
            cfg: EvaluationConfig, own: list[Observation]) -> tuple[Point, ...]:
    """The region's yearly values exactly as evaluate judged them (its series rules), with sources."""
    obs = own
    if "rolled_up" in ev.flags:
        obs = rollup_observations(ind.id, ind.aggregation, inp.plan.region_code, inp.observations, inp.regions,
                                  cfg.accepted_statuses)
    s = build_series(obs, year, cfg.accepted_statuses)
    acc = _accepted(obs, cfg)
    out = []
    for p in s.points:
        src = _source_of(acc, p.year, p.value, p.judgement, p.simulated)
        if src == "rollup" or "rolled_up" in ev.flags:
            src = f"{ROLLUP_SOURCE}（{'合计' if ind.aggregation == 'sum' else '按人口加权平均'}）"
        out.append(Point(p.year, p.value, p.judgement, p.simulated, src, p.series_break))
    return tuple(out)


def _chart_terms(ind: Indicator, ev: IndicatorEvaluation, series: tuple[Point, ...]
                 ) -> tuple[tuple[tuple[int, float, bool], ...] | None, float | None]:
    """What a trajectory chart plots for this kind of target, and where its target line is."""
    return kinds.get(ev.method).chart(ind.target.value, ev, series)


def _region_names(inp: EvaluationInput) -> dict[str, str]:
    return {r.code: r.name for r in inp.regions}


def indicator_row(ind: Indicator, ev: IndicatorEvaluation, inp: EvaluationInput, year: int,
                  cfg: EvaluationConfig, own: list[Observation], names: dict[str, str],
                  all_obs: list[Observation]) -> IndicatorRow:
    series = _series(ind, ev, inp, year, cfg, own)
    latest = None
    if ev.year is not None and (ev.value is not None or ev.judgement is not None):
        at = next((p for p in series if p.year == ev.year), None)
        if kinds.get(ev.method).value_label is not None:  # a sum over the years (累计)
            flows = [p for p in series if p.year > ev.base_year]
            latest = Point(ev.year, ev.value, None, any(p.simulated for p in flows), "见附件1分年度数据")
        else:
            latest = Point(ev.year, ev.value, ev.judgement, at.simulated if at else False,
                           at.source if at else None, at.series_break if at else False)
    chart_series, target_line = _chart_terms(ind, ev, series)
    eq = None
    if ev.equalisation is not None:
        e = ev.equalisation
        eq = Equalisation(e.cv, e.theil, e.max_min_ratio, e.share_meeting_target,
                          tuple(names.get(c, c) for c in e.laggards))
    subs = []
    sub_obs = [o for o in all_obs if o.indicator_id == ind.id]
    for s in ev.subregions:
        meets = None
        if ev.equalisation is not None and ev.equalisation.share_meeting_target is not None \
                and s.get("value") is not None:
            meets = s["code"] not in ev.equalisation.laggards
        match = [o for o in _accepted(sub_obs, cfg) if o.region_code == s["code"] and o.year == s.get("year")
                 and o.value == s.get("value")]
        subs.append(RegionValue(s["code"], s["name"], s.get("year"), s.get("value"), meets,
                                any(o.simulated for o in match), match[0].source if match else None))
    p = ev.projection
    provisional = ind.baseline is None and "baseline_provisional" in ev.flags
    return IndicatorRow(
        id=ind.id,
        name=ind.name,
        unit=ind.unit,
        domain=ind.domain or "其他",
        binding=ind.binding,
        main=ind.source != "prose",
        target_raw=ind.target.raw,
        target_value=ind.target.value,
        target_year=ind.target.year,
        status=ev.label,
        status_code=ev.status,
        baseline=ind.baseline if ind.baseline is not None else (ev.baseline if provisional else None),
        baseline_year=ind.baseline_year or (ev.base_year if provisional else inp.plan.base_year),
        baseline_provisional=provisional,
        lead_department=ind.lead_department,
        latest=latest,
        completion=ev.P,
        schedule=ev.S,
        projected_value=p.value_at_target,
        projection_method=PROJECTION_METHODS.get(p.method or "", p.method),
        reach_year=p.year_reached,
        required_rate=None if p.required_rate is None else p.required_rate / 100,
        required_change=p.required_change,
        overdue=ev.overdue,
        warnings=tuple(cjk_punctuation(w.reason) for w in ev.warnings if w.kind != "overdue"),
        series=series,
        subregions=tuple(subs),
        equalisation=eq,
        method=ev.method,
        value_label=kinds.get(ev.method).value_label,
        target_line=target_line,
        chart_series=chart_series,
        projection_meets=p.meets_target,
    )


def report_data(inp: EvaluationInput, ev: PlanEvaluation, cfg: EvaluationConfig = DEFAULT_CONFIG,
                tasks: Sequence[TaskRow] = (), benchmarks: Sequence[BenchmarkRow] = ()) -> ReportData:
    names = _region_names(inp)
    by_id = {i.id: i for i in inp.indicators}
    own: dict[str, list[Observation]] = {}
    for o in inp.observations:
        if o.region_code == inp.plan.region_code:
            own.setdefault(o.indicator_id, []).append(o)
    rows = tuple(
        indicator_row(by_id[e.id], e, inp, ev.year, cfg, own.get(e.id, []), names, inp.observations)
        for e in ev.indicators
    )
    children = [r.name for r in inp.regions if r.parent_code == inp.plan.region_code]
    b = cfg.bands
    note = (
        "评估方法：时序进度S=(t−B)/(T−B)，t为数据年份，B为基期年，T为目标年；完成度P按指标类型计算"
        f"（水平类为(Xt−X0)/(XT−X0)，累计类为累计完成量/目标量）；Q=P/S，Q≥{b.ahead:g}为进度超前，"
        f"{b.on_track:g}≤Q<{b.ahead:g}为进度正常，{b.lagging:g}≤Q<{b.on_track:g}为滞后，Q<{b.lagging:g}为严重滞后；"
        "保持类、底线类指标判断是否达标，定性指标按佐证材料判断已实现、推进中或未启动。"
        f"仅采用状态为“已审核”或“已报送”的数据。详见 planwatch 评估方法说明（docs/methodology.md）。"
    )
    return ReportData(
        plan_id=inp.plan.id,
        plan_title=inp.plan.title,
        region_name=names.get(inp.plan.region_code, inp.plan.region_code),
        period=inp.plan.period,
        base_year=inp.plan.base_year,
        year=ev.year,
        indicators=rows,
        tasks=tuple(tasks),
        warnings=tuple(
            WarningItem(w.indicator_id, w.name, SEVERITY.get(w.severity, w.severity), cjk_punctuation(w.reason),
                        w.kind)
            for w in ev.early_warnings
        ),
        subregion_names=tuple(children),
        has_simulated=any(p.simulated for r in rows for p in r.series)
        or any(v.simulated for r in rows for v in r.subregions) or any(t.simulated for t in tasks),
        evaluation_note=note,
        summary=dict(ev.summary),
        benchmarks=tuple(benchmarks),
    )


def evaluate_for_report(inp: EvaluationInput, year: int, cfg: EvaluationConfig = DEFAULT_CONFIG,
                        tasks: Sequence[TaskRow] = (), benchmarks: Sequence[BenchmarkRow] = ()) -> ReportData:
    return report_data(inp, evaluate_plan(inp, year, cfg), cfg, tasks, benchmarks)


def benchmark_rows(inp: EvaluationInput, benchmarks: Mapping[str, Benchmark]) -> list[BenchmarkRow]:
    """compare's benchmarks (item id → Benchmark) as report rows, in the plan's order."""
    out = []
    for ind in inp.indicators:
        b = benchmarks.get(ind.id)
        if b is None:
            continue
        n, s = b.national, b.superior
        out.append(BenchmarkRow(
            indicator_id=ind.id, name=ind.name, unit=ind.unit, target_raw=ind.target.raw,
            target_value=ind.target.value,
            national_target=n.target_raw if n else None, national_value=n.target_value if n else None,
            national_stance=b.national_stance,
            superior_plan=s.plan_title if s else None, superior_region=s.region if s else None,
            superior_target=s.target_raw if s else None, superior_value=s.target_value if s else None,
            superior_stance=b.superior_stance))
    return out
