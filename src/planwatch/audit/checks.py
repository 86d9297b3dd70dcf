"""The audit's checks. Each takes the extraction-contract JSON of one plan (plain data)
and returns findings; none reads a file or the register."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from planwatch.audit.findings import Finding
from planwatch.extract import lexicon
from planwatch.metric_match import compatible_units, same_metric, unit_key
from planwatch.register.rules import infer_direction, value_problem

Item = dict[str, Any]

# A value that differs from another by less than this share is the same figure (rounding).
SAME_VALUE = 0.005


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _differ(a: float, b: float) -> bool:
    return abs(a - b) > SAME_VALUE * max(abs(a), abs(b), 1e-9)


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _where(item: Item) -> str:
    if item.get("source") == "table":
        return f"{item.get('table') or '指标表'}第{item['line']}行"
    return f"正文第{item['line']}行"


def _target_value(item: Item) -> float | None:
    t = item.get("target") or {}
    if t.get("op") in ("qualitative", "range") or t.get("kind") in ("change", "annual", "cumulative"):
        return None  # not a level that can be compared with another level
    return _num(t.get("value"))


def _bound_allows(op: str | None, bound: float, value: float) -> bool:
    """A bound ("≥98", "4%以内") is no contradiction of a value that satisfies it."""
    if op in (">=", ">"):
        return value >= bound - SAME_VALUE * abs(bound)
    if op in ("<=", "<"):
        return value <= bound + SAME_VALUE * abs(bound)
    return False


def _cumulative_name(name: str | None) -> bool:
    return bool(lexicon.rx("{kind.cumulative_cell}").search(name or ""))


def _quoted_bound(quote: str) -> str | None:
    """The operator a quote ends with ("…4%以内" → "<="), None for a plain figure."""
    if lexicon.rx(r"(?:{op.suffix_at_most})$").search(quote):
        return "<="
    if lexicon.rx(r"(?:{op.suffix_at_least})$").search(quote):
        return ">="
    return None


def _pairs(items: list[Item], others: list[Item]) -> Iterator[tuple[Item, Item]]:
    for a in items:
        for b in others:
            if a is not b and a["line"] != b["line"] and same_metric(a.get("name") or a.get("metric") or "",
                                                                     b.get("name") or b.get("metric") or "",
                                                                     within_document=True) \
                    and compatible_units(a.get("unit"), b.get("unit")):
                yield a, b


def inconsistencies(data: dict[str, Any]) -> list[Finding]:
    """The same metric with different baselines or targets in the table and the text, or twice in the text."""
    table = [i for i in data.get("indicators", []) if i.get("source") == "table"]
    prose = [i for i in data.get("indicators", []) if i.get("source") == "prose"]
    out: list[Finding] = []
    # Baselines: the table's base-year value against a base-period fact of the same year in the text.
    for row, fact in _pairs(table, data.get("baselines", [])):
        base = row.get("baseline") or {}
        a, b = _num(base.get("value")), _num(fact.get("value"))
        if a is None or b is None or base.get("year") != fact.get("year") or not _differ(a, b):
            continue
        if fact.get("kind") == "change" or _cumulative_name(row.get("name")) != _cumulative_name(fact.get("metric")):
            continue
        bound = _quoted_bound(fact.get("quote") or "")
        if bound and _bound_allows(bound, b, a):
            continue  # "控制在4%以内" states a bound the table's 3.8 keeps
        unit = row.get("unit") or fact.get("unit") or ""
        out.append(Finding("inconsistency", "high", (row["line"], fact["line"]),
                           f"「{row['name']}」{base.get('year')}年基期值:{_where(row)}为{_fmt(a)}{unit},"
                           f"正文第{fact['line']}行为{_fmt(b)}{unit}",
                           (row.get("quote", ""), fact.get("quote", ""))))
    # Targets: table against text, and text against text.
    seen: set[frozenset[int]] = set()
    for a, b in [*_pairs(table, prose), *_pairs(prose, prose)]:
        key = frozenset((a["line"], b["line"], id(a) + id(b)))
        if key in seen:
            continue
        seen.add(key)
        ta, tb = a.get("target") or {}, b.get("target") or {}
        if ta.get("year") != tb.get("year"):
            continue
        va, vb = _target_value(a), _target_value(b)
        if va is None or vb is None or not _differ(va, vb):
            continue
        if _bound_allows(ta.get("op"), va, vb) or _bound_allows(tb.get("op"), vb, va):
            continue
        unit = a.get("unit") or b.get("unit") or ""
        out.append(Finding("inconsistency", "high", tuple(sorted((a["line"], b["line"]))),
                           f"「{a['name']}」{ta.get('year')}年目标:{_where(a)}为「{ta.get('raw')}」,"
                           f"{_where(b)}为「{tb.get('raw')}」({_fmt(va)}与{_fmt(vb)}{unit})",
                           (a.get("quote", ""), b.get("quote", ""))))
    return out


def directions(data: dict[str, Any]) -> list[Finding]:
    """A level target that moves away from where the metric should go, judged by its name and operator
    (not by the target itself), or a cumulative target smaller than what was already achieved."""
    out: list[Finding] = []
    for i in data.get("indicators", []):
        t, b = i.get("target") or {}, i.get("baseline") or {}
        target, base = _num(t.get("value")), _num(b.get("value"))
        if target is None or base is None or t.get("op") in ("qualitative", "range"):
            continue
        name = i.get("name") or ""
        lower_better = infer_direction(name, t.get("op"), None, None) == "down"
        if t.get("kind") == "cumulative":
            continue  # a five-year total is not comparable with the previous period's level
        if not lower_better and target < base and _differ(target, base) and t.get("kind") in ("level", None):
            out.append(Finding("direction", "medium", (i["line"],),
                               f"「{name}」目标「{t.get('raw')}」低于{b.get('year') or ''}年基期值{_fmt(base)}"
                               f"{i.get('unit') or ''}:该指标通常应提高,请核实目标或口径(如基期为五年累计数)",
                               (i.get("quote", ""),)))
        elif lower_better and target > base and _differ(target, base) and t.get("op") not in ("<=", "<"):
            out.append(Finding("direction", "medium", (i["line"],),
                               f"「{name}」越低越好,目标「{t.get('raw')}」却高于基期值{_fmt(base)}{i.get('unit') or ''}",
                               (i.get("quote", ""),)))
    return out


# Digits run together where characters were lost: a year glued to an amount ("由201610995元"),
# a figure glued to the year after it ("4.842025预期目标"), two percentages with nothing between
# them ("100%68%"), a bare count in value position glued to the next noun ("增加158柔性引进").
_GLUED_YEAR = re.compile(r"(?<![\d.])(20[0-4]\d)(\d{2,})(?=\s*(?:元|万|亿|%|个|人|所|家|张|项|年))")
_GLUED_DECIMAL_YEAR = re.compile(r"(?<![\d.])(\d{1,4}\.\d{1,3}?)(20[0-4]\d)(?![\d.%])")
_GLUED_PERCENT = re.compile(r"\d+(?:\.\d+)?[%‰](?=\d)")
_BARE_COUNT = lexicon.rx(r"{value.verb}(\d{2,4})(?=[\u4e00-\u9fff]{2})")
_AFTER_COUNT = lexicon.rx(r"\d+(?:{unit.count}|{unit.rate}|{unit.level}|{unit.age}|{unit.duration}|{unit.cell}"
                          r"|{unit.paren}|{unit.per}|{op.suffix_at_least}|{op.suffix_at_most}|{op.suffix_about}"
                          r"|余|多|场|年|月|日|号|届|期|版|条|款|批|轮|周|倍|万|亿|千|百)")
def garbled(lines: list[str], scope: Iterable[int] | None = None) -> list[Finding]:
    """Numbers that cannot have been written so: characters were lost in publication."""
    out: list[Finding] = []
    wanted = set(scope) if scope is not None else None
    for n, line in enumerate(lines, start=1):
        if wanted is not None and n not in wanted:
            continue
        for m in _GLUED_YEAR.finditer(line):
            out.append(Finding("garbled", "high", (n,),
                               f"第{n}行「{m.group(0)}」疑似年份{m.group(1)}与数值{m.group(2)}粘连(丢失了“年”“的”等字)",
                               (line[max(0, m.start() - 12): m.end() + 6],)))
        for m in _GLUED_DECIMAL_YEAR.finditer(line):
            out.append(Finding("garbled", "high", (n,),
                               f"第{n}行「{m.group(0)}」疑似数值{m.group(1)}与年份{m.group(2)}粘连",
                               (line[max(0, m.start() - 12): m.end() + 6],)))
        for m in _GLUED_PERCENT.finditer(line):
            out.append(Finding("garbled", "medium", (n,),
                               f"第{n}行两个数值之间缺少分隔(「{line[m.start():m.end() + 4]}」)",
                               (line[max(0, m.start() - 12): m.end() + 6],)))
        for m in _BARE_COUNT.finditer(line):
            number = m.group(1)
            if _AFTER_COUNT.match(line, m.start(1)) or re.fullmatch(r"(?:19|20)\d\d", number):
                continue
            out.append(Finding("garbled", "medium", (n,),
                               f"第{n}行数字「{number}」后缺少单位或分隔(「{line[m.start(1):m.end() + 4]}」)",
                               (line[max(0, m.start() - 12): m.end() + 6],)))
    return out


def implausible(data: dict[str, Any]) -> list[Finding]:
    """Values outside what their unit allows (a share over 100 %), in the table and the text."""
    out: list[Finding] = []
    for i in data.get("indicators", []):
        name, unit = i.get("name") or "", i.get("unit")
        for label, part in (("基期值", i.get("baseline") or {}), ("目标值", i.get("target") or {})):
            v = _num(part.get("value"))
            if v is not None and (why := value_problem(name, unit, v)):
                out.append(Finding("implausible", "high", (i["line"],),
                                   f"「{name}」{label}{_fmt(v)}{unit or ''}:{why[0]}", (i.get("quote", ""),)))
        if unit and re.fullmatch(r"[/‰]?\d+", unit.strip()):
            out.append(Finding("garbled", "medium", (i["line"],),
                               f"「{name}」的单位「{unit}」不完整(如“/10万”缺字)", (i.get("quote", ""),)))
    for b in data.get("baselines", []):
        v = _num(b.get("value"))
        if v is not None and (why := value_problem(b.get("metric") or "", b.get("unit"), v)):
            out.append(Finding("implausible", "high", (b["line"],),
                               f"「{b.get('metric')}」{_fmt(v)}{b.get('unit') or ''}:{why[0]}", (b.get("quote", ""),)))
    return out


def periods(data: dict[str, Any]) -> list[Finding]:
    period = (data.get("plan") or {}).get("period")
    if not period:
        return [Finding("period", "high", (1,), "未能识别规划期(如“十五五”或“2026—2030年”),目标年份无法核对")]
    first, last = period
    out = []
    for i in data.get("indicators", []):
        year = (i.get("target") or {}).get("year")
        if isinstance(year, int) and not first <= year <= last:
            out.append(Finding("period", "medium", (i["line"],),
                               f"「{i.get('name')}」目标年份{year}年不在规划期{first}—{last}年内",
                               (i.get("quote", ""),)))
    return out


def against_superior(data: dict[str, Any], superior: dict[str, Any], label: str) -> list[Finding]:
    """Each superior table indicator against the local plan's: missing (binding ones), weaker, other units."""
    local = [i for i in data.get("indicators", []) if i.get("source") == "table"] or data.get("indicators", [])
    everything = data.get("indicators", [])
    out: list[Finding] = []
    for sup in superior.get("indicators", []):
        if sup.get("source", "table") != "table":
            continue
        name = sup.get("name") or ""
        match = next((i for i in local if same_metric(i.get("name") or "", name)), None) or next(
            (i for i in everything if same_metric(i.get("name") or "", name)), None)
        if match is None:
            if sup.get("attribute") == "约束性":
                out.append(Finding("superior_missing", "high", (1,),
                                   f"{label}约束性指标「{name}」在本规划中没有对应指标"))
            continue
        if not compatible_units(match.get("unit"), sup.get("unit")):
            out.append(Finding("superior_unit", "medium", (match["line"],),
                               f"「{match.get('name')}」单位为「{match.get('unit')}」,{label}「{name}」为「{sup.get('unit')}」",
                               (match.get("quote", ""),)))
            continue
        mine, theirs = _target_value(match), _target_value(sup)
        if mine is None or theirs is None or (unit_key(match.get("unit")) != unit_key(sup.get("unit")) and \
                match.get("unit") and sup.get("unit")):
            continue
        lower_better = infer_direction(name, (sup.get("target") or {}).get("op"), None, None) == "down"
        weaker = mine > theirs if lower_better else mine < theirs
        if weaker and _differ(mine, theirs):
            sev = "high" if sup.get("attribute") == "约束性" else "low"
            out.append(Finding("superior_weaker", sev, (match["line"],),
                               f"「{match.get('name')}」目标「{(match.get('target') or {}).get('raw')}」"
                               f"{'高' if lower_better else '低'}于{label}目标「{(sup.get('target') or {}).get('raw')}」",
                               (match.get("quote", ""),)))
    return out


def missing_services(data: dict[str, Any], standard: list[dict[str, str]]) -> list[Finding]:
    """National basic-public-service items with no counterpart in the plan's own list (when it has one)."""
    items = data.get("service_items") or []
    if not items or not standard:
        return []
    mine = [i.get("item") or "" for i in items]

    def name(s: dict[str, str]) -> str:  # the item as printed, without editorial notes in brackets
        return re.sub(r"\s*\[[^\]]*\]|^[(（]|[)）]$", "", s.get("item") or "").strip()

    missing = [name(s) for s in standard if name(s) and not any(same_metric(name(s), m) for m in mine)]
    if not missing:
        return []
    names = "、".join(f"「{m}」" for m in missing[:8]) + ("等" if len(missing) > 8 else "")
    first = min(i["line"] for i in items)
    return [Finding("service_missing", "low", (first,),
                    f"本规划的基本公共服务清单未列出国家标准中的{len(missing)}项服务:{names}")]
