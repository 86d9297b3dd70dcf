"""The 催报 list of a reporting round as a workbook, for the office's own channels (phone, OA, mail)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

HEADERS = ("部门 Department", "联系人 Contacts", "未报事项数 Items outstanding", "应报日期 Due date",
           "是否逾期 Overdue", "未报事项 Items")


def chase_workbook(rows: Sequence[dict[str, Any]], title: str) -> bytes:
    """One row per department (`register.rounds.chase_rows`), headers in Chinese and English."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "催报清单"
    ws.append([title[:200]])
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for d in rows:
        ws.append([d["department"], "、".join(d["contacts"]) or "—", d["outstanding"],
                   d["due_date"].isoformat() if d["due_date"] else "—", "是 yes" if d["overdue"] else "否 no",
                   "\n".join(str(n)[:200] for n in d["items"][:200])])
        ws.cell(ws.max_row, 6).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEF", (24, 24, 14, 14, 10, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
