"""`planwatch data template`: one .xlsx reporting form per department.

Each form lists the department's indicators with unit, baseline, target, the
year's milestone and the last reported value; the department fills in the
unlocked columns. Cells carry data validation and the 填报说明 sheet explains
the rules in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from planwatch.exchange.columns import COLUMNS, DATA_SHEET, HELP_SHEET, JUDGEMENTS, LISTS_SHEET, letter
from planwatch.register.queries import resolve_plan
from planwatch.register.regions import descendants
from planwatch.register.rules import MAX_ABS_VALUE, value_problem
from planwatch.register.schema import (
    Department,
    Indicator,
    Milestone,
    Observation,
    Plan,
    Region,
    Responsibility,
)

UNASSIGNED = "未分配部门"


@dataclass
class FormRow:
    indicator: Indicator
    region: Region
    year: int
    milestone: float | None
    last_value: float | str | None
    current: Observation | None


def _forms(session: Session, plan: Plan, year: int, department: str | None, subregions: bool
           ) -> dict[str, list[tuple[Indicator, list[Region]]]]:
    indicators = list(session.scalars(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active)
                                      .order_by(Indicator.position)))
    regions = descendants(session, plan.region_code)
    plan_region = regions[0]
    levels = [plan_region] + ([r for r in regions[1:] if r.parent_code == plan_region.code] if subregions else [])
    owners: dict[int, list[str]] = {}
    for ind_id, name in session.execute(
        select(Responsibility.indicator_id, Department.name).join(Department)
        .where(Responsibility.indicator_id.in_([i.id for i in indicators]))
    ):
        owners.setdefault(ind_id, []).append(name)
    forms: dict[str, list[tuple[Indicator, list[Region]]]] = {}
    for ind in indicators:
        for dept in owners.get(ind.id) or [UNASSIGNED]:
            if department is None or dept == department:
                forms.setdefault(dept, []).append((ind, levels))
    return forms


def write_templates(session: Session, plan_ref: str | int, out_dir: Path, *, year: int | None = None,
                    department: str | None = None, subregions: bool = False) -> list[Path]:
    """Write one form per department (or only `department`); returns the paths written."""
    plan = resolve_plan(session, plan_ref)
    year = year or min(max(plan.period_start, _this_year() - 1), plan.period_end)
    forms = _forms(session, plan, year, department, subregions)
    if department and department not in forms:
        from planwatch.register.errors import NotFound

        raise NotFound(f"部门“{department}”在该规划中没有负责的指标 / department {department!r} has no indicators "
                       f"in plan {plan.id}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for dept, items in sorted(forms.items()):
        rows = _rows(session, items, year)
        path = out_dir / form_name(plan.id, year, dept)
        _write(path, plan, dept, year, rows)
        paths.append(path)
    return paths


def department_form(session: Session, plan_ref: str | int, department: str, *, year: int | None = None
                    ) -> tuple[str, bytes]:
    """One department's form as bytes, for a download: (file name, .xlsx content).

    The same form `write_templates` writes (the CLI's `planwatch data template --department`):
    only the indicators the department answers for, the year's milestone, last year's value and
    each stored value's version. `NotFound` when the department answers for none of the plan's."""
    import io

    plan = resolve_plan(session, plan_ref)
    year = year or min(max(plan.period_start, _this_year() - 1), plan.period_end)
    forms = _forms(session, plan, year, department, False)
    if department not in forms:
        from planwatch.register.errors import NotFound

        raise NotFound(f"部门“{department}”在该规划中没有负责的指标 / department {department!r} has no indicators "
                       f"in plan {plan.id}")
    buf = io.BytesIO()
    _write(buf, plan, department, year, _rows(session, forms[department], year))
    return form_name(plan.id, year, department), buf.getvalue()


def form_name(plan_id: int, year: int, department: str) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", department)
    return f"plan{plan_id}_{year}_{safe}.xlsx"


def _this_year() -> int:
    from datetime import date

    return date.today().year


def _rows(session: Session, items: list[tuple[Indicator, list[Region]]], year: int) -> list[FormRow]:
    ids = [i.id for i, _ in items]
    # Values are the series of each target's metric: a 十五五 form shows what the 十四五 plan collected.
    metric_of = {i.id: i.metric_id for i, _ in items}
    obs = {(o.metric_id, o.region_code, o.year): o for o in session.scalars(
        select(Observation).where(Observation.metric_id.in_(set(metric_of.values())), Observation.year <= year))}
    latest_before: dict[tuple[int, str], Observation] = {}
    for (ind, reg, y), o in obs.items():
        if y < year and ((k := (ind, reg)) not in latest_before or latest_before[k].year < y):
            latest_before[k] = o
    miles = {(m.indicator_id, m.region_code): m.value for m in session.scalars(
        select(Milestone).where(Milestone.indicator_id.in_(ids), Milestone.year == year))}
    rows = []
    for ind, regions in items:
        for region in regions:
            last = latest_before.get((ind.metric_id, region.code))
            rows.append(FormRow(ind, region, year, miles.get((ind.id, region.code)),
                                None if last is None else (last.value if last.value is not None else last.judgement),
                                obs.get((ind.metric_id, region.code, year))))
    return rows


def _write(path: Path | BinaryIO, plan: Plan, dept: str, year: int, rows: list[FormRow]) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(COLUMNS):
        cell = ws.cell(row=1, column=i + 1, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter(i)].width = col.width
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "C2"

    idx = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    dv_pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                            showErrorMessage=True, errorTitle="数值错误",
                            error="请填写0到100之间的数字(百分比不含%号)")
    dv_num = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{MAX_ABS_VALUE:.0f}",
                            allow_blank=True, showErrorMessage=True, errorTitle="数值错误",
                            error="请填写非负数字,不要填写文字或公式")
    dv_any = DataValidation(type="decimal", operator="between", formula1=f"-{MAX_ABS_VALUE:.0f}",
                            formula2=f"{MAX_ABS_VALUE:.0f}", allow_blank=True, showErrorMessage=True,
                            errorTitle="数值错误", error="请填写数字,不要填写文字或公式")
    dv_judge = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!$A$1:$A${len(JUDGEMENTS)}", allow_blank=True,
                              showErrorMessage=True, errorTitle="定性判断", error="请从下拉列表中选择")
    for dv in (dv_pct, dv_num, dv_any, dv_judge):
        ws.add_data_validation(dv)

    for r, row in enumerate(rows, start=2):
        ind = row.indicator
        values = {
            "indicator_id": ind.ref, "indicator": ind.name, "unit": ind.unit, "region_code": row.region.code,
            "region": row.region.name, "year": row.year,
            "baseline": ind.baseline_raw if ind.baseline_value is None else ind.baseline_value,
            "target": ind.target_raw, "milestone": row.milestone, "last_value": row.last_value,
            "value": row.current.value if row.current else None,
            "judgement": row.current.judgement if row.current else None,
            "source": row.current.source_note if row.current else None,
            "evidence": row.current.evidence_file if row.current else None,
            "version": row.current.version if row.current else None,
        }
        for col in COLUMNS:
            cell = ws.cell(row=r, column=idx[col.key])
            v = values[col.key]
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # text from a document is never a formula
            if col.editable:
                cell.protection = Protection(locked=False)
                cell.fill = input_fill
        ref = f"{letter(idx['value'] - 1)}{r}"
        if ind.unit == "%" and value_problem(ind.name, "%", 101.0):
            dv_pct.add(ref)
        elif value_problem(ind.name, ind.unit, -1.0):
            dv_num.add(ref)
        else:
            dv_any.add(ref)
        dv_judge.add(f"{letter(idx['judgement'] - 1)}{r}")
        if ind.target_op == "qualitative":
            ws.cell(row=r, column=idx["judgement"]).comment = Comment("定性目标:请选择定性判断", "planwatch")
    # Locked sheet without a password: it guards against slips, not against people.
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False

    lists = wb.create_sheet(LISTS_SHEET)
    for i, j in enumerate(JUDGEMENTS, start=1):
        lists.cell(row=i, column=1, value=j)
    lists.sheet_state = "hidden"

    help_ws = wb.create_sheet(HELP_SHEET, 0)
    lines = [
        f"《{plan.title}》指标数据填报表",
        f"填报部门:{dept}    填报年度:{year}    规划编号:{plan.id}",
        "",
        "填报说明:",
        f"1. 请在“{DATA_SHEET}”工作表的黄色单元格中填写:本年值、定性判断、数据来源、佐证材料。其他列为系统生成,请勿修改。",
        "2. 本年值只填数字,不要填写单位、文字或公式;百分比填写百分数的数值(如 95.5 表示 95.5%)。",
        "3. 定性目标(如“应保尽保”)请在“定性判断”列下拉选择:已实现、推进中、未启动、滞后。",
        "4. 数据来源请写明统计口径和出处(如“2023年县统计公报”);佐证材料填写文件名或链接。",
        "5. 请勿重命名、删除工作表,也不要增删列;可删除不需填报的行。",
        "6. “版本”列用于防止多人同时修改造成覆盖,请保持原样。若某行在下载模板后已被他人修改,网页上传时会同时列出"
        "您的值和当前值,由您选择保留哪一个。",
        "7. 系统导入时逐行检查:未知指标或地区、单位不符、数字格里有文字、不可能的数值(如比率超过100、数量为负)、"
        "年份超出规划期、重复行,都会被指出所在行列。网页上传时导入有效的行,其余各行连同问题列出;"
        "命令行导入默认有任何错误时整个文件不导入。与系统中相同的数值不算更新。",
        "",
        "Instructions (English): fill the yellow cells of the data sheet; numbers only, no formulas; keep the "
        "sheet names, columns and the version column unchanged.",
    ]
    for i, text in enumerate(lines, start=1):
        help_ws.cell(row=i, column=1, value=text).data_type = "s"
    help_ws["A1"].font = Font(bold=True, size=14)
    help_ws.column_dimensions["A"].width = 120
    wb.active = wb.sheetnames.index(DATA_SHEET)
    wb.save(path)

