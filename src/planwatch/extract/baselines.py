"""Quantified base-period facts in the opening (background / achievements) part.

"2020年九年义务教育巩固率达到100%", "累计城镇新增就业3.2万人". The year is the
one the number is attached to ("由2015年的83.2%…提高到2020年的90.3%"), the
year the sentence is set in, or the base year (the year before the plan period).
Comparisons ("比2015年增加39%") keep the base year; the starting value of
"由X增至Y" written without a year has no year.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from planwatch.extract.naming import metric_name
from planwatch.extract.periods import current_names
from planwatch.extract.quantity_context import Mention, quote, unit_of

_YEAR_REF = re.compile(r"(比|较|与|同|相比|对比)?((?:19|20)\d\d)年(?:底|末|初)?")
_SINCE = re.compile(r"以来|来|起")
_FORWARD_WORDS = r"预计|预测|将达|将超过|力争|争取|确保"


@lru_cache(maxsize=16)
def _forward(period: tuple[int, int]) -> re.Pattern[str]:
    # The plan's own name ("十四五" in a 十四五 plan) looks ahead; the name of the
    # period before it ("“十四五”时期" in a 十五五 plan) is the base period itself.
    return re.compile(f"{current_names(period)}|{_FORWARD_WORDS}")


def _year(m: Mention, period: tuple[int, int]) -> int | None:
    base = period[0] - 1
    scope = m.text[m.clause.start : m.q.start]
    # "2018年以来累计…": the year opens a period that runs to the base year; it does not date the value.
    years = [(mm.group(1), int(mm.group(2))) for mm in _YEAR_REF.finditer(scope) if not _SINCE.match(scope, mm.end())]
    own = [y for cmp, y in years if not cmp]
    if own:
        return own[-1]
    if m.text[max(0, m.q.start - 1) : m.q.start] in ("由", "从"):
        return None
    sent = m.text[m.sentence.start : m.clause.start]
    own = [int(mm.group(2)) for mm in _YEAR_REF.finditer(sent) if not mm.group(1) and not _SINCE.match(sent, mm.end())]
    return own[-1] if own and own[-1] <= base else base


def is_baseline(m: Mention, period: tuple[int, int]) -> bool:
    q = m.q
    if q.ratio or q.is_range:
        return False
    before = m.text[m.sentence.start : m.q.start]
    if _forward(period).search(before):
        return False
    return not any(int(y.group(2)) >= period[0] for y in _YEAR_REF.finditer(before) if not y.group(1))


def baseline_record(m: Mention, period: tuple[int, int]) -> dict[str, Any]:
    return {
        "line": m.line,
        "quote": quote(m),
        "metric": metric_name(m),
        "value": m.q.value,
        "unit": unit_of(m),
        "year": _year(m, period),
    }
