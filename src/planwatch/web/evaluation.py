"""Bridge from the register to `planwatch.evaluate` and back to what pages show.

The formulas live in `planwatch.evaluate`; this module takes the data year from
`register.rounds.data_year` (the one rule every page uses), asks the register which
workflow states count (`register.finality`: approved means final, for staff and public
alike) and flattens the answer into small
records that templates and the API read. Nothing evaluate leaves unanswered
is turned into a zero: it stays None and shows as "—".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from planwatch.evaluate import EvaluationConfig, evaluate_plan, kinds
from planwatch.register.finality import counted_statuses
from planwatch.register.queries import evaluation_input as register_input
from planwatch.register.rounds import data_year


@dataclass
class IndicatorEval:
    status: str = "not_reported"
    label: str | None = None
    S: float | None = None
    P: float | None = None
    Q: float | None = None
    year: int | None = None
    value: float | None = None
    projection: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    subregions: list[dict[str, Any]] = field(default_factory=list)
    equalisation: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)
    method: str | None = None  # the target kind the evaluation judged by (planwatch.evaluate.kinds)
    target_line: float | None = None  # the level a chart draws as the target (None: no level)


@dataclass
class PlanEval:
    year: int | None
    indicators: dict[str, IndicatorEval]
    early_warnings: list[dict[str, Any]]
    summary: dict[str, Any]


def statuses_for(public: bool) -> tuple[str, ...]:
    """The workflow states that count on a page. Staff and public alike: pending values are shown to
    staff marked 待审核 but never counted (status, completion, data year)."""
    return counted_statuses()


def evaluate_register_plan(session: Session, plan_id: int, public: bool, year: int | None = None) -> PlanEval:
    statuses = statuses_for(public)
    # Evaluation never even receives the values that do not count.
    inp = register_input(session, plan_id, statuses)
    year = year or data_year(session, inp, statuses)
    result = evaluate_plan(inp, year, EvaluationConfig(accepted_statuses=statuses))
    per: dict[str, IndicatorEval] = {}
    targets = {i.id: i.target.value for i in inp.indicators}
    for e in result.indicators:
        per[e.id] = IndicatorEval(
            status=e.status, label=e.label, S=e.S, P=e.P, Q=e.Q, year=e.year, value=e.value,
            projection=e.projection.to_dict(), warnings=[w.reason for w in e.warnings],
            subregions=list(e.subregions), equalisation=e.equalisation.to_dict() if e.equalisation else None,
            flags=list(e.flags), method=e.method,
            target_line=kinds.get(e.method).chart(targets.get(e.id), e, ())[1])
    return PlanEval(year, per, [w.to_dict() for w in result.early_warnings], dict(result.summary))
