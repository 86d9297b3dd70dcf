"""The audit log made readable: action, target and before → after in plain Chinese (or English),
never an internal field name, and its .csv / .xlsx exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from planwatch.register import reporting as rp
from planwatch.web import formatting
from planwatch.web.i18n import MESSAGES, translate

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
}
# A field whose meaning depends on the kind of record (a round's state is not a task's progress state).
KIND_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "round": {"state": ("轮次状态", "round state"), "plan_id": ("规划", "plan"), "year": ("年度", "year"),
              "due_date": ("应报日期", "due date"), "lock_date": ("锁定日期", "lock date"),
              "unlocked": ("已解锁", "unlocked"), "unlocked_until": ("解锁至", "unlocked until"),
              "sent": ("提醒条数", "reminders sent"), "departments": ("部门数", "departments")},
    # a bulk load's one entry (register.auditlog.record_load)
    "observation": {"file": ("文件", "file"), "rows": ("数据条数", "values"), "inserted": ("新增", "added"),
                    "updated": ("修改", "changed"), "unchanged": ("未变", "unchanged")},
}
# Fields the target's own label already names (a round's target reads "plan · year"), left out of the changes.
KIND_NAMED = {"round": frozenset({"plan_id", "year"})}
# Verbs named by their kind's own pages (a round's steps read as on the round page).
KIND_VERBS = {"round": "rnd.action.{verb}"}
KIND_STATES = {"round": "rnd.state.{value}"}
OTHER_FIELD = ("其他", "other")
# Fields that store a region's code: shown as "名称 (code)" (`regions.region_names`), never the bare code.
REGION_FIELDS = frozenset({"region", "region_code"})
_ROLE_FIELDS = frozenset({"role"})
_STATUS_FIELDS = frozenset({"status"})
_RESPONSIBILITY = {"lead": ("牵头", "lead"), "co": ("配合", "co-responsible")}
MAX_TEXT = 80


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def action_label(action: str, lang: str) -> str:
    kind, _, verb = action.partition(".")
    k = _pick(KINDS.get(kind, ("记录", "record")), lang)
    if kind in KIND_VERBS and KIND_VERBS[kind].format(verb=verb) in MESSAGES:
        v = translate(KIND_VERBS[kind].format(verb=verb), lang)
        v = v[:1].lower() + v[1:] if lang == "en" else v  # "reporting round · locked", as the other verbs
    else:
        v = _pick(VERBS.get(verb, ("变更", "changed")), lang)
    return f"{k} · {v}"


def kind_label(kind: str, lang: str) -> str:
    return _pick(KINDS.get(kind, ("记录", "record")), lang)


def _value(field: str, value: Any, lang: str, kind: str = "", regions: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if field in REGION_FIELDS and isinstance(value, str):
        name = (regions or {}).get(value)
        return f"{name} ({value})" if name else value
    if field == "state" and kind in KIND_STATES and KIND_STATES[kind].format(value=value) in MESSAGES:
        return translate(KIND_STATES[kind].format(value=value), lang)
    if field == "evidence_file" and rp.is_stored_evidence(value):
        return translate("log.uploaded_file", lang)  # the register's own path is never shown
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if field in _STATUS_FIELDS and isinstance(value, str):
        return translate(f"obs.{value}", lang)
    if field in _ROLE_FIELDS and isinstance(value, str):
        return _pick(_RESPONSIBILITY[value], lang) if value in _RESPONSIBILITY else translate(f"role.{value}", lang)
    # Numbers, dates and stored codes as every page prints them (web.formatting)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else formatting.value(value, lang)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _evidence_named(values: dict[str, Any]) -> dict[str, Any]:
    """An uploaded file reads as its name: the stored reference goes where the name stands beside it."""
    if "evidence_name" not in values:
        return values
    out = {k: v for k, v in values.items() if k != "evidence_name"}
    out["evidence_file"] = values["evidence_name"] or values.get("evidence_file")
    return out


def region_codes(rows: Iterable[dict[str, Any]]) -> set[str]:
    """The region codes the rows' before/after values hold, for `regions.region_names`."""
    return {v for r in rows for values in (r.get("before"), r.get("after")) if isinstance(values, dict)
            for k, v in values.items() if k in REGION_FIELDS and isinstance(v, str) and v}


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None, lang: str, kind: str = "",
            regions: dict[str, str] | None = None) -> list[str]:
    """One "label: old → new" line per field that changed (a created target lists its values). `regions`:
    code → name, so a region reads "名称 (code)"."""
    before, after = _evidence_named(before or {}), _evidence_named(after or {})
    keys = list(dict.fromkeys([*after, *before]))
    if len(keys) > 1:
        keys = [k for k in keys if k != "version"]  # the counter says nothing beside real changes
    fields = {**FIELDS, **KIND_FIELDS.get(kind, {})}
    lines = []
    for k in keys:
        if k in KIND_NAMED.get(kind, ()):
            continue
        label = _pick(fields.get(k, OTHER_FIELD), lang)
        if k in before and k in after:
            lines.append(f"{label}:{_value(k, before[k], lang, kind, regions)} → "
                         f"{_value(k, after[k], lang, kind, regions)}")
        elif k in after:
            lines.append(f"{label}:{_value(k, after[k], lang, kind, regions)}")
        else:
            lines.append(f"{label}:{_value(k, before[k], lang, kind, regions)} → —")
    return lines


# The register writes its own reasons as "中文 / English" (e.g. "提交 / submitted", "报表导入 / spreadsheet
# 卫健局.xlsx"): the Chinese part ends in a Chinese character, the English part starts with a letter; words
# after the English phrase (a file name) are data, kept in either language.
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff\uff09\u300b\u201d])\s/\s(?P<en>[A-Za-z][^/]*)$", re.S)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z,;:()'-]*")


def note(text: str | None, lang: str) -> str:
    """A note in the page's language: the matching half of a register's bilingual reason, or the text
    as written (a person's comment or reason), with a stored code labelled."""
    if not text:
        return ""
    m = _BILINGUAL.match(text.strip())
    if m is None:
        return formatting.code(text, lang)
    words = m["en"].split()
    n = 0
    while n < len(words) and _EN_WORD.fullmatch(words[n]):
        n += 1
    phrase, data = " ".join(words[:n]), " ".join(words[n:])
    return " ".join(p for p in ((m["zh"] if lang == "zh" else phrase), data) if p)


def when(at: Any) -> str:
    if isinstance(at, datetime):
        return at.strftime("%Y-%m-%d %H:%M:%S")
    return str(at)[:19]


def person(actor: str | None, people: dict[str, str] | None, lang: str) -> str:
    """Who acted: the display name with the user name the filter and the register use beside it
    ("规划科 (planner)"); the register's own steps as 系统."""
    if not actor:
        return translate("log.system", lang)
    shown = (people or {}).get(actor)
    return f"{shown} ({actor})" if shown and shown != actor else actor


def readable(rows: Iterable[dict[str, Any]], names: dict[tuple[str, int], str], lang: str,
             regions: dict[str, str] | None = None, people: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows as the page and the exports show them; `regions`: code → name (`regions.region_names`),
    `people`: user name → display name (`users.display_names`)."""
    out = []
    for r in rows:
        target = names.get((r["target_kind"], r["target_id"])) if r["target_id"] is not None else None
        if target is None and isinstance(r["after"], dict) and r["action"].endswith(".import"):
            target = r["after"].get("file")  # a bulk load's one entry (register.auditlog.record_load): its file
        out.append({"id": r["id"], "at": formatting.when(r["at"], lang), "actor": person(r["actor"], people, lang),
                    "actor_raw": r["actor"], "action": r["action"], "action_label": action_label(r["action"], lang),
                    "kind": r["target_kind"], "kind_label": kind_label(r["target_kind"], lang),
                    "target_id": r["target_id"],
                    "target": target or (f"#{r['target_id']}" if r["target_id"] is not None else "—"),
                    "changes": changes(r["before"], r["after"], lang, r["target_kind"], regions),
                    "note": note(r["note"], lang)})
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
