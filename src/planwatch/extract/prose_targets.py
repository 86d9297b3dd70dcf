"""Quantified targets stated in running text and 专栏 boxes of the forward-looking part.

One target per number. The kind follows the verb: 年均/每年 → annual,
撤并/减少 → reduction, 新增/新建/建成/培育/累计… N 个 → cumulative, rates and
everything else → level. The operator follows 以上/以内/不低于/至少/不超过….
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from planwatch.extract.baselines import compared_year
from planwatch.extract.lexicon import WORDS, expand, rx
from planwatch.extract.naming import coordinated_metrics, target_name
from planwatch.extract.numbers import (
    ANNUAL,
    CUMULATIVE,
    LEVEL_UNITS,
    PER_SCOPE,
    REDUCTION,
    change_direction,
    kind_of,
)
from planwatch.extract.periods import current_names, earlier_names
from planwatch.extract.quantities import VALUE_VERB_END
from planwatch.extract.quantity_context import (
    YEAR,
    Mention,
    has_value_verb,
    operator,
    quote,
    unit_of,
    years_before,
)

RATE_UNITS = LEVEL_UNITS
# Clauses that report the present rather than promise the future. The name of
# the previous plan ("十三五" in a 十四五 plan, "十四五" in a 十五五 plan) is filled
# in per period: see periods.
_PAST_WORDS = expand("{time.past}")
# "比“十三五”末提高5个百分点", "在现有基础上增加30%" compare with the past but promise the future.
_COMPARISON_TEMPLATE = expand(
    r"{time.compare}“?(?:{earlier})”?{time.plan_frame}?|(?:在|{time.compare})现有(?:的)?{time.present_base}?上?"
)
_COMPARE_END = rx("{time.compare}$|在$")
# Time frames of the base period; "巩固“十三五”成果" names the past without being set in it.
_PAST_FRAME_TEMPLATE = expand(r"{time.past_frame}|“?(?:{earlier})”?{time.plan_frame}")
# Words that turn a sentence to the plan period.
_FORWARD_TEMPLATE = expand(r"{current}|{time.future}|(?:{kind.change_up}|{kind.change_down}|延长)(?:到|至)")


class _TimeWords(NamedTuple):
    past: re.Pattern[str]
    comparison: re.Pattern[str]
    past_frame: re.Pattern[str]
    forward: re.Pattern[str]


@lru_cache(maxsize=16)
def _time_words(period: tuple[int, int]) -> _TimeWords:
    earlier, current = earlier_names(period), current_names(period)
    return _TimeWords(
        past=re.compile(f"{_PAST_WORDS}|{earlier}"),
        comparison=re.compile(_COMPARISON_TEMPLATE.format(earlier=earlier)),
        past_frame=re.compile(_PAST_FRAME_TEMPLATE.format(earlier=earlier)),
        forward=re.compile(_FORWARD_TEMPLATE.format(current=current)),
    )


# "2000年前建成的老旧小区": a year that dates a noun, not the sentence.
_DATED_NOUN = rx(
    r"\d{4}年(?:(?:以|之)?前{time.dated_noun_verb}?|{time.dated_noun_verb})的"
)
_CHANGE_VERB = rx("{kind.change_up}|{kind.change_down}|增至|降至|压减|达到|延长|到|至")
_LINKED = rx("{list.sep}|达|为|率|比|占")
_FROM = frozenset(WORDS["value.from"])


_ANY_VALUE_VERB = re.compile(VALUE_VERB_END.pattern.rstrip("$"))


def _elliptic(m: Mention) -> bool:
    """A clause that only names a thing and a number ("市级重点专科3个"), borrowing the verb before it."""
    p = m.prefix
    return not (ANNUAL.search(p) or REDUCTION.search(p) or PER_SCOPE.search(p) or CUMULATIVE.search(p)
                or _ANY_VALUE_VERB.search(p))


def _kind(m: Mention, unit: str | None) -> str:
    """The kind by the one rule table cells use too (numbers.kind_of), read off the clause."""
    return kind_of(m.prefix, unit, m.q.raw, scope=m.window, ratio=m.q.ratio)


def _year(m: Mention, period: tuple[int, int]) -> int:
    years = [y for y, _ in years_before(m, m.sentence) if period[0] <= y <= period[1] + 15]
    return years[-1] if years else period[1]


def _set_in_the_past(m: Mention, period: tuple[int, int]) -> bool:
    """The sentence opens in the past ("截至2020年底,…", "目前,…") and nothing since looks ahead."""
    scope = m.text[m.sentence.start : m.q.start]
    last_past = last_future = -1
    for y in YEAR.finditer(scope):
        if _COMPARE_END.search(scope[max(0, y.start() - 4) : y.start()]) or _DATED_NOUN.match(scope, y.start()):
            continue
        if int(y.group(1)) < period[0]:
            last_past = y.end()
        else:
            last_future = y.end()
    words = _time_words(period)
    for w in words.past_frame.finditer(words.comparison.sub(lambda c: "#" * len(c.group(0)), scope)):
        last_past = max(last_past, w.end())
    for w in words.forward.finditer(scope):
        last_future = max(last_future, w.end())
    return last_past > last_future


def is_target(m: Mention, period: tuple[int, int]) -> bool:
    q = m.q
    if q.streak:
        return False  # "连续3年": a duration, not a target
    words = _time_words(period)
    if words.past.search(words.comparison.sub("", m.prefix)):
        return False
    # The starting value of "由X提高到Y" / "从X延长至Y".
    if m.text[max(0, q.start - 1) : q.start] in _FROM:
        return False
    # A value dated before the plan ("由2020年的85%…") is a base, not a target;
    # "比2020年提高5个百分点" only compares with it.
    years = years_before(m, m.clause)
    if years:
        year, at = years[-1]
        # "由2020年的6.2张提高到7.5张": the year dates the value before the verb of change, not this one.
        window_start = m.q.start - len(m.window)
        moved_on = at < window_start and _CHANGE_VERB.search(m.window)
        if year < period[0] and not moved_on and not _COMPARE_END.search(m.text[max(0, at - 4) : at]):
            return False
    if _set_in_the_past(m, period):
        return False
    if q.ratio and not has_value_verb(m):
        return False
    # "31个乡镇卫生院100%达到…": the count is the base of the rate that follows.
    nxt = m.next_q
    if nxt is not None and q.unit not in RATE_UNITS and nxt.unit in ("%", "％"):
        between = m.text[q.end : nxt.start]
        if not _LINKED.search(between):
            return False
    return True


def target_record(m: Mention, domain: str | None, period: tuple[int, int],
                  kind: str | None = None, name: str | None = None) -> dict[str, Any]:
    q = m.q
    unit = unit_of(m)
    kind = kind or _kind(m, unit)
    op = operator(m)
    target: dict[str, Any] = {
        "raw": q.raw,
        "value": q.value,
        "value_low": q.value_low,
        "value_high": q.value_high,
        "op": op,
        "kind": kind,
        "year": _year(m, period),
    }
    if kind == "change":
        # A change against the base: "提高3个百分点" means at least 3 points more than the base year.
        target["direction"] = change_direction(m.prefix, q.raw)
        target["base_year"] = compared_year(m.text[m.clause.start : m.q.start]) or period[0] - 1
        if op == "=" and not q.suffix_op:
            target["op"] = ">="
    return {
        "source": "prose",
        "line": m.line,
        "table": None,
        "domain": domain,
        "name": name or target_name(m),
        "unit": unit,
        "attribute": None,
        "baseline": None,
        "target": target,
        "quote": quote(m),
    }


# A fact dated in the plan's first year or before ("2021年全县人均预期寿命为78岁") is a base, not a target.
_FORWARD_BEFORE_YEAR = rx("(?:{time.future}|到|至)$")
_DEADLINE = rx("{time.deadline}")


def dated_fact_year(m: Mention, period: tuple[int, int]) -> int | None:
    """The year of a base-period fact written in the plan part, else None.

    A clause dated no later than the plan's first year, with no word turning it to the
    future before or after the year, reports where the plan starts from.
    """
    if m.q.ratio or m.q.is_range or m.q.streak:
        return None
    scope = m.text[m.sentence.start : m.q.start]
    last = None
    for y in YEAR.finditer(scope):
        if _COMPARE_END.search(scope[max(0, y.start() - 4) : y.start()]) or _DATED_NOUN.match(scope, y.start()):
            continue
        last = y
    if last is None or int(last.group(1)) > period[0]:
        return None
    if _DEADLINE.match(scope, last.end() - 1) or _DEADLINE.match(scope, last.end()):
        return None  # "2026年底前完成…": a deadline, not a date of a fact
    if _FORWARD_BEFORE_YEAR.search(scope[: last.start()]) or _time_words(period).forward.search(scope[last.end():]):
        return None
    if m.text[max(0, m.q.start - 1) : m.q.start] in _FROM:
        return None
    return int(last.group(1))


def targets(found: Iterable[Mention], domain_at: Callable[[int], str | None],
            period: tuple[int, int], facts: list[Mention] | None = None) -> list[dict[str, Any]]:
    """Target records for the mentions of the forward-looking part, in order.

    Base-period facts met on the way (see dated_fact_year) are appended to `facts`.
    """
    out: list[dict[str, Any]] = []
    prev: tuple[Mention, str] | None = None
    for m in found:
        if dated_fact_year(m, period) is not None:
            if facts is not None:
                facts.append(m)
            continue
        if not is_target(m, period):
            continue
        kind = _kind(m, unit_of(m))
        if (kind == "level" and prev and prev[0].line == m.line and prev[0].sentence == m.sentence
                and prev[0].clause != m.clause and unit_of(m) not in RATE_UNITS and _elliptic(m)):
            kind = prev[1]
        names = coordinated_metrics(m) or [None]
        for name in names:
            out.append(target_record(m, domain_at(m.line), period, kind=kind, name=name))
        prev = (m, kind)
    return out
