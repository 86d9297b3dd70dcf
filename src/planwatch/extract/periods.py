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

from planwatch.extract.lexicon import WORDS, rx
from planwatch.extract.numbers import normalize_digits

_CN = "".join(WORDS["time.plan_ordinal"])
_TEN, _FIVE = WORDS["time.plan_ten"][0], WORDS["time.plan_five"][0]
# "十三五", "“十四五”", "十五五"; 十一五 (2006–2010) … 十九五 cover every plan we can meet.
FIVE_YEAR_NAME = re.compile(f"{_TEN}([{_CN}]){_FIVE}")
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
    return f"{_TEN}{_CN[n - 1]}{_FIVE}"


def _names(keep: object) -> str:
    names = [f"{_TEN}{c}{_FIVE}" for c in _CN]
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


# "2021—2025年", "2026-2030年", "2021年至2025年", "2026～2030年", "(2021-2035)": any dash or 至/到
# between the years, then 年 or the closing bracket.
PERIOD_RANGE = rx(r"(20\d\d)\s*{time.year}?\s*(?:[-—–~～―－]+|{time.range_to})\s*(20\d\d)\s*(?:{time.year}|(?=[)）]))")
# "第十五个五年规划" is the long form of 十五五.
_LONG_NAME = rx(r"{outline.ordinal}{time.plan_ten}([{time.plan_ordinal:chars}]){time.plan_long_tail}")
# "规划期为2026—2030年", "规划期限:2021年至2035年", "规划期至2025年": the plan stating its own span.
_STATED = rx(r"{plan.period_stated}\s*(?:{time.stated_as}|[：:])?\s*(20\d\d)\s*{time.year}?\s*(?:[-—–~～―－]+|{time.range_to})"
             r"\s*(20\d\d)")
# "到2025年", "至2030年末": the year a target aims at. "展望2035年" / "远景目标" years are visions.
_TARGET_YEAR = rx(r"{time.range_to}\s*(20\d\d)\s*{time.year}")
_VISION = rx("{plan.vision}")
_PLAN_WORD = rx("{plan.word}")
_BARE_RANGE = rx(r"^[(（]?\s*20\d\d\s*{time.year}?\s*(?:[-—–~～―－]+|{time.range_to})\s*20\d\d\s*{time.year}\s*[)）]?$")
# How far into a document its title and front matter reach.
FRONT_LINES = 80


_HANZI_DIGIT = {c: str(i) for i, c in enumerate(WORDS["cn.year_digit"])} | {c: "0" for c in WORDS["cn.year_zero"]}
_ZEROES = WORDS["cn.year_digit"][0] + "".join(WORDS["cn.year_zero"])
# "二〇二一": 2, a zero, then two digits.
_HANZI_YEAR = re.compile(f"{WORDS['cn.year_digit'][2]}[{_ZEROES}][{''.join(WORDS['cn.year_digit'])}{_ZEROES}]{{2}}")


def hanzi_years(text: str) -> str:
    """"二〇二一—二〇二五年" → "2021—2025年": years written in hanzi digits, same length."""
    return _HANZI_YEAR.sub(lambda m: "".join(_HANZI_DIGIT[c] for c in m.group(0)), text)


def long_names(text: str) -> str:
    """"第十五个五年规划" → "十五五规划": one spelling for the plan names, same positions not kept."""
    return _LONG_NAME.sub(lambda m: f"{_TEN}{m.group(1)}{_FIVE}", text)


def range_in(text: str, longest: int = 15) -> tuple[int, int] | None:
    """The first "2026—2030年" span in a text (full-width digits allowed), at most `longest` years long."""
    for m in PERIOD_RANGE.finditer(normalize_digits(hanzi_years(text))):
        a, b = int(m.group(1)), int(m.group(2))
        if 0 < b - a <= longest:
            return a, b
    return None


def _horizon(text: str) -> tuple[int, int] | None:
    """The five-year span ending in the year most targets aim at (到2025年); visions do not count."""
    ends: list[int] = []
    for m in _TARGET_YEAR.finditer(text):
        y = int(m.group(1))
        if y % 5 == 0 and not _VISION.search(text[max(0, m.start() - 6) : m.start()]):
            ends.append(y)
    if not ends:
        return None
    end = max(set(ends), key=lambda y: (ends.count(y), -y))
    return end - 4, end


def find_period(title: str | None, lines: list[str]) -> tuple[int, int] | None:
    """The plan period, from the most explicit place that gives one, else None (never a guess).

    In order: a span in the title ("(2026—2030年)", "2022-2035年"), the plan name in the
    title (十五五, 第十五个五年), a span the text states (规划期为…), a span on a line of
    its own in the front matter, the five-year plan the text names most (see
    `most_named`), and the year its targets aim at. A 2035 vision (远景目标) is never
    the end of a five-year plan.
    """
    if title:
        span = range_in(title)
        if span:
            return span
        named = span_of(long_names(title))
        if named:
            return named
    text = normalize_digits("\n".join(lines))
    m = _STATED.search(text)
    if m and 0 < int(m.group(2)) - int(m.group(1)) <= 15:
        return int(m.group(1)), int(m.group(2))
    for raw in lines[:FRONT_LINES]:
        s = raw.strip()
        # "(2021—2025年)" under a title, or "XX规划(2021-2025年)" when no title was recognised.
        if s and len(s) <= 60 and not re.search(r"[，,。;；]", s) and (_PLAN_WORD.search(s) or _BARE_RANGE.match(s)):
            span = range_in(s, longest=5)
            if span and span[1] - span[0] >= 3:
                return span
    named_text = most_named(long_names(text))
    if named_text:
        return span_of(named_text)
    return _horizon(text)


def plan_period(lines: list[str]) -> tuple[int, int]:
    """The span a document's items are dated by: its stated period, else its `working_period`."""
    from planwatch.extract.metadata import extract_metadata  # metadata builds on this module

    meta = extract_metadata(lines)
    period = meta["period"]
    return working_period((period[0], period[1]) if period else None, meta["issued"])


def working_period(period: tuple[int, int] | None, issued: str | None = None) -> tuple[int, int]:
    """The span the extractors date items by when the plan states none: the five-year block the plan was
    issued in (a plan issued in 2022 serves 2021–2025), else 十四五. Never reported as the plan's period."""
    if period:
        return period
    if issued and issued[:4].isdigit():
        year = int(issued[:4])
        start = _FIRST_YEAR + 5 * ((year - _FIRST_YEAR) // 5)
        return start, start + 4
    return 2021, 2025
