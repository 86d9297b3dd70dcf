"""The outline of a plan: chapters, sections, numbered items and 专栏 boxes.

Chinese plans number their headings in a fixed hierarchy (第X章 > 第X节 > 一、>
(一) > 1. > (1)); a document uses a prefix of it. Each heading gets a level by
its numbering style, so the path of any line is the stack of open headings.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from planwatch.extract.lexicon import DOMAIN_WEAK_WORDS, DOMAIN_WORDS, WORDS, rx

# (kind, level, pattern). Lower level = higher in the hierarchy.
HEADING_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 0, rx(r"^\s*{outline.ordinal}[{outline.numeral:chars}\d]+{outline.part}\s*(.*)$")),
    ("chapter", 1, rx(r"^\s*{outline.ordinal}[{outline.numeral:chars}\d]+{outline.chapter}\s*(.*)$")),
    ("section", 2, rx(r"^\s*{outline.ordinal}[{outline.numeral:chars}\d]+{outline.section}\s*(.*)$")),
    ("cn_item", 3, rx(r"^\s*[{outline.numeral:chars}]+[、.．]\s*(.*)$")),
    ("cn_paren", 4, rx(r"^\s*[(（][{outline.numeral:chars}]+[)）]\s*(.*)$")),
    ("num_item", 5, re.compile(r"^\s*\d{1,2}[.．、](?!\d)\s*(.*)$")),
    ("num_paren", 6, re.compile(r"^\s*[(（]\d{1,2}[)）]\s*(.*)$")),
]
BOX_PATTERN = rx(r"^\s*{task.box}\s*[\d{cn.digit:chars}]*[:：\s]*(.*)$")

# The service domains of 国家基本公共服务标准 ("七有两保障") and common local ones.
# Plans vary the slogans (幼有善育, 病有良医, 老有颐养), so each 七有 domain is
# also recognised by its pattern 幼有X育. Strong words decide first; weak words
# (健康, 儿童 ...) only when no strong word names another domain.
DOMAIN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (d, re.compile(f"{re.escape(d[:2])}.?{re.escape(d[3:])}")) for d in WORDS["domain.seven"]
]
DOMAIN_KEYWORDS: list[tuple[str, tuple[str, ...]]] = list(DOMAIN_WORDS.items())
WEAK_KEYWORDS: list[tuple[str, tuple[str, ...]]] = list(DOMAIN_WEAK_WORDS.items())
# "公共服务和就业促进体系": a domain word joined to the plan's own theme is not a domain.
GENERIC_THEME = rx("{outline.theme}{outline.theme_kind}?{name.conj}")


@dataclass(frozen=True)
class Section:
    kind: str  # part | chapter | section | cn_item | cn_paren | num_item | num_paren | box
    level: int
    line: int  # 1-based line of the heading
    heading: str  # the heading line as written, stripped
    title: str  # the heading without its numbering
    end_line: int = 0  # last line belonging to the section (inclusive)
    domain: str | None = None  # the service domain its title names, if any


_WORD_DOMAIN = {w: d for d, words in DOMAIN_KEYWORDS for w in words}
_WEAK_DOMAIN = {w: d for d, words in WEAK_KEYWORDS for w in words}
_STRONG_RE = re.compile("|".join(sorted(map(re.escape, _WORD_DOMAIN), key=len, reverse=True)))
_WEAK_RE = re.compile("|".join(sorted(map(re.escape, _WEAK_DOMAIN), key=len, reverse=True)))


def domain_of_title(title: str) -> str | None:
    """The service domain a heading names, or None. The earliest domain word
    wins ("医疗卫生人才" is about health care, not talent)."""
    for domain, pattern in DOMAIN_PATTERNS:
        if pattern.search(title):
            return domain
    theme = GENERIC_THEME.search(title)
    # Words after "公共服务和" belong to the plan's theme, not to one domain.
    text = title[: theme.start()] if theme else title
    m = _STRONG_RE.search(text)
    if m:
        return _WORD_DOMAIN[m.group(0)]
    m = _WEAK_RE.search(text)
    return _WEAK_DOMAIN[m.group(0)] if m else None


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
        # The heading stack as each section opens; a line's path is the stack
        # of the last section started at or before it, less sections closed by then.
        self._stacks: list[tuple[Section, ...]] = []
        stack: list[Section] = []
        for sec in sections:
            while stack and stack[-1].level >= sec.level:
                stack.pop()
            stack.append(sec)
            self._stacks.append(tuple(stack))

    def path_at(self, line: int) -> list[Section]:
        """The open headings at a line, outermost first."""
        idx = bisect_right(self._starts, line)
        if not idx:
            return []
        return [s for s in self._stacks[idx - 1] if not s.end_line or s.end_line >= line]

    def path_titles(self, line: int) -> list[str]:
        return [s.heading for s in self.path_at(line)]

    def domain_at(self, line: int) -> str | None:
        """The service domain of the innermost heading that names one."""
        for s in reversed(self.path_at(line)):
            if s.domain:
                return s.domain
        return None


TOC_LABEL = re.compile(r"^\s*(?:" + "|".join(r"\s*".join(map(re.escape, w)) for w in WORDS["outline.contents"]) + r")\s*$")
# Dot leaders and page numbers of a table of contents entry: "第一章 规划背景……3".
TOC_TAIL = re.compile(r"[\s.·…．\-—_]*\d*\s*$")
# A flattened table or an unlabelled contents list is a long run of short lines.
CELL_MAX = 20
CELL_RUN = 8
STRUCTURAL = ("part", "chapter", "section", "box")


def toc_key(text: str) -> str:
    """A contents entry or heading without its dot leaders, page number and spaces."""
    return re.sub(r"\s+", "", TOC_TAIL.sub("", text))


def _toc_lines(lines: list[str]) -> set[int]:
    """0-based indexes of a 目录 block: from the label until the body repeats the
    first entry or running text starts."""
    out: set[int] = set()
    for i, raw in enumerate(lines):
        if not TOC_LABEL.match(raw):
            continue
        first: str | None = None
        block = {i}
        for j in range(i + 1, len(lines)):
            text = lines[j].strip()
            if not text:
                continue
            key = toc_key(text)
            if first is None:
                if not classify_heading(text):
                    break
                first = key
            elif key == first:
                break  # the body starts with the first chapter again
            if len(text) > 60 or text.endswith(("。", ";", "；")):
                break
            block.add(j)
        if first is not None:
            out |= block
    return out


def _cell_runs(lines: list[str]) -> set[int]:
    """0-based indexes of lines inside long runs of short, sentence-less lines:
    flattened table cells (and unlabelled contents lists)."""
    out: set[int] = set()
    run: list[int] = []
    for i, raw in enumerate([*lines, ""]):
        text = raw.strip()
        if not text and i < len(lines):
            continue
        if text and len(text) <= CELL_MAX and not re.search(r"[。；;]", text):
            run.append(i)
            continue
        # Headings closing a run lead into the running text that follows it.
        while run and text and classify_heading(lines[run[-1]]):
            run.pop()
        if len(run) >= CELL_RUN:
            out.update(run)
        run = []
    return out


def build_outline(lines: list[str]) -> Outline:
    toc = _toc_lines(lines)
    cells = _cell_runs(lines)
    found: list[tuple[str, int, int, str, str]] = []
    for i, raw in enumerate(lines):
        if i in toc or "\t" in raw:
            continue
        c = classify_heading(raw)
        if not c:
            continue
        kind, level, title = c
        if kind not in STRUCTURAL and (i in cells or not title):
            continue  # a numbered table cell or a bare "1." is not a heading
        if not title and kind != "box":
            # "第一章" on its own line, its title on the next one.
            nxt = next((t.strip() for t in lines[i + 1 : i + 3] if t.strip()), "")
            if nxt and len(nxt) <= 30 and not classify_heading(nxt) and not re.search(r"[。,，；;]", nxt):
                title = nxt
        found.append((kind, level, i + 1, raw.strip(), title))
    # A 专栏 box sits one level below the heading it appears under, so numbered
    # items inside it nest in the box and the next peer heading closes it.
    leveled: list[tuple[str, int, int, str, str]] = []
    parent_level = 0
    for kind, level, line, heading, title in found:
        if kind == "box":
            level = parent_level + 1
        else:
            parent_level = level
        leveled.append((kind, level, line, heading, title))
    sections: list[Section] = []
    for j, (kind, level, line, heading, title) in enumerate(leveled):
        end = len(lines)
        for kind2, level2, line2, _h, _t in leveled[j + 1 :]:
            if level2 <= level or (kind == "box" and kind2 == "box"):
                end = line2 - 1
                break
        sections.append(Section(kind, level, line, heading, title, end, domain_of_title(title)))
    return Outline(sections, len(lines))
