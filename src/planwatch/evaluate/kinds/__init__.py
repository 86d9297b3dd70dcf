"""Target kinds, one module each, and the registry every caller dispatches through.

    from planwatch.evaluate import kinds
    kinds.get(c.method).line(c)

Kind names are the extraction contract's (`docs/extraction.md`): level, cumulative,
annual, reduction, change; plus the kinds an evaluation resolves a target to
(`goal.py`): maintain, range, qualitative."""

from __future__ import annotations

from planwatch.evaluate.kinds import (
    annual,
    change,
    cumulative,
    level,
    maintain,
    qualitative,
    range_,
    reduction,
)
from planwatch.evaluate.kinds.base import BulkPart, Frame, Judging, Kind

REGISTRY: dict[str, Kind] = {m.KIND.name: m.KIND for m in (
    level, cumulative, annual, reduction, change, range_, maintain, qualitative)}
BY_CODE: dict[int, Kind] = {k.code: k for k in REGISTRY.values()}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> Kind:
    """The kind module for a kind name; an unknown name is an error naming the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown target kind {name!r}; known: {', '.join(NAMES)}") from None


__all__ = ["BY_CODE", "NAMES", "REGISTRY", "BulkPart", "Frame", "Judging", "Kind", "get"]
