"""What `planwatch.compare` reads from the register: every plan's evaluation input, the
region tree, and every plan item's target (for benchmarks)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch import model
from planwatch.compare.items import TargetItem
from planwatch.register.queries import _LEVELS, evaluation_input
from planwatch.register.rules import infer_direction
from planwatch.register.schema import Indicator, Plan, Region


def plan_inputs(session: Session, statuses: tuple[str, ...] | None = None) -> list[model.EvaluationInput]:
    """Every plan's evaluation input, in plan order, with only the values in `statuses` (by default
    the counted ones, `finality.counted_statuses`), so nothing else leaves the register."""
    return [evaluation_input(session, plan_id, statuses)
            for plan_id in session.scalars(select(Plan.id).order_by(Plan.id))]


def region_parents(session: Session) -> dict[str, str | None]:
    """Region code → its parent's code, as the register records it."""
    return dict(session.execute(select(Region.code, Region.parent_code)).all())


def target_items(session: Session) -> list[TargetItem]:
    """Every active item of every plan with its target and its plan's region: one query."""
    rows = session.execute(
        select(Indicator, Plan.title, Plan.region_code, Region.name, Region.level)
        .join(Plan, Indicator.plan_id == Plan.id).join(Region, Plan.region_code == Region.code)
        .where(Indicator.active).order_by(Indicator.plan_id, Indicator.position, Indicator.id)).all()
    refs = {i.id: i.ref for i, *_ in rows}
    return [TargetItem(
        ref=i.ref, plan_id=str(i.plan_id), plan_title=title, region_code=code, region=region,
        level=_LEVELS.get(level, level), name=i.name, unit=i.unit, domain=i.domain, target_raw=i.target_raw or "",
        target_value=i.target_value,
        direction=i.direction or infer_direction(i.name, i.target_op, i.baseline_value, i.target_value),
        kind=i.target_kind, op=i.target_op, binding=i.attribute == "约束性", main=i.source != "prose", position=i.position,
        metric_id=i.metric_id, superior_ref=refs.get(i.superior_indicator_id) if i.superior_indicator_id else None)
        for i, title, code, region, level in rows]
