"""Indicator tables, flattened one cell per line or rendered from real tables.

Two renderings reach us:

* flattened (plain-text copies of web pages): one cell per line, blank lines
  anywhere, empty cells dropped, the group (domain) cell only on a group's first
  row, header cells possibly split over two lines ("2020年" + "情况");
* tab-separated (our .docx/.html/.pdf readers): one line per row, cells joined
  by "\\t", empty cells kept as "", merged cells possibly repeated.

A table starts at a caption ("表1 …指标", "专栏1 …主要指标") or directly at a
header ("指标 | 单位 | 2020年 | 2025年 | 属性"). The header gives the column
order; rows of the flattened form are re-aligned from the shape of their cells:
an attribute word (约束性/预期性) ends a row, value-like cells ("≥60", "【0.5】",
"应保尽保") are baseline/target, a unit-like cell after the name is the unit,
the name is the last name-like cell before them and a name-like cell before the
name is the domain (kept for the following rows of the group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planwatch.extract.lexicon import WORDS, attribute, rx
from planwatch.extract.numbers import is_placeholder, is_unit_text, is_value_text, normalize, parse_value
from planwatch.extract.outline import Outline, classify_heading
from planwatch.extract.periods import FIVE_YEAR_NAME, plan_period, span_of

CAPTION_RE = rx(r"^\s*((?:{table.attach}\s*)?{table.caption}\s*[0-9{cn.digit:chars}]+(?:\s*[-－—.．]\s*\d+)?"
                r"|{task.box}\s*[0-9{cn.digit:chars}]+)(?![0-9{cn.digit:chars}])\s*[:：.．、]?\s*(.*)$")
_UNIT_NOTE_RE = rx(r"^\s*[(（]?\s*{table.unit_note}\s*[:：]")
_CONTINUED_RE = rx(r"^\s*{table.continued}\s*{table.continued_of}\s*[0-9{cn.digit:chars}]*\s*$"
                   r"|^\s*[(（]?{table.continued}[{table.continued_mark:chars}]?[)）]?\s*$")
_STRONG_HEADING_RE = rx(r"^\s*{outline.ordinal}[0-9{outline.numeral:chars}]+(?:{outline.chapter}|{outline.section}|{outline.part})")
_NOTE_RE = rx(r"^\s*{doc.note_start}\s*[:：\d]|^\s*{table.note}\s*[：:]?\s*[【\[*]")
_FOOTNOTE_LINE_RE = rx(r"^\s*(?:{table.note}\s*[:：]?\s*)?[(（\[]?(\d{1,2})[)）\]]?[.、．:：]?\s*(?=\D)")
_TABLE_TITLE_WORDS = WORDS["table.title_word"]
_YEAR_RE = re.compile(r"((?:19|20)\d\d)")
_WS_RE = re.compile(r"\s+")
_PLAN_NAME_START = re.compile(rf"“?{FIVE_YEAR_NAME.pattern}")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_SUPERSCRIPT_RE = re.compile(f"[{_SUPERSCRIPTS}]+")
# a footnote number glued to the end of a name: after a CJK character or a closing bracket
_FOOTNOTE_END_RE = re.compile(r"(?<=[\u4e00-\u9fff)）】”])(\d{1,2})$")
_UNIT_PAREN_RE = re.compile(r"[(（]([^()（）]{1,14})[)）]$")

# Header cells. Continuations are the second half of a header split over two lines.
_VALUE_WORDS = WORDS["table.value_word"]
_CONT_AFTER_YEAR = frozenset(WORDS["table.after_year"])
_CONT_AFTER_NAME = frozenset(WORDS["table.after_name"])
_SEQ = WORDS["table.seq"]
_ATTR_WORDS = WORDS["table.attr_word"]
_ATTR_LABELS = WORDS["table.attr_label"]
_KIND_LABELS = WORDS["table.kind_label"]
_DOMAIN_LABELS = WORDS["table.domain_label"]
_DOMAIN_END = WORDS["table.domain_end"]
_UNIT_LABELS = WORDS["table.unit_label"]
_OTHER_WORDS = WORDS["table.other_word"]
_OTHER_LABELS = WORDS["table.other_label"]
_INDICATOR = WORDS["name.indicator"]
_NAME_LABELS = WORDS["table.name_label"]
_NAME_START = WORDS["table.name_start"]
_BASE_WORDS = WORDS["table.base_word"]
_TARGET_WORDS = WORDS["table.target_word"]
_TARGET_COLUMN = WORDS["table.target_column"]
_NAME_HEAD, _NAME_TAIL = WORDS["table.name_head"], WORDS["table.name_tail"]
_UNIT_HEAD, _UNIT_TAIL = WORDS["table.unit_head"], WORDS["table.unit_tail"]
_SEQ_HEAD, _SEQ_TAIL = WORDS["table.seq_head"], WORDS["table.seq_tail"]
_NAME_END_CHARS = "".join(WORDS["table.name_end_char"])


@dataclass
class Column:
    role: str  # seq | domain | name | unit | value | attr | other
    label: str
    year: int | None = None


@dataclass
class Header:
    columns: list[Column]
    baseline: int | None = None  # index into value_columns
    target: int | None = None
    value_columns: list[Column] = field(default_factory=list)

    @property
    def has_unit(self) -> bool:
        return any(c.role == "unit" for c in self.columns)

    @property
    def has_attr(self) -> bool:
        return any(c.role == "attr" for c in self.columns)

    @property
    def attr_ends_row(self) -> bool:
        """The attribute column comes after the value columns (or there is none): an attribute cell ends a row."""
        roles = [c.role for c in self.columns]
        if "attr" not in roles:
            return True
        last_attr = max(i for i, r in enumerate(roles) if r == "attr")
        return all(i < last_attr for i, r in enumerate(roles) if r in ("value", "unit", "name"))


@dataclass
class Cell:
    line: int
    text: str
    cls: str = ""  # ATTR | VALUE | UNIT | TEXT | SEQ


# ---------------------------------------------------------------- helpers


def _squash(text: str) -> str:
    return _WS_RE.sub("", normalize(text))


def attribute_of(text: str) -> str | None:
    """约束性 / 预期性 for an attribute cell (the words are in the lexicon)."""
    return attribute(_squash(text))


def _header_role(label: str) -> str | None:
    """The role of a header cell (spaces removed), or None when it is not a header word."""
    if not label or len(label) > 14:
        return None
    if label in _SEQ:
        return "seq"
    if any(w in label for w in _ATTR_WORDS) or label in _ATTR_LABELS:
        return "attr"
    if label in _DOMAIN_LABELS or (label.endswith(_DOMAIN_END) and len(label) <= 6):
        return "domain"
    if label in _UNIT_LABELS:
        return "unit"
    if any(w in label for w in _OTHER_WORDS) or label in _OTHER_LABELS:
        return "other"
    if _YEAR_RE.search(label) and len(label) <= 12:
        return "value"
    # "“十三五”末", "十四五目标": a column named after a five-year plan holds values.
    if _PLAN_NAME_START.match(label) and len(label) <= 10:
        return "value"
    if any(w in label for w in _VALUE_WORDS) and len(label) <= 6 and not any(w in label for w in _INDICATOR):
        return "value"
    if label in _NAME_LABELS or (label.startswith(_NAME_START) and len(label) <= 10):
        return "name"
    return None


def _value_year(label: str, period: tuple[int, int]) -> int | None:
    m = _YEAR_RE.search(label)
    if m:
        return int(m.group(1))
    if any(w in label for w in _BASE_WORDS):
        return period[0] - 1
    # "“十三五”末" is 2020, "十四五目标" 2025: a plan name dates a column by the plan's last year.
    named = span_of(label)
    if named:
        return named[1]
    if any(w in label for w in _TARGET_WORDS):
        return period[1]
    return None


def _build_header(labels: list[str], period: tuple[int, int]) -> Header | None:
    cols: list[Column] = []
    for label in labels:
        role = _header_role(label) or "other"
        if role == "attr" and label in _KIND_LABELS and not any(c.role == "name" for c in cols):
            role = "domain"
        year = _value_year(label, period) if role == "value" else None
        cols.append(Column(role, label, year))
    if not any(c.role == "name" for c in cols):
        return None
    names = [i for i, c in enumerate(cols) if c.role == "name"]
    for i in names[:-1]:
        # a "指标" cell merged over the group and name columns: the group column comes first
        cols[i].role = "domain"
    values = [c for c in cols if c.role == "value"]
    if not values and not any(c.role == "attr" for c in cols):
        return None
    if not values:
        # no year columns (e.g. "指标 | 目标 | 属性" was not recognised): assume baseline, target
        values = [Column("value", "", period[0] - 1), Column("value", "", period[1])]
    header = Header(cols, value_columns=values)
    if values:
        years = [c.year for c in values]
        known = [y for y in years if y is not None]
        target = next((i for i, c in enumerate(values) if any(w in c.label for w in _TARGET_COLUMN)), None)
        if target is None and period[1] in years and (len(known) == 1 or period[1] != min(known)):
            target = years.index(period[1])
        if target is None:
            target = years.index(max(known)) if known else len(values) - 1
        header.target = target
        ty = values[target].year
        before = [i for i, c in enumerate(values[:target])
                  if c.year is None or ty is None or c.year < ty]
        if before:
            header.baseline = before[0]
    return header


def _merge_flat_header(cells: list[str]) -> list[str]:
    """Join header cells split over two lines: "2020年" + "情况", "指标" + "性质", "计量" + "单位"."""
    out: list[str] = []
    for c in cells:
        if out:
            prev = out[-1]
            has_name = any(_header_role(x) == "name" for x in out[:-1])
            if (_YEAR_RE.search(prev) and not any(w in prev for w in _CONT_AFTER_YEAR) and c in _CONT_AFTER_YEAR) \
                    or (prev in _NAME_HEAD and c in _NAME_TAIL) \
                    or (prev in _NAME_HEAD and c in _CONT_AFTER_NAME and has_name) \
                    or (prev in _UNIT_HEAD and c in _UNIT_TAIL) or (prev in _SEQ_HEAD and c in _SEQ_TAIL):
                out[-1] = prev + c
                continue
        out.append(c)
    return out


def _is_header_cell(text: str) -> bool:
    if len(text) > 30:
        return False
    s = _squash(text)
    return _header_role(s) is not None or s in _CONT_AFTER_YEAR or s in _CONT_AFTER_NAME or s in _UNIT_HEAD + _SEQ_HEAD


def _is_caption(text: str) -> re.Match[str] | None:
    if len(text) > 70:
        return None
    return CAPTION_RE.match(text)


def _is_table_title(text: str) -> bool:
    return any(w in text for w in _TABLE_TITLE_WORDS) and len(text) <= 60 and not text.endswith("。")


def _stops_table(text: str) -> bool:
    """A cell that cannot belong to an indicator table body."""
    if len(text) > 60 or "。" in text or "；" in text:
        return True
    if _STRONG_HEADING_RE.match(text) or _is_caption(text):
        return True
    return bool(_NOTE_RE.match(text))


def _name_like(text: str) -> bool:
    """A cell that reads as an indicator name rather than a qualitative value."""
    s = text.strip()
    return len(s) > 10 or bool(_UNIT_PAREN_RE.search(s)) or s[-1:] in _NAME_END_CHARS


def _classify(text: str) -> str:
    if attribute_of(text):
        return "ATTR"
    if is_value_text(text) and not (len(text) > 14 and not any(ch.isdigit() for ch in text)):
        return "VALUE"
    if is_unit_text(text) and len(_squash(text)) <= 8:
        return "UNIT"
    return "TEXT"


# ---------------------------------------------------------------- names and rows


@dataclass
class _Row:
    line: int
    name_raw: str
    domain: str | None
    unit: str | None
    attribute: str | None
    values: list[str | None]  # aligned with header.value_columns; None = empty cell
    footnote: str | None = None  # a trailing digit that may be a footnote marker
    base: str = ""  # the name without unit parenthetical and (candidate) footnote
    base_with_digit: str = ""  # the name without unit parenthetical, candidate footnote kept
    paren_unit: str | None = None
    quote: str = ""  # verbatim text of the name cell on `line`


def _split_name(raw: str) -> tuple[str, str, str | None, str | None]:
    """(name without unit paren and footnote, same with the candidate footnote kept, unit from paren, footnote)."""
    s = _SUPERSCRIPT_RE.sub("", raw.strip()).strip()
    foot = None
    m = _FOOTNOTE_END_RE.search(s)
    if m:
        foot = m.group(1)
        s_nf = s[: m.start()].rstrip()
    else:
        s_nf = s
    unit = None
    m = _UNIT_PAREN_RE.search(s_nf)
    if m and is_unit_text(m.group(1)):
        unit = m.group(1).strip()
        s_nf = s_nf[: m.start()].rstrip()
        if foot is None:
            m2 = _FOOTNOTE_END_RE.search(s_nf)
            if m2:
                return s_nf[: m2.start()].rstrip(), s_nf, unit, m2.group(1)
    if foot is not None:
        return s_nf, s_nf + foot, unit, foot
    return s_nf, s_nf, unit, None


NOTE_MAX_CHARS = 500  # a footnote kept with its row; longer text is cut (the document keeps the whole)


def _note_markers(lines: list[str], start: int, end: int) -> dict[str, str]:
    """Footnote numbers that the note lines [start, end] (1-based) explain, with each note's text."""
    out: dict[str, str] = {}
    for i in range(start, end + 1):
        m = _FOOTNOTE_LINE_RE.match(lines[i - 1])
        if m:
            out[m.group(1)] = lines[i - 1][m.end():].strip()[:NOTE_MAX_CHARS]
    return out


def _scan_notes(lines: list[str], first: int) -> int:
    """Last line of the note block starting at line `first` (a "注:" line).

    Following lines belong to it while they continue the footnote numbering ("2依据…", "(3)…").
    """
    m = _FOOTNOTE_LINE_RE.match(lines[first - 1])
    head = lines[first - 1].strip()
    if m:
        expected = int(m.group(1)) + 1
    elif head.endswith((":", "：")):
        expected = 1
    else:
        return first
    last = first
    i = first + 1
    n = len(lines)
    while i <= n:
        t = lines[i - 1].strip()
        if not t:
            i += 1
            continue
        m = _FOOTNOTE_LINE_RE.match(t)
        if m and int(m.group(1)) == expected and not _STRONG_HEADING_RE.match(t) and not _is_caption(t):
            expected += 1
            last = i
            i += 1
            continue
        break
    return last


def _finish_rows(rows: list[_Row], header: Header, label: str | None, notes: dict[str, str],
                 period: tuple[int, int]) -> list[dict[str, Any]]:
    # footnote digits: an increasing 1, 2, 3 … sequence across the table, or numbers the notes explain
    accepted: set[int] = set()
    expected = 1
    chain: list[int] = []
    for i, r in enumerate(rows):
        if r.footnote is not None and int(r.footnote) == expected:
            chain.append(i)
            expected += 1
    if len(chain) >= 2:
        accepted.update(chain)
    accepted.update(i for i, r in enumerate(rows) if r.footnote is not None and r.footnote in notes)
    out: list[dict[str, Any]] = []
    vcols = header.value_columns
    for i, r in enumerate(rows):
        name = r.base if i in accepted else r.base_with_digit
        unit = r.unit or r.paren_unit
        baseline = None
        target_raw = None
        if header.baseline is not None and header.baseline < len(r.values):
            b = r.values[header.baseline]
            if b is not None and not is_placeholder(b):
                pb = parse_value(b)
                baseline = {"raw": b, "value": pb["value"], "year": vcols[header.baseline].year,
                            "op": pb["op"], "kind": pb["kind"]}
                if unit is None and pb["unit"]:
                    unit = pb["unit"]
        if header.target is not None and header.target < len(r.values):
            target_raw = r.values[header.target]
        tyear = vcols[header.target].year if header.target is not None else period[1]
        if target_raw is not None:
            pt = parse_value(target_raw)
            if unit is None and pt["unit"]:
                unit = pt["unit"]
            target = {"raw": target_raw, "value": pt["value"], "value_low": pt["value_low"],
                      "value_high": pt["value_high"], "op": pt["op"], "kind": pt["kind"], "year": tyear}
            if pt["kind"] == "change":
                # "提高3个百分点": against the row's base value (its year), else the year before the plan.
                base_year = vcols[header.baseline].year if header.baseline is not None else None
                target.update(direction=pt.get("direction", "up"),
                              base_year=pt.get("base_year") or base_year or period[0] - 1)
        else:
            target = {"raw": None, "value": None, "value_low": None, "value_high": None, "op": "qualitative",
                      "kind": "level", "year": tyear}
        row: dict[str, Any] = {
            "source": "table",
            "line": r.line,
            "table": label,
            "domain": r.domain,
            "name": name,
            "name_raw": r.name_raw,
            "unit": unit,
            "attribute": r.attribute,
            "baseline": baseline,
            "target": target,
            "quote": r.quote or r.name_raw,
        }
        extra = {vcols[j].label: v for j, v in enumerate(r.values)
                 if v is not None and j not in (header.baseline, header.target)}
        if extra:
            row["other_values"] = extra
        if i in accepted and r.footnote is not None and notes.get(r.footnote):
            row["note"] = notes[r.footnote]  # the table's own footnote on this row ("注:1依据…")
        out.append(row)
    return out


def _new_row(name: Cell, domain: str | None, unit: str | None, attribute: str | None,
             values: list[str | None], quote: str | None = None) -> _Row:
    raw = name.text.strip()
    base, with_digit, paren_unit, foot = _split_name(raw)
    return _Row(line=name.line, name_raw=raw, domain=domain, unit=unit, attribute=attribute, values=values,
                footnote=foot, base=base, base_with_digit=with_digit, paren_unit=paren_unit,
                quote=quote if quote is not None else raw)


def _align(values: list[str], header: Header) -> list[str | None]:
    """Place the present value cells on the value columns.

    A row with dropped cells keeps its target first, then its baseline, then the other value
    columns (interim years, growth rates): those are the cells filled, in column order.
    """
    n_cols = len(header.value_columns)
    if n_cols == 0:
        n_cols = 2
        priority = [1, 0]
    else:
        priority = [i for i in (header.target, header.baseline) if i is not None]
        priority += [i for i in range(n_cols) if i not in priority]
    k = min(len(values), n_cols)
    chosen = sorted(priority[:k])
    out: list[str | None] = [None] * n_cols
    for col, v in zip(chosen, values[len(values) - k:], strict=True):
        out[col] = v
    return out


def _segment_row(seg: list[Cell], attribute: str | None, header: Header,
                 domain: str | None) -> tuple[_Row | None, str | None]:
    """A row from the cells of one flattened row (domain cell possibly first). Returns (row, domain)."""
    cells = []
    for c in seg:
        if c.cls == "ATTR":
            attribute = attribute_of(c.text)
        elif c.cls != "SEQ":
            cells.append(c)
    # leading sequence numbers
    while len(cells) > 1 and cells[0].cls == "VALUE" and cells[0].text.strip().isdigit() and len(cells[0].text) <= 3:
        cells.pop(0)
    n = len(cells)
    if n == 0:
        return None, domain
    j = n - 1
    values: list[Cell] = []
    unit: Cell | None = None
    has_text = [c.cls == "TEXT" for c in cells]
    while j >= 0:
        c = cells[j]
        if c.cls == "VALUE":
            values.insert(0, c)
        elif c.cls == "UNIT" and unit is None:
            unit = c
        elif c.cls == "TEXT" and j == n - 1 and j > 0 and not _name_like(c.text) and any(has_text[:j]):
            values.insert(0, c)  # an unusual qualitative target
        else:
            break
        j -= 1
    if j < 0:
        # no name-like cell: the name reads like a qualitative value ("…全覆盖"); take the first such cell
        k = next((k for k, c in enumerate(cells[:-1]) if not any(ch.isdigit() for ch in c.text)), None)
        if k is None:
            return None, domain
        j = k
        values = [c for c in cells[k + 1:] if c.cls in ("VALUE", "TEXT")]
        units = [c for c in cells[k + 1:] if c.cls == "UNIT"]
        unit = units[0] if units else None
    name = cells[j]
    quote = None
    if j > 0 and name.text.lstrip()[:1] in "(（" and cells[j - 1].cls == "TEXT":
        # a name wrapped over two cells: "每千人口拥有执业" + "(助理)医师数(人)"
        quote = cells[j - 1].text.strip()
        name = Cell(cells[j - 1].line, quote + name.text.strip(), "TEXT")
        j -= 1
    pre = [c for c in cells[:j] if c.cls in ("TEXT", "UNIT") or (c.cls == "VALUE" and not any(ch.isdigit() for ch in c.text))]
    if pre:
        domain = pre[-1].text.strip()
    if not values and attribute is None:
        return None, domain
    aligned = _align([v.text.strip() for v in values], header)
    return _new_row(name, domain, unit.text.strip() if unit else None, attribute, aligned, quote=quote), domain


# ---------------------------------------------------------------- flattened tables


def _values_follow(cells: list[Cell], i: int) -> bool:
    """A value or attribute cell among the next few cells (the cell at i starts a row, not a new section)."""
    for c in cells[i + 1 : i + 5]:
        if "\t" in c.text or _stops_table(c.text):
            return False
        cls = _classify(c.text)
        if cls == "ATTR" or (cls == "VALUE" and any(ch.isdigit() for ch in c.text)):
            return True
    return False


def _parse_flat(cells: list[Cell], start: int, header: Header) -> tuple[list[_Row], int, int]:
    """Rows of a flattened table whose body starts at cells[start]. Returns (rows, next index, last line)."""
    rows: list[_Row] = []
    domain: str | None = None
    seg: list[Cell] = []
    last_line = cells[start - 1].line if start > 0 else 0
    i = start
    n = len(cells)
    text_run = 0

    def seg_has_value_after_name() -> bool:
        seen_text = False
        for c in seg:
            if c.cls == "TEXT":
                seen_text = True
            elif c.cls == "VALUE" and seen_text:
                return True
        return False

    pending_no_attr: _Row | None = None
    attr_ends_row = header.attr_ends_row
    has_seq = any(col.role == "seq" for col in header.columns)
    while i < n:
        c = cells[i]
        if "\t" in c.text or _stops_table(c.text):
            break
        if _CONTINUED_RE.match(c.text):
            i += 1  # "续表1": the table goes on (a page break)
            continue
        if _is_header_cell(c.text) and i + 2 < n and _is_header_cell(cells[i + 1].text) \
                and _is_header_cell(cells[i + 2].text):
            while i < n and _is_header_cell(cells[i].text):
                i += 1  # the header repeated after a page break
            continue
        if classify_heading(c.text) and not _values_follow(cells, i):
            break  # a heading after the table ("二、主要任务"), not a numbered domain or name cell
        c.cls = _classify(c.text)
        if has_seq and c.cls == "VALUE" and c.text.isdigit() and len(c.text) <= 3 and i + 1 < n \
                and _classify(cells[i + 1].text) == "TEXT":
            c.cls = "SEQ"  # the 序号 cell before a name
        if c.cls == "TEXT":
            text_run += 1
            if text_run > 3:
                # several name-like cells without values: the table has ended
                back = text_run - 1
                seg = seg[:-back] if back <= len(seg) else []
                i -= back
                break
        else:
            text_run = 0
        if c.cls == "ATTR" and not attr_ends_row:
            seg.append(c)
            i += 1
            continue
        if c.cls == "ATTR":
            if not seg and pending_no_attr is not None and pending_no_attr.attribute is None:
                pending_no_attr.attribute = attribute_of(c.text)
                last_line = c.line
                i += 1
                continue
            if len(seg) == 1 and seg[0].cls == "TEXT" and rows and rows[-1] is pending_no_attr \
                    and not _name_like(seg[0].text):
                # the split was wrong: the cell was the previous row's (qualitative) target
                prev = rows[-1]
                prev.values = _align([v for v in prev.values if v is not None] + [seg[0].text.strip()], header)
                prev.attribute = attribute_of(c.text)
                seg = []
                pending_no_attr = None
                last_line = c.line
                i += 1
                continue
            row, domain = _segment_row(seg, attribute_of(c.text), header, domain)
            if row:
                rows.append(row)
                last_line = c.line
            seg = []
            pending_no_attr = None
            i += 1
            continue
        if c.cls == "TEXT" and seg_has_value_after_name():
            row, domain = _segment_row(seg, None, header, domain)
            if row:
                rows.append(row)
                last_line = seg[-1].line
                pending_no_attr = row
            seg = []
        seg.append(c)
        i += 1
    if seg:
        row, domain = _segment_row(seg, None, header, domain)
        if row:
            rows.append(row)
            last_line = max(last_line, seg[-1].line)
    return rows, i, last_line


# ---------------------------------------------------------------- tab-separated tables


def _tsv_cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _parse_tsv_block(block: list[int], lines: list[str], period: tuple[int, int],
                     caption: tuple[int, str] | None) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    """Rows of one block of tab-separated lines (1-based line numbers)."""
    k = 0
    label = caption[1] if caption else None
    first_line = caption[0] if caption else block[0]
    # a caption inside the block (one merged cell)
    while k < len(block):
        cells = [c for c in _tsv_cells(lines[block[k] - 1]) if c]
        m = _is_caption(cells[0]) if len(set(cells)) == 1 else None
        if m:
            label = _WS_RE.sub("", m.group(1))
            k += 1
            continue
        break
    header_rows: list[list[str]] = []
    while k < len(block):
        cells = _tsv_cells(lines[block[k] - 1])
        nonempty = [c for c in cells if c]
        if nonempty and all(_is_header_cell(c) for c in nonempty):
            header_rows.append(cells)
            k += 1
            continue
        break
    if not header_rows:
        return [], None
    ncols = max(len(r) for r in header_rows)
    labels = []
    for j in range(ncols):
        parts: list[str] = []
        for r in header_rows:
            t = _squash(r[j]) if j < len(r) else ""
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        labels.append("".join(parts))
    # a header cell merged over two columns and not repeated leaves an empty label
    header = _build_header([lb if lb else "" for lb in labels], period)
    if header is None:
        return [], None
    body = [(ln, _tsv_cells(lines[ln - 1])) for ln in block[k:]]
    roles = [c.role for c in header.columns]
    # an unlabeled column (a header cell merged over two columns) holding units is the unit column
    for j, c in enumerate(header.columns):
        if c.role == "other" and not c.label:
            col = [cells[j] for _, cells in body if j < len(cells) and cells[j]]
            if col and sum(is_unit_text(x) for x in col) * 2 > len(col):
                roles[j] = "unit"
    name_col = roles.index("name")
    merged = [j for j, c in enumerate(header.columns) if roles[j] == "domain" and c.label == header.columns[name_col].label]
    if merged:
        col = [cells[name_col] for _, cells in body if name_col < len(cells) and cells[name_col]]
        if col and sum(is_unit_text(x) for x in col) * 2 > len(col):
            # "指标名称" merged over the name and unit columns
            roles[name_col], roles[merged[-1]] = "unit", "name"
            name_col = merged[-1]
    value_idx = [j for j, r in enumerate(roles) if r == "value"]
    has_domain_col = "domain" in roles
    rows: list[_Row] = []
    domain: str | None = None
    last_line = block[k - 1]
    prefix: tuple[int, str] | None = None  # the first half of a name wrapped over two rows
    for ln, cells in body:
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        if len(nonempty) == 1 and _stops_table(nonempty[0]):
            break
        cells = cells + [""] * (ncols - len(cells))
        only = len(set(nonempty)) == 1 and not any(ch.isdigit() for ch in nonempty[0]) \
            and attribute_of(nonempty[0]) is None
        if all(_is_header_cell(c) for c in nonempty) or (len(set(nonempty)) == 1 and (
                _CONTINUED_RE.match(nonempty[0]) or _is_caption(nonempty[0]))):
            continue  # the header (or caption) repeated after a page break
        if only and nonempty[0][:1] in "(（" and rows and len(cells) >= ncols:
            prev = rows[-1]
            rows[-1] = _new_row(Cell(prev.line, prev.name_raw + nonempty[0]), prev.domain, prev.unit,
                                prev.attribute, prev.values, quote=prev.quote)
            last_line = ln
            continue
        if only and has_domain_col and cells[name_col] == nonempty[0] and not any(
                cells[j] for j, r in enumerate(roles) if r == "domain"):
            prefix = (ln, nonempty[0])  # a wrapped name: its values are on the next row
            continue
        if only:
            domain = nonempty[0]  # a group row spanning the table
            last_line = ln
            continue
        if len(cells) == ncols and cells[name_col] and attribute_of(cells[name_col]) is None \
                and not (cells[name_col].replace(".", "").isdigit()):
            for j, r in enumerate(roles):
                if r == "domain" and cells[j] and cells[j] != cells[name_col]:
                    domain = cells[j]
            unit = None
            attribute = None
            for j, r in enumerate(roles):
                if r == "unit" and cells[j] and cells[j] != cells[name_col]:
                    unit = cells[j]
                elif r == "attr" and cells[j]:
                    attribute = attribute_of(cells[j]) or attribute
            values: list[str | None] = [cells[j] or None for j in value_idx]
            if not any(values) and attribute is None:
                continue
            name_cell = Cell(ln, cells[name_col])
            quote = None
            if prefix is not None:
                name_cell = Cell(prefix[0], prefix[1] + cells[name_col])
                quote = prefix[1]
                prefix = None
            rows.append(_new_row(name_cell, domain, unit, attribute, values, quote=quote))
            last_line = ln
            continue
        # columns do not line up: fall back on the shape of the cells
        shaped = [Cell(ln, c, _classify(c)) for c in nonempty]
        attribute = None
        if shaped and shaped[-1].cls == "ATTR":
            attribute = attribute_of(shaped.pop().text)
        row, domain = _segment_row(shaped, attribute, header, domain)
        if row:
            rows.append(row)
            last_line = ln
    if not rows:
        return [], None
    notes: dict[str, str] = {}
    nxt = last_line + 1
    while nxt <= len(lines) and not lines[nxt - 1].strip():
        nxt += 1
    if nxt <= len(lines) and _NOTE_RE.match(lines[nxt - 1]):
        end = _scan_notes(lines, nxt)
        notes = _note_markers(lines, nxt, end)
        last_line = end
    return _finish_rows(rows, header, label, notes, period), (first_line, last_line)


# ---------------------------------------------------------------- entry point


def extract_tables(lines: list[str], outline: Outline) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """(indicator rows with source="table", line spans (first, last) the tables occupy)."""
    period = plan_period(lines)
    rows: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    n_lines = len(lines)

    # tab-separated blocks
    tsv_lines = [i for i in range(1, n_lines + 1) if "\t" in lines[i - 1] and lines[i - 1].strip()]
    blocks: list[list[int]] = []
    for ln in tsv_lines:
        if blocks and all(not lines[x - 1].strip() for x in range(blocks[-1][-1] + 1, ln)):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
    for block in blocks:
        caption = None
        p = block[0] - 1
        seen = 0
        while p >= 1 and seen < 2:
            t = lines[p - 1].strip()
            if t:
                seen += 1
                m = _is_caption(t)
                if m:
                    caption = (p, _WS_RE.sub("", m.group(1)))
                    break
            p -= 1
        got, span = _parse_tsv_block(block, lines, period, caption)
        if span:
            rows.extend(got)
            spans.append(span)

    # flattened tables
    cells = [Cell(i, lines[i - 1].strip()) for i in range(1, n_lines + 1) if lines[i - 1].strip()]
    i = 0
    n = len(cells)
    while i < n:
        text = cells[i].text
        label = None
        first_line = cells[i].line
        j = i
        m = _is_caption(text)
        if m:
            j = i + 1
            if not _is_table_title(m.group(2)) and j < n and _is_table_title(cells[j].text) \
                    and not _is_header_cell(cells[j].text):
                j += 1  # the caption's title on its own line
            if j < n and _UNIT_NOTE_RE.match(cells[j].text):
                j += 1  # "单位:万人、%"
            label = _WS_RE.sub("", m.group(1))
            if not _is_header_cell(cells[j].text if j < n else ""):
                i += 1
                continue
        elif not (_is_header_cell(text) and _header_role(_squash(text)) in ("name", "domain", "seq")):
            i += 1
            continue
        # header cells
        k = j
        head: list[str] = []
        while k < n and len(head) < 20 and "\t" not in cells[k].text and _is_header_cell(cells[k].text):
            head.append(_squash(cells[k].text))
            k += 1
        header = _build_header(_merge_flat_header(head), period) if len(head) >= 2 else None
        if header is None:
            i += 1
            continue
        got, nxt, last_line = _parse_flat(cells, k, header)
        if not got:
            i = max(i + 1, k)
            continue
        notes: dict[str, str] = {}
        if nxt < n and _NOTE_RE.match(cells[nxt].text):
            end = _scan_notes(lines, cells[nxt].line)
            notes = _note_markers(lines, cells[nxt].line, end)
            last_line = end
            while nxt < n and cells[nxt].line <= end:
                nxt += 1
        rows.extend(_finish_rows(got, header, label, notes, period))
        spans.append((first_line, last_line))
        i = max(nxt, i + 1)
    rows.sort(key=lambda r: r["line"])
    spans.sort()
    return rows, spans
