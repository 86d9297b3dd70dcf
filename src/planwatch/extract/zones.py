"""Where a plan looks back and where it looks ahead.

Chinese plans open with the base period (规划背景 / 发展基础 / “十三五”成就 /
面临形势) and then turn to 指导思想 / 总体要求 / 主要目标 and the tasks. Facts
in the opening part are baselines; numbers after the turn are targets. A table
of contents (a run of consecutive headings) must not move the turn, and some
plans start their body without repeating the first heading, so the opening
part is "everything before the first real goal heading".
"""

from __future__ import annotations

from collections.abc import Callable

from planwatch.extract.lexicon import rx
from planwatch.extract.outline import Outline, Section, toc_key
from planwatch.extract.periods import FIVE_YEAR_NAME, plan_period, span_of

# Any heading naming goals (主要目标, 目标要求, 规划目标, 发展目标与主要指标 …) turns to the plan.
GOAL_HEADING = rx("{heading.goal}")
BACKGROUND_HEADING = rx("{heading.background}")
# "“十三五”主要目标完成情况" reviews old goals: it belongs to the background.
LOOKING_BACK = rx("{heading.looking_back}")


class _Heads:
    """Heading tests for one plan: the previous plan's name ("十三五" in a 十四五
    plan, "十四五" in a 十五五 plan) marks the base period as the words above do."""

    def __init__(self, lines: list[str]) -> None:
        self.start = plan_period(lines)[0]

    def _earlier(self, text: str) -> bool:
        return any((span := span_of(m.group(0))) and span[1] < self.start for m in FIVE_YEAR_NAME.finditer(text))

    def background(self, text: str) -> bool:
        return bool(BACKGROUND_HEADING.search(text)) or self._earlier(text)

    def looking_back(self, text: str) -> bool:
        return bool(LOOKING_BACK.search(text)) or self._earlier(text)
_MIN_TOC_RUN = 4


# A line that looks like a numbered heading, whether or not the outline kept it.
_HEADING_LIKE = rx(
    r"^\s*(?:{outline.ordinal}[{outline.numeral:chars}\d]+(?:{outline.chapter}|{outline.section}|{outline.part})"
    r"|[{cn.digit:chars}]+[、.．]|[(（][{cn.digit:chars}\d]+[)）]|\d{1,2}[.．、])"
    r"[^。；;]{0,40}$"
)


def _toc_lines(lines: list[str], heading_lines: set[int]) -> set[int]:
    """Lines of a table of contents: runs of bare headings with no text between.

    A contents list is followed by the body, which opens with the same headings again
    ("第一章 发展基础" … "第十二章 保障措施", then "第一章 发展基础", "第一节 …", text):
    a heading that repeats an entry of the run starts the body, so the run ends before it.
    """
    toc: set[int] = set()
    run: list[int] = []
    keys: set[str] = set()

    def close() -> None:
        if len(run) >= _MIN_TOC_RUN:
            toc.update(run)
        run.clear()
        keys.clear()

    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if i in heading_lines or _HEADING_LIKE.match(raw):
            key = toc_key(raw)
            if key in keys:
                close()
            run.append(i)
            keys.add(key)
            continue
        close()
    close()
    return toc


def _body_headings(lines: list[str], outline: Outline) -> tuple[list[Section], set[int]]:
    heads = [s for s in outline.sections if s.kind != "box"]
    toc = _toc_lines(lines, {s.line for s in heads})
    return [s for s in heads if s.line not in toc], toc


def zones(lines: list[str], outline: Outline) -> tuple[int, int]:
    """(first line of the base-period part, first line of the plan part).

    The base-period part starts at its own heading (规划背景, 发展基础, …); without
    one, after the table of contents; without that, at the top. Front matter
    before it (portal header, issuing notice) is neither part.
    """
    plan = plan_start_line(lines, outline)
    body, toc = _body_headings(lines, outline)
    heads = _Heads(lines)
    for s in body:
        if s.line < plan and heads.background(s.title):
            return s.line, plan
    for n in _bare_headings(lines, heads.background, toc):
        if n < plan:
            return n, plan
    toc_before = [n for n in toc if n < plan]
    return (max(toc_before) + 1 if toc_before else 1), plan


# A heading line the outline may not have taken: short, no sentence inside
# ("主要目标", "二、主要目标。", "2 发展目标").
_BARE_HEADING = rx(
    r"^\s*(?:{outline.ordinal}[{cn.digit:chars}\d]+(?:{outline.chapter}|{outline.section}|{outline.part})"
    r"|[{cn.digit:chars}]+[、.．]|[(（][{cn.digit:chars}\d]+[)）]"
    r"|\d{1,2}(?:[.．、]|\s))?\s*(?P<title>[^。，,；;：:！？!?\d]{2,20})[。.]?\s*$"
)


# "目标值", "目标属性": a table's column heading, not a chapter.
_COLUMN_HEAD = rx("{heading.column}")


def _bare_headings(lines: list[str], is_kind: Callable[[str], bool], toc: set[int]) -> list[int]:
    found = []
    for i, raw in enumerate(lines, start=1):
        hit = _BARE_HEADING.match(raw)
        if hit and i not in toc and is_kind(hit.group("title")):
            found.append(i)
    return found


def plan_start_line(lines: list[str], outline: Outline) -> int:
    """First line of the forward-looking part; lines before it are the base period.

    Returns 1 when the document has no recognisable background part.
    """
    body, toc = _body_headings(lines, outline)
    heads = _Heads(lines)
    for s in body:
        if GOAL_HEADING.search(s.title) and not heads.looking_back(s.title):
            return s.line
    # Headings the outline did not take (unnumbered, "1 发展目标", a trailing 。) still mark the
    # turn, if they come after the background heading (not in a contents list or a cover).
    first_bg = next((s.line for s in body if heads.background(s.title)), 0)
    for n in _bare_headings(lines, lambda t: bool(GOAL_HEADING.search(t)), toc):
        if n > first_bg and not heads.looking_back(lines[n - 1]) and not _COLUMN_HEAD.search(lines[n - 1]):
            return n
    # No goal heading: the part after the first background heading's section.
    for s in body:
        if heads.background(s.title):
            return (s.end_line or s.line) + 1
    return 1
