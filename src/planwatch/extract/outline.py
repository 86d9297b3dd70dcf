"""The outline of a plan: chapters, sections, numbered items and 专栏 boxes.

Chinese plans number their headings in a fixed hierarchy (第X章 > 第X节 > 一、>
(一) > 1. > (1)); a document uses a prefix of it. Each heading gets a level by
its numbering style, so the path of any line is the stack of open headings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

CN_DIGITS = "〇零一二三四五六七八九十百两"

# (kind, level, pattern). Lower level = higher in the hierarchy.
HEADING_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 0, re.compile(rf"^\s*第[{CN_DIGITS}\d]+(?:部分|篇)\s*(.*)$")),
    ("chapter", 1, re.compile(rf"^\s*第[{CN_DIGITS}\d]+章\s*(.*)$")),
    ("section", 2, re.compile(rf"^\s*第[{CN_DIGITS}\d]+节\s*(.*)$")),
    ("cn_item", 3, re.compile(rf"^\s*[{CN_DIGITS}]+[、.．]\s*(.*)$")),
    ("cn_paren", 4, re.compile(rf"^\s*[(（][{CN_DIGITS}]+[)）]\s*(.*)$")),
    ("num_item", 5, re.compile(r"^\s*\d{1,2}[.．、](?!\d)\s*(.*)$")),
    ("num_paren", 6, re.compile(r"^\s*[(（]\d{1,2}[)）]\s*(.*)$")),
]
BOX_PATTERN = re.compile(r"^\s*专栏\s*[\d一二三四五六七八九十]*[:：\s]*(.*)$")

# The service domains of 国家基本公共服务标准 ("七有两保障") and common local ones,
# with words that identify a heading as belonging to them.
DOMAIN_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("幼有所育", ("幼有所育", "托育", "婴幼儿", "育幼", "儿童")),
    ("学有所教", ("学有所教", "教育", "学校")),
    ("劳有所得", ("劳有所得", "就业", "创业", "劳动")),
    ("病有所医", ("病有所医", "医疗", "卫生", "健康", "医保")),
    ("老有所养", ("老有所养", "养老", "老年", "老龄")),
    ("住有所居", ("住有所居", "住房", "安居", "保障房", "棚户", "老旧小区")),
    ("弱有所扶", ("弱有所扶", "社会救助", "残疾", "救助", "兜底", "困难群众", "慈善")),
    ("优军服务保障", ("优军", "退役军人", "双拥", "优抚")),
    ("文体服务保障", ("文体", "文化", "体育", "全民健身")),
    ("社会保障", ("社会保障", "社会保险", "社保")),
    ("法律服务", ("法律服务", "公共法律", "法治")),
    ("人才", ("人才",)),
]


@dataclass(frozen=True)
class Section:
    kind: str  # part | chapter | section | cn_item | cn_paren | num_item | num_paren | box
    level: int
    line: int  # 1-based line of the heading
    heading: str  # the heading line as written, stripped
    title: str  # the heading without its numbering
    end_line: int = 0  # last line belonging to the section (inclusive)


def domain_of_title(title: str) -> str | None:
    """The service domain a heading names, or None."""
    for domain, words in DOMAIN_KEYWORDS:
        if any(w in title for w in words):
            return domain
    return None


def classify_heading(line: str) -> tuple[str, int, str] | None:
    """(kind, level, title) when the line is a heading, else None."""
    text = line.strip()
    if not text or len(text) > 60:
        return None
    m = BOX_PATTERN.match(text)
    if m and len(text) <= 40:
        return ("box", 9, m.group(1).strip())
    for kind, level, pattern in HEADING_PATTERNS:
        m = pattern.match(text)
        if m:
            title = m.group(1).strip()
            # A numbered sentence ending in 。 is a paragraph, not a heading.
            if kind not in ("part", "chapter", "section") and text.endswith(("。", ";", "；")):
                return None
            return (kind, level, title)
    return None


class Outline:
    def __init__(self, sections: list[Section], n_lines: int) -> None:
        self.sections = sections
        self.n_lines = n_lines
        self._starts = [s.line for s in sections]

    def path_at(self, line: int) -> list[Section]:
        """The open headings at a line, outermost first."""
        idx = bisect_right(self._starts, line)
        stack: list[Section] = []
        for s in self.sections[:idx]:
            if s.end_line and s.end_line < line:
                continue
            while stack and stack[-1].level >= s.level:
                stack.pop()
            stack.append(s)
        return stack

    def path_titles(self, line: int) -> list[str]:
        return [s.heading for s in self.path_at(line)]

    def domain_at(self, line: int) -> str | None:
        """The service domain of the innermost heading that names one."""
        for s in reversed(self.path_at(line)):
            d = domain_of_title(s.title)
            if d:
                return d
        return None


def build_outline(lines: list[str]) -> Outline:
    found: list[tuple[str, int, int, str, str]] = []
    for i, raw in enumerate(lines, start=1):
        c = classify_heading(raw)
        if c:
            kind, level, title = c
            found.append((kind, level, i, raw.strip(), title))
    sections: list[Section] = []
    for j, (kind, level, line, heading, title) in enumerate(found):
        end = len(lines)
        for _kind2, level2, line2, _h, _t in found[j + 1 :]:
            if level2 <= level:
                end = line2 - 1
                break
        sections.append(Section(kind, level, line, heading, title, end))
    return Outline(sections, len(lines))
