"""Find plans, indicators, tasks, projects and departments by a part of their name, or by the pinyin
initials of their name (每千人口执业医师数 ← "mqrk" or "zyys"), for the console's search box.

Bounded: the query is cut to MAX_QUERY characters, each kind returns at most `limit` hits (with the
total found), and the names are read once per call (a register holds thousands, not millions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.register.schema import Department, Indicator, Plan, Project, Region, Responsibility, Task

MAX_QUERY = 50
KINDS = ("plan", "indicator", "task", "project", "department")
_LATIN = re.compile(r"[a-z]+")
PINYIN_SPAN = 60  # initials are matched in a name's first characters (a task's text can be a paragraph)


@lru_cache(maxsize=20000)
def initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese characters in `text`, other letters and digits kept
    (婴幼儿托位数 → yyetws)."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s)):
        out.append(part[:1].lower() if part else "")
    return "".join(c for c in out if c.isalnum())


@dataclass
class Hits:
    total: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)


def _rank(q: str, text: str) -> int | None:
    """0 prefix, 1 substring, 2 pinyin initials prefix, 3 pinyin initials substring; None: no match."""
    low = text.lower()
    if low.startswith(q):
        return 0
    if q in low:
        return 1
    if len(q) >= 2 and _LATIN.fullmatch(q):
        ini = initials(text[:PINYIN_SPAN])
        if ini.startswith(q):
            return 2
        if q in ini:
            return 3
    return None


def search(session: Session, query: str, limit: int = 20, kinds: tuple[str, ...] = KINDS) -> dict[str, Hits]:
    """Hits per kind, best first: {kind: Hits(total, items)}. Each item has id, name, kind, plan (id, title)
    where it belongs to one, and for a department the plans it leads indicators in."""
    q = re.sub(r"\s+", "", query.strip().lower())[:MAX_QUERY]
    out = {k: Hits() for k in kinds}
    if not q:
        return out
    plans = {p.id: (p.title, region) for p, region in session.execute(
        select(Plan, Region.name).join(Region, Plan.region_code == Region.code))}

    def plan_of(pid: int) -> dict[str, Any]:
        return {"id": pid, "title": plans.get(pid, ("", ""))[0]}

    found: dict[str, list[tuple[int, int, dict[str, Any]]]] = {k: [] for k in kinds}
    if "plan" in kinds:
        for pid, (title, region) in plans.items():
            r = min((x for x in (_rank(q, title), _rank(q, region or "")) if x is not None), default=None)
            if r is not None:
                found["plan"].append((r, pid, {"id": pid, "name": title, "region": region}))
    if "indicator" in kinds:
        for iid, pid, name, domain, unit in session.execute(
                select(Indicator.id, Indicator.plan_id, Indicator.name, Indicator.domain, Indicator.unit)
                .where(Indicator.active)):
            r = _rank(q, name)
            if r is not None:
                found["indicator"].append((r, iid, {"id": iid, "ref": f"p{pid}-i{iid}", "name": name,
                                                   "domain": domain, "unit": unit, "plan": plan_of(pid)}))
    for kind, model, label in (("task", Task, Task.text), ("project", Project, Project.name)):
        if kind not in kinds:
            continue
        for xid, pid, text, domain in session.execute(
                select(model.id, model.plan_id, label, model.domain).where(model.active)):
            r = _rank(q, text)
            if r is not None:
                found[kind].append((r, xid, {"id": xid, "name": text, "domain": domain, "plan": plan_of(pid)}))
    if "department" in kinds:
        leads: dict[int, set[int]] = {}
        for did, pid in session.execute(
                select(Responsibility.department_id, Indicator.plan_id).join(
                    Indicator, Indicator.id == Responsibility.indicator_id).distinct()):
            leads.setdefault(did, set()).add(pid)
        for did, name in session.execute(select(Department.id, Department.name)):
            r = _rank(q, name)
            if r is not None:
                found["department"].append((r, did, {"id": did, "name": name,
                                                     "plans": [plan_of(p) for p in sorted(leads.get(did, ()))]}))
    for k, rows in found.items():
        rows.sort(key=lambda t: (t[0], len(t[2]["name"]), t[1]))
        out[k] = Hits(len(rows), [row for _, _, row in rows[:limit]])
    return out
