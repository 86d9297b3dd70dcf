"""Settings of an evaluation: status bands, tolerance, which observations count."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Bands:
    """Q = P/S thresholds (Q ≥ ahead: 超前; ≥ on_track: 正常; ≥ lagging: 滞后; below: 严重滞后).

    Defaults follow Cascade's 95–105 % "on track" band and Open SDG's 0.60
    "moderate" cut (ANCHORS §4.5)."""

    ahead: float = 1.05
    on_track: float = 0.95
    lagging: float = 0.60

    def __post_init__(self) -> None:
        if not self.ahead >= self.on_track >= self.lagging >= 0:
            raise ValueError("bands must satisfy ahead ≥ on_track ≥ lagging ≥ 0")


@dataclass(frozen=True)
class EvaluationConfig:
    bands: Bands = field(default_factory=Bands)
    # Maintain/floor/range targets: a value within this distance (in the indicator's
    # unit, e.g. 0.5 percentage points) of the line still counts as met. Default strict,
    # because 约束性 floors must be met ("确保实现").
    maintain_tolerance: float = 0.0
    # Observations in these workflow states are evaluated; draft/returned never are.
    accepted_statuses: tuple[str, ...] = ("approved", "submitted")
    # Reduction targets (降低 p%): linear time share, or the constant-rate path 1-(1-p)^s.
    reduction_schedule: Literal["linear", "geometric"] = "linear"
    # Projection: a model is preferred on fit only if its RMSE is below this share of the other's.
    clear_fit_ratio: float = 0.5
    # Data for year Y is overdue when the latest value is older than Y - grace.
    overdue_grace_years: int = 0
    # Cumulative targets whose yearly values are running totals (累计 since the base year), by
    # indicator id: ("p3-i12", "running"). An indicator's own `cumulative_convention` wins.
    cumulative_conventions: tuple[tuple[str, Literal["annual", "running"]], ...] = ()

    def convention_of(self, indicator_id: str) -> Literal["annual", "running"] | None:
        return next((c for i, c in self.cumulative_conventions if i == indicator_id), None)


DEFAULT_CONFIG = EvaluationConfig()
