"""Qualitative commitments (全覆盖, 应保尽保 ...) and named projects (工程, 行动 ...).

Commitments are the clauses of the forward-looking part that promise a state
without a number ("基本实现法定人员全覆盖", "低保对象应保尽保"); a clause with a
number is a prose target and belongs to the prose extractor. Projects are the
entries of 专栏 boxes ("托育服务扩容工程:加强…") and the programmes and
facilities running text commits to ("实施健康儿童行动", "新建一所寄宿制初级中学").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from planwatch.extract.lexicon import WORDS, expand, rx
from planwatch.extract.outline import Outline, Section
from planwatch.extract.periods import earlier_names

# Promises of a state, not of a quantity. 应X尽X covers 应保尽保, 应救尽救, 应养尽养 ...
COMMITMENT = rx(r"{task.commitment}|{task.ought}(.){task.all_of}\1")
# Clause boundaries inside a line.
CLAUSE_SPLIT = re.compile(r"[^,，;；。！!？?]+")
# Looking back, not ahead: achievements of the base period are not commitments.
_PAST_WORDS = expand("{task.past}")


@lru_cache(maxsize=16)
def _past(period: tuple[int, int]) -> re.Pattern[str]:
    # The previous plan's name ("十三五" in a 十四五 plan, "十四五" in a 十五五 plan) looks back too.
    return re.compile(f"{_PAST_WORDS}|{earlier_names(period)}")
# A year or the plan's name is not a number a target hangs on.
YEAR_WORDS = rx(r"{task.to}?\s*20\d{2}\s*{time.year}{time.year_suffix}?|“?{time.plan_name}”?")
DIGIT = rx(r"[0-9０-９]|[{task.cn_number:chars}]+{task.count_unit}")
LEAD = rx("^{task.lead}+")

# Programme names in running text: 实施XX工程 / 开展XX行动 / 启动XX计划.
PROGRAMME = rx(
    r"{task.run_verb}{task.verb_particle}?{task.batch}?"
    r"(?P<name>“?[\u4e00-\u9fff“”A-Za-z0-9.+]{2,24}?{task.programme_end})"
    r"(?!{task.programme_not_after})"
)
# Facilities to build: 新建/改扩建 + (quantifier) + … 中心/医院/学校.
FACILITY = rx(
    r"(?P<verb>{task.build}(?:[、/{name.conj:chars}]?{task.build_more})*)"
    r"(?:[0-9{task.cn_small:chars}]+[{task.facility_unit:chars}])?"
    r"(?P<name>[\u4e00-\u9fff“”A-Za-z0-9]{2,24}?{task.facility_end})"
    r"(?![\u4e00-\u9fff]{0,2}{task.facility_not_after})"
)
# Box entries: "1.托育服务扩容工程:加强…" or "出生缺陷防治工程。进一步…".
ENTRY_NUMBER = rx(r"^\s*(?:\d{1,2}\s*[.．、]|[(（]\s*\d{1,2}\s*[)）]|[{cn.digit:chars}]+\s*[、.．]|[(（][{cn.digit:chars}]+[)）])\s*")
ENTRY_LEAD = re.compile(r"^(?P<name>[^:：。;；,，]{2,40}?)\s*[:：。]")
BOX_LABEL = rx(r"{task.box}\s*([0-9]+|[{cn.digit:chars}]+)")
_BOX = WORDS["task.box"][0]
# Leading words that are not part of a name ("一批", "我市") and starts that show
# the match began mid-phrase ("覆盖…学校", "的专项行动").
NAME_LEAD = rx(r"^(?:{task.name_lead}|[0-9{task.cn_small:chars}]+[{task.name_lead_unit:chars}])+")
BAD_NAME = rx("^{task.bad_start}|{task.bad_inside}|{task.bad_end}$")
# A bare box entry is a project only when it is named like one (not a table cell).
PROJECT_END = rx("{task.project_end}$")
SENTENCE_MARK = re.compile(r"[,，;；。]")
TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")
PROGRAMME_HINT = WORDS["task.programme_hint"]
TOO_GENERIC = rx("^“?{task.generic_det}{task.programme_hint}$")
_COVER = WORDS["task.cover"]
_COVER_FALSE_BEFORE = WORDS["task.cover_false_before"]
_PRINCIPLE = WORDS["task.principle"]
_BUILD_HINT = WORDS["task.build_hint"]


def _balance_quotes(name: str) -> str:
    """Drop a quotation mark left without its partner by the match boundary."""
    if name.count("“") != name.count("”"):
        name = name.strip("“”")
        if name.count("“") != name.count("”"):
            name = name.replace("“", "").replace("”", "")
    return name


def _promises(text: str) -> bool:
    """Whether text holds a commitment phrase ("健全覆盖…" is 健全 + 覆盖, not 全覆盖)."""
    return any(not (m.group(0) in _COVER and text[m.start() - 1 : m.start()] in _COVER_FALSE_BEFORE)
               for m in COMMITMENT.finditer(text))


def _skipped(spans: list[tuple[int, int]]) -> set[int]:
    return {ln for a, b in spans for ln in range(a, b + 1)}


def _plan_start(lines: list[str], outline: Outline) -> int:
    try:  # the turn from the base period to the plan, found by the prose extractor
        from planwatch.extract.zones import plan_start_line
    except ImportError:  # pragma: no cover - zones ships with the package
        return 1
    return plan_start_line(lines, outline)


def _box_label(box: Section) -> str:
    m = BOX_LABEL.search(box.heading)
    return f"{_BOX}{m.group(1)}" if m else _BOX


def _commitments(lines: list[str], outline: Outline, skip: set[int], heads: set[int],
                 start: int, past: re.Pattern[str]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    for ln in range(max(start, 1), len(lines) + 1):
        if ln in heads or ln in skip:
            continue
        text = lines[ln - 1]
        if not _promises(text):
            continue
        for m in CLAUSE_SPLIT.finditer(text):
            clause = m.group(0).strip()
            if len(clause) < 4 or not _promises(clause) or past.search(clause) or any(w in clause for w in _PRINCIPLE):
                continue
            if DIGIT.search(YEAR_WORDS.sub("", clause)):
                continue  # a quantified target, not a qualitative commitment
            tasks.append({
                "line": ln, "quote": clause, "kind": "commitment",
                "domain": outline.domain_at(ln), "text": LEAD.sub("", clause) or clause,
            })
    return tasks


def _box_projects(lines: list[str], outline: Outline, skip: set[int]) -> tuple[list[dict[str, Any]], set[int]]:
    projects: list[dict[str, Any]] = []
    covered: set[int] = set()
    for box in outline.sections:
        if box.kind != "box" or box.line in skip:
            continue
        label = _box_label(box)
        for ln in range(box.line + 1, (box.end_line or box.line) + 1):
            covered.add(ln)
            if ln in skip:
                continue
            raw = lines[ln - 1]
            text = ENTRY_NUMBER.sub("", raw.strip())
            if not text:
                continue
            m = ENTRY_LEAD.match(text)
            if m:
                name = m.group("name").strip()
            elif len(text) <= 30 and not SENTENCE_MARK.search(text) and PROJECT_END.search(text):
                name = text  # an entry that is a bare name
            else:
                continue
            if len(name) < 3 or not TWO_HAN.search(name):
                continue
            start = raw.find(name)
            quote = raw[start:start + len(name)] if start >= 0 else raw.strip()
            projects.append({"line": ln, "quote": quote, "name": name, "domain": outline.domain_at(ln),
                             "box": label})
    return projects, covered


def _prose_projects(lines: list[str], outline: Outline, skip: set[int], covered: set[int], start: int,
                    past: re.Pattern[str]) -> list[dict[str, Any]]:
    projects: list[dict[str, Any]] = []
    for ln in range(max(start, 1), len(lines) + 1):
        if ln in covered or ln in skip:
            continue
        text = lines[ln - 1]
        seen: set[str] = set()
        # Cheap substring tests first: most lines name no programme or building.
        regexes = [pattern for pattern, hit in ((PROGRAMME, any(h in text for h in PROGRAMME_HINT)),
                                                (FACILITY, any(h in text for h in _BUILD_HINT))) if hit]
        for pattern in regexes:
            for m in pattern.finditer(text):
                name = NAME_LEAD.sub("", _balance_quotes(m.group("name")))
                if TOO_GENERIC.match(name) or BAD_NAME.search(name) or name in seen or len(name) < 4:
                    continue
                if past.search(text[max(0, m.start() - 6) : m.start()]):
                    continue
                seen.add(name)
                projects.append({"line": ln, "quote": m.group(0), "name": name,
                                 "domain": outline.domain_at(ln), "box": None})
    return projects


# What two mentions of one task or project may differ in: quotes, brackets, spaces, a leading 我市/全县.
_KEY_NOISE = re.compile(r"[\s“”‘’\"'《》「」()（）]")


def _dedupe(items: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """One item per task or project: a box entry and running text often name the same one, and
    plans repeat a commitment in their goals and in their chapters. The first mention is kept
    (box entries come first) and lists the lines of the others in "also_lines"."""
    kept: dict[str, dict[str, Any]] = {}
    for item in items:
        key = NAME_LEAD.sub("", _KEY_NOISE.sub("", item[field])) or item[field]
        first = kept.get(key)
        if first is None:
            kept[key] = item
        elif item["line"] != first["line"] and item["line"] not in first.setdefault("also_lines", []):
            first["also_lines"].append(item["line"])
    return list(kept.values())


def extract_tasks(lines: list[str], outline: Outline, skip: list[tuple[int, int]],
                  period: tuple[int, int] = (2021, 2025)) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(tasks, projects)."""
    heads = {s.line for s in outline.sections}
    skipped = _skipped(skip)
    start = _plan_start(lines, outline)
    past = _past(period)
    tasks = _dedupe(_commitments(lines, outline, skipped, heads, start, past), "text")
    box_projects, covered = _box_projects(lines, outline, skipped)
    projects = box_projects + _prose_projects(lines, outline, skipped, covered, start, past)
    return tasks, _dedupe(projects, "name")
