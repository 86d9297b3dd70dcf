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
from planwatch.extract.numbers import DURATION_UNITS, lead_op, normalize_digits, suffix_op
from planwatch.extract.quantities import VALUE_VERB_END, Quantity, find_quantities
from planwatch.extract.sentences import Span, clauses, enclosing, sentences

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
_LEAD = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）])?(?:其中|同时|并|和|及|且|以及|还要?|要)?"
    r"(?:到|至(?!少)|在)?(?:(?:19|20)\d\d年(?:底|末|前)?|“?十[一二三四五六七八九]五”?(?:时期|期间|期末|末))?(?:的)?[,，]?"
    r"(?:(?:力争|确保|争取|努力|基本|全面|逐步|进一步|持续|保障|实现|全县|全市|全区|全州|全省|全镇|我县|我市|我区)+)?"
)
_TRAIL = re.compile(
    r"(?<!年)(?<!年均)(?:达到|到达|达|为|到|至|稳定在|保持在|控制在|不低于|不少于|不超过|不高于|至少|超过|高于|提高到|提高至|"
    r"增加到|增至|增长|下降至|下降到|下降为|降至|降低到|要在|在|的|均|分别|共|约|总计|合计|累计|全部|有)+$"
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
            clause = enclosing(cls, q.start) or Span(0, len(text), text)
            sentence = enclosing(sts, q.start) or Span(0, len(text), text)
            prev_end = max(clause.start, last_end)
            nxt = qs[i + 1] if i + 1 < len(qs) and qs[i + 1].start < clause.end else None
            m = Mention(line=ln, text=text, written=written, q=q, clause=clause, sentence=sentence,
                        window=text[prev_end : q.start], prefix=text[clause.start : q.start], next_q=nxt)
            if plausible(m):
                last_end = q.end
                yield m


def noun_after(m: Mention) -> str:
    """The noun a counted quantity modifies ("建设1个|省级儿童早期发展优质服务基地")."""
    after = m.after
    if after.startswith("以上的"):
        after = after[3:]
    elif after.startswith("的"):
        after = after[1:]  # "60%以上的城市社区": the share is of the noun after 的
    if not after or not ("\u4e00" <= after[0] <= "\u9fff"):
        return ""
    stop = len(after) if m.next_q is None else m.next_q.start - m.q.end
    seg = after[:stop]
    if m.q.unit not in _SHARE_UNITS:
        seg = _past_modifier(seg)
    return _split_noun(seg)


def _split_noun(seg: str) -> str:
    """The noun phrase up to its end, not cut inside brackets ("县(市、区)")."""
    depth = 0
    ends = {e.start() for e in _NOUN_END.finditer(seg)}
    for i, ch in enumerate(seg):
        if ch in "(（":
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
        elif depth == 0 and i in ends:
            return seg[:i]
    return seg


# A counted thing is often named after a long modifier ending in 的: "1个集…于一体的|市级儿童福利机构",
# "1所为…提供…服务的|精神卫生福利设施", "1家具有专业水平的|儿童类社会组织". The noun is the head after 的.
_MODIFIER = re.compile(
    r"(?:集(?=[^的]*于一体)|具有|具备|以(?=[^的]*为主)|为(?=[^的]*提供)|承担|有(?=[^的]{2,}的))[^的,，。;；]*的"
)
_SHARE_UNITS = {"%", "％", "‰", "个百分点"}
_GENERIC_HEAD = re.compile(r"^(?:目标|指标|标准|要求|水平|比例|任务)")


def _head(after_de: str) -> str:
    head = _split_noun(after_de)
    return "" if len(head) < 2 or _GENERIC_HEAD.match(head) else head


def _past_modifier(seg: str) -> str:
    """The noun phrase with a leading modifier ("集…于一体的", "达到…标准的", "A、B的") dropped."""
    de = seg.find("的")
    if de <= 0:
        return seg
    before = seg[:de]
    if not (_MODIFIER.match(seg) or re.search(r"[、“”]", before) or _NOUN_END.search(before)):
        return seg
    last = seg.rfind("的")
    return seg[last + 1 :] if _head(seg[last + 1 :]) else seg


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


def _subject(text: str) -> str:
    """Clause text with its leading frame ("到2025年,力争") and trailing verb ("达到") removed."""
    text = text.strip(" 、,，")
    for _ in range(3):  # "力争在“十四五”末实现…": frames can follow each other
        shorter = _LEAD.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    return _TRAIL.sub("", text).strip(" 、")


_OPEN, _CLOSE = "“‘(（《「『【[", "”’)）》」』】]"


def _after_unmatched(text: str) -> str:
    """Text after the last unmatched quote or bracket: "即“医疗机构" -> "医疗机构"."""
    depth: list[int] = []
    cut = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth.append(i)
        elif ch in _CLOSE:
            if depth and _OPEN.index(text[depth[-1]]) == _CLOSE.index(ch):
                depth.pop()
            else:
                cut = i + 1
    if depth:
        cut = max(cut, depth[-1] + 1)
    return text[cut:]


def _before_unmatched(text: str) -> str:
    """Text before the first unmatched quote or bracket: "全覆盖”和" -> "全覆盖"."""
    depth: list[str] = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth.append(ch)
        elif ch in _CLOSE:
            if depth and _OPEN.index(depth[-1]) == _CLOSE.index(ch):
                depth.pop()
            else:
                return text[:i]
    if depth:
        return text[: text.index(depth[0])] if depth[0] in text else text
    return text


# A base-to-target change names its metric before 由/从: "人均期望寿命由2015年的74.9岁提高到…".
_FROM_BASE = re.compile(r"(?:由|从)(?:(?:19|20)\d\d年|\d|$)")
# Verbs of doing that open a name without being part of the metric ("打造|示范型服务中心").
_DOING_VERB = re.compile(
    r"^(?:切实保证|保证|确保|力争|争取|努力|至少|规划建设|建设|建立|建成|打造|抓好|开展|实现|完成|实施|落实|形成|创建|培育|将)+"
)
_NOT_A_NOUN_START = re.compile(r"^(?:为|对|将|在|向|把|从|由|以|与|和|及|等|的|了|有|到|至|达|每年|年)")
# Clause subjects that say nothing by themselves: the metric is in the clause before ("…占比可适当降低,目标暂定30%").
_GENERIC_SUBJECT = re.compile(r"^(?:其中|目标|指标|比例|总数|总量|数量|标准)(?:暂定|初定|定为|为|是)?$")
_PREDICATE = re.compile(r"持续|可适当|可|应|要|将|达到|保持|稳定在|提高|降低|下降|增加|增长|不低于|不少于|控制在")
# A subject holding its own counted value ("31个乡镇卫生院100%") is not a metric name.
_COUNTED_NUMBER = re.compile(r"\d\s*(?:[%％‰]|[个所家项名张])")
_LIST_SEP_END = re.compile(r"[、和及与]\s*$")
# After a share, a verb of change is not a noun: "由2015年的83.2%|提高到2020年的…".
_CHANGE_VERB = re.compile(r"^(?:提高|提升|增至|增长|增加|下降|降至|降低|减少)")


def _drop_doing_verb(name: str) -> str:
    rest = _DOING_VERB.sub("", name)
    if rest != name and len(rest) >= 2 and _CJK.match(rest) and not _NOT_A_NOUN_START.match(rest):
        return rest
    return name


def _previous_clause_subject(m: Mention) -> str:
    """The subject of the clause before, in the same sentence, if it names a metric."""
    before = [c for c in clauses(m.text) if c.end <= m.clause.start and c.start >= m.sentence.start]
    if not before:
        return ""
    text = before[-1].text
    cut = _PREDICATE.search(text)
    if not cut:
        return ""
    subject = _after_unmatched(_subject(text[: cut.start()]))
    if len(subject) < 2 or _COUNTED_NUMBER.search(subject) or _GENERIC_SUBJECT.match(subject):
        return ""
    return subject


def metric_name(m: Mention) -> str:
    """The measured thing: the clause subject, or the noun after a counted quantity."""
    prefix = _subject(m.window) if m.window.strip() else ""
    after_previous = len(m.window) < len(m.prefix)  # the window starts at a previous quantity
    if len(prefix) < 2 and m.window is not m.prefix:
        prefix = _subject(m.prefix)
    base = _FROM_BASE.search(m.window) or _FROM_BASE.search(m.prefix)
    if base:
        prefix = _subject(base.string[: base.start()])
    quoted = _after_unmatched(prefix)
    tail = _before_unmatched(noun_after(m)) if m.q.unit else ""
    if quoted != prefix and prefix[len(prefix) - len(quoted) - 1] == "“" and "”" in m.after:
        tail = m.after[: m.after.index("”")]  # "“医疗机构100%全覆盖”": the quoted phrase whole
    prefix = quoted
    if base or _CHANGE_VERB.match(tail):
        tail = ""
    if tail and m.after.startswith(("的", "以上的")):
        return tail
    if m.q.unit not in _SHARE_UNITS and not tail:
        modifier = _MODIFIER.search(prefix)
        if modifier and _head(prefix[modifier.end() :]):
            lead = prefix[: modifier.start()]
            head = prefix[modifier.end() :]
            prefix = head if not lead or _LIST_SEP_END.search(lead) else lead + head
    if tail and after_previous and _LIST_SEP_END.search(m.window):
        name = tail  # "1个省级体育旅游示范基地、|1项省级体育旅游精品赛事": one item of a list
    else:
        name = (prefix + tail) if tail else prefix
    name = _drop_doing_verb(name)
    if not _CJK.search(name) or _GENERIC_SUBJECT.match(name):
        name = _previous_clause_subject(m) or name
    return name or m.q.raw


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


# "受众率和参与率达到80%": two metrics share one value.
_COORDINATED = re.compile(
    r"([\u4e00-\u9fff（）()]{2,}?(?:率|比例|比重|占比))(?:和|与|及|、)([\u4e00-\u9fff]{1,8}?(?:率|比例|比重|占比))"
    r"(?:均|都)?(?:达到|达|为|保持在|稳定在|不低于|不少于|提高到)?$"
)


_BARE_RATE = re.compile(r"[\u4e00-\u9fff]{1,2}(?:率|比例|比重|占比)$")


def coordinated_metrics(m: Mention) -> list[str]:
    """Both names when the value is shared by two coordinated rate metrics, else []."""
    hit = _COORDINATED.search(m.window)
    if not hit:
        return []
    first, second = hit.group(1), hit.group(2)
    # A bare rate word ("…达标率和优良率", "…受众率和参与率") shares the first's qualifier;
    # a full name ("医疗保险参保率和基本养老保险参保率") stands on its own.
    if not _BARE_RATE.fullmatch(second):
        return [first, second]
    stem = first[: -len(_BARE_RATE.search(first).group(0))]
    return [first, stem + second]
