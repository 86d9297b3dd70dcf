"""The value grammar of plan targets: numbers, operators, ranges, scales, 【】, *.

`parse_value("≥60")` → {"raw": "≥60", "value": 60.0, "op": ">=", "kind": "level", ...}.

Grammar of a value cell or phrase (every part optional except the number)::

    [【 or [] [kind word] [operator word] NUMBER [SCALE] [UNIT]
        [(- — ~ 至 到) NUMBER [SCALE] [UNIT]] [以上|以下|以内|左右 ...] [】 or ]] [*]

The words are in the lexicon (extract/lexicon.py, groups op.*, kind.*, unit.*,
scale.*, qual.*); the same `lead_op`, `suffix_op` and `kind_of` decide a table
cell and a sentence of prose (see docs/extraction.md).

* operators: ≥ ≤ > < = and the op.* words before the number (不低于/不得低于 >=,
  不超过 <=, 超过 >, 低于 <, 控制在 <=) or after it (以上 >=, 以下/以内 <=, 左右 =);
  a duration (30分钟, 2小时内) is an upper bound.
* kinds: 【…】 or […] is a cumulative (five-year) figure, a trailing * an annual
  growth rate; otherwise `kind_of` (累计 → cumulative, 年均/每年 → annual,
  下降/降低/减少 → reduction, 提高3个百分点/增长10%/翻一番 → change with a direction).
* ranges "1-2", "2至3", "2—3", "2~3", "2%-3%": value None, value_low/value_high set.
* numbers: Arabic (with thousands separators and full-width digits) or Chinese
  numerals ("一所", "两个", "十二轨"). A scale (万, 亿, 千万, 万亿 …) written right
  after the number and not followed by a unit word scales it ("1.2万" → 12000);
  when a unit follows, the scale belongs to the unit ("2.3万人" → 2.3, unit "万人";
  "1.2万亿元" → 1.2, unit "万亿元"), which is how plans state their units.
* qualitative values ("应保尽保", "保持稳定", "全覆盖", "动态清零") → op
  "qualitative"; a qualitative phrase with a number ("稳定在98以上") is numeric.

`raw` is always returned exactly as passed in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NotRequired, TypedDict

from planwatch.extract.lexicon import (
    CN_DIGIT_SPELLING,
    CN_DIGIT_VALUE,
    CN_SMALL_UNIT_VALUE,
    DOUBLING,
    SCALE_FACTOR,
    WORDS,
    alt,
    canonical_unit,
    chars,
    rx,
    words,
)


class Value(TypedDict):
    raw: str
    value: float | None
    value_low: float | None
    value_high: float | None
    op: str  # ">=" | ">" | "<=" | "<" | "=" | "range" | "qualitative"
    kind: str  # level | cumulative | annual | reduction | change
    unit: str | None  # a unit written inside the value ("98%" → "%"), else None
    direction: NotRequired[str]  # kind "change": "up" | "down"
    base_year: NotRequired[int]  # kind "change": the year written as its base ("比2020年…")


NUM = r"\d+(?:\.\d+)?"
CN_NUM_CHARS = "".join(WORDS["cn.numeral"])

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


# Unit words a value or a unit cell may carry (the lexicon's units, plus words that only
# a cell can hold: in prose "三级", "两轨" are names). Longer words first.
UNIT_WORDS = words("unit.count", "unit.rate", "unit.cell")
_UNIT_ALT = alt("unit.count", "unit.rate", "unit.cell")
_SCALE = chars("scale.digit")
_SCALE_ALT = alt("scale.word")
# A unit cell or a unit parenthetical: "%", "万人", "万人次", "元/人", "张/千人", "1/10万", "/10".
UNIT_RE = re.compile(
    rf"^(?:(?:{NUM})?[{_SCALE}]*(?:{_UNIT_ALT})(?:/(?:{NUM})?[{_SCALE}]*(?:{_UNIT_ALT})?)*"
    rf"|(?:{NUM})?/(?:{NUM}[{_SCALE}]*(?:{_UNIT_ALT})?|[{_SCALE}]*(?:{_UNIT_ALT})))$"
)

# Operators stated before a value, in the order they are tried: "不低于" holds "低于",
# "不超过" holds "超过". The strict ones and the capping verbs must end the text before
# the number ("超过95%"), the bounds may stand anywhere before it ("至少配备1名").
_LEAD_OPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (rx("{op.at_least}"), ">="),
    (rx("{op.at_most}"), "<="),
    (rx("{op.above}$"), ">"),
    (rx("{op.below}$"), "<"),
    (rx("{op.cap_verb}$"), "<="),
    (rx("^{op.equal}$"), "="),
)
# Operators written after the number.
_SUFFIX_OPS: dict[str, str] = {
    **{w: ">=" for w in WORDS["op.suffix_at_least"]},
    **{w: "<=" for w in WORDS["op.suffix_at_most"]},
    **{w: "=" for w in WORDS["op.suffix_about"]},
}
_SUFFIX_WORDS = words("op.suffix_at_least", "op.suffix_at_most", "op.suffix_about")
_PLACEHOLDERS = frozenset({"", "-", "—", "——", "–", "/", "\\", "--", "---", "─", "…", "……"})

# What may open a cell before its number: kind words, operators, fillers, a year.
_LEAD_WORDS_RE = rx("{kind.cumulative_cell}|{kind.annual_cell}|{kind.change_down}|{op.at_least}|{op.at_most}"
                    "|{op.above}|{op.below}|{op.equal}")
_FILLER_RE = rx("{value.lead}")

_CN_START = "".join(WORDS["cn.numeral_start"])
_NUMBER_RE = re.compile(rf"-?(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{NUM}|[{_CN_START}][{CN_NUM_CHARS}]*)")
_RATIO_RE = re.compile(rf"^{NUM}(?::{NUM})+$")
_ARABIC_SCALED_RE = re.compile(rf"^({NUM})({_SCALE_ALT}?)$")
_RANGE_SEP_RE = rx(r"(?:——|-|—|–|~|{value.range_word})")
_YEAR_PREFIX_RE = rx(r"(?:{value.range_word}|{value.place}|{time.compare})?(?:19|20)\d\d{time.year}{time.year_suffix}?[,，、]?")
# "/10万", "/千人", "/人/年": what a rate is counted against.
_PER = rf"/(?:{NUM}[{_SCALE}]*(?:{_UNIT_ALT})?|[{_SCALE}]*(?:{_UNIT_ALT}))"
_UNIT_AT_RE = re.compile(rf"(?:{_UNIT_ALT})(?:{_PER})*|{_PER}")
_WITHIN_RE = rx("{op.within}")
DURATION_UNITS = frozenset(WORDS["unit.duration"])
_SPACES_RE = re.compile(r"\s+")
# A scale after an Arabic number ("3.5万亿", "1.2千万"); not the 十/百 of "5十" (never written).
_SCALE_AT_RE = rx("{scale.number}")
_COMPARED_YEAR_RE = rx(r"{time.compare}((?:19|20)\d\d){time.year}")
_DOUBLING_RE = rx(r"^(?:{name.compare}(?:19|20)\d\d{time.year})?(" + "|".join(DOUBLING) + ")$")

# Qualitative targets: no number, a commitment word.
QUALITATIVE_RE = rx(r"{task.ought}([{qual.yingjin:chars}]){task.all_of}\1|{qual.word}")
_NOT_QUALITATIVE_RE = re.compile(r"[\d()（）:：、,，]")
# Last characters of indicator names ("…率", "…数", "…比重"), never of a qualitative value.
_NAME_END = frozenset(WORDS["name.end_char"])

# Kinds, read off the words before a value (see kind_of).
ANNUAL = rx(r"{kind.annual}|(?<![\d{kind.annual_year_not_after:chars}]){time.year}(?!{kind.annual_year_not_before}|\d)"
            r"[\u4e00-\u9fff]")
REDUCTION = rx("{kind.reduction}(?!{value.to})")
PER_SCOPE = rx("{kind.per_scope}")
CUMULATIVE = rx("{kind.cumulative}")
_MAKING_NEW = rx("{kind.making_new}[\u4e00-\u9fff]{0,3}$")
_CHANGE_END = rx("({kind.change_up}|{kind.change_down}){kind.done}?$")
_CHANGE_UP_END = rx("{kind.change_up}{kind.done}?$")
_CHANGE_DOWN = frozenset(WORDS["kind.change_down"])
_CHANGE_UNITS = frozenset(WORDS["kind.change_unit"])
LEVEL_UNITS = frozenset(WORDS["unit.level"])


def lead_op(lead: str) -> str | None:
    """The operator the words before a value state ("不得低于" → ">=", "控制在" → "<="), else None.

    One rule for a table cell's opening words and for the prose before a number.
    """
    for pattern, op in _LEAD_OPS:
        if pattern.search(lead):
            return op
    return None


def suffix_op(word: str | None) -> str | None:
    """The operator of a word written after the number ("以上" → ">=", "左右" → "="), else None."""
    return _SUFFIX_OPS.get(word) if word else None


def kind_of(lead: str, unit: str | None, raw: str = "", scope: str | None = None, ratio: bool = False) -> str:
    """level | cumulative | annual | reduction | change, from the words before a value and its unit.

    `lead` is the text before the number (a cell's opening words, a clause up to the
    number); `scope` the nearby text a verb of making is looked for in (default: lead).
    """
    if ANNUAL.search(lead):
        return "annual"
    if raw in DOUBLING or is_change(lead, unit):
        return "change"
    if REDUCTION.search(lead):
        return "reduction"
    # A per-unit rate ("元/人", "万元/家") is a standard, never a count of new things.
    if canonical_unit(unit) in LEVEL_UNITS or ratio or (unit and "/" in unit):
        return "level"
    # "每个县至少培育1家…": making new things is cumulative even per unit; "每个村配备1名…" is a level.
    if PER_SCOPE.search(lead) and not _MAKING_NEW.search(lead if scope is None else scope):
        return "level"
    if CUMULATIVE.search(lead):
        return "cumulative"
    return "level"


def is_change(lead: str, unit: str | None) -> bool:
    """"提高3个百分点", "降低2个百分点", "增长10%": a change against the base, not a level."""
    unit = canonical_unit(unit)
    if unit in _CHANGE_UNITS:
        return bool(_CHANGE_END.search(lead))
    return unit == "%" and bool(_CHANGE_UP_END.search(lead))


def change_direction(lead: str, raw: str = "") -> str:
    """"up" or "down": the way a change goes ("降低3个百分点" → "down", "翻一番" → "up")."""
    m = _CHANGE_END.search(lead)
    return "down" if m and m.group(1) in _CHANGE_DOWN else "up"


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
        return float(m.group(1)) * SCALE_FACTOR.get(m.group(2), 1.0)
    if all(ch in CN_NUM_CHARS for ch in s):
        return _cn_number(s)
    return None


_CN_DIGIT = CN_DIGIT_VALUE
_CN_SMALL_UNIT = CN_SMALL_UNIT_VALUE


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
        return float(cn2an.cn2an("".join(CN_DIGIT_SPELLING.get(c, c) for c in s), "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _value(raw: str, value: float | None = None, low: float | None = None, high: float | None = None,
           op: str = "=", kind: str = "level", unit: str | None = None) -> Value:
    return Value(raw=raw, value=value, value_low=low, value_high=high, op=op, kind=kind, unit=unit)


class _Parsed:
    __slots__ = ("base_year", "complete", "direction", "high", "kind", "low", "op", "unit", "value")

    def __init__(self) -> None:
        self.value: float | None = None
        self.low: float | None = None
        self.high: float | None = None
        self.op = "="
        self.kind = "level"
        self.unit: str | None = None
        self.direction: str | None = None
        self.base_year: int | None = None
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
        if len(text) > 1 and text[-1] in WORDS["cn.big_scale"] and _UNIT_AT_RE.match(body, end):
            text, scale, end = text[:-1], text[-1], end - 1
            end += 1
        num = _cn_number(text)
        if num is None:
            return None, "", pos
        return num, scale, end
    num = float(text.replace(",", ""))
    scale = ""
    m = _SCALE_AT_RE.match(body, end)
    if m:
        scale, end = m.group(0), m.end()
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
    return num * SCALE_FACTOR[scale], None


def _lead_end(body: str) -> int:
    """End of the words a cell opens with before its number: kind words, operators, a year, fillers."""
    pos = 0
    while pos < len(body):
        m = _LEAD_WORDS_RE.match(body, pos)
        if m:
            pos = m.end()
            continue
        m = _YEAR_PREFIX_RE.match(body, pos)
        if m and m.end() < len(body):
            pos = m.end()
            continue
        m = _FILLER_RE.match(body, pos)
        if m and m.end() < len(body) and _NUMBER_RE.match(body, m.end()):
            pos = m.end()
            continue
        break
    return pos


def _number_after(body: str, pos: int) -> re.Match[str] | None:
    """The first Arabic number at or after pos that is not a year ("比2020年提高3个百分点" → 3)."""
    for m in _NUMBER_RE.finditer(body, pos):
        text = m.group(0).lstrip("-")
        if not text or not text[0].isdigit():
            continue
        if len(text) == 4 and text.startswith(("19", "20")) and body.startswith(WORDS["time.year"], m.end()):
            continue
        return m
    return None


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
    marked = ""
    changed = True
    while changed and body:
        changed = False
        if body.endswith("*"):
            marked, body, changed = "annual", body[:-1], True
        if len(body) >= 2 and body[0] in "【[" and body[-1] in "】]":
            marked, body, changed = "cumulative", body[1:-1], True
    doubling = _DOUBLING_RE.match(body)
    if doubling:  # "翻一番", "比2020年翻一番": a change of +100 %
        p.value, p.unit, p.op, p.kind, p.direction = DOUBLING[doubling.group(1)], "%", ">=", "change", "up"
        compared = _COMPARED_YEAR_RE.search(body)
        p.base_year = int(compared.group(1)) if compared else None
        p.complete = True
        return p
    start = _lead_end(body)
    num, scale, pos = _read_number(body, start)
    if num is None:
        # A number later in the text ("全市不得低于95%"), or a qualitative value ("全覆盖").
        later = _number_after(body, start)
        if later is not None:
            sub = _parse(body[later.start():])
            if sub.value is not None or sub.low is not None:
                _read_lead(sub, body[: later.start()], body[later.start():], sub.op != "=")
                sub.complete = False
                if marked and sub.kind == "level":
                    sub.kind = marked
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
    suffixed = False
    for word in _SUFFIX_WORDS:
        if body.startswith(word, pos):
            if p.op != "range":
                p.op, suffixed = _SUFFIX_OPS[word], True
            pos += len(word)
            break
    if unit is None:
        unit, pos = _read_unit(body, pos)
    if unit in DURATION_UNITS and not suffixed:
        within = _WITHIN_RE.match(body, pos)
        if within:  # "2小时内"
            p.op, suffixed, pos = "<=", True, within.end()
    if body.startswith("*", pos):
        marked = "annual"
        pos += 1
    p.unit = unit
    _read_lead(p, body[:start], body[start:pos], suffixed)
    if marked:
        p.kind = marked
    p.complete = pos == len(body)
    return p


def _read_lead(p: _Parsed, lead: str, raw: str, op_written: bool) -> None:
    """Operator and kind from the words before the number (the same rule as in prose).

    op_written: an operator already came with the number (a suffix such as 以上 or 左右).
    """
    if not op_written and p.op == "=":
        # A duration is a time limit ("30分钟", "2小时"): at most that long, unless the words say otherwise.
        p.op = lead_op(lead) or ("<=" if p.unit in DURATION_UNITS else "=")
    if p.kind == "level":
        p.kind = kind_of(lead, p.unit, raw)
    if p.kind == "change":
        p.direction = change_direction(lead, raw)
        compared = _COMPARED_YEAR_RE.search(lead)
        p.base_year = int(compared.group(1)) if compared else None
        if not op_written and p.op == "=":
            p.op = ">="  # "提高3个百分点": at least that much


def parse_value(raw: str) -> Value:
    """Parse a target or baseline cell (or phrase) as written; raw is returned unchanged."""
    p = _parse(raw)
    v = _value(raw, p.value, p.low, p.high, p.op, p.kind, p.unit)
    if p.direction:
        v["direction"] = p.direction
    if p.base_year:
        v["base_year"] = p.base_year
    return v


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
