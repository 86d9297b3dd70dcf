"""Where a plan looks back and where it looks ahead.

Chinese plans open with the base period (规划背景 / 发展基础 / “十三五”成就 /
面临形势) and then turn to 指导思想 / 总体要求 / 主要目标 and the tasks. Facts
in the opening part are baselines; numbers after the turn are targets. A table
of contents (a run of consecutive headings) must not move the turn, and some
plans start their body without repeating the first heading, so the opening
part is "everything before the first real goal heading".
"""

from __future__ import annotations

import re

from planwatch.extract.outline import Outline, Section

GOAL_HEADING = re.compile(r"指导思想|总体要求|总体思路|总体目标|主要目标|发展目标|目标任务|基本原则|总体框架|发展思路")
BACKGROUND_HEADING = re.compile(
    r"背景|发展基础|现状|回顾|成就|成效|十三五|基础和|面临|形势|机遇|挑战|小康|发展环境"
)
# "“十三五”主要目标完成情况" reviews old goals: it belongs to the background.
LOOKING_BACK = re.compile(r"十三五|完成情况|回顾|成就|成效|进展")
_MIN_TOC_RUN = 4


# A line that looks like a numbered heading, whether or not the outline kept it.
_HEADING_LIKE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、])"
    r"[^。；;]{0,40}$"
)


def _toc_lines(lines: list[str], heading_lines: set[int]) -> set[int]:
    """Lines of a table of contents: runs of bare headings with no text between."""
    toc: set[int] = set()
    run: list[int] = []
    for i, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if i in heading_lines or _HEADING_LIKE.match(raw):
            run.append(i)
            continue
        if len(run) >= _MIN_TOC_RUN:
            toc.update(run)
        run = []
    if len(run) >= _MIN_TOC_RUN:
        toc.update(run)
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
    for s in body:
        if s.line < plan and BACKGROUND_HEADING.search(s.title):
            return s.line, plan
    toc_before = [n for n in toc if n < plan]
    return (max(toc_before) + 1 if toc_before else 1), plan


def plan_start_line(lines: list[str], outline: Outline) -> int:
    """First line of the forward-looking part; lines before it are the base period.

    Returns 1 when the document has no recognisable background part.
    """
    body, _toc = _body_headings(lines, outline)
    for s in body:
        if GOAL_HEADING.search(s.title) and not LOOKING_BACK.search(s.title):
            return s.line
    # No goal heading: the part after the first background heading's section.
    for s in body:
        if BACKGROUND_HEADING.search(s.title):
            return (s.end_line or s.line) + 1
    return 1
