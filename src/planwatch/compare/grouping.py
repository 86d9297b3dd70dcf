"""Which items of different plans measure the same metric.

`group_by_metric` is the one place that decides it: every page, export and report
section that puts plans side by side groups through it. An item that carries the
register's metric id (mapped at import, confirmed or split by a reviewer) is grouped by
that id; an item without one (plain data, a draft not yet in the register) by its name
and unit, with the register's own matching rule (`planwatch.metric_match`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from planwatch.metric_match import compatible_units, metric_key, same_metric, unit_key


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def unit(self) -> str | None: ...


T = TypeVar("T", bound=Named)


@dataclass(frozen=True)
class MetricGroup(Generic[T]):
    id: str  # stable within one register: the normalised name of the first member
    label: str  # the name shown: the first member's (callers put the national plan first)
    unit: str | None  # the first stated unit among the members
    members: tuple[T, ...]


def group_by_metric(items: Iterable[T]) -> list[MetricGroup[T]]:
    """Items (anything with `.name` and `.unit`) in groups of one metric each, in first-seen order.

    An item joins the first group whose first member names the same metric with a compatible
    unit (a blank unit contradicts nothing); otherwise it starts a group. Comparing with the
    first member only keeps groups from drifting (A≈B, B≈C, yet A≠C)."""
    groups: list[list[T]] = []
    heads: list[tuple[str, str, str | None]] = []  # (metric key, name, unit) of each group's first member
    by_key: dict[str, int] = {}
    # Character pairs → groups whose first member's key holds them: names close enough to be one
    # metric share some, so only those groups are compared (the register holds thousands of items).
    by_pair: dict[str, list[int]] = {}
    by_id: dict[int, int] = {}  # register metric id → group
    ids: list[int | None] = []  # each group's metric id (None: grouped by name)
    for item in items:
        key = metric_key(item.name)
        mid = getattr(item, "metric_id", None)
        if mid is not None:
            found = by_id.get(mid)
            if found is None:
                found = by_id[mid] = len(groups)
                groups.append([])
                heads.append((key or str(mid), item.name, item.unit))
                ids.append(mid)
            groups[found].append(item)
            continue
        if not key:
            continue
        found = by_key.get(key)
        if found is not None and not compatible_units(heads[found][2], item.unit):
            found = None
        if found is None:
            candidates = sorted({g for p in _pairs(key) for g in by_pair.get(p, ())})
            found = next((g for g in candidates if ids[g] is None and compatible_units(heads[g][2], item.unit)
                          and same_metric(heads[g][1], item.name)), None)
        if found is None:
            found = len(groups)
            groups.append([])
            heads.append((key, item.name, item.unit))
            ids.append(None)
            by_key.setdefault(key, found)
            for p in _pairs(key):
                by_pair.setdefault(p, []).append(found)
        groups[found].append(item)
    out: list[MetricGroup[T]] = []
    seen_ids: set[str] = set()
    for (key, _, _), mid, members in zip(heads, ids, groups, strict=True):
        gid = f"m{mid}" if mid is not None else key
        n = 2
        while gid in seen_ids:  # same name, incompatible unit: a different metric
            gid = f"{key}~{n}"
            n += 1
        seen_ids.add(gid)
        unit = next((m.unit for m in members if unit_key(m.unit)), None)
        out.append(MetricGroup(gid, members[0].name, unit, tuple(members)))
    return out


def _pairs(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or {key}
