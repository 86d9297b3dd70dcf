"""Quantified targets and baselines stated in running text and 专栏 boxes.

The document is cut at the turn from the base period to the plan (see zones):
numbers before it are baseline candidates, numbers after it target candidates.
"""

from __future__ import annotations

from typing import Any

from planwatch.extract.baselines import baseline_record, is_baseline
from planwatch.extract.outline import Outline
from planwatch.extract.prose_targets import targets
from planwatch.extract.quantity_context import mentions
from planwatch.extract.zones import plan_start_line, zones


def _heading_lines(outline: Outline) -> set[int]:
    # 专栏 titles are headings too, but their bodies hold targets: only the title line is skipped.
    return {s.line for s in outline.sections}


def extract_prose_targets(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                          period: tuple[int, int]) -> list[dict[str, Any]]:
    start = plan_start_line(lines, outline)
    heads = _heading_lines(outline)
    return targets(mentions(lines, start, len(lines), skip, heads), outline.domain_at, period)


def extract_baselines(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                      period: tuple[int, int]) -> list[dict[str, Any]]:
    first, plan = zones(lines, outline)
    heads = _heading_lines(outline)
    return [baseline_record(m, period)
            for m in mentions(lines, first, plan - 1, skip, heads) if is_baseline(m, period)]
