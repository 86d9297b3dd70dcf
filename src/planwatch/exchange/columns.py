"""The columns of the reporting form, shared by the template, the importer and the export."""

from __future__ import annotations

from dataclasses import dataclass

DATA_SHEET = "数据填报"
HELP_SHEET = "填报说明"
LISTS_SHEET = "选项"
JUDGEMENTS = ("已实现", "推进中", "未启动", "滞后")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int = 12
    editable: bool = False  # cells the department fills in

    @property
    def header(self) -> str:
        return f"{self.zh}\n{self.en}"


COLUMNS = (
    Column("indicator_id", "指标编号", "indicator_id", 10),
    Column("indicator", "指标名称", "indicator", 36),
    Column("unit", "计量单位", "unit", 9),
    Column("region_code", "地区代码", "region_code", 11),
    Column("region", "地区名称", "region", 12),
    Column("year", "年份", "year", 7),
    Column("baseline", "基期值", "baseline", 10),
    Column("target", "目标值", "target", 12),
    Column("milestone", "年度目标", "milestone", 10),
    Column("last_value", "上年值", "last_value", 10),
    Column("value", "本年值", "value", 12, editable=True),
    Column("judgement", "定性判断", "judgement", 10, editable=True),
    Column("source", "数据来源", "source", 24, editable=True),
    Column("evidence", "佐证材料", "evidence", 20, editable=True),
    Column("version", "版本", "version", 6),
)
EXPORT_EXTRA = (
    Column("status", "状态", "status", 10),
    Column("simulated", "模拟数据", "simulated", 9),
    Column("reporter", "填报人", "reporter", 10),
    Column("reported_at", "填报时间", "reported_at", 20),
)
BY_KEY = {c.key: c for c in (*COLUMNS, *EXPORT_EXTRA)}
REQUIRED = ("region_code", "year")


def match_header(text: object) -> str | None:
    """The column key a header cell names (Chinese or English part, any order, extra spaces)."""
    if not isinstance(text, str):
        return None
    parts = {p.strip().lower() for p in text.replace("/", "\n").splitlines() if p.strip()}
    for col in (*COLUMNS, *EXPORT_EXTRA):
        if col.zh in parts or col.en.lower() in parts:
            return col.key
    return None


def letter(index: int) -> str:
    """0-based column index → spreadsheet letter (0 → A)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s
