"""`planwatch data export`: the register's values as .csv or .xlsx, in the import's own columns
(so an export can be corrected and imported back), with status and the simulated flag."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.exchange.columns import COLUMNS, DATA_SHEET, EXPORT_EXTRA, letter
from planwatch.register.finality import counted_statuses
from planwatch.register.queries import resolve_plan
from planwatch.register.schema import Indicator, Observation, Region

EXPORT_COLUMNS = (*COLUMNS, *EXPORT_EXTRA)


def export_rows(session: Session, plan_ref: str | int | None = None, year: int | None = None,
                statuses: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """A plan's values are the series of its targets' metrics; without a plan, each value appears once,
    under the target it was reported through (or the first target on its metric). Only the values in
    `statuses` leave the register: by default those that count (approved means final); a staff
    correction round trip passes `finality.ALL_STATUSES`."""
    states = list(counted_statuses() if statuses is None else statuses)
    q = (select(Observation, Indicator, Region.name)
         .join(Indicator, Observation.metric_id == Indicator.metric_id)
         .join(Region, Observation.region_code == Region.code)
         .where(Observation.status.in_(states)))
    if plan_ref is not None:
        q = q.where(Indicator.plan_id == resolve_plan(session, plan_ref).id)
    if year is not None:
        q = q.where(Observation.year == year)
    q = q.order_by(Indicator.plan_id, Indicator.position, Observation.region_code, Observation.year)
    chosen: dict[int, tuple[Any, Any, str]] = {}
    for o, ind, region_name in session.execute(q):
        if o.id not in chosen or (ind.id == o.indicator_id and chosen[o.id][1].id != o.indicator_id):
            chosen[o.id] = (o, ind, region_name)
    out = []
    for o, ind, region_name in chosen.values():
        out.append({
            "indicator_id": ind.ref, "indicator": ind.name, "unit": ind.unit, "region_code": o.region_code,
            "region": region_name, "year": o.year,
            "baseline": ind.baseline_raw if ind.baseline_value is None else ind.baseline_value,
            "target": ind.target_raw, "milestone": None, "last_value": None, "value": o.value,
            "judgement": o.judgement, "source": o.source_note, "evidence": o.evidence_file, "version": o.version,
            "status": o.status, "simulated": "模拟 simulated" if o.simulated else "",
            "reporter": o.reporter_name, "reported_at": o.reported_at.isoformat() if o.reported_at else None,
        })
    return out


def _csv_safe(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def write_export(rows: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = DATA_SHEET
        for i, col in enumerate(EXPORT_COLUMNS, start=1):
            ws.cell(row=1, column=i, value=col.header)
            ws.column_dimensions[letter(i - 1)].width = col.width
        for r, row in enumerate(rows, start=2):
            for i, col in enumerate(EXPORT_COLUMNS, start=1):
                cell = ws.cell(row=r, column=i, value=row[col.key])
                if isinstance(row[col.key], str):
                    cell.data_type = "s"
        wb.save(tmp)
    else:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"{c.zh}/{c.en}" for c in EXPORT_COLUMNS])
            for row in rows:
                w.writerow([_csv_safe(row[c.key]) for c in EXPORT_COLUMNS])
    tmp.replace(path)  # never a half-written export
