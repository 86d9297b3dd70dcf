"""What an audit is checked against, read through the register's own functions: a plan of the
register as the superior plan (chosen by the reviewer, or the nearest plan above the draft's
region, or the national plan), and the national basic public service standard of data/reference.
The CLI and the review page both audit through `audit_document`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from planwatch.audit import audit_plan
from planwatch.audit.findings import Finding

STANDARD_FILE = "national_basic_service_standard.csv"


def national_standard(data_dir: Path | None = None) -> list[dict[str, str]]:
    """The items of the national basic public service standard (empty when the file is absent)."""
    from planwatch.register.demo import default_data_dir

    path = (data_dir or default_data_dir()) / "reference" / STANDARD_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.DictReader(fh) if (row.get("item") or "").strip()]


def register_plan(session: Session, ref: str | int) -> tuple[dict[str, Any], str]:
    """A plan of the register in the extraction-contract shape (its active indicators) and its label.
    Raises the register's NotFound/Ambiguous for an unknown reference."""
    from planwatch.register.queries import evaluation_input, resolve_plan

    plan = resolve_plan(session, ref)
    region = plan.region.name if plan.region is not None else ""
    ev = evaluation_input(session, plan.id)
    indicators = [{
        "source": i.source, "line": 0, "name": i.name, "unit": i.unit,
        "attribute": "约束性" if i.binding else "预期性",
        "baseline": None if i.baseline is None else {"value": i.baseline, "year": i.baseline_year},
        "target": {"raw": i.target.raw, "value": i.target.value, "op": i.target.op, "kind": i.target.kind,
                   "year": i.target.year},
    } for i in ev.indicators]
    return {"plan": {"title": ev.plan.title}, "indicators": indicators}, f"{region}《{ev.plan.title}》"


def superior_choices(session: Session) -> list[dict[str, Any]]:
    """Every plan of the register a reviewer may audit against (id, title, region, period)."""
    from planwatch.register.queries import list_plans

    return [{k: p[k] for k in ("id", "title", "region", "region_code", "period")} for p in list_plans(session)]


def default_superior(session: Session, region: str | None) -> int | None:
    """The plan a draft for `region` answers to: the latest plan of the nearest region above it, else the
    national plan, else none. An unknown region gets the national plan."""
    from planwatch.register.errors import RegisterError
    from planwatch.register.regions import NATION_CODE, ancestors, resolve_region

    plans = superior_choices(session)
    by_region: dict[str, list[dict[str, Any]]] = {}
    for p in plans:
        by_region.setdefault(p["region_code"], []).append(p)
    chain: list[str] = []
    if region:
        try:
            chain = [r.code for r in ancestors(session, resolve_region(session, region).code)]
        except RegisterError:
            chain = []
    for code in [*chain, NATION_CODE]:
        if code in by_region:
            return max(by_region[code], key=lambda p: (p["period"][1], p["id"]))["id"]
    return None


def audit_document(data: dict[str, Any], lines: list[str] | None, *, superior: dict[str, Any] | None = None,
                   superior_label: str = "上位规划", limit: int | None = 30,
                   data_dir: Path | None = None) -> list[Finding]:
    """Findings for a plan document, with the national basic public service standard always applied."""
    return audit_plan(data, lines, superior=superior, superior_label=superior_label,
                      standard=national_standard(data_dir), limit=limit)
