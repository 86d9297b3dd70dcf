"""Indicator tables, flattened one cell per line or rendered from real tables."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import Outline


def extract_tables(lines: list[str], outline: Outline) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """(indicator rows with source="table", line spans (first, last) the tables occupy)."""
    return [], []
