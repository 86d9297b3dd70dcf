"""Import an extracted plan (the extraction-contract JSON) into the register.

Importing the same plan again — a revised document, or the same one — updates
it in place: indicators are matched by their normalised name; added ones are
created, changed ones updated (old and new values go to history), and ones
the new revision no longer has are retired, never deleted, so the values
departments reported for them stay.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from planwatch.extract.numbers import normalize_digits
from planwatch.extract.periods import name_of
from planwatch.register import history, metrics
from planwatch.register.errors import InputError, NotFound
from planwatch.register.regions import ensure_nation, find_region_in_text, resolve_region
from planwatch.register.rules import infer_aggregation, infer_direction, normalize_name
from planwatch.register.schema import (
    Department,
    Indicator,
    Plan,
    PlanDocument,
    Project,
    Region,
    Responsibility,
    ServiceItem,
    Task,
    utcnow,
)

# Fields taken from the document; a difference in one of them is a change of the plan.
DOC_FIELDS = (
    "name", "domain", "unit", "attribute", "baseline_raw", "baseline_value", "baseline_year",
    "target_raw", "target_value", "target_low", "target_high", "target_op", "target_kind", "target_year",
    "source", "lead_department_text",
)
# Where the item sits in the document: refreshed on every import, not reported as a change.
LOCATION_FIELDS = ("position", "line", "table_label", "quote", "note")

_TITLE = re.compile(r"[^\s《》“”\"]{0,30}(?:“十[四五]五”|十[四五]五|\(20\d\d[—\-–~至]+20\d\d年?\)|（20\d\d[—\-–~至]+20\d\d年?）).{0,40}规划")
_DRAFT_WORDS = re.compile(r"[(（]?(征求意见稿|送审稿|草案|修订稿|修订版|讨论稿)[)）]?")


@dataclass
class IndicatorChange:
    name: str
    fields: dict[str, tuple[Any, Any]]


@dataclass
class PlanImport:
    plan_id: int
    title: str
    region_code: str
    created: bool
    document_new: bool
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    changed: list[IndicatorChange] = field(default_factory=list)
    unchanged: int = 0
    matched: list[str] = field(default_factory=list)  # added items that joined another plan's metric
    predecessor_id: int | None = None
    superior_plan_id: int | None = None

    @property
    def is_noop(self) -> bool:
        return not (self.created or self.added or self.removed or self.restored or self.changed)


def guess_title(text: str) -> str | None:
    """A plan title from the first lines of its text, for documents whose metadata the extractor missed."""
    candidates = []
    for line in text.splitlines()[:60]:
        line = line.strip()
        m = _TITLE.search(line)
        if m and not line.startswith(("当前位置", "标  题")):
            t = m.group(0)
            t = re.sub(r"^.*关于印发", "", t).strip("《》“” ")
            candidates.append(t)
    if not candidates:
        return None
    return min(candidates, key=len)  # the bare title, not the notice that wraps it


def _indicator_fields(item: dict[str, Any], position: int, period_end: int) -> dict[str, Any]:
    base = item.get("baseline") or {}
    target = item.get("target") or {}
    name = (item.get("name") or item.get("quote") or "").strip()
    lead = item.get("lead_department") or item.get("department")
    if isinstance(lead, list):
        lead = "、".join(str(x) for x in lead)
    op = target.get("op") or ("qualitative" if target.get("value") is None and target.get("value_low") is None else "=")
    return {
        "name": name[:300],
        "domain": item.get("domain"),
        "unit": item.get("unit"),
        "attribute": item.get("attribute"),
        "baseline_raw": base.get("raw"),
        "baseline_value": _num(base.get("value")),
        "baseline_year": base.get("year"),
        "target_raw": target.get("raw"),
        "target_value": _num(target.get("value")),
        "target_low": _num(target.get("value_low")),
        "target_high": _num(target.get("value_high")),
        "target_op": op,
        "target_kind": target.get("kind") or "level",
        "target_year": target.get("year") or period_end,
        "source": item.get("source") or "table",
        "lead_department_text": lead or None,
        "position": position,
        "line": item.get("line"),
        "table_label": item.get("table"),
        "quote": item.get("quote"),
        "note": item.get("note") or None,
    }


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def _keys(items: list[dict[str, Any]]) -> list[str]:
    """Natural keys: the normalised name, numbered when a document repeats a name."""
    seen: dict[str, int] = {}
    keys = []
    for item in items:
        k = normalize_name(item["name"])[:280]
        seen[k] = seen.get(k, 0) + 1
        keys.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return keys


def find_same_plan(session: Session, region_code: str, title: str, period: tuple[int, int]) -> Plan | None:
    """The registered plan a document revises: same region and title, or same region and period with a
    near-identical title (a 征求意见稿 and its final version)."""
    plan = session.scalars(select(Plan).where(Plan.region_code == region_code, Plan.title == title)).first()
    if plan is not None:
        return plan
    bare = _DRAFT_WORDS.sub("", title)
    for other in session.scalars(
        select(Plan).where(Plan.region_code == region_code, Plan.period_start == period[0], Plan.period_end == period[1])
    ):
        if fuzz.ratio(_DRAFT_WORDS.sub("", other.title), bare) >= 90:
            return other
    return None


_PERIOD_ARG = re.compile(r"^\s*(\d{4})\s*[-—–~～至到]\s*(\d{4})\s*年?\s*$")


def parse_period(text: str) -> tuple[int, int]:
    """"2026-2030" (any dash, 至/到) → (2026, 2030); InputError naming the expected form otherwise."""
    m = _PERIOD_ARG.match(normalize_digits(text or ""))
    if not m or not (1990 <= int(m.group(1)) < int(m.group(2)) <= int(m.group(1)) + 15):
        raise InputError(f"规划期格式应为 2026-2030 / the period must read like 2026-2030: {text!r}")
    return int(m.group(1)), int(m.group(2))


def import_plan(
    session: Session,
    data: dict[str, Any],
    *,
    content: bytes | None = None,
    filename: str | None = None,
    region: str | None = None,
    period: tuple[int, int] | None = None,
    plan_id: int | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> PlanImport:
    """Create or revise a plan from extraction-contract JSON. Runs inside the caller's transaction.

    `period` overrides the document's; a document that states none is refused unless it is given
    (no silent default: every target year depends on it)."""
    meta = data.get("plan") or {}
    stated = meta.get("period")
    if period is None and not stated:
        raise InputError(
            f"{filename or '?'}: 文档未写明规划期,请用 --period 2026-2030 指定 / "
            "the document states no plan period, give it with --period 2026-2030"
        )
    period_t: tuple[int, int] = (int(period[0]), int(period[1])) if period else (int(stated[0]), int(stated[1]))
    text = content.decode("utf-8", "replace") if content else ""
    title = (meta.get("title") or guess_title(text) or "").strip()
    if not title and not (region or meta.get("region")):
        raise InputError(f"{filename or '?'}: 无法确定规划标题和地区 / cannot tell the plan's title or region")
    if region:
        reg = resolve_region(session, region)
    elif meta.get("region"):
        if meta.get("region_level") == "national":
            ensure_nation(session)  # a national plan belongs to 全国, which a fresh register may lack
        try:
            # The extractor's GB/T 2260 code settles names many units share (鼓楼区); the name otherwise.
            code = meta.get("region_code")
            found = session.get(Region, code) if code else None
            reg = found or resolve_region(session, meta["region"])
        except NotFound:
            reg = find_region_in_text(session, title) or resolve_region(session, meta["region"])
    else:
        found = find_region_in_text(session, title)
        if found is None:
            raise InputError(
                f"{filename or '?'}: 无法确定规划所属地区,请用 --region 指定 / "
                f"cannot tell the plan's region, give --region (title: {title})"
            )
        reg = found
    if not title:
        # Some published pages carry no title at all: name the plan by its region and period only
        # (武乡县“十四五”规划), which is what the page is, and nothing more.
        title = f"{reg.name}“{name_of(period_t) or f'{period_t[0]}—{period_t[1]}年'}”规划"

    plan = session.get(Plan, plan_id) if plan_id else find_same_plan(session, reg.code, title, period_t)
    if plan_id and plan is None:
        raise NotFound(f"规划不存在 / no plan with id {plan_id}")
    created = plan is None
    plan_values = {
        "title": title[:300],
        "region_code": reg.code,
        "period_start": period_t[0],
        "period_end": period_t[1],
        "base_year": period_t[0] - 1,
        "issuer": meta.get("issuer"),
        "doc_number": meta.get("doc_number"),
        "issued": meta.get("issued"),
    }
    if plan is None:
        plan = Plan(**plan_values, note=meta.get("note"))
        session.add(plan)
        session.flush()
        history.record(session, "plan", plan.id, "create", new=plan_values, by=by, reason=reason or "import")
    else:
        old = {k: getattr(plan, k) for k in plan_values if getattr(plan, k) != plan_values[k]}
        if old:
            for k in old:
                setattr(plan, k, plan_values[k])
            plan.updated_at = utcnow()
            history.record(session, "plan", plan.id, "update", old=old,
                           new={k: plan_values[k] for k in old}, by=by, reason=reason or "re-import")

    result = PlanImport(plan.id, plan.title, reg.code, created=created, document_new=False)
    source = data.get("source") or {}
    sha = source.get("sha256") or hashlib.sha256(content or repr(data).encode()).hexdigest()
    if session.scalars(select(PlanDocument).where(PlanDocument.plan_id == plan.id, PlanDocument.sha256 == sha)).first() is None:
        session.add(PlanDocument(plan_id=plan.id, sha256=sha, filename=filename or source.get("path"),
                                 format=source.get("format"), content=content, extraction=data))
        result.document_new = True

    _sync_indicators(session, plan, data.get("indicators") or [], result, by, reason)
    _sync_children(session, plan, data)
    metrics.link_plans(session, plan, by=by)
    result.predecessor_id, result.superior_plan_id = plan.predecessor_id, plan.superior_plan_id
    if not created and (result.added or result.removed or result.changed or result.restored):
        history.record(session, "plan", plan.id, "revise", by=by, reason=reason or "re-import",
                       new={"document_sha256": sha, "added": result.added, "removed": result.removed,
                            "restored": result.restored, "changed": [c.name for c in result.changed]})
    session.flush()
    return result


def _sync_indicators(session: Session, plan: Plan, items: list[dict[str, Any]], result: PlanImport,
                     by: str | None, reason: str | None) -> None:
    # A prose sentence restating a table row ("restates") is the same indicator: the row is registered.
    items = [i for i in items if (i.get("name") or i.get("quote")) and not i.get("restates")]
    wanted = [_indicator_fields(item, pos, plan.period_end) for pos, item in enumerate(items)]
    keys = _keys(wanted)
    existing = {i.key: i for i in session.scalars(select(Indicator).where(Indicator.plan_id == plan.id))}
    why = reason or ("import" if result.created else "re-import")
    # New targets are mapped onto the catalogue; a metric serves one target per plan.
    catalogue: metrics.Catalogue | None = None
    taken = {i.metric_id for i in existing.values()}
    related = (plan.predecessor_id or getattr(metrics.find_predecessor(session, plan), "id", None),
               plan.superior_plan_id or getattr(metrics.find_superior(session, plan), "id", None))
    prefer = frozenset(p for p in related if p is not None)
    created: list[dict[str, Any]] = []  # history rows of new targets, written at once (a plan has ~100)
    added: list[Indicator] = []
    for key, fields in zip(keys, wanted, strict=True):
        ind = existing.pop(key, None)
        if ind is None:
            inferred = {
                "direction": infer_direction(fields["name"], fields["target_op"], fields["baseline_value"],
                                             fields["target_value"]),
                "aggregation": infer_aggregation(fields["name"], fields["unit"]),
            }
            catalogue = catalogue or metrics.Catalogue(session, prefer)
            metric_id, link = metrics.map_indicator(session, catalogue, plan, fields | inferred, taken, prefer)
            ind = Indicator(plan_id=plan.id, key=key, **fields, **inferred, metric_id=metric_id, metric_link=link)
            if link == "matched":
                result.matched.append(fields["name"])
            session.add(ind)
            added.append(ind)
            result.added.append(fields["name"])
            continue
        changes = {f: (getattr(ind, f), fields[f]) for f in DOC_FIELDS if getattr(ind, f) != fields[f]}
        for f in LOCATION_FIELDS:
            if getattr(ind, f) != fields[f]:
                setattr(ind, f, fields[f])
        if not ind.active:
            ind.active = True
            ind.version += 1
            history.record(session, "indicator", ind.id, "restore", old={"active": False}, new={"active": True},
                           by=by, reason=why)
            result.restored.append(fields["name"])
        if changes:
            for f, (_, new) in changes.items():
                setattr(ind, f, new)
            ind.version += 1
            ind.updated_at = utcnow()
            history.record(session, "indicator", ind.id, "update", old={f: o for f, (o, _) in changes.items()},
                           new={f: n for f, (_, n) in changes.items()}, by=by, reason=why)
            result.changed.append(IndicatorChange(fields["name"], changes))
            if "lead_department_text" in changes:
                _assign_lead(session, plan, ind)
        else:
            result.unchanged += 1
    # New targets are inserted in one flush (one multi-row INSERT … RETURNING), not one round trip each.
    session.flush()
    for ind in added:
        created.append({"entity": "indicator", "entity_id": ind.id, "action": "create",
                        "new": history.jsonable(_snapshot(ind)), "changed_by": by, "reason": why})
        _assign_lead(session, plan, ind)
    history.record_many(session, created)
    for ind in existing.values():
        if ind.active:
            ind.active = False
            ind.version += 1
            ind.updated_at = utcnow()
            history.record(session, "indicator", ind.id, "retire", old={"active": True}, new={"active": False},
                           by=by, reason=f"{why}: 新版本不再包含该指标 / not in the new revision")
            result.removed.append(ind.name)


def _snapshot(ind: Indicator) -> dict[str, Any]:
    return {f: getattr(ind, f) for f in (*DOC_FIELDS, "direction", "aggregation")}


def _assign_lead(session: Session, plan: Plan, ind: Indicator) -> None:
    """The document's 牵头单位 becomes the lead responsibility (once; later edits are the planner's)."""
    if not ind.lead_department_text:
        return
    names = [n for n in re.split(r"[、,，;；/]", ind.lead_department_text) if n.strip()]
    for n, name in enumerate(names):
        dept = ensure_department(session, name.strip(), plan.region_code)
        exists = session.scalars(select(Responsibility).where(
            Responsibility.indicator_id == ind.id, Responsibility.department_id == dept.id,
            Responsibility.region_code == plan.region_code)).first()
        if exists is None:
            session.add(Responsibility(indicator_id=ind.id, department_id=dept.id, region_code=plan.region_code,
                                       role="lead" if n == 0 else "co"))
    session.flush()


def ensure_department(session: Session, name: str, region_code: str | None) -> Department:
    dept = session.scalars(select(Department).where(Department.name == name,
                                                    Department.region_code == region_code)).first()
    if dept is None:
        dept = Department(name=name, region_code=region_code)
        session.add(dept)
        session.flush()
    return dept


def _sync_children(session: Session, plan: Plan, data: dict[str, Any]) -> None:
    """Tasks, projects and service items follow the newest document. Tasks and projects keep their
    rows (and so their responsibilities and reported progress) when a revision still names them."""
    def text_of(item: dict[str, Any], *names: str) -> str:
        for n in names:
            v = item.get(n)
            if isinstance(v, str) and v.strip():
                return v.strip()
        return ""

    def depts(item: dict[str, Any]) -> str | None:
        v = item.get("departments") or item.get("lead_department") or item.get("responsible")
        if isinstance(v, list):
            return "、".join(str(x) for x in v) or None
        return v or None

    tasks = [
        {"position": n, "line": t.get("line"), "domain": t.get("domain"),
         "text": text_of(t, "text", "task", "quote", "title", "name"), "departments": depts(t), "payload": t}
        for n, t in enumerate(data.get("tasks") or [])
    ]
    projects = [
        {"position": n, "line": p.get("line"), "domain": p.get("domain"),
         "name": text_of(p, "name", "title", "text", "quote"), "payload": p}
        for n, p in enumerate(data.get("projects") or [])
    ]
    items = [
        {"position": n, "line": s.get("line"), "domain": s.get("domain"), "item": text_of(s, "item", "name")}
        for n, s in enumerate(data.get("service_items") or [])
    ]
    _sync_reportable(session, plan, Task, "text", tasks, lambda r: r["departments"])
    _sync_reportable(session, plan, Project, "name", projects, lambda r: depts(r["payload"]))
    fields = ("line", "domain", "item")
    current = [tuple(getattr(r, f) for f in fields) for r in
               session.scalars(select(ServiceItem).where(ServiceItem.plan_id == plan.id).order_by(ServiceItem.position))]
    if current != [tuple(r[f] for f in fields) for r in items]:
        session.execute(delete(ServiceItem).where(ServiceItem.plan_id == plan.id))
        for r in items:
            session.add(ServiceItem(plan_id=plan.id, **r))
    session.flush()


def _sync_reportable(session: Session, plan: Plan, model: type[Task] | type[Project], key: str,
                     rows: list[dict[str, Any]], dept_text: Any) -> None:
    """Match the document's tasks (or projects) to the stored ones by their text: matched rows are
    updated in place, new ones added (with the document's departments as responsibility), and dropped
    ones deleted — or retired (active=False) when progress was reported against them, which is kept."""
    from planwatch.register.progress import assign_from_document
    from planwatch.register.schema import ProgressReport

    stored: dict[str, list[Any]] = {}
    for obj in session.scalars(select(model).where(model.plan_id == plan.id).order_by(model.position, model.id)):
        stored.setdefault(getattr(obj, key), []).append(obj)
    for r in rows:
        same = stored.get(r[key])
        if same:
            obj = same.pop(0)
            for f, v in r.items():
                if getattr(obj, f) != v:
                    setattr(obj, f, v)
            obj.active = True
            continue
        obj = model(plan_id=plan.id, **r)
        session.add(obj)
        session.flush()
        assign_from_document(session, obj, dept_text(r))
    col = ProgressReport.task_id if model is Task else ProgressReport.project_id
    for obj in (o for left in stored.values() for o in left):
        if session.scalar(select(ProgressReport.id).where(col == obj.id).limit(1)) is not None:
            obj.active = False
        else:
            session.delete(obj)


def indicator_count(session: Session, plan_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Indicator).where(Indicator.plan_id == plan_id, Indicator.active)
    ) or 0
