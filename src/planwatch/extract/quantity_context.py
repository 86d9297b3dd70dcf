"""A quantity together with the clause and sentence around it.

Both prose targets and baselines need the same view of a number: the clause
that holds it (its subject and verb), the text since the previous number (its
comparison words), the sentence (its time frame), a metric name and a verbatim
quote. Plain data in, plain data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from planwatch.extract.lexicon import WORDS, expand, rx, words
from planwatch.extract.naming import noun_after
from planwatch.extract.numbers import DURATION_UNITS, lead_op, normalize_digits, suffix_op
from planwatch.extract.quantities import VALUE_VERB_END, Quantity, find_quantities
from planwatch.extract.sentences import Span, around, clauses, enclosing, sentences

YEAR = rx(r"(?<![\d.])((?:19|20)\d\d)年{time.year_suffix}?")
# A unit written as a parenthetical of the metric: "产妇死亡率(1/10万)下降至16.0".
_PAREN_UNIT = rx(r"[(（]\s*(%|％|‰|\d+/\d+万|[万亿]?{unit.paren})\s*[)）]")
_LIST_VALUE = r"\d+(?:\.\d+)?(?:/\d+万|[万亿]?(?:%|％|‰|[\u4e00-\u9fff]{1,3}?))"
_SHARED_SUFFIX = re.compile(rf"(?:[、和及与]\s*{_LIST_VALUE})+?" + expand("({op.suffix_at_least}|{op.suffix_at_most})"))
_LIST_SO_FAR = re.compile(r"\s*[、和及与]\s*")
_LISTED_AFTER_OP = re.compile(
    expand("({op.at_least}|{op.at_most}|{op.above}|{op.below})")
    + rf"\s*{_LIST_VALUE}(?:[、和及与]\s*{_LIST_VALUE})*[、和及与]\s*$"
)

# Chinese numerals count only after a verb of making/having ("新建一所", "至少一人")
# or at the end of a clause ("培训班两次"); otherwise they are words ("两项改革", "三个子女").
_CN_VERB_END = rx("{value.cn_count_verb}$")
# ... or a little further after 至少 ("至少办好一所寄宿制学校").
_CN_VERB_NEAR = rx(r"{value.cn_count_verb}[\u4e00-\u9fff]{0,2}$|至少|不少于")
# "4个名单", "六条措施", "5项核心制度": counts of documents and policies name a list, they are not targets.
_ABSTRACT_NOUN = rx("{name.abstract}$")
# Where the noun phrase after a counted quantity ends: a conjunction or a predicate.
_NOUN_END = re.compile(r"[、和及与]|全部|全面|均|都|达到|实现|开展|纳入|覆盖|提供|建成|入驻|能够|能提供|要|将|并")
_SUBJECT_LEAD = rx(r"\s*{value.subject_lead}?\s*")
_HONOUR_VERB = rx(r"[\u4e00-\u9fff()（）、]{1,16}?{value.honour_verb}")
_COUNT_UNITS = frozenset(WORDS["unit.abstract_count"])
_BECOMING = words("value.becoming")
_NOTE_START = rx(r"^\s*{doc.note_start}\s*[:：\d]")
_FOOTNOTE_LINE = re.compile(r"^\s*\d{1,2}[\u4e00-\u9fff《]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FOUR_CJK = re.compile(r"[\u4e00-\u9fff](?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){3}")


def _note_lines(lines: list[str]) -> set[int]:
    """Table notes ("注:1依据…", then "2依据…"): they explain indicators, they set no targets."""
    notes: set[int] = set()
    in_note = False
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if _NOTE_START.match(raw):
            in_note = True
        elif not (in_note and _FOOTNOTE_LINE.match(raw)):
            in_note = False
        if in_note:
            notes.add(i)
    return notes


@dataclass(frozen=True)
class Mention:
    line: int  # 1-based
    text: str  # the whole line, digits made ASCII (same offsets as `written`)
    written: str  # the whole line as written, for quotes
    q: Quantity
    clause: Span
    sentence: Span
    window: str  # text between the previous quantity (or clause start) and this one
    prefix: str  # clause text before the number
    next_q: Quantity | None  # the following quantity in the same clause

    @property
    def after(self) -> str:
        """Clause text after the quantity."""
        return self.text[self.q.end : self.clause.end]


def in_skip(line: int, skip: list[tuple[int, int]]) -> bool:
    return any(a <= line <= b for a, b in skip)


def mentions(lines: list[str], first: int, last: int, skip: list[tuple[int, int]],
             heading_lines: set[int]) -> Iterator[Mention]:
    """Every plausible quantity on lines first..last (1-based, inclusive).

    Skipped: spans of tables and lists, headings, table notes, and lines too
    short to be prose (stray table cells).
    """
    notes = _note_lines(lines)
    for ln in range(max(first, 1), min(last, len(lines)) + 1):
        if ln in heading_lines or ln in notes or in_skip(ln, skip):
            continue
        written = lines[ln - 1]
        if not _FOUR_CJK.search(written):
            continue
        # Rules read ASCII digits ("２０２５年" is 2025年); raw values and quotes stay as written.
        text = normalize_digits(written)
        qs = [replace(q, raw=written[q.start : q.end]) for q in find_quantities(text)]
        if not qs:
            continue
        cls = clauses(text)
        sts = sentences(text)
        last_end = 0  # end of the last kept quantity: the window of the next starts there
        for i, q in enumerate(qs):
            whole = Span(0, len(text), text)
            # Long sentences and clauses are read around the number only (see sentences.REACH).
            clause = around(text, enclosing(cls, q.start) or whole, [], q.start, q.end)
            sentence = around(text, enclosing(sts, q.start) or whole, cls, q.start, q.end)
            prev_end = max(clause.start, last_end)
            nxt = qs[i + 1] if i + 1 < len(qs) and qs[i + 1].start < clause.end else None
            m = Mention(line=ln, text=text, written=written, q=q, clause=clause, sentence=sentence,
                        window=text[prev_end : q.start], prefix=text[clause.start : q.start], next_q=nxt)
            if plausible(m):
                if not q.streak:  # "连续5年|保持在65%以上": a streak does not open the next value's window
                    last_end = q.end
                yield m


def plausible(m: Mention) -> bool:
    q = m.q
    if q.chinese:
        ends_clause = not m.after.strip(" 以上")
        if not (ends_clause or _CN_VERB_NEAR.search(m.prefix[-6:]) or _counted_subject(m)):
            return False
        if m.prefix.endswith(_BECOMING):
            return False  # "打造成为一所…学院": a kind of thing, not a count
    if q.unit in _COUNT_UNITS and _ABSTRACT_NOUN.search(noun_after(m)):
        return False
    if q.unit is None and not q.ratio:
        # A bare number is a value only after a verb and, unless the metric
        # names its unit, not glued to the next word ("至109国道").
        if not has_value_verb(m):
            return False
        if _CJK.match(m.text[q.end : q.end + 1]) and not _PAREN_UNIT.search(m.prefix):
            return False
    return True


def _counted_subject(m: Mention) -> bool:
    """"三个乡镇被评为…", "全市五所学校入选…": a count opening its clause is the number of winners."""
    return bool(_SUBJECT_LEAD.fullmatch(m.prefix) and _HONOUR_VERB.match(m.after))


def has_value_verb(m: Mention) -> bool:
    return bool(VALUE_VERB_END.search(m.text[max(0, m.q.start - 4) : m.q.start]))


def unit_of(m: Mention) -> str | None:
    """The quantity's unit, or a unit written as a parenthetical of the metric."""
    if m.q.unit:
        return m.q.unit
    found = _PAREN_UNIT.findall(m.prefix)
    return found[-1] if found else None


def operator(m: Mention) -> str:
    q = m.q
    if q.is_range:
        return "range"
    if q.suffix_op:
        return q.suffix_op
    # "分别控制在6‰和5‰以下": a bound written after the last of a list of bare values covers them all.
    shared = _SHARED_SUFFIX.match(m.text, q.end, m.clause.end)
    if shared:
        return suffix_op(shared.group(1)) or "="
    w = m.window
    # "分别不低于90%和95%": ... and one written before the first.
    if _LIST_SO_FAR.fullmatch(w):
        listed = _LISTED_AFTER_OP.search(m.prefix)
        if listed:
            w = listed.group(1)
    # The same words as in a table cell ("不得低于", "控制在"), by the same rule.
    return lead_op(w) or ("<=" if q.unit in DURATION_UNITS else "=")


def quote(m: Mention) -> str:
    """A verbatim piece of the line: clause start to the end of the quantity (or of its noun)."""
    end = m.q.end
    after = m.after
    if after and "\u4e00" <= after[0] <= "\u9fff":
        end = m.clause.end if m.next_q is None else m.next_q.start
    return m.written[m.clause.start : end].strip(" 、")


def years_before(m: Mention, scope: Span) -> list[tuple[int, int]]:
    """(year, offset) of years written in scope before the quantity."""
    text = m.text[scope.start : m.q.start]
    return [(int(y.group(1)), scope.start + y.start()) for y in YEAR.finditer(text)]

