"""Compare plans and regions: one metric across plans, scorecards, benchmarks against superior
and national targets. Plain data in, plain data out: no ORM, no web framework."""

from planwatch.compare.benchmarks import Benchmark, superior_chain, target_stance
from planwatch.compare.grouping import MetricGroup, group_by_metric
from planwatch.compare.scorecard import ComparePlan, Scorecard, ScoreRow, build_scorecard, metric_detail

__all__ = ["Benchmark", "ComparePlan", "MetricGroup", "ScoreRow", "Scorecard", "build_scorecard",
           "group_by_metric", "metric_detail", "superior_chain", "target_stance"]
