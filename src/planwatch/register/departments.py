"""Departments: create, rename, list with their members, and bulk lead assignment from a plan.

Every change goes through `history` (entity "department", or the indicator/task/project assigned), which
also writes the audit log and tells the web's caches that the structure changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planwatch.register import history
from planwatch.register.editing import assign
from planwatch.register.errors import FieldError, NotFound
from planwatch.register.progress import assign_item, get_item, item_ref, leads, plan_items
from planwatch.register.queries import lead_departments
from planwatch.register.regions import resolve_region
from planwatch.register.schema import (
    Department,
    Indicator,
    ItemResponsibility,
    Plan,
    Region,
    Responsibility,
    User,
)

MAX_NAME = 200
MAX_BULK = 2000  # rows one bulk assignment may name


def clean_name(name: str) -> str:
    """A department name as stored: trimmed, 1–200 characters (FieldError "name" otherwise)."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise FieldError("name", f"部门名称须为1–{MAX_NAME}个字符", f"a department name needs 1–{MAX_NAME} characters")
    return name


def get_department(session: Session, department_id: int) -> Department:
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound(f"找不到部门 / no department {department_id}")
    return dept


def _taken(session: Session, name: str, region_code: str | None, but: int | None = None) -> bool:
    q = select(Department.id).where(Department.name == name, Department.region_code.is_(None) if region_code is None
                                    else Department.region_code == region_code)
    return any(i != but for i in session.scalars(q))


def create_department(session: Session, name: str, region_ref: str | None, *, by: str | None = None) -> Department:
    """A new department in a region (code or name; None: no region). Names are unique within a region."""
    name = clean_name(name)
    region_code = None
    if region_ref and region_ref.strip():
        try:
            region_code = resolve_region(session, region_ref).code
        except NotFound as exc:
            raise FieldError("region", f"未知地区:{region_ref.strip()}", f"unknown region: {region_ref.strip()}") from exc
    if _taken(session, name, region_code):
        raise FieldError("name", f"该地区已有部门“{name}”", f"the region already has a department {name!r}")
    dept = Department(name=name, region_code=region_code)
    session.add(dept)
    session.flush()
    history.record(session, "department", dept.id, "create", new={"name": name, "region": region_code}, by=by)
    return dept


def rename_department(session: Session, department_id: int, name: str, *, by: str | None = None) -> Department:
    """Rename a department; its members, assignments and reported values follow (they point at its id)."""
    dept = get_department(session, department_id)
    name = clean_name(name)
    if name == dept.name:
        return dept
    if _taken(session, name, dept.region_code, but=dept.id):
        raise FieldError("name", f"该地区已有部门“{name}”", f"the region already has a department {name!r}")
    old = dept.name
    dept.name = name
    session.flush()
    history.record(session, "department", dept.id, "rename", old={"name": old}, new={"name": name}, by=by)
    return dept


def list_departments(session: Session) -> list[dict[str, Any]]:
    """Every department with its region, members (accounts) and how many indicators and tasks/projects it leads."""
    regions = dict(session.execute(select(Region.code, Region.name).where(
        Region.code.in_(select(Department.region_code).distinct()))).all())
    members: dict[int, list[dict[str, Any]]] = {}
    for u in session.scalars(select(User).where(User.department_id.is_not(None)).order_by(User.username)):
        members.setdefault(u.department_id or 0, []).append(
            {"username": u.username, "display_name": u.display_name, "role": u.role, "active": u.active})
    ind = dict(session.execute(select(Responsibility.department_id, func.count()).where(
        Responsibility.role == "lead").group_by(Responsibility.department_id)).all())
    items = dict(session.execute(select(ItemResponsibility.department_id, func.count()).where(
        ItemResponsibility.role == "lead").group_by(ItemResponsibility.department_id)).all())
    return [{"id": d.id, "name": d.name, "region_code": d.region_code, "region": regions.get(d.region_code),
             "members": members.get(d.id, []), "indicators": int(ind.get(d.id, 0)), "items": int(items.get(d.id, 0))}
            for d in session.scalars(select(Department).order_by(Department.region_code, Department.name))]


def assignment_sheet(session: Session, plan_id: int) -> dict[str, Any]:
    """A plan's indicators, tasks and projects with their lead department, and the departments of the plan's
    region that may be made lead: what the bulk-assignment page shows."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"找不到规划 / no plan {plan_id}")
    inds = list(session.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active)
                                .order_by(Indicator.position, Indicator.id)))
    lead = lead_departments(session, [i.id for i in inds], plan.region_code)
    item_leads = leads(session, plan.id)
    items = [{"kind": it["kind"], "id": it["id"], "ref": it["ref"], "name": it["name"], "domain": it["domain"],
              "lead_department": (item_leads.get((it["kind"], it["id"])) or (None, None))[1]}
             for it in plan_items(session, plan.id, approved_only=True)]
    depts = [{"id": d.id, "name": d.name} for d in session.scalars(
        select(Department).where(Department.region_code == plan.region_code).order_by(Department.name))]
    return {"plan": {"id": plan.id, "title": plan.title, "region_code": plan.region_code},
            "indicators": [{"id": i.id, "ref": i.ref, "name": i.name, "domain": i.domain,
                            "lead_department": lead.get(i.id)} for i in inds],
            "items": items, "departments": depts}


def assign_lead(session: Session, plan_id: int, department_id: int, indicator_ids: Iterable[int] = (),
                items: Iterable[tuple[str, int]] = (), *, by: str | None = None) -> int:
    """Make one department the lead (牵头) of several indicators and tasks/projects of a plan, all or nothing.
    The previous lead of each becomes co-responsible (配合). Returns how many rows changed hands or were confirmed.

    Every row must belong to the plan, and the department to the plan's region (FieldError otherwise)."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"找不到规划 / no plan {plan_id}")
    dept = get_department(session, department_id)
    if dept.region_code != plan.region_code:
        raise FieldError("department", "该部门不属于本规划所在地区", "the department is not in the plan's region")
    indicator_ids, items = sorted(set(indicator_ids)), sorted(set(items))
    if not indicator_ids and not items:
        raise FieldError("rows", "请至少选择一项指标、任务或项目", "select at least one indicator, task or project")
    if len(indicator_ids) + len(items) > MAX_BULK:
        raise FieldError("rows", f"一次最多指定{MAX_BULK}项", f"at most {MAX_BULK} rows at once")
    found = dict(session.execute(select(Indicator.id, Indicator.plan_id).where(Indicator.id.in_(indicator_ids))).all())
    for i in indicator_ids:
        if found.get(i) != plan.id:
            raise FieldError("indicator", f"指标 {i} 不属于本规划", f"indicator {i} is not in this plan")
    for kind, item_id in items:
        try:
            item = get_item(session, kind, item_id)
        except NotFound as exc:
            raise FieldError("item", f"找不到 {item_ref(kind, item_id)}", f"no {kind} {item_id}") from exc
        if item.plan_id != plan.id:
            raise FieldError("item", f"{item_ref(kind, item_id)} 不属于本规划", f"{kind} {item_id} is not in this plan")
    for i in indicator_ids:
        ind = session.get(Indicator, i)
        assert ind is not None
        assign(session, ind, dept.name, plan.region_code, "lead", by=by)
    for kind, item_id in items:
        item = get_item(session, kind, item_id)
        assign_item(session, item, dept.name, "lead", by=by)
    return len(indicator_ids) + len(items)
