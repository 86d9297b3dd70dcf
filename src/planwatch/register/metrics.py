"""The metric catalogue: mapping a plan's targets onto metrics, and a reviewer's confirm or split.

Importing a plan maps each new target onto an existing metric when the names are the same metric
(`planwatch.metric_match`, strict across documents), the units do not contradict and no other target
of the same plan already uses it; otherwise the target gets a metric of its own. A match is marked
"matched" until a reviewer confirms it, or splits the target off into a new metric.

Plans also form a hierarchy here: a plan's predecessor (same region, the period before) and its
superior plan (the nearest region above with a plan for the same period); a target links to the
superior plan's target on the same metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from planwatch.metric_match import SAME_NAME, compatible_units, key_score, metric_key, name_score
from planwatch.register import history
from planwatch.register.errors import InputError, NotFound
from planwatch.register.schema import Indicator, Metric, Observation, Plan, Region

# Same domain breaks a tie between two equally named candidates; it never makes a match on its own.
DOMAIN_BONUS = 1.0
PREDECESSOR_BONUS = 2.0


@dataclass(slots=True)
class Candidate:
    id: int
    name: str
    unit: str | None
    domain: str | None
    key: str
    plans: frozenset[int]


class Catalogue:
    """Every metric, read once per import, with which of the `plans` (the ones a match prefers: the
    predecessor, the superior plan) use it. Only those plans' targets are read, not the register's."""

    def __init__(self, session: Session, plans: frozenset[int] = frozenset()) -> None:
        used: dict[int, set[int]] = {}
        if plans:
            for metric_id, plan_id in session.execute(select(Indicator.metric_id, Indicator.plan_id)
                                                      .where(Indicator.plan_id.in_(sorted(plans))).distinct()):
                used.setdefault(metric_id, set()).add(plan_id)
        self.items = [Candidate(m.id, m.name, m.unit, m.domain, metric_key(m.name), frozenset(used.get(m.id, ())))
                      for m in session.execute(select(Metric.id, Metric.name, Metric.unit, Metric.domain))]
        self.keys = [c.key for c in self.items]

    def add(self, metric: Metric, plan_id: int) -> None:
        self.items.append(Candidate(metric.id, metric.name, metric.unit, metric.domain, metric_key(metric.name),
                                    frozenset({plan_id})))
        self.keys.append(self.items[-1].key)

    def _near(self, key: str) -> set[int]:
        """Positions of keys the name rule could accept: rapidfuzz's C loops over the whole catalogue,
        then `key_score` (qualifiers, one-sided words) on the few left."""
        near = {i for _, _, i in process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=SAME_NAME,
                                                 limit=None)}
        if len(key) >= 6:
            near |= {i for _, _, i in process.extract(key, self.keys, scorer=fuzz.partial_ratio, score_cutoff=92,
                                                      limit=None)}
        return near

    def best(self, name: str, unit: str | None, domain: str | None, *, taken: set[int],
             prefer_plans: frozenset[int] = frozenset()) -> tuple[Candidate, float] | None:
        """The metric `name` measures, or None. Ties go to a metric of a preferred plan (the predecessor,
        the superior plan), then to the same domain, then to the oldest metric."""
        best: tuple[float, int, Candidate, float] | None = None
        key = metric_key(name)
        for c in (self.items[i] for i in sorted(self._near(key))):
            score = key_score(key, c.key)
            if score < SAME_NAME or c.id in taken or not compatible_units(unit, c.unit):
                continue
            rank = score + (PREDECESSOR_BONUS if c.plans & prefer_plans else 0.0) + (
                DOMAIN_BONUS if domain and c.domain == domain else 0.0)
            if best is None or rank > best[0] or (rank == best[0] and c.id < best[1]):
                best = (rank, c.id, c, score)
        return None if best is None else (best[2], best[3])


def new_metric(session: Session, ind: Indicator | dict[str, Any]) -> Metric:
    get = ind.get if isinstance(ind, dict) else lambda k: getattr(ind, k)
    metric = Metric(name=get("name"), unit=get("unit"), domain=get("domain"), direction=get("direction"),
                    aggregation=get("aggregation"))
    session.add(metric)
    session.flush()
    return metric


def map_indicator(session: Session, catalogue: Catalogue, plan: Plan, fields: dict[str, Any],
                  taken: set[int], prefer_plans: frozenset[int]) -> tuple[int, str]:
    """(metric id, link) for a new target of `plan`: an existing metric ("matched"), or a new one ("new")."""
    found = catalogue.best(fields["name"], fields.get("unit"), fields.get("domain"), taken=taken,
                           prefer_plans=prefer_plans)
    if found is not None:
        taken.add(found[0].id)
        return found[0].id, "matched"
    metric = new_metric(session, fields)
    catalogue.add(metric, plan.id)
    taken.add(metric.id)
    return metric.id, "new"


# --- the reviewer's decisions -------------------------------------------------------------------------


def pending_matches(session: Session, plan_id: int) -> list[dict[str, Any]]:
    """The plan's targets on a metric another plan uses, each with that metric and its plans.
    Confirmed ones are listed too (a reviewer may still split them); "new" and split-off ones are not."""
    rows = session.execute(
        select(Indicator.id, Indicator.name, Indicator.unit, Indicator.metric_link, Metric.id, Metric.name,
               Metric.unit)
        .join(Metric, Metric.id == Indicator.metric_id)
        .where(Indicator.plan_id == plan_id, Indicator.active, Indicator.metric_link != "new")
        .order_by(Indicator.position)).all()
    metric_ids = [r[4] for r in rows]
    others: dict[int, list[dict[str, Any]]] = {}
    if metric_ids:
        for metric_id, ind_id, ind_name, p_id, title, region in session.execute(
            select(Indicator.metric_id, Indicator.id, Indicator.name, Plan.id, Plan.title, Region.name)
            .join(Plan, Plan.id == Indicator.plan_id).join(Region, Region.code == Plan.region_code)
            .where(Indicator.metric_id.in_(metric_ids), Indicator.plan_id != plan_id).order_by(Plan.id)
        ):
            others.setdefault(metric_id, []).append({"indicator_id": ind_id, "name": ind_name, "plan_id": p_id,
                                                     "plan_title": title, "region": region})
    counts = dict(session.execute(select(Observation.metric_id, func.count()).where(
        Observation.metric_id.in_(metric_ids or [-1])).group_by(Observation.metric_id)).all())
    return [{"indicator_id": i, "name": n, "unit": u, "link": link,
             "metric": {"id": m, "name": mn, "unit": mu, "values": counts.get(m, 0)},
             "score": name_score(n, mn), "others": others[m]}
            for i, n, u, link, m, mn, mu in rows if m in others]  # a split-off item shares nothing any more


def _indicator(session: Session, indicator_id: int, plan_id: int | None) -> Indicator:
    ind = session.get(Indicator, indicator_id)
    if ind is None or (plan_id is not None and ind.plan_id != plan_id):
        raise NotFound(f"未知指标 / unknown indicator {indicator_id}")
    return ind


def confirm_metric(session: Session, indicator_id: int, *, plan_id: int | None = None, by: str | None = None) -> None:
    """The reviewer agrees: the target measures the metric it was matched to."""
    ind = _indicator(session, indicator_id, plan_id)
    if ind.metric_link == "confirmed":
        return
    old = ind.metric_link
    ind.metric_link = "confirmed"
    ind.version += 1
    history.record(session, "indicator", ind.id, "update", old={"metric_link": old, "metric_id": ind.metric_id},
                   new={"metric_link": "confirmed", "metric_id": ind.metric_id}, by=by,
                   reason="确认度量对应 / metric match confirmed")


def split_metric(session: Session, indicator_id: int, *, plan_id: int | None = None, by: str | None = None) -> Metric:
    """The reviewer disagrees: the target gets a metric of its own. Values reported through this target
    move with it; the values of the metric's other plans stay where they are."""
    ind = _indicator(session, indicator_id, plan_id)
    shared = session.scalar(select(func.count()).select_from(Indicator).where(
        Indicator.metric_id == ind.metric_id, Indicator.id != ind.id)) or 0
    if not shared:
        raise InputError(f"「{ind.name}」的度量没有与其他指标共用,无需拆分 / the metric of {ind.name!r} "
                         "is not shared with another target; nothing to split")
    old_metric = ind.metric_id
    metric = new_metric(session, ind)
    moved = [oid for (oid,) in session.execute(select(Observation.id).where(
        Observation.metric_id == old_metric, Observation.indicator_id == ind.id))]
    if moved:
        session.execute(update(Observation).where(Observation.id.in_(moved))
                        .values(metric_id=metric.id, version=Observation.version + 1)
                        .execution_options(synchronize_session=False))
        history.record_many(session, [
            {"entity": "observation", "entity_id": oid, "action": "update", "changed_by": by,
             "reason": "拆分度量 / metric split", "old": {"metric_id": old_metric}, "new": {"metric_id": metric.id}}
            for oid in moved])
    ind.metric_id = metric.id
    ind.metric_link = "confirmed"
    ind.superior_indicator_id = None
    ind.version += 1
    history.record(session, "indicator", ind.id, "update", old={"metric_id": old_metric},
                   new={"metric_id": metric.id, "metric_link": "confirmed", "moved_values": len(moved)}, by=by,
                   reason="拆分为新度量 / split into a new metric")
    session.flush()
    link_superior_targets(session, session.get(Plan, ind.plan_id))  # type: ignore[arg-type]
    return metric


# --- succession and hierarchy ------------------------------------------------------------------------


def ancestors(session: Session, code: str) -> list[str]:
    """The regions above `code`, nearest first."""
    out: list[str] = []
    seen = {code}
    parent = session.scalar(select(Region.parent_code).where(Region.code == code))
    while parent and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = session.scalar(select(Region.parent_code).where(Region.code == parent))
    return out


def find_predecessor(session: Session, plan: Plan) -> Plan | None:
    """The same region's plan whose period ends before this one starts, the latest such."""
    return session.scalars(select(Plan).where(
        Plan.region_code == plan.region_code, Plan.id != plan.id, Plan.period_end < plan.period_start)
        .order_by(Plan.period_end.desc(), Plan.id.desc()).limit(1)).first()


def find_superior(session: Session, plan: Plan) -> Plan | None:
    """The plan of the nearest region above with a period overlapping this one (the same period first)."""
    for code in ancestors(session, plan.region_code):
        found = session.scalars(select(Plan).where(
            Plan.region_code == code, Plan.period_start <= plan.period_end, Plan.period_end >= plan.period_start)
            .order_by(func.abs(Plan.period_start - plan.period_start), Plan.id)).first()
        if found is not None:
            return found
    return None


def link_plans(session: Session, plan: Plan, *, predecessor: Plan | None = None, superior: Plan | None = None,
               by: str | None = None) -> None:
    """Name a plan's predecessor and superior plan (found when not given and not yet set), and link each
    target to the superior target on the same metric. Plans below that lack a superior get this one."""
    old = {"predecessor_id": plan.predecessor_id, "superior_plan_id": plan.superior_plan_id}
    if predecessor is not None:
        if predecessor.region_code != plan.region_code or predecessor.period_end >= plan.period_start:
            raise InputError("前序规划须为同一地区、更早规划期 / a predecessor must be of the same region and "
                             "an earlier period")
        plan.predecessor_id = predecessor.id
    elif plan.predecessor_id is None and (found := find_predecessor(session, plan)) is not None:
        plan.predecessor_id = found.id
    if superior is not None:
        if superior.region_code not in ancestors(session, plan.region_code):
            raise InputError("上位规划须属于上级地区 / a superior plan must be of a region above")
        plan.superior_plan_id = superior.id
    elif plan.superior_plan_id is None and (found := find_superior(session, plan)) is not None:
        plan.superior_plan_id = found.id
    new = {"predecessor_id": plan.predecessor_id, "superior_plan_id": plan.superior_plan_id}
    if new != old:
        history.record(session, "plan", plan.id, "update", old=old, new=new, by=by, reason="规划衔接 / plan links")
    session.flush()
    link_superior_targets(session, plan)
    for below in session.scalars(select(Plan).where(Plan.superior_plan_id.is_(None), Plan.id != plan.id)):
        if plan.region_code in ancestors(session, below.region_code) and find_superior(session, below) is plan:
            below.superior_plan_id = plan.id
            history.record(session, "plan", below.id, "update", old={"superior_plan_id": None},
                           new={"superior_plan_id": plan.id}, by=by, reason="规划衔接 / plan links")
            session.flush()
            link_superior_targets(session, below)


def link_superior_targets(session: Session, plan: Plan) -> int:
    """Each target of `plan` points at the superior plan's active target on the same metric (or at none)."""
    above: dict[int, int] = {}
    if plan.superior_plan_id is not None:
        for metric_id, ind_id in session.execute(select(Indicator.metric_id, Indicator.id).where(
                Indicator.plan_id == plan.superior_plan_id, Indicator.active).order_by(Indicator.position.desc())):
            above[metric_id] = ind_id
    changed = 0
    for ind in session.scalars(select(Indicator).where(Indicator.plan_id == plan.id)):
        want = above.get(ind.metric_id)
        if ind.superior_indicator_id != want:
            ind.superior_indicator_id = want
            changed += 1
    session.flush()
    return changed


# --- the catalogue's own fields ------------------------------------------------------------------------

METRIC_FIELDS = ("name", "unit", "definition", "scope", "data_source", "direction", "aggregation", "domain", "national_code")


def update_metric(session: Session, metric_id: int, changes: dict[str, Any], *, by: str | None = None,
                  reason: str | None = None) -> Metric:
    """Edit a metric's definition (统计口径, national code, …); every change is kept in history."""
    bad = set(changes) - set(METRIC_FIELDS)
    if bad:
        raise InputError(f"不能修改这些字段 / fields not editable: {', '.join(sorted(bad))}")
    metric = session.get(Metric, metric_id)
    if metric is None:
        raise NotFound(f"指标口径不存在 / no metric {metric_id}")
    if changes.get("direction", metric.direction) not in ("up", "down"):
        raise InputError(f"方向应为 up 或 down / direction must be up or down: {changes['direction']!r}")
    if changes.get("aggregation", metric.aggregation) not in ("sum", "mean_pop", "none"):
        raise InputError(f"汇总方式应为 sum、mean_pop 或 none / aggregation must be sum, mean_pop or none: "
                         f"{changes['aggregation']!r}")
    code = changes.get("national_code")
    if code and session.scalar(select(Metric.id).where(Metric.national_code == code, Metric.id != metric_id)):
        raise InputError(f"国家指标代码 {code} 已用于另一指标口径 / national code {code} is already another metric's")
    old = {k: getattr(metric, k) for k, v in changes.items() if getattr(metric, k) != v}
    if old:
        for k in old:
            setattr(metric, k, changes[k])
        history.record(session, "metric", metric.id, "update", old=old, new={k: changes[k] for k in old}, by=by,
                       reason=reason)
        session.flush()
    return metric


# --- metadata the public portal shows (Open SDG's metadata tab) ----------------------------------------

META_FIELDS = ("definition", "scope", "data_source")
META_MAX_CHARS = 2000


def metric_meta(session: Session, metric_id: int) -> dict[str, str | None]:
    """A metric's definition (指标解释), 统计口径 and data source (数据来源); None where not provided."""
    metric = session.get(Metric, metric_id)
    return {k: (getattr(metric, k) if metric is not None else None) for k in META_FIELDS}


def set_indicator_meta(session: Session, indicator_ref: str | int, changes: dict[str, str | None], *,
                       by: str | None = None) -> Metric:
    """Set the metadata of the metric an indicator measures (shared by every plan measuring it).
    Blank text clears a field; text is bounded so a page stays readable."""
    from planwatch.register.queries import indicator_by_ref

    bad = set(changes) - set(META_FIELDS)
    if bad:
        raise InputError(f"不能修改这些字段 / fields not editable: {', '.join(sorted(bad))}")
    clean: dict[str, str | None] = {}
    for k, v in changes.items():
        text = (v or "").strip() or None
        if text is not None and len(text) > META_MAX_CHARS:
            raise InputError(f"{k}: 不超过 {META_MAX_CHARS} 字 / at most {META_MAX_CHARS} characters "
                             f"(got {len(text)})")
        clean[k] = text
    ind = indicator_by_ref(session, indicator_ref)
    return update_metric(session, ind.metric_id, clean, by=by)
