"""Evaluation: 时序进度, 完成度, status, projection, roll-up, equalisation and early warning.

A pure functional core: plain model types in, plain dataclasses (with `.to_dict()`) out.
No ORM and no web imports here; the register, web pages, reports and CLI all call it."""

from planwatch.evaluate.config import Bands, EvaluationConfig
from planwatch.evaluate.engine import evaluate_indicator, evaluate_plan, evaluate_plans

__all__ = ["Bands", "EvaluationConfig", "evaluate_indicator", "evaluate_plan", "evaluate_plans"]
