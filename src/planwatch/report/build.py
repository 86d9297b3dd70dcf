"""One way to make a plan's evaluation report from the register, used by `planwatch report` and by the
web console's report page: read the plan, evaluate it for the data year, lay it out in one format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planwatch.report.config import KINDS, Kind, ReportConfig, load_config
from planwatch.report.data import sparse_data

FORMATS = ("docx", "pdf", "html")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
KIND_LABELS = {"annual": "年度监测报告", "midterm": "中期评估报告", "final": "总结评估报告"}


@dataclass(frozen=True)
class BuiltReport:
    payload: bytes
    form: str
    plan_id: int
    kind: str
    year: int
    indicators: int  # indicators evaluated
    with_data: int  # of which have a value counted up to the data year
    filename: str  # ASCII, for Content-Disposition and --out defaults

    @property
    def sparse(self) -> bool:
        return sparse_data(self.indicators, self.with_data)


def report_config(kind: Kind, issuer: str | None, config: Any = None) -> ReportConfig:
    return load_config(kind, config, issuer=issuer)


def build_report(session: Any, plan_ref: str | int, kind: Kind, year: int | None, form: str,
                 cfg: ReportConfig | None = None) -> BuiltReport:
    """The report of `plan_ref` as `form` bytes. 编制单位 defaults to the plan's issuer in the register.
    Raises RegisterError (unknown plan) and report.charts.FontMissing (a system font is not installed)."""
    from planwatch.register.queries import evaluation_input, resolve_plan
    from planwatch.report.adapter import evaluate_for_report
    from planwatch.report.cli import benchmarks_of, default_year, render, tasks_of
    from planwatch.report.sections import build_document

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if form not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {form!r}")
    plan = resolve_plan(session, str(plan_ref))
    cfg = cfg or report_config(kind, None)
    if cfg.issuer is None and plan.issuer:
        from dataclasses import replace

        cfg = replace(cfg, issuer=plan.issuer)
    inp = evaluation_input(session, plan.id)
    y = year if year is not None else default_year(kind, inp.plan.period)
    data = evaluate_for_report(inp, y, tasks=tasks_of(session, plan.id, y), benchmarks=benchmarks_of(session, inp))
    doc = build_document(data, cfg)
    payload = render(doc, form)
    return BuiltReport(payload, form, plan.id, kind, y, len(data.indicators), data.with_data,
                       f"plan-{plan.id}-{kind}-{y}.{form}")
