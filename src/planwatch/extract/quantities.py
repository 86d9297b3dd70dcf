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
from dataclasses import dataclass

from planwatch.extract.numbers import parse_number

# Units after an Arabic number, longest first so "个百分点" wins over "个".
_UNITS = [
    "人(次)", "人（次）", "家(次)", "家（次）", "户(次)", "个百分点", "百分点", "1/10万", "/10万",
    "平方米", "立方米", "平米", "人次", "场次", "户次", "架次", "周岁", "小时", "公里", "公顷",
    "%", "％", "‰", "㎡", "m2", "m²",
    "个", "所", "家", "座", "项", "处", "条", "部", "套", "户", "台", "张", "名", "人", "次", "轮",
    "例", "册", "天", "元", "倍", "年", "岁", "本", "间", "支", "种", "场", "件", "位", "辆", "床",
    "吨", "亩", "篇", "门", "首", "块", "片", "栋", "幢", "宗", "笔", "枚", "盏", "株", "棵", "只",
    "头", "份", "口", "期", "批", "届", "类",
]
# Units that count things but, after a bare number, usually belong to a name
# ("第一期", "三类", "一批") unless the clause is clearly about a quantity.
_WEAK_UNITS = {"期", "批", "届", "类"}
# Ages and durations name a group ("65岁以上老年人", "5年一周期") unless a verb
# puts the number in value position ("延长至18周岁", "预期寿命达到77.4岁").
_AGE_UNITS = {"岁", "周岁", "年", "个月"}
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)

# What a per-unit rate is counted against ("元/人", "元/人/年", "万元/家").
_PER_UNITS = "人户家年月日天次床所个套间位名座"
_ARABIC = re.compile(
    # Thousands separators ("12,500个") are part of the number.
    r"(?<![\d.０-９])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<unit1>%|％|‰|个|所|家|人|名|万人)?\s*(?:[-—–~～]{1,2}|至)\s*(?P<num2>\d+(?:\.\d+)?))?"
    # A converted PDF may leave a space between a number and its unit ("达到 5 万人").
    rf"(?:[ \u3000](?=[万亿]|{_UNIT_RE}))?"
    r"(?P<scale>万|亿)?(?P<approx>余|多)?"
    # A rate written per head or per period ("576元/人/月", "5万元/家") keeps its whole unit.
    rf"(?:(?P<unit>{_UNIT_RE})(?P<per>(?:/[{_PER_UNITS}])+)?)?"
    r"(?P<suffix>及以上|以上|以下|以内|左右)?"
)
_CN_DIGITS = "一二两三四五六七八九十百千"
# Chinese numerals only count with a classifier; "一批", "三级", "两类" are words.
_CHINESE = re.compile(
    rf"(?<![第统唯同单每之万逐划合专星周初{_CN_DIGITS}])(?P<num>[{_CN_DIGITS}]+)"
    r"(?P<unit>所|个|座|次|家|名|项|处|人|部|条|台)(?P<suffix>以上)?"
)
_CN_BAD_FOLLOW = re.compile(r"^(?:性|年级|月|一)")
_RATIO = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?)+")

VALUE_VERB_END = re.compile(
    r"(?:达到|达|为|至|到|增至|增加|增长|提高|提升|下降|降低|减少|延长至|延长到|连续|保持|稳定在|保持在|控制在|"
    r"不低于|不少于|不超过|不高于|超过|高于|低于|约|年的)$"
)
_QUOTE_PAIRS = {"“": "”", "《": "》", "「": "」", "‘": "’", "〈": "〉"}
_QUOTE_OPEN = re.compile("[" + "".join(_QUOTE_PAIRS) + "]")
_ANY_NUMBER = re.compile(rf"[\d{_CN_DIGITS}]")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
# Nouns that a head count counts ("1000人以上技能人才", "200名以上志愿者").
_PERSON_NOUN = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:人|者|员|生|童|工|民|师|老|妇|家庭|青年|群众|职工|干部)")


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


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in spans)


def _suffix_op(suffix: str | None) -> str | None:
    if suffix in ("以上", "及以上"):
        return ">="
    if suffix in ("以下", "以内"):
        return "<="
    return None


def _is_list_marker(text: str, start: int, end: int) -> bool:
    before = text[:start].strip()
    after = text[end : end + 1]
    if before in ("", "(", "（") and after in (".", "．", "、", ")", "）"):
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
    if prev == "第" or _LATIN.match(prev) or prev in ("/", "+", "-", ":", "："):
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
    if unit in _AGE_UNITS and (num2 or not VALUE_VERB_END.search(text[max(0, start - 4) : start])):
        return None
    if unit in _WEAK_UNITS and not VALUE_VERB_END.search(text[max(0, start - 4) : start]):
        return None
    # "50人以下的乡村学校", "500户以上或…": the number describes a set, not a target.
    if suffix in ("以上", "以下") and unit not in ("%", "％", "‰") and text[end : end + 1] in ("的", "或"):
        return None
    # "消除66人以上超大班额", "500户以上村": a head count glued to a noun that is not people sizes it.
    if unit in ("人", "户", "名") and suffix and _CJK_CHAR.match(text[end : end + 1]) \
            and not _PERSON_NOUN.match(text, end):
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
                    unit=full_unit, suffix_op=_suffix_op(suffix))


def _chinese(text: str, m: re.Match[str], quotes: list[tuple[int, int]]) -> Quantity | None:
    start, end = m.start(), m.end()
    if _inside(start, quotes) or _CN_BAD_FOLLOW.match(text[m.end("unit") :]):
        return None
    value = parse_number(m.group("num"))
    if value is None:
        return None
    return Quantity(start=start, end=end, raw=text[start:end], value=value, value_low=None, value_high=None,
                    unit=m.group("unit"), suffix_op=_suffix_op(m.group("suffix")), chinese=True)


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in one line, in order, name-numbers removed."""
    if not _ANY_NUMBER.search(text):
        return []
    quotes = quoted_spans(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _RATIO.finditer(text):
        taken.append((m.start(), m.end()))
        if not _inside(m.start(), quotes):
            found.append(Quantity(start=m.start(), end=m.end(), raw=m.group(0), value=None, value_low=None,
                                  value_high=None, unit=None, suffix_op=None, ratio=True))
    for m in _ARABIC.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        q = _arabic(text, m, quotes)
        if q:
            found.append(q)
    for m in _CHINESE.finditer(text):
        q = _chinese(text, m, quotes)
        if q:
            found.append(q)
    found.sort(key=lambda q: q.start)
    return found
