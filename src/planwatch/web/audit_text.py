"""The audit log made readable: action, target and before → after in plain Chinese (or English),
never an internal field name, and its .csv / .xlsx exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from planwatch.register.rounds import ROUND_STATES
from planwatch.web import formatting
from planwatch.web.i18n import translate

KINDS: dict[str, tuple[str, str]] = {
    "user": ("账号", "account"), "department": ("部门", "department"), "plan": ("规划", "plan"),
    "indicator": ("指标", "indicator"), "observation": ("指标数据", "value"), "progress": ("任务进展", "progress"),
    "task": ("任务", "task"), "project": ("项目", "project"), "metric": ("度量", "metric"),
    "round": ("填报轮次", "reporting round"),
}
VERBS: dict[str, tuple[str, str]] = {
    "create": ("新建", "created"), "update": ("修改", "changed"), "status": ("审核状态变更", "status changed"),
    "retire": ("停用", "retired"), "restore": ("恢复", "restored"), "revise": ("修订", "revised"),
    "assign": ("指定责任部门", "department assigned"), "milestone": ("设置年度目标", "yearly target set"),
    "rename": ("改名", "renamed"), "password": ("修改密码", "changed the password"),
    "reset_password": ("重置临时密码", "temporary password set"), "role": ("变更角色", "role changed"),
    "deactivate": ("停用", "disabled"), "reactivate": ("重新启用", "enabled again"),
    "publish": ("发布", "published"), "import": ("导入", "imported"),
    # reporting rounds (register.rounds)
    "open": ("开启", "opened"), "dates": ("修改日期", "dates changed"), "close": ("结束填报", "closed"),
    "approve": ("审定", "approved"), "lock": ("锁定", "locked"), "unlock": ("解锁", "unlocked"),
    "remind": ("催报", "reminded"),
}
FIELDS: dict[str, tuple[str, str]] = {
    "value": ("数值", "value"), "judgement": ("定性判断", "judgement"), "status": ("状态", "status"),
    "source_note": ("数据来源", "source"), "evidence_file": ("佐证材料", "evidence"),
    "simulated": ("模拟数据", "simulated"), "series_break": ("统计口径变化", "series break"),
    "version": ("版本", "version"), "state": ("进展状态", "state"), "percent": ("完成百分比", "percent complete"),
    "note": ("进展说明", "note"), "username": ("用户名", "user name"), "display_name": ("显示名称", "display name"),
    "role": ("角色", "role"), "department": ("部门", "department"), "active": ("启用", "active"),
    "must_change_password": ("须修改密码", "must change the password"), "name": ("名称", "name"),
    "region": ("地区", "region"), "year": ("年份", "year"), "title": ("标题", "title"), "domain": ("领域", "domain"),
    "unit": ("单位", "unit"), "attribute": ("属性", "attribute"), "baseline_raw": ("基期值(原文)", "baseline (text)"),
    "baseline_value": ("基期值", "baseline"), "baseline_year": ("基期年份", "baseline year"),
    "target_raw": ("目标值(原文)", "target (text)"), "target_value": ("目标值", "target"),
    "target_low": ("目标下限", "target floor"), "target_high": ("目标上限", "target ceiling"),
    "target_op": ("目标关系", "target relation"), "target_kind": ("目标类型", "target kind"),
    "target_year": ("目标年份", "target year"), "direction": ("方向", "direction"),
    "aggregation": ("汇总方式", "aggregation"), "lead_department_text": ("牵头部门(原文)", "lead department (text)"),
    "metric_id": ("度量", "metric"), "metric_link": ("度量关联", "metric link"),
    "superior_plan_id": ("上位规划", "superior plan"), "predecessor_plan_id": ("前序规划", "previous plan"),
    "period_start": ("规划期起", "period start"), "period_end": ("规划期止", "period end"),
    "base_year": ("基期年", "base year"), "region_code": ("地区", "region"), "active_flag": ("有效", "active"),
    "definition": ("统计口径", "definition"),
    "plan_id": ("规划", "plan"), "due_date": ("应报日期", "due date"), "lock_date": ("锁定日期", "lock date"),
    "unlocked": ("已解锁", "unlocked"), "unlocked_until": ("解锁至", "unlocked until"),
    "sent": ("催报提醒数", "reminders sent"), "departments": ("部门数", "departments"),
}
OTHER_FIELD = ("其他", "other")
_ROLE_FIELDS = frozenset({"role"})
_STATUS_FIELDS = frozenset({"status"})
_STATE_FIELDS = frozenset({"state"})  # a round's state (open, locked…); a task's progress state is stored in words
_RESPONSIBILITY = {"lead": ("牵头", "lead"), "co": ("配合", "co-responsible")}
MAX_TEXT = 80


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def action_label(action: str, lang: str) -> str:
    kind, _, verb = action.partition(".")
    k = _pick(KINDS.get(kind, ("记录", "record")), lang)
    v = _pick(VERBS.get(verb, ("变更", "changed")), lang)
    return f"{k} · {v}"


def kind_label(kind: str, lang: str) -> str:
    return _pick(KINDS.get(kind, ("记录", "record")), lang)


def _value(field: str, value: Any, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if field in _STATUS_FIELDS and isinstance(value, str):
        return translate(f"obs.{value}", lang)
    if field in _STATE_FIELDS and value in ROUND_STATES:
        return translate(f"rnd.state.{value}", lang)
    if field in _ROLE_FIELDS and isinstance(value, str):
        return _pick(_RESPONSIBILITY[value], lang) if value in _RESPONSIBILITY else translate(f"role.{value}", lang)
    # Numbers, dates and stored codes as every page prints them (web.formatting)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else formatting.value(value, lang)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None, lang: str) -> list[str]:
    """One "label: old → new" line per field that changed (a created target lists its values)."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*after, *before]))
    if len(keys) > 1:
        keys = [k for k in keys if k != "version"]  # the counter says nothing beside real changes
    lines = []
    for k in keys:
        label = _pick(FIELDS.get(k, OTHER_FIELD), lang)
        if k in before and k in after:
            lines.append(f"{label}:{_value(k, before[k], lang)} → {_value(k, after[k], lang)}")
        elif k in after:
            lines.append(f"{label}:{_value(k, after[k], lang)}")
        else:
            lines.append(f"{label}:{_value(k, before[k], lang)} → —")
    return lines


def when(at: Any) -> str:
    if isinstance(at, datetime):
        return at.strftime("%Y-%m-%d %H:%M:%S")
    return str(at)[:19]


def readable(rows: Iterable[dict[str, Any]], names: dict[tuple[str, int], str], lang: str) -> list[dict[str, Any]]:
    """Rows as the page and the exports show them."""
    out = []
    for r in rows:
        target = names.get((r["target_kind"], r["target_id"])) if r["target_id"] is not None else None
        out.append({"id": r["id"], "at": formatting.when(r["at"], lang), "actor": r["actor"] or translate("log.system", lang),
                    "actor_raw": r["actor"], "action": r["action"], "action_label": action_label(r["action"], lang),
                    "kind": r["target_kind"], "kind_label": kind_label(r["target_kind"], lang),
                    "target_id": r["target_id"],
                    "target": target or (f"#{r['target_id']}" if r["target_id"] is not None else "—"),
                    "changes": changes(r["before"], r["after"], lang),
                    "note": formatting.code(r["note"], lang) if r["note"] else ""})
    return out


def _header(lang: str) -> list[str]:
    return [translate(k, lang) for k in ("log.col.at", "log.col.actor", "log.col.action", "log.col.kind",
                                         "log.col.target", "log.col.changes", "log.col.note")]


def _line(r: dict[str, Any]) -> list[Any]:
    from planwatch.web.downloads import _cell

    return [_cell(v) for v in (r["at"], r["actor"], r["action_label"], r["kind_label"], r["target"],
                               ";".join(r["changes"]), r["note"])]


def export(fmt: str, rows: list[dict[str, Any]], lang: str) -> bytes:
    """The readable rows as .csv (UTF-8 with BOM, for Excel) or .xlsx."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(_header(lang))
        for r in rows:
            w.writerow(_line(r))
        return ("\ufeff" + buf.getvalue()).encode()
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = translate("log.title", lang)[:31]
        ws.append(_header(lang))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(_line(r))
        for col, width in zip("ABCDEFG", (20, 14, 22, 10, 36, 60, 24), strict=True):
            ws.column_dimensions[col].width = width
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise ValueError(fmt)
