"""The value grammar of plan targets: numbers, operators, ranges, scales, 【】, *.

`parse_value("≥60")` → {"raw": "≥60", "value": 60.0, "op": ">=", "kind": "level", ...}.

Grammar of a value cell or phrase (every part optional except the number)::

    [【 or [] [kind word] [operator word] NUMBER [SCALE] [UNIT]
        [(- — ~ 至 到) NUMBER [SCALE] [UNIT]] [以上|以下|以内|左右 ...] [】 or ]] [*]

* operators: ≥ ≤ > < = (ASCII and full-width), 不低于/不少于/不小于/至少 (>=),
  不超过/不高于/不多于/至多/最多 (<=), 超过/高于/大于/多于 (>), 低于/小于/少于 (<),
  and the suffixes 以上/及以上 (>=), 以下/及以下/以内/之内 (<=); 左右/约 keep "=".
* kinds: 【…】 or […] is a cumulative (five-year) figure, a trailing * an annual
  growth rate; 累计 → cumulative, 年均/每年 → annual, 下降/降低/减少 → reduction.
* ranges "1-2", "2至3", "2—3", "2~3", "2%-3%": value None, value_low/value_high set.
* numbers: Arabic (with thousands separators and full-width digits) or Chinese
  numerals ("一所", "两个", "十二轨"). A 万/亿 written right after the number and
  not followed by a unit word scales it ("1.2万" → 12000); when a unit follows,
  the scale belongs to the unit ("2.3万人" → 2.3, unit "万人"), which is how
  plans state their units.
* qualitative values ("应保尽保", "保持稳定", "全覆盖", "动态清零") → op
  "qualitative"; a qualitative phrase with a number ("稳定在98以上") is numeric.

`raw` is always returned exactly as passed in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TypedDict


class Value(TypedDict):
    raw: str
    value: float | None
    value_low: float | None
    value_high: float | None
    op: str  # ">=" | ">" | "<=" | "<" | "=" | "range" | "qualitative"
    kind: str  # level | cumulative | annual | reduction
    unit: str | None  # a unit written inside the value ("98%" → "%"), else None


NUM = r"\d+(?:\.\d+)?"
CN_NUM_CHARS = "〇零一二两三四五六七八九十百千万亿"

# One-to-one character normalisation (keeps string positions): full-width
# digits/letters/operators → ASCII.
_NORM = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
    "％＞＜＝～＊［］（）．，－＋／：≧≦∽〜",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz%><=~*[]().,-+/:≥≤~~",
)


def normalize(text: str) -> str:
    """Full-width digits, letters and operators → ASCII (same length as the input)."""
    return text.translate(_NORM)


_FULL_DIGITS = str.maketrans("０１２３４５６７８９％", "0123456789%")
_FULL_POINT = re.compile(r"(?<=[0-9０-９])．(?=[0-9０-９])")


def normalize_digits(text: str) -> str:
    """Full-width digits, a full-width decimal point between them and ％ → ASCII (same length).

    Narrower than `normalize`: prose keeps its full-width commas and brackets,
    which separate clauses ("达到85，100所…" is two numbers, not 85,100).
    """
    return _FULL_POINT.sub(".", text).translate(_FULL_DIGITS)


# Unit words a value or a unit cell may carry. Longer words first.
UNIT_WORDS = sorted(
    {
        "个百分点", "百分点", "平方米", "平方公里", "平米", "公里", "千米", "公顷", "小时", "分钟", "人次", "人年",
        "床位", "张床", "户次", "件次", "门次", "场次", "册次", "万元", "亿元",
        "人", "个", "所", "家", "张", "床", "册", "件", "次", "岁", "年", "月", "天", "日", "户", "套", "间",
        "座", "处", "项", "名", "元", "米", "亩", "吨", "辆", "台", "部", "支", "场", "篇", "本", "门", "条",
        "校", "园", "位", "例", "分", "级", "轨", "班", "批", "种", "类", "首", "点", "栋", "株", "只",
        "m2", "m²", "㎡", "km", "kg", "%", "‰", "‱", "倍", "期", "届", "片", "网", "台次", "车次",
    },
    key=len,
    reverse=True,
)
_UNIT_ALT = "|".join(re.escape(u) for u in UNIT_WORDS)
_SCALE = "万亿千百十"
# A unit cell or a unit parenthetical: "%", "万人", "万人次", "元/人", "张/千人", "1/10万", "/10".
UNIT_RE = re.compile(
    rf"^(?:(?:{NUM})?[{_SCALE}]?(?:{_UNIT_ALT})(?:/(?:{NUM})?[{_SCALE}]?(?:{_UNIT_ALT})?)*"
    rf"|(?:{NUM})?/(?:{NUM}[{_SCALE}]?(?:{_UNIT_ALT})?|[{_SCALE}]?(?:{_UNIT_ALT})))$"
)

_OPS_PREFIX: list[tuple[str, str]] = [
    (">=", ">="), ("<=", "<="), ("≥", ">="), ("≤", "<="), ("⩾", ">="), ("⩽", "<="), (">", ">"), ("<", "<"),
    ("=", "="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("最少", ">="),
    ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("不大于", "<="), ("至多", "<="), ("最多", "<="),
    ("超过", ">"), ("高于", ">"), ("大于", ">"), ("多于", ">"), ("低于", "<"), ("小于", "<"), ("少于", "<"),
]
_FILLER_PREFIX = (
    "稳定在", "保持在", "控制在", "维持在", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到",
    "下降到", "下降至", "降低到", "降低至", "达到", "达", "约", "为", "在", "力争", "确保", "实现", "新增", "新建",
    "建成", "完成", "增加", "增长", "提高", "提升",
)
_KIND_PREFIX: list[tuple[str, str]] = [
    ("累计", "cumulative"), ("五年累计", "cumulative"), ("年均增长", "annual"), ("年均", "annual"),
    ("每年", "annual"), ("下降", "reduction"), ("降低", "reduction"), ("减少", "reduction"),
]
_OPS_SUFFIX: list[tuple[str, str]] = [
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
    ("左右", "="), ("上下", "="),
]
_PLACEHOLDERS = frozenset({"", "-", "—", "——", "–", "/", "\\", "--", "---", "─", "…", "……"})

_NUMBER_RE = re.compile(rf"-?(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{NUM}|[〇零一二两三四五六七八九十][{CN_NUM_CHARS}]*)")
_RATIO_RE = re.compile(rf"^{NUM}(?::{NUM})+$")
_ARABIC_SCALED_RE = re.compile(rf"^({NUM})([万亿千]?)$")
_RANGE_SEP_RE = re.compile(r"(?:——|-|—|–|~|至|到)")
_YEAR_PREFIX_RE = re.compile(r"(?:到|至|在)?(?:19|20)\d\d年(?:底|末|前)?[,，、]?")
_UNIT_AT_RE = re.compile(rf"(?:{_UNIT_ALT})(?:/[{_SCALE}]?(?:{_UNIT_ALT}))?")
_SPACES_RE = re.compile(r"\s+")

# Qualitative targets: no number, a commitment word.
QUALITATIVE_RE = re.compile(
    r"(?:应[保收助纳养救扶享治检种]尽[保收助纳养救扶享治检种]|尽[保收助纳养]|稳定|保持|持续|逐步|稳步|不断|"
    r"进一步|提高|提升|增长|增加|扩大|下降|降低|减少|覆盖|清零|实现|达标|完成|改善|巩固|健全|建成|全面|"
    r"基本实现|基本完成|基本建成|明显|显著|有所[提增改上下降]|国家标准|省定标准|标准|零增长|为零|零发生|消除|控制|动态|全部|到位|落实|达到)"
)
_NOT_QUALITATIVE_RE = re.compile(r"[\d()（）:：、,，]")
# Last characters of indicator names ("…率", "…数", "…比重"), never of a qualitative value.
_NAME_END = frozenset("率数量比例重积度额值岁寿限间入位源费额次龄口园所院校站馆床面")


def parse_number(text: str) -> float | None:
    """An Arabic or Chinese numeral ("12.5", "十二", "两", "1,200", "2.3万") as a float, else None."""
    s = normalize(text).strip().replace(",", "").replace("，", "")
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    m = _ARABIC_SCALED_RE.match(s)
    if m:
        scale = {"": 1, "千": 1e3, "万": 1e4, "亿": 1e8}[m.group(2)]
        return float(m.group(1)) * scale
    if all(ch in CN_NUM_CHARS for ch in s):
        return _cn_number(s)
    return None


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}


def _small_cn_number(s: str) -> float | None:
    """Numerals below 10,000 ("十二", "两百零五"), the ones plans count things with.

    cn2an loads a YAML config at import (about 0.3 s), a large share of the
    whole-batch start-up budget, so it is only imported for the rare rest.
    """
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGIT:
            if digit is not None and (digit != 0 or _CN_DIGIT[ch] == 0) and not (digit == 0 and total):
                return None  # "一二", "二〇二五": a digit string, leave it to cn2an
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL_UNIT:
            total += (1 if digit is None else digit) * _CN_SMALL_UNIT[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


@lru_cache(maxsize=512)
def _cn_number(s: str) -> float | None:
    small = _small_cn_number(s)
    if small is not None:
        return small
    import cn2an  # slow import, see _small_cn_number

    try:
        return float(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _value(raw: str, value: float | None = None, low: float | None = None, high: float | None = None,
           op: str = "=", kind: str = "level", unit: str | None = None) -> Value:
    return Value(raw=raw, value=value, value_low=low, value_high=high, op=op, kind=kind, unit=unit)


class _Parsed:
    __slots__ = ("complete", "high", "kind", "low", "op", "unit", "value")

    def __init__(self) -> None:
        self.value: float | None = None
        self.low: float | None = None
        self.high: float | None = None
        self.op = "="
        self.kind = "level"
        self.unit: str | None = None
        self.complete = False  # the whole text is a value (nothing but the grammar)


def _read_number(body: str, pos: int) -> tuple[float | None, str, int]:
    """(number, scale char, end) of the numeral at pos, or (None, "", pos)."""
    m = _NUMBER_RE.match(body, pos)
    if not m:
        return None, "", pos
    text = m.group(0)
    end = m.end()
    if not text.lstrip("-")[:1].isdigit():
        # Chinese numeral; a trailing 万/亿 followed by a unit is the unit's scale ("三万人").
        scale = ""
        if len(text) > 1 and text[-1] in "万亿" and _UNIT_AT_RE.match(body, end):
            text, scale, end = text[:-1], text[-1], end - 1
            end += 1
        num = _cn_number(text)
        if num is None:
            return None, "", pos
        return num, scale, end
    num = float(text.replace(",", ""))
    scale = ""
    if end < len(body) and body[end] in "万亿千":
        scale = body[end]
        end += 1
    return num, scale, end


def _read_unit(body: str, pos: int) -> tuple[str | None, int]:
    m = _UNIT_AT_RE.match(body, pos)
    if m:
        return m.group(0), m.end()
    return None, pos


def _apply_scale(num: float, scale: str, unit: str | None) -> tuple[float, str | None]:
    """A 万/亿 scale: part of the unit when a unit follows, else multiplies the number."""
    if not scale:
        return num, unit
    if unit:
        return num, scale + unit
    return num * {"千": 1e3, "万": 1e4, "亿": 1e8}[scale], None


def _parse(raw: str) -> _Parsed:
    p = _Parsed()
    body = _SPACES_RE.sub("", normalize(raw))
    if body in _PLACEHOLDERS:
        p.op = "qualitative"
        return p
    if _RATIO_RE.match(body):  # "1:3:6"
        p.complete = True
        return p
    # kind markers around the whole value
    changed = True
    while changed and body:
        changed = False
        if body.endswith("*"):
            p.kind, body, changed = "annual", body[:-1], True
        if len(body) >= 2 and body[0] in "【[" and body[-1] in "】]":
            p.kind, body, changed = "cumulative", body[1:-1], True
    # prefixes: kind words, operators, filler verbs (in any order)
    changed = True
    while changed and body:
        changed = False
        for word, kind in _KIND_PREFIX:
            if body.startswith(word):
                p.kind, body, changed = kind, body[len(word):], True
                break
        for word, op in _OPS_PREFIX:
            if body.startswith(word):
                p.op, body, changed = op, body[len(word):], True
                break
        m = _YEAR_PREFIX_RE.match(body)
        if m and m.end() < len(body):
            body, changed = body[m.end():], True
        for word in _FILLER_PREFIX:
            if body.startswith(word) and len(body) > len(word) and _NUMBER_RE.match(body, len(word)):
                body, changed = body[len(word):], True
                break
    num, scale, pos = _read_number(body, 0)
    if num is None:
        # qualitative, possibly with a number later ("保持在98%以上" handled above; "全覆盖")
        m = _NUMBER_RE.search(body)
        if m and m.group(0).strip("-") and any(ch.isdigit() for ch in m.group(0)):
            sub = _parse(body[m.start():])
            if sub.value is not None or sub.low is not None:
                sub.complete = False
                if p.kind != "level" and sub.kind == "level":
                    sub.kind = p.kind
                if p.op != "=" and sub.op == "=":
                    sub.op = p.op
                return sub
        p.op = "qualitative"
        p.complete = (0 < len(body) <= 12 and body[-1] not in _NAME_END and not _NOT_QUALITATIVE_RE.search(body)
                      and bool(QUALITATIVE_RE.search(body)))
        return p
    unit, pos = _read_unit(body, pos)
    num, unit = _apply_scale(num, scale, unit)
    m = _RANGE_SEP_RE.match(body, pos)
    if m:
        num2, scale2, pos2 = _read_number(body, m.end())
        if num2 is not None:
            unit2, pos2 = _read_unit(body, pos2)
            num2, unit2 = _apply_scale(num2, scale2, unit2)
            if unit is None and unit2 is not None:
                # "1-2万人": the unit (and its scale) applies to both ends
                unit = unit2
            p.low, p.high, p.op = num, num2, "range"
            pos = pos2
            num = None  # type: ignore[assignment]
    if p.op != "range":
        p.value = num
    for word, op in _OPS_SUFFIX:
        if body.startswith(word, pos):
            if op != "=" and p.op != "range":
                p.op = op
            pos += len(word)
            break
    if unit is None:
        unit, pos = _read_unit(body, pos)
    if body.startswith("*", pos):
        p.kind = "annual"
        pos += 1
    p.unit = unit
    p.complete = pos == len(body)
    return p


def parse_value(raw: str) -> Value:
    """Parse a target or baseline cell (or phrase) as written; raw is returned unchanged."""
    p = _parse(raw)
    return _value(raw, p.value, p.low, p.high, p.op, p.kind, p.unit)


def is_value_text(text: str) -> bool:
    """True when the whole text is a value of the grammar: "≥60", "【0.5】", "4*",
    "98以上", "1-2个", "应保尽保", "保持稳定", "—"."""
    s = text.strip()
    if normalize(s).replace(" ", "") in _PLACEHOLDERS:
        return True
    return _parse(s).complete


def is_placeholder(text: str) -> bool:
    """An empty-cell marker ("—", "-", "/", "无")."""
    return _SPACES_RE.sub("", normalize(text)) in _PLACEHOLDERS


def is_unit_text(text: str) -> bool:
    """A unit as written in a unit column or a name's parenthetical ("%", "万人次", "1/10万", "元/人")."""
    s = _SPACES_RE.sub("", normalize(text))
    return bool(s) and bool(UNIT_RE.match(s))
