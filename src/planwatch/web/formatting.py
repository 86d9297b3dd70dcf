"""How pages print values: the one home for number, date, boolean and code formatting in the console and
the portal (templates use these as filters, see templating.build_env).

- numbers: rounded to the digits asked for (2 by default), trailing zeros dropped, thousands separated from
  10,000 (never 0.8687500000000004);
- times: 2026年12月4日 14:35 in the office's time zone (PLANWATCH_TZ, default Asia/Shanghai); dates 2026年12月4日;
- booleans: 是/否;
- stored codes (statuses, target kinds, operators, projection methods, aggregation, change reasons) and field
  names: their labels in i18n.CODE_LABELS / i18n.FIELD_LABELS, never the code itself;
- texts the system stores in both languages ("提交 / submitted"): the page's half.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any

from planwatch.web.i18n import CODE_LABELS, DEFAULT_LANG, FIELD_LABELS

_PAIR = re.compile(r"\s?/ ")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "—"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
        text = f"{value:,.{digits}f}" if abs(value) >= 10000 else f"{value:.{digits}f}"
        text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@lru_cache(maxsize=1)
def office_zone() -> tzinfo:
    name = os.environ.get("PLANWATCH_TZ", "Asia/Shanghai")
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database on the machine: China Standard Time has no daylight saving
        return timezone(timedelta(hours=8))


def _as_datetime(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and _ISO.fullmatch(value.strip()):
        s = value.strip().replace("Z", "+00:00")
        try:
            return datetime.fromisoformat(s) if len(s) > 10 else date.fromisoformat(s)
        except ValueError:
            return None
    return None


def when(value: Any, lang: str = DEFAULT_LANG) -> str:
    """A moment as 2026年12月4日 14:35 (en: 2026-12-04 14:35) in the office's zone; a date alone as day()."""
    d = _as_datetime(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    if not isinstance(d, datetime):
        return day(d, lang)
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)  # the register stores UTC
    d = d.astimezone(office_zone())
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}" if lang == "zh" else f"{d:%Y-%m-%d %H:%M}"


def day(value: Any, lang: str = DEFAULT_LANG) -> str:
    d = _as_datetime(value)
    if d is None:
        return "—" if value in (None, "") else str(value)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d:%Y-%m-%d}"


def yesno(value: Any, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return "—"
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def bilingual(text: str, lang: str = DEFAULT_LANG) -> str:
    """The page's half of a text the system stored in both languages, "中文 / English" or "English / 中文"
    (reasons, notes, reminders, extraction warnings): 提交 / submitted → 提交 (en: submitted). Text that is
    not such a pair (one half Chinese, the other without any) is returned as it is."""
    for m in _PAIR.finditer(text):
        left, right = text[:m.start()].strip(), text[m.end():].strip()
        if not left or not right:
            continue
        if _CJK.search(left) and not _CJK.search(right) and right[0].isascii():
            return left if lang == "zh" else right
        if _CJK.search(right) and not _CJK.search(left) and left[0].isascii():
            return right if lang == "zh" else left
    return text


def code(value: Any, lang: str = DEFAULT_LANG) -> str:
    """A stored code's label (approved → 已审核, linear → 线性趋势, >= → 不低于); a stored "中文 / English"
    text in the page's language (bilingual); other text as it is."""
    if value is None:
        return "—"
    pair = CODE_LABELS.get(str(value))
    if pair is None:
        return bilingual(str(value), lang)
    return pair[0] if lang == "zh" else pair[1]


def field(name: str, lang: str = DEFAULT_LANG) -> str:
    """A stored field's label (target_raw → 目标值(原文)); unknown names as they are."""
    pair = FIELD_LABELS.get(name)
    return name if pair is None else (pair[0] if lang == "zh" else pair[1])


def value(v: Any, lang: str = DEFAULT_LANG) -> str:
    """Any stored value as a page prints it: booleans 是/否, numbers rounded, codes labelled, times localised."""
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return yesno(v, lang)
    if isinstance(v, int | float):
        return num(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, list | tuple):
        return "、".join(value(x, lang) for x in v)
    if isinstance(v, dict):
        return ";".join(f"{field(str(k), lang)}:{value(x, lang)}" for k, x in v.items())
    if _as_datetime(v) is not None:
        return when(v, lang)
    return code(v, lang)
