"""Audit a plan before it is issued: internal consistency, directions, numbers that cannot be
right, the period, and the fit with the superior or national plan and the national basic
public service standard. A functional core: plain extraction JSON in, findings out."""

from __future__ import annotations

from typing import Any

from planwatch.audit import checks
from planwatch.audit.findings import Finding, ranked

__all__ = ["Finding", "audit_plan"]


def audit_plan(data: dict[str, Any], lines: list[str] | None = None, *, superior: dict[str, Any] | None = None,
               superior_label: str = "上位规划", standard: list[dict[str, str]] | None = None,
               limit: int | None = 30) -> list[Finding]:
    """Findings for one plan, most severe first. `lines` is the document text the line numbers refer
    to (for numbers garbled in publication); only the plan's own body is read, never the notice."""
    found = [*checks.inconsistencies(data), *checks.directions(data), *checks.implausible(data),
             *checks.periods(data)]
    if lines is not None:
        found += checks.garbled(lines)
    if superior is not None:
        found += checks.against_superior(data, superior, superior_label)
    if standard:
        found += checks.missing_services(data, standard)
    return ranked(found, limit)
