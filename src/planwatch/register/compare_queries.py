"""What `planwatch.compare` reads from the register: every plan's evaluation input, the
region tree, and every plan item's target (for benchmarks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
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
    return _items(session)


def plan_target_items(session: Session, plan_id: int) -> tuple[list[TargetItem], dict[str, str | None]]:
    """What one plan's benchmarks are drawn from (`compare.benchmarks.plan_benchmarks(items, plan id,
    parents)`): its own items and, on the same metrics, the national plans' items, the items of plans
    in the regions above its own and the superior targets its items are linked to; with the parent
    links of its region's chain. Bounded by the plan, not the register."""
    from planwatch.compare.benchmarks import superior_chain

    code = session.scalar(select(Plan.region_code).where(Plan.id == plan_id))
    if code is None:
        return [], {}
    parents: dict[str, str | None] = {}
    up: str | None = code
    while up is not None and up not in parents and len(parents) < 20:
        parents[up] = session.scalar(select(Region.parent_code).where(Region.code == up))
        up = parents[up]
    chain = superior_chain(code, parents)
    own = select(Indicator.metric_id).where(Indicator.plan_id == plan_id, Indicator.active)
    linked = select(Indicator.superior_indicator_id).where(Indicator.plan_id == plan_id, Indicator.active,
                                                           Indicator.superior_indicator_id.is_not(None))
    # The plans first (its own, those of the regions above, the national ones), then their items: the
    # items are looked up by plan (an index), never by metric across every plan sharing it.
    plans = sorted(set(session.scalars(select(Plan.id).join(Region, Plan.region_code == Region.code).where(
        or_(Plan.id == plan_id, Plan.region_code.in_(chain), Region.level == "nation")))))
    superior = sorted(set(session.scalars(linked)))
    items = _items(session, Indicator.metric_id.in_(own),
                   or_(Indicator.plan_id.in_(plans), Indicator.id.in_(superior)))
    return items, parents


def _items(session: Session, *where: Any) -> list[TargetItem]:
    rows = session.execute(
        select(Indicator, Plan.title, Plan.region_code, Region.name, Region.level)
        .join(Plan, Indicator.plan_id == Plan.id).join(Region, Plan.region_code == Region.code)
        .where(Indicator.active, *where).order_by(Indicator.plan_id, Indicator.position, Indicator.id)).all()
    refs = {i.id: i.ref for i, *_ in rows}
    return [TargetItem(
        ref=i.ref, plan_id=str(i.plan_id), plan_title=title, region_code=code, region=region,
        level=_LEVELS.get(level, level), name=i.name, unit=i.unit, domain=i.domain, target_raw=i.target_raw or "",
        target_value=i.target_value,
        direction=i.direction or infer_direction(i.name, i.target_op, i.baseline_value, i.target_value),
        kind=i.target_kind, op=i.target_op, binding=i.attribute == "约束性", main=i.source != "prose", position=i.position,
        metric_id=i.metric_id, superior_ref=refs.get(i.superior_indicator_id) if i.superior_indicator_id else None)
        for i, title, code, region, level in rows]
