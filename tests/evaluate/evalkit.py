"""Shared builders for evaluation tests: an indicator and its observations in two lines."""

from __future__ import annotations

from typing import Any

from planwatch.evaluate.completion import Completion, complete
from planwatch.evaluate.config import DEFAULT_CONFIG, EvaluationConfig
from planwatch.evaluate.engine import evaluate_indicator
from planwatch.evaluate.results import IndicatorEvaluation
from planwatch.evaluate.series import build_series
from planwatch.model import Indicator, Observation, Target

REGION = "511524"


def make_indicator(raw: str, value: float | None, op: str = "=", kind: str = "level", baseline: float | None = None,
                   **kw: Any) -> Indicator:
    target = Target(raw, value, op, kind, kw.pop("year", 2025), kw.pop("low", None), kw.pop("high", None))  # type: ignore[arg-type]
    return Indicator(kw.pop("id", "i1"), "p1", kw.pop("name", "指标"), target, baseline=baseline, **kw)


def make_obs(series: dict[int, Any], ind_id: str = "i1", region: str = REGION, **kw: Any) -> list[Observation]:
    out = []
    for year, v in series.items():
        if isinstance(v, str):
            out.append(Observation(ind_id, region, year, None, judgement=v, **kw))
        else:
            out.append(Observation(ind_id, region, year, v, **kw))
    return out


def completion_of(ind: Indicator, series: dict[int, Any], year: int = 2025, tolerance: float = 0.0) -> Completion:
    return complete(ind, build_series(make_obs(series, ind.id), year), 2020, tolerance)


def evaluate(ind: Indicator, series: dict[int, Any] | list[Observation], year: int = 2025,
             config: EvaluationConfig = DEFAULT_CONFIG) -> IndicatorEvaluation:
    obs = series if isinstance(series, list) else make_obs(series, ind.id)
    return evaluate_indicator(ind, obs, REGION, year, 2020, config)
