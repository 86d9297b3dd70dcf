"""Is this the same metric? Names compared the way a reviewer reads them.

Two items name the same metric when their units agree and their names, stripped of
what does not change the quantity (qualifiers in brackets, 其中, scope words such as
全县/全市, the share words 比例/占比/比重 made one), are close (rapidfuzz)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from planwatch.extract import lexicon
from planwatch.register.rules import normalize_name

SAME_NAME = 82  # rapidfuzz ratio at or above which two normalised names are one metric


def _synonyms(s: str) -> str:
    for group in lexicon.groups("synonym."):
        s = lexicon.rx("{" + group + "}").sub(lexicon.WORDS[group][0], s)
    return s


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


def _qualifiers(key: str) -> frozenset[str]:
    return frozenset(lexicon.rx("{audit.population}").findall(key))


def same_metric(a: str, b: str) -> bool:
    ka, kb = metric_key(a), metric_key(b)
    if not ka or not kb or _qualifiers(ka) != _qualifiers(kb):
        return False  # 城镇居民人均可支配收入 is not 人均可支配收入
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 4:
        return False
    return fuzz.ratio(ka, kb) >= SAME_NAME or (
        min(len(ka), len(kb)) >= 6 and fuzz.partial_ratio(ka, kb) >= 92)


def compatible_units(a: str | None, b: str | None) -> bool:
    """Units that do not contradict: equal, or one side left blank (tables often omit it)."""
    ua, ub = unit_key(a), unit_key(b)
    return not ua or not ub or ua == ub
