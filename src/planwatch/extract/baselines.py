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

from planwatch.extract.lexicon import WORDS, expand, rx
from planwatch.extract.naming import metric_name
from planwatch.extract.numbers import change_direction, kind_of
from planwatch.extract.periods import FIVE_YEAR_NAME, current_names, name_of, span_of
from planwatch.extract.quantity_context import Mention, quote, unit_of
from planwatch.extract.sentences import REACH

_YEAR_REF = rx(r"({time.compare})?((?:19|20)\d\d){time.year}{time.year_suffix}?")
_SINCE = rx("{time.since}")
_FORWARD_WORDS = expand("{time.forecast}")
# What a change is measured against: "比2015年", "较“十二五”末".
_COMPARED = rx(r"{time.compare}(?:((?:19|20)\d\d){time.year}|“?({time.plan_name})”?{time.plan_frame}?)")


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
    if m.text[max(0, m.q.start - 1) : m.q.start] in WORDS["value.from"]:
        return None
    sent = m.text[m.sentence.start : m.clause.start]
    own = [int(mm.group(2)) for mm in _YEAR_REF.finditer(sent) if not mm.group(1) and not _SINCE.match(sent, mm.end())]
    return own[-1] if own and own[-1] <= base else base


def compared_year(text: str) -> int | None:
    """The year the last comparison in text is made against ("比2015年…" → 2015, "较十二五末" → 2015)."""
    found = None
    for m in _COMPARED.finditer(text):
        if m.group(1):
            found = int(m.group(1))
        else:
            span = span_of(m.group(2))
            found = span[1] if span else found
    return found


# "连续5年保持在90%以上", "连续3年成功举办…": a streak says how long something held, it is no fact of its own,
# unless it counts years of something not happening ("待遇连续9年没有增长").
_STREAK_FACT = rx("^{class.streak_fact}")


def is_baseline(m: Mention, period: tuple[int, int]) -> bool:
    q = m.q
    if q.ratio or q.is_range:
        return False
    if q.streak and not _STREAK_FACT.match(m.after):
        return False
    before = m.text[m.sentence.start : m.q.start]
    if _forward(period).search(before):
        return False
    return not any(int(y.group(2)) >= period[0] for y in _YEAR_REF.finditer(before) if not y.group(1))


# A total over the previous plan ("累计实现城镇新增就业26.4万人", "“十四五”期间…新增学位5.6万个") is named
# with that period, as a reviewer tells it from a level: "城镇新增就业人数(十四五累计)".
_TOTAL_WORD = rx("{kind.cumulative_cell}")
_TOTAL_MARK = WORDS["name.total_mark"][0]
_PERIOD_TOTAL = rx("{time.period_total}")
_MAKING = rx("{name.making}")
_SINGLE_YEAR = rx(r"(?<![\d—–~～-])(?:19|20)\d\d{time.year}(?!{time.since})")


def _period_total(m: Mention, period: tuple[int, int]) -> str:
    """"(十四五累计)" when the fact is a total over the previous plan, else ""."""
    # Read at most REACH characters back, as every prose pass does (linear in the line's length).
    clause = m.text[max(m.clause.start, m.q.start - REACH) : m.q.start]
    sentence = m.text[max(m.sentence.start, m.q.start - REACH) : m.q.start]
    if _SINGLE_YEAR.search(clause):
        return ""
    written = [s for n in FIVE_YEAR_NAME.finditer(sentence) if (s := span_of(n.group(0))) and s[1] < period[0]]
    if not (written or _PERIOD_TOTAL.search(sentence)) or not (_TOTAL_WORD.search(clause) or _MAKING.search(clause)):
        return ""
    name = name_of(written[-1]) if written else name_of((period[0] - 5, period[0] - 1))
    return f"({name or ''}{_TOTAL_MARK})"


def baseline_record(m: Mention, period: tuple[int, int]) -> dict[str, Any]:
    unit = unit_of(m)
    record: dict[str, Any] = {
        "line": m.line,
        "quote": quote(m),
        "metric": metric_name(m),
        "value": m.q.value,
        "unit": unit,
        "year": _year(m, period),
    }
    kind = kind_of(m.prefix, unit, m.q.raw, scope=m.window)
    compared = compared_year(m.text[m.clause.start : m.q.start])
    if kind == "change" or (kind == "reduction" and compared is not None):
        # "比2015年增加39%": a change over the base period, not a level of the base year.
        record["kind"] = "change"
        record["direction"] = change_direction(m.prefix, m.q.raw)
        record["base_year"] = compared
    elif kind == "cumulative":
        record["metric"] += _period_total(m, period)
    return record
