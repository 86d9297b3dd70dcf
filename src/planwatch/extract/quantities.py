"""Spot quantities (number + unit + comparison suffix) in a line of plan prose.

A quantity is what a plan commits to or reports: "1万人以上", "98%", "2—3家",
"一所", "16.0". Numbers that only name something are dropped here: years
(2025年), ordinals (第一), list markers (1.), ages in group names (65岁以上老年人,
2至3岁), codes (12349热线, 5G, P2), ratios written as names, numbers inside
quotes or book titles (“十四五”, 《…2021—2025》) and descriptors of a set
("50人以下的乡村学校").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from planwatch.extract.lexicon import DOUBLING, WORDS, expand, rx, words
from planwatch.extract.numbers import parse_number, suffix_op

# Units after an Arabic number (the lexicon's counting words, shares and concentrations), longest
# first so "个百分点" wins over "个"; "/10万" alone is per 100,000 ("12/10万").
_UNITS = (*words("unit.count", "unit.rate"), "1/10万", "/10万")
_WEAK_UNITS = frozenset(WORDS["unit.weak"])
_AGE_UNITS = frozenset(WORDS["unit.age"])
_DURATION_UNITS = frozenset(WORDS["unit.duration"])
_MEASURE_UNITS = frozenset(WORDS["unit.measure"])
_SHARE_UNITS = frozenset(("%", "％", "‰"))
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

_ARABIC = re.compile(
    # Thousands separators ("12,500个") are part of the number.
    r"(?<![\d.０-９])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<unit1>%|％|‰|个|所|家|人|名|万人)?\s*(?:[-—–~～]{1,2}|至)\s*(?P<num2>\d+(?:\.\d+)?))?"
    # A converted PDF may leave a space between a number and its unit ("达到 5 万人").
    rf"(?:[ \u3000](?=[万亿]|{_UNIT_RE}))?"
    # Scales, compounds first ("3.5万亿元", "1.2千万", "5亿斤").
    + expand(r"(?P<scale>{scale.prose})?(?P<approx>余|多)?")
    # A rate written per head or per period ("576元/人/月", "5万元/家", "6张/千人", "12人/10万") keeps its whole unit.
    + expand(rf"(?:(?P<unit>{_UNIT_RE})(?P<per>(?:/{{unit.per}})+)?)?")
    + expand(r"(?P<suffix>{op.suffix_at_least}|{op.suffix_at_most}|{op.suffix_about})?")
)
_CN_DIGITS = "一二两三四五六七八九十百千"
# Chinese numerals only count with a classifier; "一批", "三级", "两类" are words.
_CHINESE = rx(
    # "/千人" is the base of a rate, not a count.
    rf"(?<![{{cn.not_after:chars}}{_CN_DIGITS}/])(?P<num>[{_CN_DIGITS}]+)"
    r"(?P<unit>{unit.cn_count})(?P<suffix>{op.suffix_at_least})?"
)
_CN_BAD_FOLLOW = rx("^{cn.not_before}")
_RATIO = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?)+")
_DOUBLING = rx("{kind.doubling}")
# "连续5年", "连续三届": how long something has held.
_DURATION_LEAD = rx("{class.duration_lead}$")
_WITHIN = rx("{op.within}")
_DURATION_VERB = rx("{unit.duration_verb}")
_LABEL_END = rx(r"{value.label}\s*$")

VALUE_VERB_END = rx("{value.verb}$")
_QUOTE_PAIRS = {"“": "”", "《": "》", "「": "」", "‘": "’", "〈": "〉"}
_PAREN_CLOSE = re.compile(r"[)）]")
_REFERENCE_END = rx("{value.reference_verb}$")
_QUOTE_OPEN = re.compile("[" + "".join(_QUOTE_PAIRS) + "]")
_ANY_NUMBER = re.compile(rf"[\d{_CN_DIGITS}]")
# Lead and follow words (连续, 立足, 性 …) are short: rules anchored at a number look this far, never back
# to the line's start, so a line of thousands of numbers is read in linear time.
_NEAR = 16
_SPAN_MAX = 128  # quoted names (24) and explaining brackets (48) are shorter
_LINE_LEAD = re.compile(r"\s*[(（]?\s*")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
# Nouns that a head count counts ("1000人以上技能人才", "200名以上志愿者").
_PERSON_NOUN = rx(r"[\u4e00-\u9fff]{0,4}?{unit.person_noun}")
# Bodies sized by a head count ("100人以上企业"): a class of bodies, not people.
_BODY_NOUN = rx("{unit.body_noun}")


@dataclass(frozen=True)
class Quantity:
    start: int  # offset of the number in the line
    end: int  # offset after unit and suffix
    raw: str
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str | None
    suffix_op: str | None  # from 以上 / 以下 / 以内
    chinese: bool = False
    ratio: bool = False
    # "连续5年", "连续三届": how long something has held. Never a target; a base-period
    # fact may report such a streak ("待遇连续9年没有增长").
    streak: bool = False

    @property
    def is_range(self) -> bool:
        return self.value_low is not None


def quoted_spans(text: str, max_len: int = 24) -> list[tuple[int, int]]:
    """Spans of short quoted names and book titles: numbers inside are names."""
    spans: list[tuple[int, int]] = []
    for m in _QUOTE_OPEN.finditer(text):
        i = m.start()
        j = text.find(_QUOTE_PAIRS[m.group(0)], i + 1, i + 2 + max_len)
        if j > 0:
            spans.append((i, j + 1))
    return spans


def explained_spans(text: str, quotes: list[tuple[int, int]], max_len: int = 48) -> list[tuple[int, int]]:
    """Brackets explaining a quoted standard the text refers to: 立足“9073”(90%居家养老、7%社区养老…).

    Only after a verb of reference (立足, 按照 …): "形成“8:1:1”(80%就近入学…)格局" commits to the shares.
    """
    spans: list[tuple[int, int]] = []
    for a, b in quotes:
        if text[b : b + 1] not in ("(", "（") or not _REFERENCE_END.search(text, max(0, a - _NEAR), a):
            continue
        k = _PAREN_CLOSE.search(text, b + 1, b + 1 + max_len)
        if k:
            spans.append((b, k.end()))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """pos strictly inside one of `spans` (sorted by start, each shorter than _SPAN_MAX): a binary search."""
    j = bisect_left(spans, (pos,)) - 1
    while j >= 0 and pos - spans[j][0] <= _SPAN_MAX:
        if spans[j][1] > pos:
            return True
        j -= 1
    return False


def _is_list_marker(text: str, start: int, end: int) -> bool:
    after = text[end : end + 1]
    # Only blanks and one bracket before it: the line's lead, measured once, never a rescan of the line.
    if start <= _LINE_LEAD.match(text).end() and text[:start].strip() in ("", "(", "（") \
            and after in (".", "．", "、", ")", "）"):
        return True
    return text[start - 1 : start] in ("(", "（") and after in (")", "）")


def _arabic(text: str, m: re.Match[str], quotes: list[tuple[int, int]]) -> Quantity | None:
    start, end = m.start(), m.end()
    num, num2 = m.group("num"), m.group("num2")
    scale, unit, suffix = m.group("scale"), m.group("unit"), m.group("suffix")
    unit1 = m.group("unit1")
    if unit1 and unit1 != (m.group("scale") or "") + (unit or ""):
        return None  # "5个至10%": two different things, not a range
    prev = text[start - 1 : start]
    nxt = text[end : end + 1]
    if prev == "第" or _LATIN.match(prev) or prev in ("/", "+", "-", ":", "：") or _LABEL_END.search(text, max(0, start - 12), start):
        return None
    # Quoted names hold no targets, but a quoted slogan may state a share ("“医疗机构100%全覆盖”").
    if _inside(start, quotes) and unit not in ("%", "％"):
        return None
    if unit is None and scale is None and (_LATIN.match(nxt) or nxt in ("+", "/", ":", "：", "∶", "号")):
        return None
    if _is_list_marker(text, start, m.end("num")):
        return None
    if len(num.split(".")[0]) >= 9:
        return None  # digits of neighbouring numbers run together by a PDF/HTML conversion
    num = num.replace(",", "")
    value = float(num)
    # Years: "2025年", "2021—2025", a bare 4-digit year.
    if len(num) == 4 and 1900 <= value <= 2100 and "." not in num and (unit in (None, "年") or num2):
        return None
    if unit == "个" and nxt == "月":
        unit, end = "个月", end + 1
        nxt = text[end : end + 1]
    suffix_op_ = suffix_op(suffix)
    if unit in _DURATION_UNITS and suffix is None:
        within = _WITHIN.match(text, end)
        if within:  # "2小时内到达", "30分钟内": a time limit
            end, suffix_op_ = within.end(), "<="
        elif _DURATION_VERB.match(text, end):
            suffix_op_ = "<="  # "农村15分钟到达现场": a time limit
        elif _CJK_CHAR.match(text, end):
            return None  # "15分钟健身圈", "1小时经济圈": a duration naming a thing
    if unit in _AGE_UNITS and (num2 or not VALUE_VERB_END.search(text[max(0, start - 4) : start])):
        return None
    if unit in _WEAK_UNITS and not VALUE_VERB_END.search(text[max(0, start - 4) : start]):
        return None
    # "50人以下的乡村学校", "500户以上或…": the number describes a set, not a target.
    if suffix in ("以上", "以下") and unit not in ("%", "％", "‰") and text[end : end + 1] in ("的", "或"):
        return None
    # "消除66人以上超大班额", "500户以上村": a head count glued to a noun that is not people sizes it.
    if unit in ("人", "户", "名") and suffix and _CJK_CHAR.match(text[end : end + 1]) \
            and (_BODY_NOUN.match(text, end) or not _PERSON_NOUN.match(text, end)):
        return None
    # "年产10万吨以下矿山", "200平方米以上场馆": a bounded measure glued to a noun defines a class.
    if unit in _MEASURE_UNITS and suffix and _CJK_CHAR.match(text[end : end + 1]):
        return None
    # "为60岁以上老年人接种", "80周岁及以上老人": an age bound glued to a noun names a group.
    if unit in _AGE_UNITS and suffix and _CJK_CHAR.match(text[end : end + 1]):
        return None
    if prev in ("(", "（") and text[end : end + 1] in (")", "）"):
        return None  # "(1/10万)", "(%)": a unit label of the metric, not a value
    if unit == "/10万":
        unit = "1/10万"  # "12/10万" is per 100,000, as in the usual "(1/10万)"
    full_unit = (scale or "") + (unit or "") + (m.group("per") or "") if (scale or unit) else None
    low = high = None
    val: float | None = value
    if num2:
        low, high, val = value, float(num2), None
    return Quantity(start=start, end=end, raw=text[start:end], value=val, value_low=low, value_high=high,
                    unit=full_unit, suffix_op=suffix_op_, streak=bool(_DURATION_LEAD.search(text, max(0, start - _NEAR), start)))


def _chinese(text: str, m: re.Match[str], quotes: list[tuple[int, int]]) -> Quantity | None:
    start, end = m.start(), m.end()
    if _inside(start, quotes) or _CN_BAD_FOLLOW.match(text[m.end("unit") : m.end("unit") + _NEAR]):
        return None
    value = parse_number(m.group("num"))
    if value is None:
        return None
    return Quantity(start=start, end=end, raw=text[start:end], value=value, value_low=None, value_high=None,
                    unit=m.group("unit"), suffix_op=suffix_op(m.group("suffix")), chinese=True,
                    streak=bool(_DURATION_LEAD.search(text, max(0, start - _NEAR), start)))


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in one line, in order, name-numbers removed."""
    if not _ANY_NUMBER.search(text) and not _DOUBLING.search(text):
        return []
    quotes = quoted_spans(text)
    explained = explained_spans(text, quotes)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _RATIO.finditer(text):
        taken.append((m.start(), m.end()))
        if not _inside(m.start(), quotes):
            found.append(Quantity(start=m.start(), end=m.end(), raw=m.group(0), value=None, value_low=None,
                                  value_high=None, unit=None, suffix_op=None, ratio=True))
    taken_ends = [b for _, b in taken]  # ratios do not overlap: the first ending after start is the one
    for m in _ARABIC.finditer(text):
        k = bisect_right(taken_ends, m.start())
        if (k < len(taken) and taken[k][0] <= m.start()) or _inside(m.start(), explained):
            continue
        q = _arabic(text, m, quotes)
        if q:
            found.append(q)
    for m in _CHINESE.finditer(text):
        q = _chinese(text, m, quotes)
        if q:
            found.append(q)
    for m in _DOUBLING.finditer(text):
        if not _inside(m.start(), quotes):
            # "比2020年翻一番": a change of +100 % against the base
            found.append(Quantity(start=m.start(), end=m.end(), raw=m.group(0), value=DOUBLING[m.group(0)],
                                  value_low=None, value_high=None, unit="%", suffix_op=None))
    found.sort(key=lambda q: q.start)
    return found
