"""The administrative division table (GB/T 2260 codes) and name resolution against it.

The table ships as package data (data/regions.csv, source and date in
data/REGIONS_SOURCE.md) and is read once, on first use, so that commands which
never ask for a region pay nothing. A place is written in full (郑州市,
禄丰市), by its short name (郑州, 黔南州), or under its parent (广元市苍溪县); many
county-level names repeat across provinces (鼓楼区 ×4), so a name resolves to a
unit only with the parents the text names or, failing that, the places the text
mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planwatch.extract.lexicon import WORDS, words

# planwatch's code for the whole country: GB/T 2260 has none; national statistics use 100000,
# and so does the register (register.regions.NATION_CODE).
NATION_CODE = "100000"
NATION_NAME = "全国"

# Official suffixes of division names, longest first; stripping one gives the short name a text uses.
_SUFFIXES = words("division.suffix")
# Minority nationalities inside autonomous-unit names; the longer ones may drop 族 (伊犁哈萨克自治州).
_ETHNIC = WORDS["division.ethnic"]
_ETHNIC_WORDS = sorted([e + "族" for e in _ETHNIC] + [e for e in _ETHNIC if len(e) >= 2], key=len, reverse=True)
_ETHNIC_TAIL = re.compile("(?:" + "|".join(_ETHNIC_WORDS) + ")+$")
_MAX_NAME = 20
# After a short name, a division suffix makes another place's full name (河东 in 河东省) and a body's
# suffix a ministry (公安 in 公安部): local bodies write their place in full (XX县公安局).
SUFFIX_CHARS = {w for w in (*WORDS["division.suffix"], *WORDS["org.suffix"]) if len(w) == 1}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county | district | county_city | zone
    parent: str | None  # code of the unit above, None for provinces


@dataclass(frozen=True)
class _Table:
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]  # full names and short names


def short_name(name: str) -> str:
    """郑州市 → 郑州, 黔南布依族苗族自治州 → 黔南, 宁夏回族自治区 → 宁夏; a one-character stem is kept whole."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") and len(bare := _ETHNIC_TAIL.sub("", stem)) >= 2:
                stem = bare  # 宁夏回族 → 宁夏; 内蒙古 stays
            return stem if len(stem) >= 2 else name
    return name


@lru_cache(maxsize=1)
def _table() -> _Table:
    text = (Path(__file__).parent / "data" / "regions.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:] if line]
    codes = {r[0] for r in rows}
    by_code: dict[str, Division] = {}
    for code, name, level in rows:
        if code.endswith("0000"):
            parent = None
        elif code.endswith("00") or code[:4] + "00" not in codes:
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00"
        by_code[code] = Division(code, name, level, parent)
    names: dict[str, list[Division]] = {}
    for d in by_code.values():
        names.setdefault(d.name, []).append(d)
    full = set(names)
    for d in by_code.values():
        stem = short_name(d.name)
        # A short name never hides a full name ("城区" is a district, not 城X区).
        if stem != d.name and stem not in full:
            names.setdefault(stem, []).append(d)
        if d.name.endswith("自治州") and stem != d.name:
            names.setdefault(stem + "州", []).append(d)  # 黔南州, 恩施州
    return _Table(by_code, {k: tuple(v) for k, v in names.items()})


def get(code: str) -> Division | None:
    return _table().by_code.get(code)


def named(name: str) -> tuple[Division, ...]:
    """Units a name may denote: its full name, else its short name (郑州 → 郑州市)."""
    return _table().by_name.get(name, ())


def ancestors(d: Division) -> list[Division]:
    out: list[Division] = []
    code = d.parent
    while code:
        up = get(code)
        if up is None:
            break
        out.append(up)
        code = up.parent
    return out


def prefix_chain(text: str) -> list[tuple[str, tuple[Division, ...]]]:
    """The run of place names a text starts with, each as written and with its candidate units:
    "广元市苍溪县“十四五”…" → [("广元市", (…,)), ("苍溪县", (…,))]. Longest names first at each step.
    A short name followed by a division or body suffix is no place (河东省, 公安部), and a later
    name counts only when it lies inside the one before (苍溪县城区 is not 城区 of 长治)."""
    table = _table().by_name
    out: list[tuple[str, tuple[Division, ...]]] = []
    pos = 0
    while pos < len(text):
        hit: tuple[str, tuple[Division, ...]] | None = None
        for n in range(min(_MAX_NAME, len(text) - pos), 1, -1):
            cand = text[pos : pos + n]
            units = table.get(cand)
            if not units:
                continue
            if all(u.name != cand for u in units) and text[pos + n : pos + n + 1] in SUFFIX_CHARS:
                continue
            if out:
                above = {u.code for u in out[-1][1]}
                units = tuple(u for u in units if any(a.code in above for a in ancestors(u)))
                if not units:
                    continue
            hit = (cand, units)
            break
        if hit is None:
            break
        out.append(hit)
        pos += len(hit[0])
    return out


def resolve(chain: list[tuple[str, tuple[Division, ...]]], context: str = "") -> Division | None:
    """The unit the last name of a chain denotes, narrowed by the names before it (see `prefix_chain`),
    then by the parents that the context mentions; None when it stays ambiguous."""
    if not chain:
        return None
    cands = list(chain[-1][1])  # already narrowed to units inside the names before it
    if len(cands) > 1:
        # The lowest unit wins over a same-named parent only when the text names nothing else:
        # prefer candidates whose parents the context mentions.
        scored = [(sum(short_name(a.name) in context for a in ancestors(c)), c) for c in cands]
        best = max(s for s, _ in scored)
        top = [c for s, c in scored if s == best]
        if best and len(top) == 1:
            return top[0]
        # A full name outranks a short name that only equals another unit's stem.
        exact = [c for c in cands if c.name == chain[-1][0]]
        if len(exact) == 1:
            return exact[0]
        return None
    return cands[0] if cands else None
