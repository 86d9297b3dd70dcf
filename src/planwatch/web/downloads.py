"""A plan's indicator table as CSV, JSON or XLSX (the same columns everywhere)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from planwatch.web.i18n import status_label, translate

COLUMNS = [  # (key, zh header, en header)
    ("ref", "指标编号", "id"),
    ("category", "类别", "category"),  # 主要指标 (indicator table) or 其他量化目标 (running text)
    ("domain", "领域", "domain"),
    ("name", "指标名称", "indicator"),
    ("unit", "单位", "unit"),
    ("attribute", "属性", "attribute"),
    ("baseline_raw", "基期值", "baseline"),
    ("target_raw", "目标值", "target"),
    ("latest_year", "最新数据年份", "latest_year"),
    ("latest_value", "最新值", "latest_value"),
    ("P", "完成度", "completion"),
    ("S", "时序进度", "time_schedule"),
    ("status_label", "状态", "status"),
    ("lead_department", "牵头部门", "lead_department"),
    ("simulated", "含模拟数据", "simulated"),
]

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def flat_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        latest = r.get("latest") or {}
        out.append({**{k: r.get(k) for k, _, _ in COLUMNS},
                    "category": translate("plan.indicators_by_domain" if r.get("main", True) else "plan.other_targets",
                                          lang),
                    "latest_year": latest.get("year"), "latest_value": latest.get("value"),
                    "status": r["status"], "status_label": status_label(r["status"], lang)[0],
                    "simulated": bool(r.get("simulated"))})
    return out


def render(fmt: str, plan: dict[str, Any], rows: list[dict[str, Any]], lang: str) -> bytes:
    flat = flat_rows(rows, lang)
    headers = [zh if lang == "zh" else en for _, zh, en in COLUMNS]
    if fmt == "json":
        return json.dumps({"plan": plan, "indicators": flat}, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        for r in flat:
            w.writerow(["" if r[k] is None else _cell(r[k]) for k, _, _ in COLUMNS])
        return ("\ufeff" + buf.getvalue()).encode()  # BOM: Excel opens UTF-8 CSV correctly
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = "指标" if lang == "zh" else "indicators"
        ws.append([plan.get("title")])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for r in flat:
            ws.append([_cell(r[k]) for k, _, _ in COLUMNS])
        for col, width in zip("ABCDEFGHIJKLMN", (10, 12, 40, 10, 8, 12, 14, 10, 10, 8, 8, 10, 20, 8), strict=True):
            ws.column_dimensions[col].width = width
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise ValueError(fmt)


def _cell(v: Any) -> Any:
    # Text that starts like a formula is written as text, never evaluated by Excel.
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v
