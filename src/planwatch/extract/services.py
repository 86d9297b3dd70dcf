"""Basic-public-service lists (清单), item by item with their domain."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import Outline


def extract_service_items(lines: list[str], outline: Outline) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """(service items, line spans the lists occupy)."""
    return [], []
