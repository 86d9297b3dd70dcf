"""Is this the same metric? Names compared the way a reviewer reads them.

The one home of the rule, used by the audit (table against prose, local against superior plan)
and by the register when an imported plan's items are mapped onto existing metrics.

Two items name the same metric when their units agree and their names, stripped of
what does not change the quantity (qualifiers in brackets, 其中, scope words such as
全县/全市, the share words 比例/占比/比重 made one, synonyms such as 托位数/托位), are close
(rapidfuzz) — and neither carries a qualifier the other lacks: 省级中医重点专科数 is not
省级重点专科数, 毛入园率 is not 毛入学率."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from planwatch.extract import lexicon
from planwatch.register.rules import normalize_name

SAME_NAME = 82  # rapidfuzz ratio at or above which two normalised names are one metric


def _synonyms(s: str) -> str:
    for group in lexicon.groups("synonym."):
        s = lexicon.rx("{" + group + "}").sub(lexicon.WORDS[group][0], s)
    return s


@lru_cache(maxsize=65536)
def metric_key(name: str) -> str:
    s = _synonyms(normalize_name(name or ""))
    s = re.sub(r"\([^()]*\)|\[[^\]]*\]", "", s)  # qualifiers and units in brackets
    s = lexicon.rx("^(?:{audit.scope})").sub("", s)
    s = lexicon.rx("{audit.share}").sub("比例", s)
    s = lexicon.rx("{audit.drop}").sub("", s)
    return s.strip("“”\"'《》:：、,，")


def unit_key(unit: str | None) -> str:
    u = normalize_name(lexicon.canonical_unit(unit) or "")
    return "%" if u in ("%", "个百分点", "百分点") else u


@lru_cache(maxsize=65536)
def _qualifiers(key: str) -> frozenset[str]:
    return frozenset(lexicon.rx("{audit.population}").findall(key))


def one_sided_qualifier(ka: str, kb: str) -> bool:
    """Whether two metric keys differ by a qualifier before the head noun: a word of two or more
    characters on one side only (省级[中医]重点专科数, [城乡居民]基本养老保险参保率), or a character
    replaced by another (毛入[园]率 / 毛入[学]率). Differences at the very end (…床位 / …床位数) and a
    single character present on one side only do not count."""
    for op in Levenshtein.opcodes(ka, kb):
        if op.tag == "equal" or (op.src_end == len(ka) and op.dest_end == len(kb)):
            continue
        if op.tag == "replace" or max(op.src_end - op.src_start, op.dest_end - op.dest_start) >= 2:
            return True
    return False


def name_score(a: str, b: str, *, within_document: bool = False) -> float:
    """How alike two names are as metrics, 0–100: 100 for the same key; 0 when the rule keeps them apart.

    `within_document`: a document restating its own table shortens names (基本医疗保险参保率 → 医疗保险
    参保率, 初中三年巩固率 → 初中巩固率), so one-sided words do not keep two mentions apart there. Across
    documents they do: 省级中医重点专科数 is another metric than 省级重点专科数."""
    return key_score(metric_key(a), metric_key(b), within_document=within_document)


def key_score(ka: str, kb: str, *, within_document: bool = False) -> float:
    """`name_score` on keys already made by `metric_key` (a catalogue computes each key once)."""
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 100.0
    if min(len(ka), len(kb)) < 4:
        return 0.0
    score = fuzz.ratio(ka, kb)
    if score < SAME_NAME:
        score = float(SAME_NAME) if min(len(ka), len(kb)) >= 6 and fuzz.partial_ratio(ka, kb) >= 92 else 0.0
    if not score or _qualifiers(ka) != _qualifiers(kb):
        return 0.0  # 城镇居民人均可支配收入 is not 人均可支配收入
    if not within_document and one_sided_qualifier(ka, kb):
        return 0.0
    return score


def same_metric(a: str, b: str, *, within_document: bool = False) -> bool:
    return name_score(a, b, within_document=within_document) >= SAME_NAME


def compatible_units(a: str | None, b: str | None) -> bool:
    """Units that do not contradict: equal, or one side left blank (tables often omit it)."""
    ua, ub = unit_key(a), unit_key(b)
    return not ua or not ub or ua == ub
