"""From raw observations to the one series an indicator is judged on.

Order-independent by construction: observations are keyed by year, and duplicates
for one year are resolved by a fixed preference, never by arrival order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planwatch.model import Observation

# Lower is preferred when one year has several values.
_STATUS_PREFERENCE = {"approved": 0, "submitted": 1, "draft": 2, "returned": 3}


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None
    judgement: str | None = None
    series_break: bool = False
    simulated: bool = False
    provisional: bool = False  # not yet approved


@dataclass(frozen=True)
class Series:
    points: tuple[Point, ...]  # sorted by year, one per year, all ≤ the evaluation year
    duplicate_years: tuple[int, ...] = ()

    @property
    def years(self) -> list[int]:
        return [p.year for p in self.points]

    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    def break_year(self) -> int | None:
        """First year of the latest comparable segment (口径调整), if any break occurred."""
        breaks = [p.year for p in self.points if p.series_break]
        return max(breaks) if breaks else None

    def up_to(self, year: int) -> Series:
        """The points no later than `year` (a target is judged on data up to its own year)."""
        if not self.points or self.points[-1].year <= year:
            return self
        return Series(tuple(p for p in self.points if p.year <= year),
                      tuple(y for y in self.duplicate_years if y <= year))

    def segment(self) -> tuple[Point, ...]:
        """Points of the latest segment: a series break is never bridged."""
        b = self.break_year()
        return self.points if b is None else tuple(p for p in self.points if p.year >= b)


def _preference(o: Observation) -> tuple[int, bool, float, str]:
    value = o.value if o.value is not None else float("inf")
    return (_STATUS_PREFERENCE.get(o.status, 9), o.simulated, value, o.judgement or "")


def build_series(observations: Iterable[Observation], up_to_year: int,
                 accepted_statuses: tuple[str, ...] = ("approved", "submitted")) -> Series:
    by_year: dict[int, list[Observation]] = {}
    for o in observations:
        if o.year > up_to_year or o.status not in accepted_statuses:
            continue
        if o.value is None and not o.judgement:
            continue
        by_year.setdefault(o.year, []).append(o)
    points = []
    dups = []
    for year in sorted(by_year):
        group = by_year[year]
        if len(group) == 1:  # the usual case: one value a year, nothing to prefer
            o = group[0]
            points.append(Point(year, o.value, o.judgement, bool(o.series_break), o.simulated,
                                o.status != "approved"))
            continue
        group = sorted(group, key=_preference)
        if len({(o.value, o.judgement) for o in group}) > 1:
            dups.append(year)
        o = group[0]
        points.append(Point(year, o.value, o.judgement, any(g.series_break for g in group), o.simulated,
                            o.status != "approved"))
    return Series(tuple(points), tuple(dups))
