"""What the leader's risk dashboard reads from the register besides evaluations: the plans,
their regions (names and parents, for the map's groups and tiles) and the regions' stored outlines. Each
read is bounded by the regions a page shows (or by the outlines imported), never by the register's size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from planwatch.register.boundaries import boundaries
from planwatch.register.regions import region_names
from planwatch.register.schema import Indicator, Plan, Region, RegionBoundary


def plan_ids(session: Session) -> list[int]:
    """Every plan, oldest first."""
    return list(session.scalars(select(Plan.id).order_by(Plan.id)))


def indicators_by_id(session: Session, ids: list[int]) -> dict[int, Indicator]:
    """The active indicators of the given ids, each with its plan and the plan's region loaded (the rows
    a dashboard page shows; bounded by the ids)."""
    out: dict[int, Indicator] = {}
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), 500):
        q = (select(Indicator).where(Indicator.id.in_(wanted[i:i + 500]), Indicator.active)
             .options(selectinload(Indicator.plan).selectinload(Plan.region)))
        out.update({ind.id: ind for ind in session.scalars(q)})
    return out


def regions_with_parents(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """code → {name, level, parent, parent_name} for the given regions."""
    rows = session.execute(select(Region.code, Region.name, Region.level, Region.parent_code)
                           .where(Region.code.in_(codes))).all()
    parents = {p for *_, p in rows if p}
    names = region_names(session, parents)
    return {code: {"code": code, "name": name, "level": level, "parent": parent,
                   "parent_name": names.get(parent) if parent else None}
            for code, name, level, parent in rows}


def outlined_codes(session: Session) -> frozenset[str]:
    """The regions that have a stored outline (bounded by the outlines the office imported)."""
    return frozenset(session.scalars(select(RegionBoundary.region_code)))


def codes_at_level(session: Session, level: str) -> frozenset[str]:
    """The regions of one level (the dashboard leaves the nation out of its map)."""
    return frozenset(session.scalars(select(Region.code).where(Region.level == level)))


def region_outlines(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """The stored outline (GeoJSON MultiPolygon geometry) of each region that has one."""
    return boundaries(session, codes)
