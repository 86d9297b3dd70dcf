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

from planwatch.extract.naming import coordinated_metrics, metric_name
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

ANNUAL = re.compile(
    r"年均|每年|每月|逐年|"
    r"(?<![\d〇零一二三四五六七八九十百千青少老成中晚学当往今明去近多周历上下次同新跨末])年"
    r"(?!底|末|前|内|以来|级|龄|度|代|份|轻|限|初|中|起|后|的|左右|[\d〇零一二三四五六七八九十])[\u4e00-\u9fff]"
)
REDUCTION = re.compile(r"(?:撤并|减少|下降|降低|压减|削减|缩减|撤销|压缩|裁撤)(?!至|到|为)")
LEVEL_SCOPE = re.compile(r"每个|每所|每[村乡镇县户人]|每一|所有|各[村乡镇县]")
CUMULATIVE = re.compile(
    r"新增|新建|累计|培育|建成|建设|创建|打造|改扩建|改建|扩建|增建|迁建|评选|实施|完成|争创|引进|开工|增设|"
    r"设立|支持|规划|形成|开展|培训|孵化|组建|建立|举办|撤并|创作|带动|招聘|招录|培养|认定|申报|改造|修建|"
    r"新开|增加|新改扩建|创成|推出|评定|命名|认证|安置|转移|引入|引育"
)
RATE_UNITS = {"%", "％", "‰", "个百分点", "百分点", "倍", "平方米", "㎡", "m2", "m²", "平米", "册", "小时",
              "岁", "周岁", "年", "1/10万", "元"}
_MAKING_NEW = re.compile(r"(?:培育|孵化|新建|新增|建成|创建|打造|争创)[\u4e00-\u9fff]{0,3}$")
# Clauses that report the present rather than promise the future. The name of
# the previous plan ("十三五" in a 十四五 plan, "十四五" in a 十五五 plan) is filled
# in per period: see periods.
_PAST_WORDS = r"现有|已有|已建|已经|已达|已完成|目前|截至|截止|现状|以来|过去"
# "比“十三五”末提高5个百分点", "在现有基础上增加30%" compare with the past but promise the future.
_COMPARISON_TEMPLATE = (
    r"(?:比|较|与|相比)“?(?:{earlier})”?(?:末|期末|时期)?|(?:在|比|较)现有(?:的)?(?:基础|水平|规模)?上?"
)
_COMPARE_END = re.compile(r"(?:比|较|与|同|相比|对比|在)$")
# Time frames of the base period; "巩固“十三五”成果" names the past without being set in it.
_PAST_FRAME_TEMPLATE = (
    r"现有|已有|已建|已经|已达|已完成|目前|截至|截止|现状|过去|“?(?:{earlier})”?(?:时期|期间|以来|末|期末)"
)
# Words that turn a sentence to the plan period.
_FORWARD_TEMPLATE = (
    r"{current}|力争|确保|争取|努力|将|要|新增|新建|到20|至20|以后|今后|期间|起|"
    r"(?:提高|提升|增加|增长|下降|降低|减少|扩大|延长)(?:到|至)|增至|降至"
)


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
_DATED_NOUN = re.compile(
    r"\d{4}年(?:(?:以|之)?前(?:建成|建设|建造|竣工|修建|出生|登记)?|(?:建成|建设|建造|竣工|修建|出生|登记))的"
)
_CHANGE_VERB = re.compile(r"提高|提升|增加|增长|增至|扩大|下降|降低|降至|减少|压减|达到|延长|到|至")
_LINKED = re.compile(r"[、和及与]|达|为|率|比|占")


_ANY_VALUE_VERB = re.compile(VALUE_VERB_END.pattern.rstrip("$"))


def _elliptic(m: Mention) -> bool:
    """A clause that only names a thing and a number ("市级重点专科3个"), borrowing the verb before it."""
    p = m.prefix
    return not (ANNUAL.search(p) or REDUCTION.search(p) or LEVEL_SCOPE.search(p) or CUMULATIVE.search(p)
                or _ANY_VALUE_VERB.search(p))


def _kind(m: Mention, unit: str | None) -> str:
    prefix = m.prefix
    if ANNUAL.search(prefix):
        return "annual"
    if REDUCTION.search(prefix):
        return "reduction"
    # A per-unit rate ("元/人", "万元/家") is a standard, never a count of new things.
    if unit in RATE_UNITS or m.q.ratio or (unit and "/" in unit):
        return "level"
    # "每个县至少培育1家…": making new things is cumulative even per unit; "每个村配备1名…" is a level.
    if LEVEL_SCOPE.search(prefix) and not _MAKING_NEW.search(m.window):
        return "level"
    if CUMULATIVE.search(prefix):
        return "cumulative"
    return "level"


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
    words = _time_words(period)
    if words.past.search(words.comparison.sub("", m.prefix)):
        return False
    # The starting value of "由X提高到Y" / "从X延长至Y".
    if m.text[max(0, q.start - 1) : q.start] in ("由", "从"):
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
    op = operator(m)
    return {
        "source": "prose",
        "line": m.line,
        "table": None,
        "domain": domain,
        "name": name or metric_name(m),
        "unit": unit,
        "attribute": None,
        "baseline": None,
        "target": {
            "raw": q.raw,
            "value": q.value,
            "value_low": q.value_low,
            "value_high": q.value_high,
            "op": op,
            "kind": kind or _kind(m, unit),
            "year": _year(m, period),
        },
        "quote": quote(m),
    }


def targets(found: Iterable[Mention], domain_at: Callable[[int], str | None],
            period: tuple[int, int]) -> list[dict[str, Any]]:
    """Target records for the mentions of the forward-looking part, in order."""
    out: list[dict[str, Any]] = []
    prev: tuple[Mention, str] | None = None
    for m in found:
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
