"""Word automatic numbering ("第一章", "一、", "（一）", "1.") rendered as text.

python-docx gives a paragraph's typed text only; a heading numbered by a Word list style
would lose the prefix the outline recognises. This follows numbering.xml: each list keeps
a counter per level, a level restarts when a higher level advances, and lvlText such as
"第%1章" or "%1.%2" is filled with the counters in the level's number format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CN_DIGITS = "零一二三四五六七八九"
TIANGAN = "甲乙丙丁戊己庚辛壬癸"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (as Word's chineseCounting)."""
    if n <= 0 or n >= 10000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += ("" if value == 10 and digit == 1 and not out else CN_DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → AA
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ROMAN:
        while n >= value:
            out, n = out + sym, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital",
               "taiwaneseCounting", "taiwaneseCountingThousand", "japaneseCounting"):
        return chinese_number(n)
    if fmt == "ideographTraditional":
        return TIANGAN[(n - 1) % 10]
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


def _val(el: Any, tag: str, default: str | None = None) -> str | None:
    child = el.find(f"{W}{tag}") if el is not None else None
    return child.get(f"{W}val", default) if child is not None else default


class Numbering:
    """Renders the list prefix of paragraphs, in document order (counters are stateful)."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}  # numId → ilvl → level
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}  # styleId → (numId, ilvl)
        try:
            numbering = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
        for num in numbering.iter(f"{W}num"):
            base = abstract.get(_val(num, "abstractNumId"))
            levels: dict[int, _Level] = {}
            for lvl in base.iter(f"{W}lvl") if base is not None else []:
                levels[int(lvl.get(f"{W}ilvl", "0"))] = _Level(
                    start=int(_val(lvl, "start", "1") or 1), fmt=_val(lvl, "numFmt", "decimal") or "decimal",
                    text=_val(lvl, "lvlText", "") or "", suffix=_val(lvl, "suff", "tab") or "tab")
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl].start = int(start)
            self.levels[num.get(f"{W}numId")] = levels
        self._read_styles(document)

    def _read_styles(self, document: Any) -> None:
        styles = {s.get(f"{W}styleId"): s for s in document.styles.element.iter(f"{W}style")}
        for style_id in styles:
            seen, sid = set(), style_id
            while sid and sid not in seen:  # numbering may come from a style this one is based on
                seen.add(sid)
                style = styles.get(sid)
                num_pr = style.find(f"{W}pPr/{W}numPr") if style is not None else None
                if num_pr is not None and _val(num_pr, "numId") is not None:
                    self.style_num[style_id] = (str(_val(num_pr, "numId")), int(_val(num_pr, "ilvl", "0") or 0))
                    break
                sid = _val(style, "basedOn")

    def prefix(self, p: Any) -> str:
        """The rendered number of paragraph element `p` ("" when it has none); advances counters."""
        if not self.levels:
            return ""
        ppr = p.find(f"{W}pPr")
        num_pr = ppr.find(f"{W}numPr") if ppr is not None else None
        style_ref = self.style_num.get(_val(ppr, "pStyle") or "") if ppr is not None else None
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl_s = _val(num_pr, "ilvl") if num_pr is not None else None
        if num_id is None and style_ref is not None:
            num_id = style_ref[0]
        ilvl = int(ilvl_s) if ilvl_s is not None else (style_ref[1] if style_ref else 0)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""  # numId 0 switches numbering off
        counters = self.counters.setdefault(str(num_id), {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":  # a bullet glyph carries no text
            return ""
        text = level.text
        for k, lv in levels.items():
            if f"%{k + 1}" in text:
                value = counters.get(k, lv.start)
                text = text.replace(f"%{k + 1}", format_number(value, level.fmt if k == ilvl else lv.fmt))
        if not text:
            return ""
        return text + ("" if level.suffix == "nothing" else " ")
