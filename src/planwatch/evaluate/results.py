"""Plain result types of an evaluation, with their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from planwatch.evaluate.equalisation import Equalisation
from planwatch.evaluate.projection import Projection


@dataclass(frozen=True)
class Warning:
    kind: str  # binding_at_risk | floor_not_met | seriously_lagging | backwards | running_total | overdue
    severity: str  # red | orange | yellow
    indicator_id: str
    name: str
    reason: str  # one Chinese sentence

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "severity": self.severity, "indicator_id": self.indicator_id,
                "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class IndicatorEvaluation:
    id: str
    name: str
    domain: str | None
    unit: str | None
    binding: bool
    target_raw: str
    target_year: int
    method: str
    direction: int
    region_code: str
    status: str  # code, see status.LABELS
    label: str  # Chinese status label
    S: float | None
    P: float | None
    Q: float | None
    baseline: float | None
    base_year: int
    value: float | None
    year: int | None
    projection: Projection
    overdue: bool
    backwards: bool
    judgement: str | None = None
    flags: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[Warning, ...] = ()
    subregions: tuple[dict[str, Any], ...] = ()
    equalisation: Equalisation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "domain": self.domain, "unit": self.unit,
            "binding": self.binding, "attribute": "约束性" if self.binding else "预期性",
            "target": self.target_raw, "target_year": self.target_year, "method": self.method,
            "direction": "up" if self.direction > 0 else "down", "region_code": self.region_code,
            "status": self.label, "status_code": self.status,
            "S": self.S, "P": self.P, "Q": self.Q,
            "baseline": self.baseline, "base_year": self.base_year, "value": self.value, "year": self.year,
            "judgement": self.judgement, "overdue": self.overdue, "backwards": self.backwards,
            "projection": self.projection.to_dict(), "flags": list(self.flags), "detail": self.detail,
            "warnings": [w.to_dict() for w in self.warnings],
            "subregions": list(self.subregions),
            "equalisation": self.equalisation.to_dict() if self.equalisation else None,
        }


@dataclass(frozen=True)
class PlanEvaluation:
    plan_id: str
    title: str
    region_code: str
    year: int
    indicators: tuple[IndicatorEvaluation, ...]
    summary: dict[str, Any]
    early_warnings: tuple[Warning, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"plan": {"id": self.plan_id, "title": self.title, "region_code": self.region_code},
                "year": self.year, "indicators": [i.to_dict() for i in self.indicators],
                "summary": self.summary, "early_warnings": [w.to_dict() for w in self.early_warnings]}
