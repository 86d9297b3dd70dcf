"""Quantified targets and baselines stated in running text and 专栏 boxes.

The document is cut at the turn from the base period to the plan (see zones):
numbers before it are baseline candidates, numbers after it target candidates.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from planwatch.extract.baselines import baseline_record, is_baseline
from planwatch.extract.outline import Outline
from planwatch.extract.prose_targets import dated_fact_year, targets
from planwatch.extract.quantity_context import Mention, mentions
from planwatch.extract.zones import plan_start_line, zones


def _heading_lines(outline: Outline) -> set[int]:
    # 专栏 titles are headings too, but their bodies hold targets: only the title line is skipped.
    return {s.line for s in outline.sections}


class _PlanPart(NamedTuple):
    lines: list[str]
    outline: Outline
    skip: tuple[tuple[int, int], ...]
    period: tuple[int, int]
    targets: list[dict[str, Any]]
    facts: list[Mention]


# The plan part is read once for both its targets and the base facts dated in it
# (the pipeline asks for targets, then baselines, of the same document).
_last: list[_PlanPart] = []


def _plan_part(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
               period: tuple[int, int]) -> _PlanPart:
    key = tuple(skip)
    for part in _last:
        if part.lines is lines and part.outline is outline and part.skip == key and part.period == period:
            return part
    start = plan_start_line(lines, outline)
    heads = _heading_lines(outline)
    facts: list[Mention] = []
    found = targets(mentions(lines, start, len(lines), skip, heads), outline.domain_at, period, facts)
    part = _PlanPart(lines, outline, key, period, found, facts)
    _last[:] = [part]
    return part


def extract_prose_targets(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                          period: tuple[int, int]) -> list[dict[str, Any]]:
    return _plan_part(lines, outline, skip, period).targets


def extract_baselines(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                      period: tuple[int, int]) -> list[dict[str, Any]]:
    """Facts of the base-period part, then base facts dated in the plan part ("2021年…为78岁")."""
    first, plan = zones(lines, outline)
    heads = _heading_lines(outline)
    found = [baseline_record(m, period)
             for m in mentions(lines, first, plan - 1, skip, heads) if is_baseline(m, period)]
    for m in _plan_part(lines, outline, skip, period).facts:
        record = baseline_record(m, period)
        record["year"] = dated_fact_year(m, period)
        found.append(record)
    return found
