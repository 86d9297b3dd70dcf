"""Read models of the compare pages: the register's plans through `planwatch.compare`, and the
scorecard laid out as the table the page, the CSV and the XLSX all show (one function, so
their rows cannot differ)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from planwatch.compare import ComparePlan, Scorecard, ScoreRow, build_scorecard
from planwatch.compare.benchmarks import plan_benchmarks
from planwatch.evaluate import EvaluationConfig
from planwatch.register.compare_queries import plan_inputs, plan_target_items, region_parents, target_items
from planwatch.register.rounds import data_year
from planwatch.web.data import EVERY_PLAN, STRUCTURE, reads
from planwatch.web.evaluation import statuses_for
from planwatch.web.formatting import num as _num
from planwatch.web.formatting import pct as _pct
from planwatch.web.i18n import status_label, translate


@reads(EVERY_PLAN)
def scorecard(session: Session, public: bool) -> Scorecard:
    """Every plan evaluated as its own page evaluates it (same counted states, same data year)."""
    statuses = statuses_for(public)
    plans = [ComparePlan.of(inp, data_year(session, inp, statuses)) for inp in plan_inputs(session, statuses)]
    return build_scorecard(plans, EvaluationConfig(accepted_statuses=statuses), region_parents(session))


@reads(STRUCTURE)  # targets only: a value written changes no benchmark
def benchmarks(session: Session) -> dict[str, dict[str, Any]]:
    """Item ref → its national and superior targets, for every plan (targets are not values:
    the same for staff and public)."""
    return {ref: b.to_dict() for ref, b in plan_benchmarks(target_items(session), None,
                                                             region_parents(session)).items()}


@reads(STRUCTURE)  # targets only
def plan_benchmark_targets(session: Session, plan_id: int) -> dict[str, dict[str, Any]]:
    """`benchmarks` for one plan's items, read from what can benchmark them (bounded by the plan)."""
    items, parents = plan_target_items(session, plan_id)
    return {ref: b.to_dict() for ref, b in plan_benchmarks(items, str(plan_id), parents).items()}


# (key, message key, numeric): the scorecard's columns, in order, for page, CSV and XLSX alike.
COLUMNS: list[tuple[str, str, bool]] = [
    ("domain", "cmp.col.domain", False),
    ("metric", "cmp.col.metric", False),
    ("unit", "cmp.col.unit", False),
    ("region", "cmp.col.region", False),
    ("level", "cmp.col.level", False),
    ("plan", "cmp.col.plan", False),
    ("name", "cmp.col.name", False),
    ("value", "cmp.col.value", True),
    ("year", "cmp.col.year", True),
    ("target", "cmp.col.target", False),
    ("completion", "cmp.col.completion", True),
    ("status", "cmp.col.status", False),
    ("rank", "cmp.col.rank", True),
    ("national", "cmp.col.national", False),
    ("superior", "cmp.col.superior", False),
    ("simulated", "cmp.col.simulated", False),
]


def headers(lang: str) -> list[str]:
    return [translate(k, lang) for _, k, _ in COLUMNS]


def _bench(raw: str | None, stance: str | None, region: str | None, lang: str) -> str:
    if not raw:
        return "—"
    text = f"{region} {raw}" if region else raw
    return f"{text}({translate('cmp.mark.' + stance, lang)})" if stance else text


def cells(r: ScoreRow, lang: str) -> dict[str, tuple[str, float | None]]:
    """One row as (text shown, number to sort and to write into a spreadsheet) per column."""
    value_text = _num(r.value) if r.value is not None else (r.judgement or "—")
    return {
        "domain": (r.domain or "—", None),
        "metric": (r.metric, None),
        "unit": (r.unit or "—", None),
        "region": (r.region, None),
        "level": (translate(f"cmp.level.{r.level}", lang), None),
        "plan": (r.plan_title, None),
        "name": (r.name, None),
        "value": (value_text, r.value),
        "year": (str(r.year) if r.year is not None else "—", r.year),
        "target": (r.target_raw or "—", r.target_value),
        "completion": (_pct(r.P), r.P),
        "status": (status_label(r.status, lang)[0], None),
        "rank": (f"{r.rank}/{r.peers}" if r.rank is not None else "—", r.rank),
        "national": (_bench(r.national_target, r.national_stance, None, lang), None),
        "superior": (_bench(r.superior_target, r.superior_stance, r.superior_region, lang), None),
        "simulated": (translate("cmp.yes", lang) if r.simulated else "", None),
    }


def table(rows: list[ScoreRow], lang: str) -> list[dict[str, Any]]:
    """The rows as the page shows them: `cells` plus what links and colours need."""
    return [{"row": r, "cells": cells(r, lang)} for r in rows]


def indicator_id(ref: str) -> int | None:
    """The register id inside an item ref ("p3-i12" → 12), for links."""
    tail = ref.rsplit("-i", 1)[-1]
    return int(tail) if tail.isdigit() else None


MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def export(fmt: str, rows: list[ScoreRow], lang: str, title: str) -> bytes:
    """The page's table as CSV (the texts the page shows) or XLSX (numbers as numbers). Text that a
    spreadsheet would run as a formula is written as text (the exchange exporter's rule)."""
    import csv
    import io

    from planwatch.exchange.export import _csv_safe

    head = headers(lang)
    body = [cells(r, lang) for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(head)
        for c in body:
            w.writerow([_csv_safe(c[k][0]) for k, _, _ in COLUMNS])
        return ("\ufeff" + buf.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "对比" if lang == "zh" else "scorecard"
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(head)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for c in body:
            ws.append([c[k][1] if numeric and c[k][1] is not None and k != "completion"
                       else _csv_safe(c[k][0]) for k, _, numeric in COLUMNS])
        for n, (key, _, _) in enumerate(COLUMNS):
            ws.column_dimensions[ws.cell(2, n + 1).column_letter].width = 24 if key in ("metric", "name", "plan") else 12
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise ValueError(fmt)
