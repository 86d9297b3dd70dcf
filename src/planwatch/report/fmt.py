"""How figures are written in a report. Missing data is 未报送, never 0."""

from __future__ import annotations

import math

from planwatch.report.data import Point

MISSING = "未报送"
NOT_APPLICABLE = "—"
SIMULATED = "模拟数据"

_CN_DIGITS = "零一二三四五六七八九"

# Tone of each evaluate status code (planwatch.evaluate.status.LABELS), for
# colour, counting and what counts as lagging. Labels are printed as evaluate
# gives them; `TONES_BY_LABEL` covers rows built without a code.
TONES_BY_CODE: dict[str, str] = {
    "achieved": "done",
    "met": "done",
    "ahead": "ahead",
    "on_track": "normal",
    "in_progress": "normal",
    "lagging": "lag",
    "seriously_lagging": "severe",
    "not_met": "severe",
    "below_floor": "severe",
    "not_started": "severe",
    "not_reported": "missing",
    "unassessable": "missing",
}
TONES_BY_LABEL: dict[str, str] = {
    "已完成": "done",
    "提前实现": "done",
    "已实现": "done",
    "达标": "done",
    "进度超前": "ahead",
    "超前": "ahead",
    "进度正常": "normal",
    "正常": "normal",
    "推进中": "normal",
    "滞后": "lag",
    "严重滞后": "severe",
    "未完成": "severe",
    "未达标": "severe",
    "未达标(超出区间)": "severe",
    "未启动": "severe",
    "未报送": "missing",
    "无法评估": "missing",
}
TONE_ORDER = ("done", "ahead", "normal", "lag", "severe", "missing")
# How a chart names each tone group (several status labels share a tone).
TONE_GROUPS: dict[str, str] = {
    "done": "已完成或达标",
    "ahead": "进度超前",
    "normal": "进度正常",
    "lag": "滞后",
    "severe": "严重滞后或未完成",
    "missing": "未报送或无法评估",
}

# Order in which status labels are listed in counts and legends.
STATUS_ORDER: tuple[str, ...] = tuple(TONES_BY_LABEL)

LAGGING_TONES = frozenset({"lag", "severe"})


def tone(status: str | None, code: str | None = None) -> str | None:
    if code and code in TONES_BY_CODE:
        return TONES_BY_CODE[code]
    return TONES_BY_LABEL.get(status or "")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def number(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return MISSING
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(v: float | None, unit: str | None) -> str:
    text = number(v)
    if v is None or not unit:
        return text
    return f"{text}{unit}"


def percent(fraction: float | None, digits: int = 1) -> str:
    """Progress fractions print as percentages; not computable is a dash (the
    value cell already says 未报送 when that is why)."""
    if fraction is None or math.isnan(fraction):
        return NOT_APPLICABLE
    return f"{fraction * 100:.{digits}f}%"


def rate(fraction: float | None) -> str:
    if fraction is None or math.isnan(fraction):
        return NOT_APPLICABLE
    return f"{fraction * 100:.2f}%"


def point(p: Point | None, unit: str | None = None, *, with_year: bool = True) -> str:
    """The latest value as printed: '78.6岁（2023年）', a judgement, or 未报送;
    a simulated value says so right after the figure."""
    if p is None or (p.value is None and not p.judgement):
        return MISSING
    text = number(p.value) + (unit or "") if p.value is not None else str(p.judgement)
    if p.simulated:
        text += f"[{SIMULATED}]"
    if with_year:
        text += f"（{p.year}年）"
    return text


def years(a: int, b: int) -> str:
    return f"{a}—{b}年"
