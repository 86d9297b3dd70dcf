"""Bridge from the register to `planwatch.evaluate` and back to what pages show.

The formulas live in `planwatch.evaluate`; the register evaluates on the values that count
(`register.finality`: approved means final, for staff and public alike), picks the data year and
stores the result with the plan's data version (`register.evaluations`); this module turns it into
small records that templates and the API read. Nothing evaluate leaves unanswered
is turned into a zero: it stays None and shows as "—".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from planwatch.register.evaluations import data_year, plan_evaluation
from planwatch.register.finality import counted_statuses


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


def evaluate_register_plan(session: Session, plan_id: int, public: bool, year: int | None = None,
                           subregions: tuple[int, ...] = ()) -> PlanEval:
    """The plan's evaluation: stored when its version has not moved, else computed (and stored) by
    the register (`register.evaluations`). Staff and public count the same values (`statuses_for`).
    Sub-region rows are read for the indicator ids in `subregions` (the pages that show them)."""
    del public  # approved means final for both: one stored evaluation serves both
    r = plan_evaluation(session, plan_id, year, subregions=subregions)
    per = {ref: indicator_eval(e) for ref, e in r.indicators.items()}
    return PlanEval(r.year, per, list(r.early_warnings), dict(r.summary))


def indicator_eval(e: dict[str, Any]) -> IndicatorEval:
    """An indicator's evaluation as the register keeps it (`PlanResult.indicators`) as pages read it."""
    return IndicatorEval(
        status=e["status"], label=e["label"], S=e["S"], P=e["P"], Q=e["Q"], year=e["year"], value=e["value"],
        projection=e["projection"], warnings=list(e["warnings"]), subregions=list(e.get("subregions") or []),
        equalisation=e.get("equalisation"), flags=list(e["flags"]), method=e["method"], target_line=e["target_line"])


__all__ = ["IndicatorEval", "PlanEval", "data_year", "evaluate_register_plan", "indicator_eval", "statuses_for"]
