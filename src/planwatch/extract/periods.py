"""Five-year plan names (十三五, 十四五, 十五五 …) relative to the plan being read.

A plan calls its own period and the one before it by name: a 十四五 plan looks
back on “十三五” and ahead to 2025, a 十五五 plan looks back on “十四五” and
ahead to 2030. Rules that tell the base period from the plan period must
therefore ask which plan a name refers to, never test for one fixed name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from planwatch.extract.numbers import normalize_digits

_CN = "一二三四五六七八九"
# "十三五", "“十四五”", "十五五"; 十一五 (2006–2010) … 十九五 cover every plan we can meet.
FIVE_YEAR_NAME = re.compile(rf"十([{_CN}])五")
# The Nth "十N五" plan starts in 2001 + 5N (十一五 2006, 十四五 2021, 十五五 2026).
_FIRST_YEAR = 2001


def span_of(name: str) -> tuple[int, int] | None:
    """(first year, last year) of a plan name such as "十四五" or "“十五五”", else None."""
    m = FIVE_YEAR_NAME.search(name)
    if not m:
        return None
    start = _FIRST_YEAR + 5 * (_CN.index(m.group(1)) + 1)
    return start, start + 4


def name_of(period: tuple[int, int]) -> str | None:
    """The plan name of a period ((2021, 2025) → "十四五"), None when it is not a five-year plan."""
    n, rest = divmod(period[0] - _FIRST_YEAR, 5)
    if rest or not 1 <= n <= len(_CN) or period[1] != period[0] + 4:
        return None
    return f"十{_CN[n - 1]}五"


def _names(keep: object) -> str:
    names = [f"十{c}五" for c in _CN]
    return "|".join(n for n in names if keep(span_of(n)))  # type: ignore[operator]


@lru_cache(maxsize=16)
def earlier_names(period: tuple[int, int]) -> str:
    """Regex alternation of the plan names that ended before the period starts (the base period's)."""
    return _names(lambda s: s[1] < period[0]) or "(?!)"


@lru_cache(maxsize=16)
def current_names(period: tuple[int, int]) -> str:
    """Regex alternation of the plan names of the period and later (what the plan looks ahead to)."""
    return _names(lambda s: s[1] >= period[0]) or "(?!)"


def most_named(text: str) -> str | None:
    """The five-year plan a text is written for, judged by the names it uses, else None.

    A plan names itself and the period before it (a 十四五 plan reviews “十三五”
    at length, and may mention “十五五” once in passing): the latest name used
    at least half as often as the most used one is the plan's own.
    """
    counts = Counter(m.group(0) for m in FIVE_YEAR_NAME.finditer(text))
    if not counts:
        return None
    top = max(counts.values())
    return max((n for n in counts if counts[n] * 2 >= top), key=lambda n: span_of(n) or (0, 0))


_PERIOD_RANGE = re.compile(r"(20\d\d)\s*[-—–~～至到]+\s*(20\d\d)\s*年")


def plan_period(lines: list[str]) -> tuple[int, int]:
    """The plan period from a "(2021—2025年)" in the first lines or the five-year plan the text names."""
    head = normalize_digits("\n".join(lines[:80]))
    for m in _PERIOD_RANGE.finditer(head):
        a, b = int(m.group(1)), int(m.group(2))
        if 3 <= b - a <= 5:
            return a, b
    named = most_named("\n".join(lines))
    return (span_of(named) if named else None) or (2021, 2025)
