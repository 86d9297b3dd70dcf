"""Helpers for the reporting-form tests: fill a downloaded form as a reporter would (openpyxl)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from planwatch.exchange.columns import DATA_SHEET, match_header


def form_rows(content: bytes) -> list[dict[str, Any]]:
    """The data sheet's rows as {column key: value}."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA_SHEET]
    keys = [match_header(c.value) for c in ws[1]]
    return [{k: c.value for k, c in zip(keys, row, strict=False) if k} for row in ws.iter_rows(min_row=2)]


def fill(content: bytes, values: dict[str, Any], column: str = "value", **extra: dict[str, Any]) -> bytes:
    """The form with `column` set per indicator id (printed id as in the form), plus other columns."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb[DATA_SHEET]
    keys = [match_header(c.value) for c in ws[1]]
    col = {k: i for i, k in enumerate(keys) if k}
    for row in ws.iter_rows(min_row=2):
        ref = str(row[col["indicator_id"]].value)
        if ref in values:
            row[col[column]].value = values[ref]
        for other, by_ref in extra.items():
            if ref in by_ref:
                row[col[other]].value = by_ref[ref]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ref_of(content: bytes, name: str) -> str:
    """The printed indicator id of the row named `name`."""
    for r in form_rows(content):
        if r.get("indicator") == name:
            return str(r["indicator_id"])
    raise KeyError(name)
