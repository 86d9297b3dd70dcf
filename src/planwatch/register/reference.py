"""The national reference of a local indicator: the national plan's indicator on the same metric,
its target and its published series (each value with its source; simulated ones flagged).

The metric is matched the way the audit matches it (`metric_match.same_metric`, convertible
units); a plan of 全国 is the national plan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.finality import counted_statuses
from planwatch.register.regions import NATION_CODE
from planwatch.register.rules import unit_factor
from planwatch.register.schema import Indicator, Observation, Plan


def _national_indicators(session: Session) -> list[tuple[Indicator, Plan]]:
    return list(session.execute(select(Indicator, Plan).join(Plan, Plan.id == Indicator.plan_id).where(
        Plan.region_code == NATION_CODE, Indicator.active).order_by(Plan.period_end.desc(), Indicator.position)))


def national_reference(session: Session, indicator_id: int, public: bool = False) -> dict[str, Any] | None:
    """The national counterpart of `indicator_id` (None for a national indicator or when there is none):
    plan, name, unit, target, and the national values (year, value, source, simulated), oldest first."""
    from planwatch.metric_match import same_metric

    ind = session.get(Indicator, indicator_id)
    if ind is None:
        return None
    plan = session.get(Plan, ind.plan_id)
    if plan is None or plan.region_code == NATION_CODE:
        return None
    nationals = _national_indicators(session)
    # The register's own mapping first (the same metric), then the name rule.
    nationals.sort(key=lambda pair: pair[0].metric_id != ind.metric_id)
    for nat, nat_plan in nationals:
        if nat.metric_id != ind.metric_id and not same_metric(ind.name, nat.name):
            continue
        factor = unit_factor(nat.unit, ind.unit) if nat.unit and ind.unit else 1.0
        if factor is None:
            continue
        statuses = counted_statuses()  # the same for staff and public: approved means final
        values = [{"year": o.year, "value": o.value, "judgement": o.judgement, "source": o.source_note,
                   "simulated": o.simulated}
                  for o in session.scalars(select(Observation).where(
                      Observation.metric_id == nat.metric_id, Observation.region_code == NATION_CODE,
                      Observation.status.in_(statuses)).order_by(Observation.year))]
        return {"plan_id": nat_plan.id, "plan_title": nat_plan.title, "indicator_id": nat.id, "name": nat.name,
                "unit": nat.unit, "target_raw": nat.target_raw, "target_value": nat.target_value,
                "target_year": nat.target_year, "attribute": nat.attribute, "values": values}
    return None
