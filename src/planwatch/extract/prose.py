"""Quantified targets and baselines stated in running text and 专栏 boxes."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import Outline


def extract_prose_targets(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                          period: tuple[int, int]) -> list[dict[str, Any]]:
    return []


def extract_baselines(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                      period: tuple[int, int]) -> list[dict[str, Any]]:
    return []
