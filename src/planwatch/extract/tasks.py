"""Qualitative commitments (全覆盖, 应保尽保 ...) and named projects (工程, 行动 ...)."""

from __future__ import annotations

from typing import Any

from planwatch.extract.outline import Outline


def extract_tasks(lines: list[str], outline: Outline, skip: list[tuple[int, int]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(tasks, projects)."""
    return [], []
