"""The name of what a quantity measures, in the text's own words.

A prose target or baseline is named by the subject of its clause (its frame
and trailing verb removed), or by the noun after a counted quantity; lists,
的-modifiers, quotes and subjects carried from the clause before are handled
here. Plain data in, plain data out.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planwatch.extract.lexicon import NAME_COUNT_SUFFIX, NAME_PAIRED, WORDS, rx
from planwatch.extract.sentences import REACH, Span, clauses, sentences

if TYPE_CHECKING:
    from planwatch.extract.quantity_context import Mention

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LEAD = rx(
    r"^(?:[(（][{name.numeral:chars}\d]+[)）])?{name.lead_conj}?"
    r"(?:(?!{op.at_least}){name.lead_to}|{name.lead_at}(?![{name.lead_at_not:chars}]))?"
    r"(?:(?:(?:19|20)\d\d\s*[—–~～-]\s*)?(?:19|20)\d\d{time.year}{time.year_suffix}?|“?{time.plan_name}”?{name.plan_frame})?"
    r"{name.de}?[,，]?"
    r"(?:{name.lead_frame}+)?"
)
_TRAIL = rx(r"(?<!{time.year})(?<!{name.yearly}){name.trail}+$")
# Where the noun phrase after a counted quantity ends: a list comma or a predicate. 和/及/与 join
# one noun phrase ("3-5个青少年体育训练基地和传统体育项目学校") unless a level word opens a new item;
# a next counted item ends it anyway.
_NOUN_END = rx(r"、|{name.conj}(?={name.level_major}{name.ji})|{name.selecting}|{name.noun_end}")
_DE = WORDS["name.de"][0]
_CONJ = "".join(WORDS["name.conj"])
_LIST_SEPS = tuple(WORDS["list.sep"])
# "60%以上的城市社区": the value is of the noun after 的.
_ABOVE_DE = tuple(w + _DE for w in WORDS["op.suffix_at_least"])
_ABOUT = tuple(WORDS["op.suffix_about"])


@lru_cache(maxsize=4)
def _clauses(line: str) -> list[Span]:
    return clauses(line)  # every mention of a line asks: split it once


@lru_cache(maxsize=4)
def _sentences(line: str) -> list[Span]:
    return sentences(line)


def noun_after(m: Mention) -> str:
    """The noun a counted quantity modifies ("建设1个|省级儿童早期发展优质服务基地")."""
    after = m.after
    above = next((w for w in _ABOVE_DE if after.startswith(w)), "")
    if above:
        after = after[len(above) :]
    elif after.startswith(_DE):
        after = after[1:]  # "60%以上的城市社区": the share is of the noun after 的
    about = next((w for w in _ABOUT if after.startswith(w)), "")
    after = after[len(about) :]  # "10个左右|公办养老机构"
    if not after or not _CJK.match(after.lstrip("(（")[:1]) or after[0] in _CONJ:
        return ""
    stop = len(after) if m.next_q is None else m.next_q.start - m.q.end
    seg = after[:stop].split("\t", 1)[0]
    if m.q.unit not in _SHARE_UNITS:
        seg = _past_modifier(seg)
    return _split_noun(seg).rstrip(_CONJ)


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
_FRAMES = "|".join(f"{re.escape(a)}(?=[^{_DE}]+{re.escape(b)})"
                   for a, b in (w.split("…") for w in WORDS["name.modifier_frame"]))
_MODIFIER = rx(rf"(?:{_FRAMES}|{{name.modifier_verb}})[^{{name.de:chars}},，。;；]*{{name.de}}")
_SHARE_UNITS = set(WORDS["name.share_unit"])
_GENERIC_HEAD = rx("^{name.generic_head}")


def _head(after_de: str) -> str:
    head = _split_noun(after_de)
    return "" if len(head) < 2 or _GENERIC_HEAD.match(head) else head


def _past_modifier(seg: str) -> str:
    """The noun phrase with a leading modifier ("集…于一体的", "达到…标准的", "A、B的") dropped."""
    de = seg.find(_DE)
    if de <= 0:
        return seg
    before = seg[:de]
    if not (_MODIFIER.match(seg) or re.search(r"[、“”]", before) or _NOUN_END.search(before)):
        return seg
    last = seg.rfind(_DE)
    return seg[last + 1 :] if _head(seg[last + 1 :]) else seg


def _subject(text: str) -> str:
    """Clause text with its leading frame ("到2025年,力争") and trailing verb ("达到") removed."""
    text = text[text.rfind("\t") + 1 :]  # a table cell ends where its TAB is: the cell before is no subject
    text = _STREAK.sub("", text).strip(" 、,，")
    for _ in range(3):  # "力争在“十四五”末实现…": frames can follow each other
        shorter = _LEAD.sub("", text, count=1)
        if shorter == text:
            break
        text = shorter
    text = _TRAIL.sub("", _PER_BASIS.sub("", text))
    return _TRAIL.sub("", text).strip(" 、")


# "就业去向落实率|连续5年|保持在": how long a value held is not part of its name.
_STREAK = rx(r"{class.duration_lead}[\d{name.numeral:chars}]+{name.streak_unit}")
# The basis a standard is stated per ("城乡低保标准提高到|每人每月|1600元"): not part of the name.
_PER_BASIS = rx(r"{name.per}{name.per_basis}(?:{name.per}{name.per_period})?$")


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
_FROM_BASE = rx(r"{value.from}(?:(?:19|20)\d\d{time.year}|\d|$)")
# Verbs of doing that open a name without being part of the metric ("打造|示范型服务中心").
_DOING_VERB = rx("^{name.doing_verb}+")
_NOT_A_NOUN_START = rx("^{name.not_noun_start}")
# Clause subjects that say nothing by themselves: the metric is in the clause before ("…占比可适当降低,目标暂定30%").
_GENERIC_SUBJECT = rx("^{name.generic_subject}{name.provisional}?$")
_PREDICATE = rx("{name.predicate}|{name.modal}(?!{name.modal_not})")
# A subject holding its own counted value ("31个乡镇卫生院100%") is not a metric name.
_COUNTED_NUMBER = rx(r"\d\s*(?:[%％‰]|[{name.counted_unit:chars}])")
_LIST_SEP_END = rx(r"[{list.sep:chars}]\s*$")
# After a share, a verb of change is not a noun: "由2015年的83.2%|提高到2020年的…".
_CHANGE_VERB = rx("^{name.change_verb}")


def _strip_lead(name: str) -> str:
    """Name without its leading duration, 累计, verb of doing or 各类 ("5年累计开展各类|职业技能培训")."""
    for _ in range(4):
        shorter = _drop_doing_verb(_LEAD.sub("", _DETERMINER.sub("", name, count=1), count=1))
        if shorter == name or len(shorter) < 3:
            break
        name = shorter
    return name


def _drop_doing_verb(name: str) -> str:
    rest = _DOING_VERB.sub("", name)
    if rest != name and len(rest) >= 2 and _CJK.match(rest.lstrip("“")) and not _NOT_A_NOUN_START.match(rest):
        return rest
    return name


def _previous_clause_subject(m: Mention, reach: int = 4) -> str:
    """The subject of the nearest clause before, in the same sentence (up to 。), that names a metric.

    "民生支出持续大幅增长,2017年为259.9亿元,比上年增长14.7%;|2018年为340.6亿元": the clauses between
    that name nothing (a bare year and value, a comparison) are passed over; a share ("占…") takes
    the subject before it.
    """
    lo = max(0, m.clause.start - REACH)  # bounded look-back (see sentences.REACH)
    full_stop = m.text.rfind("。", lo, m.clause.start)
    stop = full_stop + 1 if full_stop >= 0 else lo
    cls = _clauses(m.text)
    k = bisect_right(cls, m.clause.start, key=lambda c: c.end)  # clauses ending before this one
    before = [c for c in cls[max(0, k - reach) : k] if c.start >= stop]
    pending = ""
    for clause in reversed(before):
        subject = _clause_subject(clause.text)
        if subject.startswith(_SHARE_OF):
            pending = subject + pending
        elif subject and not _NEEDS_SUBJECT.match(subject):
            return subject + pending
    return ""


def _clause_subject(text: str) -> str:
    """A clause's subject: the text before its base (由/从), its predicate or its own value."""
    text = _LEADING_COUNT.sub("", text)  # "31个|建制乡镇卫生院100%…": the count is not the subject
    cut = _FROM_BASE.search(text) or _PREDICATE.search(text) or _VALUE_START.search(text)
    if not cut:
        return ""
    subject = _clean(_after_unmatched(_subject(text[: cut.start()])))
    if len(subject) < 2 or _COUNTED_NUMBER.search(subject) or _GENERIC_SUBJECT.match(subject):
        return ""
    return subject


_LEADING_COUNT = rx(r"^\s*{name.whole_scope}?\d+(?:\.\d+)?[{name.counted_unit:chars}]")
_SHARE_OF = tuple(WORDS["name.share_of"])


def metric_name(m: Mention) -> str:
    """The measured thing in the text's own words, with a counted quantity's measure word as 数."""
    name, tail = _clause_name(m)
    if tail:
        name = _with_predicate(m, tail) or name
    name = _qualified(m, name)
    if m.q.unit in _SHARE_UNITS and not tail and _CJK.search(name):
        name += _share_predicate(m, name)
    name = _UNIT_NOTE.sub("", name) if len(_UNIT_NOTE.sub("", name)) >= 2 else name
    return _counted(name, m.q.unit) if name else m.q.raw


# A target's comparison is its base, not its name: "人均体育消费支出|比2024年增长|50%",
# "托育服务机构数量|比2025年|翻一番" (a base-period fact keeps it: it states a change, not a level).
_COMPARED_END = rx(r"{name.compare}(?:(?:19|20)\d\d{time.year}|{name.last_year}|“?{time.plan_name}”?{time.plan_frame}?)"
                   r"(?:{kind.change_up}|{kind.change_down})?{name.share_suffix}?$")


def target_name(m: Mention) -> str:
    """The name of a prose target: the metric, without the comparison a change is made against."""
    name = metric_name(m)
    bare = _COMPARED_END.sub("", name)
    return bare if len(bare) >= 2 and _CJK.search(bare) else name


def _share_predicate(m: Mention, name: str) -> str:
    """"31个乡镇卫生院100%|达到…标准": a share followed by what the subject reaches names that share."""
    hit = _PREDICATE_AFTER.match(m.after)
    if not hit or m.next_q is not None:
        return ""
    phrase = m.after[hit.end() :].strip(" 、")
    return phrase if 4 <= len(phrase) <= 24 and phrase not in name and not re.search(r"\d", phrase) else ""


def _clause_name(m: Mention) -> tuple[str, str]:
    """The clause subject or the noun after a counted quantity, and that noun ("" if none)."""
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
    if base or _CHANGE_VERB.match(tail) or _GENERIC_TAIL.search(tail):
        tail = ""  # "控制在4.2%以内的|奋斗目标": a generic noun after 的 is not the metric
    if tail and not m.after.startswith((_DE, *_ABOVE_DE)) and (
        _NOT_COUNTED_UNIT.search(m.q.unit or "") or _RATE_END.search(prefix)
    ):
        tail = ""  # "成交额达2.53亿元|拥有…", "年增长率为8.11%|农村居民…": the next clause, not a noun
    if tail and m.after.startswith((_DE, *_ABOVE_DE)):
        return tail, tail
    if m.q.unit not in _SHARE_UNITS and not tail:
        modifier = _MODIFIER.search(prefix)
        if modifier and _head(prefix[modifier.end() :]):
            lead = prefix[: modifier.start()]
            head = prefix[modifier.end() :]
            prefix = head if not lead or _LIST_SEP_END.search(lead) else lead + head
    if tail and after_previous and _LIST_SEP_END.search(m.window):
        name = tail  # "1个省级体育旅游示范基地、|1项省级体育旅游精品赛事": one item of a list
    elif tail and _FORM_VERB_END.search(prefix) and len(_FORM_VERB_END.sub("", prefix)) >= 2 and not _SCOPE.match(prefix):
        name = tail  # "县乡村三级医疗机构医生组成72个|家庭医生签约服务团队": the subject formed them
    elif tail and _ENUMERATION_END.search(prefix):
        # "建成胸痛中心、卒中中心、创伤中心5个|县级临床诊疗中心": the members are listed, the count is of the class.
        name = _making_verb(prefix) + tail
    else:
        name = (prefix + tail) if tail else _last_verb_phrase(_after_enumeration(prefix))
    name = _drop_doing_verb(name)
    if not _CJK.search(name) or _GENERIC_SUBJECT.match(name):
        change = _CHANGE_VERB.match(m.window.strip(" ,，"))
        subject = _previous_clause_subject(m)  # "…民生支出持续增长,…;2020年为131.2亿元,|增长8.9%"
        name = (subject + (change.group(0) if change and not _CJK.search(name) else "")) if subject else name
    return _clean(name), tail


# --- what a name needs beyond its clause --------------------------------------------------

# Words of the language, grouped by their role in a name.
# A duration, 累计 or a determiner opens a name without being part of it.
_DETERMINER = rx(r"^(?:{name.determiner}|\d+{time.year})")
# A means or basis before the action is not the metric: "利用中央和省级补助资金|实施农村危房改造".
_MEANS = rx(r"^{name.means}[^,，、]{2,16}?(?={name.means_action})")
# Who pays and how often, before a fund: "县财政每年安排|…专项资金", "市级财政统筹|…".
_FUNDER = rx(r"^[\u4e00-\u9fff]{0,3}{name.treasury}(?:{name.frame})?{name.allocate}")
# A scope (每个乡镇) keeps its noun; hedges and the verb of having between them go: "每个乡镇原则上至少办好一所…".
_SCOPE_VERB = rx(
    r"^({name.per}(?:{name.scope_unit}|[{name.scope_place:chars}])[^{name.scope_stop:chars},，]{0,12}?)"
    r"{name.hedge}*{name.having}"
)
# An amount given to someone: "对市级示范性托育机构给予5万元/家一次性奖励".
_GIVEN_TO = rx(r"^{name.to_whom}(.{2,20}?){name.giving}(.*)$")
# "农村危房改造任务9264户": the count is of the thing, 任务 only frames it.
_TASK_WORD = rx(r"(?<=[\u4e00-\u9fff]{4}){name.task}$")
# Generic nouns after 的 that say what kind of statement it is, not what is measured.
_GENERIC_TAIL = rx("{name.generic_tail}$")
# Verbs of making something new: they are part of what is counted ("新建公办幼儿园数").
_MAKING_VERB = rx("^{name.making}")
_MAKING_VERBS = rx(r"^{name.making}(?:[、/{name.conj:chars}]{name.making})*")  # "新建、改扩建"
_MAKING_VERB_END = rx("{name.making}$")
# Verbs that introduce an action without being the measured thing ("支持实施…|新建军休所").
_SUPPORT_VERB = rx("^{name.support_verb}")
# Verbs of forming after a subject: "医生组成72个|团队" counts the formed thing, not the subject.
_FORM_VERB_END = rx("{name.form_verb}$")
_ENUMERATED_CLASS = rx(r"(?:[^、,，]{1,16}、)+[^、,，]{1,16}{name.etc}([\u4e00-\u9fff()（）]{2,})$")
# Units of amounts, ages and multiples: the noun after them begins the next clause.
_NOT_COUNTED_UNIT = rx("{name.uncounted_unit}|^{time.year}$")
_RATE_END = rx("{name.rate_end}$")
_BARE_SCOPE = rx(r"{name.per}{name.scope_unit}?[\u4e00-\u9fff()（）]{1,8}")
# A per-unit scope opens a name and stays in it ("每个县(市、区)建成1~2所…").
_SCOPE = rx("{name.scope_word}")
# Where a subject's own value starts: a number that is not part of a name ("3岁以下", "孕28周").
_VALUE_START = rx(r"\d+(?:\.\d+)?(?![\d.]|{name.not_value_unit})")
# A name that is only a comparison or a rate of change belongs to the subject of the clause before:
# "机构养老床位4956张,|比2015年增加39%", "…由2016年的10995元增长到16220元,|年均增长率为8.1%".
_NEEDS_SUBJECT = rx(
    r"^{value.respectively}?(?:{name.share_of}|{name.compare}(?:{name.last_year}|(?:19|20)\d\d{time.year}"
    r"|“?{time.plan_name}”?{name.end_mark}?)|(?:{name.yearly}|{time.year})?{name.growth}$)"
)
# "A、B巩固率分别为x、y": the k-th of listed names takes the k-th value.
_RESPECTIVELY = WORDS["value.respectively"][0]  # "A、B分别达到x、y"
# Run-on text glued before a name when punctuation is missing: a stray number ("企业63|R&D…"),
# a finished clause ("教学质量全面提升|小学…"), a time frame inside ("增加就业容量十三五时期|全市…").
_GLUED_NUMBER = rx(
    r"(?<=[\u4e00-\u9fff])\d+(?:\.\d+)?(?:[%％‰](?=[\u4e00-\u9fff])|(?![\d.%％‰/—~-]|{name.glued_unit}))"
)
_RUN_ON = rx("{name.runon_adverb}{name.runon_verb}")
_MID_FRAME = rx(r"(?<=[\u4e00-\u9fff]{4})(?<![{name.mid_frame_not:chars}])"
                r"(?:“?{time.plan_name}”?{name.plan_frame}|(?:19|20)\d\d{time.year}{name.year_end}?)")
# Members listed before a count of their class: "A、B、C 3个…", "A、B等16个…".
_ENUMERATION_END = rx(r"(?:[^、,，]{1,16}、){2,}[^、,，]{1,16}$|{name.etc}$")
# After the noun a counted quantity modifies, a predicate says which of them are counted:
# "2个医疗机构|开展安宁疗护服务", "95%以上的村卫生室|能提供中医药服务".
_PREDICATE_AFTER = rx("{name.predicate_adverb}?(?={name.selecting})")
# A level word standing alone ("市级10所") borrows the head of its neighbour in the list.
_BARE_LEVEL = rx("{name.level}{name.ji}$")
_LEVEL_HEAD = rx(r"{name.level}{name.ji}([\u4e00-\u9fff()（）“”]{2,}?)(?=\d|[、,，。;；{name.conj:chars}]|$)")
# Measure words: what "N<unit>" counts becomes "<name>数" (persons: 人数, visits: 人次).
_COUNT_SUFFIX = NAME_COUNT_SUFFIX
_COUNT_UNITS = set(WORDS["name.count_unit"])
# Names that already say what is measured.
_MEASURE_END = rx("{name.measure_end}$")
# A share that is a change ("年均增长8%") is not a 比例 of things.
_CHANGE_END = rx("{name.change_end}$")
# Persons are counted by their number: "各类人才数", not "各类人才人数".
_PERSON_END = rx("{name.person_end}$")
# Names too short to stand alone ("签约率", "培训人数"): the thing is named in the clause before.
_SHORT_NAME = 5
_INCOMPLETE_END = rx("{name.incomplete_end}$")
_FRAME_WORDS = rx("^{name.frame}|{name.frame_end}$")
_BREAK = rx(r"[,，。;；:：、“”]|\d+(?:\.\d+)?[{name.counted_unit:chars}]?")


def _clean(name: str) -> str:
    """A name without what a run-on sentence glued to its front.

    Plans published without some punctuation read "…企业63R&D经费支出占GDP比重" or
    "教学质量全面提升小学适龄儿童入学率": the name starts after the stray number or clause.
    """
    for pattern in (_GLUED_NUMBER, _RUN_ON, _MID_FRAME):
        hits = list(pattern.finditer(name))
        if hits and len(name) - hits[-1].end() >= 3:
            name = _subject(name[hits[-1].end() :])
    name = _MEANS.sub("", name, count=1)
    funded = _FUNDER.match(name)
    if funded and len(name) - funded.end() >= 2:
        name = name[funded.end() :]  # "区级财政每年安排|文化和体育发展专项资金": who pays is not the fund
    scoped = _SCOPE_VERB.match(name)
    if scoped and len(name) > scoped.end():
        name = scoped.group(1) + name[scoped.end() :]  # "每个乡镇|原则上至少办好|公办中心园"
    given = _GIVEN_TO.match(name)
    if given:
        name = given.group(1) + given.group(2)  # "对|市级示范性托育机构|给予|一次性奖励"
    return _TASK_WORD.sub("", _strip_lead(name))


def _after_enumeration(prefix: str) -> str:
    """"建设A、B、C等|养老服务设施292个": the class named after 等 closes the listed members."""
    hit = _ENUMERATED_CLASS.search(prefix)
    return _making_verb(prefix) + hit.group(1) if hit else prefix


def _making_verb(prefix: str) -> str:
    """The verb(s) of making opening a name: "新建", "新建、改扩建"."""
    hit = _MAKING_VERBS.match(_strip_lead(prefix))
    return hit.group(0) if hit else ""


def _last_verb_phrase(name: str) -> str:
    """The last of coordinated verb phrases, the one the value belongs to.

    "纳入全省棚户区改造计划、|新开工改造各类危旧房棚户区100套"; "支持实施军休服务体系|新建军休所1个".
    Coordinated verbs stay together: "迁建、新建幼儿园".
    """
    parts = name.split("、")
    if len(parts) > 1 and _MAKING_VERB.match(parts[-1]) and not _MAKING_VERB_END.search(parts[-2]):
        return parts[-1]
    if _SUPPORT_VERB.match(name):
        for i in range(2, len(name) - 2):
            if _MAKING_VERB.match(name[i:]):
                return name[i:]
    return name


def _with_predicate(m: Mention, noun: str) -> str:
    """"开展安宁疗护服务的医疗机构": the counted noun with the predicate that selects it, or ""."""
    after = m.after
    at = after.find(noun)
    if at < 0:
        return ""
    rest = full = after[at + len(noun) :]
    if m.next_q is not None:
        rest = rest[: max(0, m.next_q.start - m.q.end - at - len(noun))]
    hit = _PREDICATE_AFTER.match(rest)
    if not hit and rest[:1] in "".join(_LIST_SEPS):  # an empty rest too: the list may close further on
        # "100%的县(市、区)、100%的乡镇(街道)和85.93%的行政村(社区)|完成…": one predicate closes the list.
        rest = full
        last_value = max((d.end() for d in re.finditer(r"\d", rest)), default=0)
        hit = _PREDICATE_AFTER.search(rest, last_value)
    if not hit:
        return ""
    phrase = rest[hit.end() :].rstrip(" 、")
    achieve = next((w for w in WORDS["name.achieve"] if phrase.startswith(w)), "")
    if achieve and len(phrase) > 6:
        phrase = phrase[len(achieve) :]  # "实现|常态化免费开放": 实现 only announces the state reached
    if not 4 <= len(phrase) <= 24 or re.search(r"\d", phrase):
        return ""
    return f"{phrase}{_DE}{noun}"


def _qualified(m: Mention, name: str) -> str:
    """A name that cannot stand alone completed from its list or from the clause before."""
    if _BARE_SCOPE.fullmatch(name) and m.q.unit in _COUNT_UNITS | set(_COUNT_SUFFIX) \
            and not _MEASURE_END.search(name) and not _PER_CAPITA.match(name):
        # "培育社区社会组织1000个,|每个城市社区不少于10个": per scope, the thing counted before.
        subject = _previous_clause_subject(m)
        if subject:
            return name + subject
    level = _BARE_LEVEL.search(name)
    if level and level.start() <= 2:  # "市级", "争创|省级": a verb of doing before it says nothing
        return level.group(0) + _level_head(m)
    respective = _respective(m, name)
    if respective:
        return respective
    if _NEEDS_SUBJECT.match(name):
        subject = _previous_clause_subject(m)
        return subject + name.removeprefix(_RESPECTIVELY) if subject else name
    carried = _list_verb(m, name)
    if carried:
        return carried
    core = _FRAME_WORDS.sub("", name)
    if 2 <= len(core) <= _SHORT_NAME and (core != name or _INCOMPLETE_END.search(core)):
        anchored = _anchored(m, core)
        if anchored:
            return anchored
        if len(core) <= 3 and _BARE_RATE.fullmatch(core):  # "建成…设施1520个,|覆盖率达到100%"
            subject = _previous_clause_subject(m)
            return subject + core if subject and not subject.endswith(core) else name
        return name
    return name


def _respective(m: Mention, name: str) -> str:
    """The k-th of "A、B、C…分别为x、y、z": "小学六年、初中三年巩固率" -> 小学六年巩固率, 初中三年巩固率."""
    at = m.prefix.rfind(_RESPECTIVELY)
    if at < 0:
        return ""
    items = _listed(_clean(_after_unmatched(_subject(m.prefix[:at]))))
    own = ""
    if len(items) < 2:
        items, own = _respective_from_before(m, at)
        if len(items) < 2:
            return ""
    # "分别由x、y提高到z、w": the values run through the names once per year written.
    k = len(_VALUE_START.findall(m.prefix[at:])) % len(items)
    compare = _COMPARISON_END.search(items[-1])
    if compare:
        items[-1] = items[-1][: compare.start()]
    item = _with_list_head(items, items[k])
    # A per-capita opening written once before the first ("每千常住人口|床位数、执业(助理)医师数").
    per = _PER_CAPITA.match(items[0])
    if per and not _PER_CAPITA.match(item):
        item = per.group(0) + item
    if compare:
        verb = _CHANGE_VERB.match(m.prefix[at + len(_RESPECTIVELY) :])
        item += compare.group(0) + (verb.group(0) if verb else "")
    return item + own


def _with_list_head(items: list[str], item: str) -> str:
    """An item of a list with the head written once after the last item: where the first item's
    ending recurs in the last ("职工基本医疗保险和城乡居民基本医疗保险|…报销比例"), else beyond the width
    of parallel items ("城镇、农村|低保标准"), else the last's rate word ("小学六年、初中三年|巩固率")."""
    widths = {len(i) for i in items[:-1]}
    head_text = ""
    overlap = next((items[-1].find(items[0][i:]) + len(items[0]) - i for i in range(len(items[0]) - 1)
                    if len(items[0]) - i >= 2 and items[0][i:] in items[-1]), -1)
    if 0 < overlap < len(items[-1]) - 1:
        head_text = items[-1][overlap:]
    elif len(widths) == 1 and (width := widths.pop()) < len(items[-1]) - 1:
        head_text = items[-1][width:]
    elif head := _SHARED_HEAD.search(items[-1]):
        head_text = head.group(0)
    if head_text and item is not items[-1] and not item.endswith(head_text) and not _SHARED_HEAD.search(item):
        item += head_text
    return item


def _respective_from_before(m: Mention, at: int) -> tuple[list[str], str]:
    """Names for a 分别 whose own clause lists none, and what this clause adds to each.

    "收入分别达到x元和y元,|年均分别增长a%和b%": the list of the earlier 分别;
    "城镇…支出19480元,农村…支出11512元,|分别比2016年增长22%、16%": the subjects of the clauses before,
    one per value.
    """
    first_value = _VALUE_START.search(m.prefix, at)
    after = m.prefix[at + len(_RESPECTIVELY) : first_value.start() if first_value else len(m.prefix)]
    own = _subject(m.prefix[:at]) + _VALUE_VERB_END.sub("", after)
    before = m.text[m.sentence.start : m.clause.start]
    earlier = before.rfind(_RESPECTIVELY)
    if earlier >= 0:
        cut = max(before.rfind(c, 0, earlier) for c in ",，;；")
        return _listed(_clean(_after_unmatched(_subject(before[cut + 1 : earlier])))), own
    n = len(_VALUE_START.findall(m.text, m.clause.start + at, m.clause.end))
    clauses_before = [c for c in _clauses(m.text) if c.end <= m.clause.start and c.start >= m.sentence.start]
    subjects = [_clause_subject(c.text) for c in clauses_before[-n:]] if n >= 2 else []
    return (subjects, own) if len(subjects) == n and all(subjects) and own else ([], own)


_VALUE_VERB_END = rx("{name.value_verb_end}+$")


def _listed(subject: str) -> list[str]:
    """The names of a list subject: "A、B、C", else "A和B"; 城乡 stands for 城镇 and 农村."""
    items = [i for i in subject.split("、") if i]
    if len(items) == 1:
        items = [i for i in _CONJ_SPLIT.split(subject) if len(i) >= 2]
    pair = next((k for k in _PAIRED if len(items) == 1 and items[0].startswith(k)), None)
    if pair:  # "城乡…覆盖率分别达到x、y": 城镇…, 农村…
        items = [word + items[0][len(pair) :] for word in _PAIRED[pair]]
    return items


# Compound words that name two groups at once, in their order.
_PAIRED = NAME_PAIRED
_CONJ_SPLIT = rx("[{name.conj:chars}]")
_COMPARISON_END = rx(r"{name.compare}(?:{name.last_year}|(?:19|20)\d\d{time.year}|“?{time.plan_name}”?{name.end_mark}?)$")
_PER_CAPITA = rx("{name.per}[{name.per_scale:chars}]?{name.resident}?{name.per_capita_base}{name.having_word}?")
_SHARED_HEAD = rx(r"[\u4e00-\u9fff]{2}{name.share_word}$|[\u4e00-\u9fff]{2}{name.head_count}$")


def _level_head(m: Mention) -> str:
    """The head of the nearest level-marked item in the list: "2个省级、5个市级|中医重点专科"."""
    ahead = _LEVEL_HEAD.search(m.text, m.q.end, m.clause.end)
    if ahead and ahead.start() - m.q.end < 24:
        return ahead.group(1)
    behind = list(_LEVEL_HEAD.finditer(m.text, m.sentence.start, m.q.start))
    return behind[-1].group(1) if behind else ""


def _list_verb(m: Mention, name: str) -> str:
    """A later list item takes the verb of making that opens the list: "评选广元名师150名、|名校长30名"."""
    later = len(m.window) < len(m.prefix)
    if not (later and (m.window.startswith(_LIST_SEPS) or _LIST_SEP_END.search(m.window))) \
            or _MAKING_VERB.match(name):
        return ""
    verb = _making_verb(_subject(m.prefix))
    if verb:
        return verb + name
    # "大武口区新建|4所幼儿园和2所保教中心": the whole lead before the first count is shared.
    first = _VALUE_START.search(m.prefix)
    lead = _subject(m.prefix[: first.start()]) if first else ""
    return lead + name if lead and len(lead) <= 10 and _MAKING_VERB_END.search(lead) else ""


def _anchored(m: Mention, core: str) -> str:
    """A short name qualified by the clause before that names the same activity.

    "组成72个家庭医生签约服务团队,|签约率达53.6%" -> 家庭医生签约率;
    "开展国民体质检测工作,每年|检测样本不少于300例" -> 国民体质检测样本.
    """
    anchor = core[:2]
    if not _CJK.match(anchor):
        return ""
    sents = _sentences(m.text)
    k = bisect_right(sents, m.clause.start, key=lambda s: s.start)  # sentences starting by this clause
    lo = sents[k - 2].start if k > 1 else m.sentence.start
    lo = max(lo, m.clause.start - 2 * REACH)  # this sentence and the one before, read REACH each
    at = m.text.rfind(anchor, lo, m.clause.start)
    if at < 0:
        return ""
    before = m.text[lo:at]
    cut = max((b.end() for b in _BREAK.finditer(before)), default=0)
    qualifier = _strip_lead(_FRAME_WORDS.sub("", before[cut:]))
    for _ in range(2):
        qualifier = _drop_doing_verb(_DOING_VERB_ANY.sub("", qualifier, count=1))
    if len(qualifier) < 2 or not _CJK.match(qualifier) or core.startswith(qualifier):
        return ""
    return qualifier + core


# Verbs that open a clause before its object ("举办|三级社会体育指导员培训班").
_DOING_VERB_ANY = rx("^{name.doing_verb_any}")


def _counted(name: str, unit: str | None) -> str:
    """Count of a measure word named as such: "新建公办幼儿园" + 所 -> "新建公办幼儿园数";
    a share of things named as a 比例: "能提供中医药服务的村卫生室" + % -> "…村卫生室比例"."""
    if not unit or _MEASURE_END.search(name) or not _CJK.match(name.rstrip(")）”")[-1:]):
        return name
    if unit not in _COUNT_SUFFIX and unit[:1] in WORDS["name.unit_scale"]:
        unit = unit[1:]  # "18.6万张": counted in 张
    if unit in _SHARE_UNITS - set(WORDS["kind.change_unit"]):
        return name if _CHANGE_END.search(name) else name + WORDS["name.share_suffix"][0]
    if unit in _COUNT_SUFFIX:
        suffix = _COUNT_SUFFIX[unit]
        if suffix in WORDS["name.head_count"] and _PERSON_END.search(name):
            return name  # "各类人才": persons counted in 人 need no 人数
        return name if name.endswith(suffix) else name + suffix
    return name + WORDS["name.count_suffix"][0] if unit in _COUNT_UNITS else name


# "受众率和参与率达到80%": two metrics share one value.
_COORDINATED = rx(
    r"([\u4e00-\u9fff（）()]{2,}?{name.share_word}){list.sep}([\u4e00-\u9fff]{1,8}?{name.share_word})"
    r"{name.all}?{name.coord_verb}?$"
)


_BARE_RATE = rx(r"[\u4e00-\u9fff]{1,2}{name.share_word}$")


_EACH_END = rx(r"{value.each}{name.coord_verb}?\s*$")
# A level word opening the first of listed items is shared by the others ("市级|名校长、名师工作室").
_LEVEL_LEAD = rx(r"^.{0,4}?{name.level}{name.ji}")


def _each_metrics(m: Mention) -> list[str]:
    """"A、B各N个": one name per listed item, each with the level word the first item opens with."""
    hit = _EACH_END.search(m.window)
    if not hit:
        return []
    phrase = _clean(_after_unmatched(_subject(m.window[: hit.start()])))
    items = _listed(phrase)
    if len(items) < 2:
        return []
    lead = _LEVEL_LEAD.match(items[0])
    names = [items[0], *((lead.group(0) + it if lead and not _LEVEL_LEAD.match(it) else it) for it in items[1:])]
    if m.q.unit in _SHARE_UNITS:  # "高血压、糖尿病患者规范管理率均达到75%": a rate written once for all
        names = [_with_list_head(names, n) for n in names]
    return [_counted(n, m.q.unit) for n in names]


def coordinated_metrics(m: Mention) -> list[str]:
    """The names that share one value: two coordinated rate metrics ("受众率和参与率达到80%"), or
    listed items with 各/均 ("A、B各N个", "A、B…率均达到x"); else []."""
    hit = _COORDINATED.search(m.window)
    if not hit:
        return _each_metrics(m)
    first, second = hit.group(1), hit.group(2)
    # A bare rate word ("…达标率和优良率", "…受众率和参与率") shares the first's qualifier;
    # a full name ("医疗保险参保率和基本养老保险参保率") stands on its own.
    if not _BARE_RATE.fullmatch(second):
        return [first, second]
    stem = first[: -len(_BARE_RATE.search(first).group(0))]
    return [first, stem + second]


# --- prose restating a table indicator -----------------------------------------------------

# A unit written after a name ("产妇死亡率(1/10万)", "(%)"), not a part of it ("服务中心(站)").
_UNIT_NOTE = re.compile(r"[(（][^()（）]*(?:\d|%|％|‰|/)[^()（）]*[)）]$")
_RESTATES_RATIO = 0.6


def _name_core(name: str) -> str:
    return _UNIT_NOTE.sub("", re.sub(r"\s+", "", name or ""))


def _value_key(target: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    key = (target.get("value"), target.get("value_low"), target.get("value_high"))
    return None if key == (None, None, None) else key


def link_restatements(table_rows: list[dict[str, Any]], prose: list[dict[str, Any]]) -> None:
    """Mark each prose target that restates a table indicator: same target value, year and unit, and a
    name that is the table's name or close to it ("…托位数达到4.5个" in the text, "每千人口…托位数(个)" in
    the table). The table row is the plan's indicator; the prose item gets "restates": {line, name}."""
    by_value: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
    for row in table_rows:
        key = _value_key(row.get("target") or {})
        if key is not None:
            by_value.setdefault(key, []).append(row)
    for item in prose:
        target = item.get("target") or {}
        key = _value_key(target)
        if key is None or key not in by_value:
            continue
        core = _name_core(item.get("name") or "")
        best, best_ratio = None, _RESTATES_RATIO
        for row in by_value[key]:
            row_target = row.get("target") or {}
            if (row.get("unit") or None) != (item.get("unit") or None):
                continue
            if target.get("year") and row_target.get("year") and target.get("year") != row_target.get("year"):
                continue
            row_core = _name_core(row.get("name") or "")
            if core and (core in row_core or row_core in core):
                ratio = 1.0
            else:
                sm = SequenceMatcher(None, core, row_core, autojunk=False)
                ratio = sm.ratio() if sm.real_quick_ratio() >= best_ratio and sm.quick_ratio() >= best_ratio else 0.0
            if ratio >= best_ratio:
                best, best_ratio = row, ratio
        if best is not None:
            item["restates"] = {"line": best.get("line"), "name": best.get("name")}


# --- an attribute the text gives a prose target -------------------------------------------

# "…控制在5.5%以内(约束性)", "…，为约束性指标": said in the clause of the target itself.
_STATED_ATTRIBUTE = rx(r"[(（]({name.attribute}){name.indicator}?[)）]|{name.is}({name.attribute}){name.indicator}")
_CLAUSE_END = re.compile(r"[,，;；。]")


def stated_attributes(prose: list[dict[str, Any]], lines: list[str]) -> None:
    """Prose targets are 其他量化目标 without 约束性/预期性, unless their own clause says which."""
    for item in prose:
        line = item.get("line")
        quote = item.get("quote") or ""
        if not isinstance(line, int) or not 1 <= line <= len(lines) or not quote:
            continue
        text = lines[line - 1]
        at = text.find(quote)
        if at < 0:
            continue
        after = at + len(quote)
        stop = min(len(text), after + REACH)  # a clause is read REACH characters at most (see sentences)
        end = _CLAUSE_END.search(text, after, stop)
        hit = _STATED_ATTRIBUTE.search(text, after, end.end() if end else stop)
        if hit:
            item["attribute"] = hit.group(1) or hit.group(2)
