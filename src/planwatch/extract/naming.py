"""The name of what a quantity measures, in the text's own words.

A prose target or baseline is named by the subject of its clause (its frame
and trailing verb removed), or by the noun after a counted quantity; lists,
的-modifiers, quotes and subjects carried from the clause before are handled
here. Plain data in, plain data out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from planwatch.extract.sentences import clauses

if TYPE_CHECKING:
    from planwatch.extract.quantity_context import Mention

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEAD = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]+[)）])?(?:其中|同时|并|和|及|且|以及|还要?|要)?"
    r"(?:到|至(?!少)|在)?(?:(?:19|20)\d\d年(?:底|末|前)?|“?十[一二三四五六七八九]五”?(?:时期|期间|期末|末))?(?:的)?[,，]?"
    r"(?:(?:力争|确保|争取|努力|基本|全面|逐步|进一步|持续|保障|实现|全县|全市|全区|全州|全省|全镇|我县|我市|我区)+)?"
)
_TRAIL = re.compile(
    r"(?<!年)(?<!年均)(?:达到|到达|达|为|到|至|稳定在|保持在|控制在|不低于|不少于|不超过|不高于|至少|超过|高于|提高到|提高至|"
    r"增加到|增至|增长|下降至|下降到|下降为|降至|降低到|要在|在|的|均|分别|共|约|总计|合计|累计|全部|有)+$"
)
# Where the noun phrase after a counted quantity ends: a conjunction or a predicate.
_NOUN_END = re.compile(r"[、和及与]|全部|全面|均|都|达到|实现|开展|纳入|覆盖|提供|建成|入驻|能够|能提供|要|将|并")


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
