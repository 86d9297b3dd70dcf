"""Planner edits: indicator fields (direction, aggregation, targets ...), milestones, responsibilities."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register import history
from planwatch.register.errors import ConflictError, RegisterError
from planwatch.register.plans import ensure_department
from planwatch.register.schema import (
    AGGREGATIONS,
    DIRECTIONS,
    RESPONSIBILITY_ROLES,
    Indicator,
    Milestone,
    Responsibility,
    utcnow,
)

EDITABLE = {
    "name", "domain", "unit", "attribute", "baseline_raw", "baseline_value", "baseline_year", "target_raw",
    "target_value", "target_low", "target_high", "target_op", "target_kind", "target_year", "direction",
    "aggregation", "lead_department_text",
}


def update_indicator(session: Session, indicator: Indicator, expected_version: int, changes: dict[str, Any], *,
                     by: str | None = None, reason: str | None = None) -> Indicator:
    """Edit an indicator; a stale `expected_version` raises `ConflictError`. The old values go to history."""
    bad = set(changes) - EDITABLE
    if bad:
        raise RegisterError(f"不能修改这些字段 / fields not editable: {', '.join(sorted(bad))}")
    if "direction" in changes and changes["direction"] not in DIRECTIONS:
        raise RegisterError(f"方向应为 up 或 down / direction must be up or down: {changes['direction']!r}")
    if "aggregation" in changes and changes["aggregation"] not in AGGREGATIONS:
        raise RegisterError(f"汇总方式 / aggregation must be one of {', '.join(AGGREGATIONS)}")
    if indicator.version != expected_version:
        raise ConflictError(
            f"指标已被他人修改(当前版本 {indicator.version},你的版本 {expected_version}) / indicator "
            f"{indicator.ref} was changed by someone else (version {indicator.version}, yours {expected_version})"
        )
    old = {k: getattr(indicator, k) for k in changes if getattr(indicator, k) != changes[k]}
    if not old:
        return indicator
    for k in old:
        setattr(indicator, k, changes[k])
    indicator.version += 1
    indicator.updated_at = utcnow()
    history.record(session, "indicator", indicator.id, "update", old=old, new={k: changes[k] for k in old},
                   by=by, reason=reason or "edit")
    session.flush()
    return indicator


def set_milestone(session: Session, indicator: Indicator, region_code: str, year: int, value: float | None,
                  raw: str | None = None, note: str | None = None, *, by: str | None = None) -> Milestone:
    """Upsert a yearly target (年度目标)."""
    m = session.scalars(select(Milestone).where(Milestone.indicator_id == indicator.id,
                                                Milestone.region_code == region_code, Milestone.year == year)).first()
    if m is None:
        m = Milestone(indicator_id=indicator.id, region_code=region_code, year=year, value=value, raw=raw, note=note)
        session.add(m)
        history.record(session, "indicator", indicator.id, "milestone", new={"region": region_code, "year": year,
                                                                             "value": value}, by=by)
    elif (m.value, m.raw, m.note) != (value, raw, note):
        history.record(session, "indicator", indicator.id, "milestone",
                       old={"region": region_code, "year": year, "value": m.value},
                       new={"region": region_code, "year": year, "value": value}, by=by)
        m.value, m.raw, m.note = value, raw, note
    session.flush()
    return m


def assign(session: Session, indicator: Indicator, department_name: str, region_code: str, role: str = "lead", *,
           by: str | None = None) -> Responsibility:
    """Make a department lead (牵头) or co-responsible (配合) for an indicator in a region.

    An indicator has one lead per region: naming a new lead turns the previous one into a co-responsible."""
    if role not in RESPONSIBILITY_ROLES:
        raise RegisterError(f"角色应为 lead 或 co / role must be lead or co: {role!r}")
    dept = ensure_department(session, department_name, region_code)
    rows = list(session.scalars(select(Responsibility).where(
        Responsibility.indicator_id == indicator.id, Responsibility.region_code == region_code)))
    if role == "lead":
        for other in rows:
            if other.role == "lead" and other.department_id != dept.id:
                other.role = "co"
    r = next((x for x in rows if x.department_id == dept.id), None)
    if r is None:
        r = Responsibility(indicator_id=indicator.id, department_id=dept.id, region_code=region_code, role=role)
        session.add(r)
    elif r.role != role:
        r.role = role
    else:
        return r
    history.record(session, "indicator", indicator.id, "assign",
                   new={"department": department_name, "region": region_code, "role": role}, by=by)
    session.flush()
    return r
