"""Basic-public-service lists (清单), item by item with their domain.

Plans publish the list as a table under a caption such as
"表2 XX县“十四五”基本公共服务项目清单" with columns like 服务领域 | 服务内容与目标 |
服务项目. Two shapes occur:

* one row per domain, all items in one cell separated by ,/、/; and closed with
  a count ("(共计9项)"), which we use as a check when choosing the separator;
* one row per item (the national 标准 layout: 序号 | 服务项目 | 服务对象 | ...),
  with the domain in its own column or in a spanning row ("一、幼有所育").

Web pages flatten a table to one cell per line; our .docx/.html readers render
a real table as one line per row with cells joined by TAB. Both are read here.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from planwatch.extract.lexicon import WORDS, rx
from planwatch.extract.outline import Outline

CAPTION = rx(r"{service.list}|{service.basic}.{0,6}{service.basic_of}|{service.public_items}{service.table}")
# Header cells: the item column and the domain column of a list.
ITEM_HEADER = rx(r"^{service.basic_mark}?{service.public_mark}?{service.service}{service.item}{service.name}?$"
                 r"|^{service.item}{service.name}?$|^{service.list_header}$")
DOMAIN_HEADER = rx("{service.domain_header}")
HEADER_WORDS = rx("{service.header_word}")
COUNT = rx(r"[(（]?\s*{service.total}\s*(\d+)\s*{service.item_unit}\s*[)）]?\s*[。.]?\s*$")
PRIMARY_SEP = re.compile(r"\s*[,，;；]\s*")
MINOR_SEP = re.compile(r"\s*、\s*")
ITEM_NUMBER = rx(r"^\s*(?:\d{1,3}|[{cn.digit:chars}]+)\s*[.．、)）]\s*|^\s*[(（]\s*\d{1,3}\s*[)）]\s*")
DOMAIN_NUMBER = rx(r"^\s*(?:[{cn.digit:chars}]+\s*[、.．]|[(（]\s*[{cn.digit:chars}\d]+\s*[)）]|\d{1,2}\s*[.．、])\s*")
PUNCT = re.compile(r"[,，;；。:：、]")
# A web page's furniture after a flattened table ("扫一扫在手机打开当前页", "【打印本页】") ends it.
PAGE_CHROME = rx("{page.chrome}")
MAX_LIST_LINES = 600


def _is_caption(text: str) -> bool:
    return bool(CAPTION.search(text)) and len(text) <= 60 and not text.endswith(("。", "；", ";", "，", ","))


def _is_short_cell(text: str, limit: int = 16) -> bool:
    return 0 < len(text) <= limit and not PUNCT.search(text)


def _domain_name(text: str) -> str:
    return DOMAIN_NUMBER.sub("", text).strip()


def split_items(cell: str) -> list[str]:
    """Items of one list cell; the stated count (共计N项) picks the separator."""
    text = cell.strip()
    expected = None
    m = COUNT.search(text)
    if m:
        expected = int(m.group(1))
        text = text[: m.start()]
    text = text.strip().rstrip("。.").strip()
    if not text:
        return []

    def clean(parts: list[str]) -> list[str]:
        return [ITEM_NUMBER.sub("", p).strip().rstrip("。.") for p in parts if p.strip()]

    primary = clean(PRIMARY_SEP.split(text))
    if expected is None:
        return primary if len(primary) > 1 else clean(MINOR_SEP.split(text))
    if len(primary) == expected:
        return primary
    both = clean(re.split(r"\s*[,，;；、]\s*", text))
    if len(both) == expected:
        return both
    # Neither reading matches the count: keep the closer one.
    return primary if abs(len(primary) - expected) <= abs(len(both) - expected) else both


def _looks_like_item_cell(text: str) -> bool:
    """A cell listing items: a count, or several short parts and no inner sentence end."""
    if COUNT.search(text):
        return True
    body = text.rstrip("。. ")
    if "。" in body:
        return False
    parts = PRIMARY_SEP.split(body)
    return len(parts) >= 2 and all(0 < len(p) <= 30 for p in parts)


# --- one cell per line ----------------------------------------------------------


def _nonempty(lines: list[str], start: int, stop: int) -> list[int]:
    return [j for j in range(start, min(stop, len(lines))) if lines[j].strip()]


def _parse_flat(lines: list[str], cap: int) -> tuple[list[dict[str, Any]], int]:
    """Items of a flattened list whose caption is at 0-based index cap; (items, last index)."""
    idx = _nonempty(lines, cap + 1, cap + 1 + MAX_LIST_LINES)
    if not idx or any("\t" in lines[j] for j in idx[:3]):
        return [], cap  # a TAB-rendered table: its header row is parsed on its own
    header: list[str] = []
    k = 0
    while k < len(idx) and len(header) < 12:
        s = lines[idx[k]].strip()
        if not (_is_short_cell(s, 12) and HEADER_WORDS.search(s)):
            break
        header.append(s)
        k += 1
    item_col = next((c for c, h in enumerate(header) if ITEM_HEADER.search(h)), None)
    if item_col is None:
        return [], cap
    if header[0] in WORDS["service.seq_header"] and not any(DOMAIN_HEADER.search(h) for h in header):
        return _parse_flat_numbered(lines, idx[k:], item_col, len(header), cap)
    dom_col = next((c for c, h in enumerate(header) if DOMAIN_HEADER.search(h)), 0)
    if dom_col >= item_col:
        dom_col = 0
    ncols = len(header)
    items: list[dict[str, Any]] = []
    last = cap
    domain: str | None = None
    pos = ncols  # position of the next cell in its row; ncols = a new row is due
    row_end = ""  # the last cell of the row before
    while k < len(idx):
        j = idx[k]
        s = lines[j].strip()
        if PAGE_CHROME.search(s):
            break
        if pos >= ncols and _domain_merged(lines, idx, k, ncols, dom_col, row_end):
            pos = dom_col + 1  # the row continues the domain above: its domain cell was merged away
        if pos >= ncols or pos <= dom_col:
            if _is_short_cell(s, 12):
                domain = _domain_name(s)
                pos = dom_col + 1
                k += 1
                continue
            # A row under a spanning domain cell: accept it only when its item
            # cell really lists items, else the table has ended.
            ahead = k + (item_col - dom_col - 1)
            if domain is None or ahead >= len(idx) or not _looks_like_item_cell(lines[idx[ahead]].strip()):
                break
            pos = dom_col + 1
        if pos == item_col:
            if not _looks_like_item_cell(s) and not _is_short_cell(s, 30):
                break
            for item in split_items(s):
                items.append({"line": j + 1, "domain": domain, "item": item})
            last = j
        if pos == ncols - 1:
            row_end = s
        pos += 1
        k += 1
    return items, last


_ALIKE = 0.5  # a row's last cell and the row before's: "中央、省共同" / "中央、省、市、县共同"


def _alike(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _domain_merged(lines: list[str], idx: list[int], k: int, ncols: int, dom_col: int, row_end: str) -> bool:
    """True when the row starting at idx[k] has no domain cell (a merged cell flattens to one line,
    written once for the rows it spans). The row's last cell is alike in every row ("县级财政",
    "中央、省共同"): the reading whose last cell is more like the row before's wins."""
    if dom_col != 0 or not row_end or ncols < 3 or k + ncols - 1 >= len(idx):
        return False
    with_domain = _alike(lines[idx[k + ncols - 1]].strip(), row_end)
    without = _alike(lines[idx[k + ncols - 2]].strip(), row_end)
    return without >= _ALIKE and without > with_domain


def _parse_flat_numbered(
    lines: list[str], idx: list[int], item_col: int, ncols: int, cap: int
) -> tuple[list[dict[str, Any]], int]:
    """One item per row, rows opened by their 序号 (1, 2, 3 ...), domains in
    spanning rows ("一、幼有所育"). Empty cells vanish when flattened, so a row
    is read from its number, not by counting cells from the header."""
    items: list[dict[str, Any]] = []
    last = cap
    domain: str | None = None
    expected = 1
    since_number = ncols  # cells read since the last row number
    for j in idx:
        s = lines[j].strip()
        if s == str(expected) or (expected > 1 and s == str(expected) + "."):
            expected += 1
            since_number = 0
            continue
        if since_number >= item_col and DOMAIN_NUMBER.match(s) and _is_short_cell(_domain_name(s), 12):
            domain = _domain_name(s)
            since_number = ncols
            continue
        if since_number >= ncols - 1:
            if expected > 1 and _is_short_cell(s, 12) and since_number >= ncols:
                domain = _domain_name(s)  # an unnumbered spanning domain row
                continue
            break  # neither a new row nor a domain row: the table has ended
        since_number += 1
        if since_number == item_col:
            items.append({"line": j + 1, "domain": domain, "item": ITEM_NUMBER.sub("", s).strip()})
            last = j
    return items, last


# --- one row per line (TAB-separated cells) ------------------------------------


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _parse_tab(lines: list[str], head: int) -> tuple[list[dict[str, Any]], int]:
    """Items of a TAB-rendered list whose header row is at 0-based index head."""
    header = _cells(lines[head])
    item_col = next(c for c, h in enumerate(header) if ITEM_HEADER.search(h))
    dom_col = next((c for c, h in enumerate(header) if DOMAIN_HEADER.search(h) and c != item_col), None)
    items: list[dict[str, Any]] = []
    last = head
    domain: str | None = None
    for j in range(head + 1, min(len(lines), head + 1 + MAX_LIST_LINES)):
        raw = lines[j]
        if not raw.strip():
            continue
        if "\t" not in raw:
            # A merged row may render as one cell ("一、幼有所育"); anything else ends the table.
            s = raw.strip()
            if _is_short_cell(DOMAIN_NUMBER.sub("", s), 12):
                domain = _domain_name(s)
                continue
            break
        cells = _cells(raw)
        filled = [c for c in cells if c]
        if filled and len(set(filled)) == 1 and _is_short_cell(DOMAIN_NUMBER.sub("", filled[0]), 16):
            domain = _domain_name(filled[0])  # a spanning domain row
            continue
        if dom_col is not None and dom_col < len(cells) and cells[dom_col]:
            domain = _domain_name(cells[dom_col])
        if item_col >= len(cells) or not cells[item_col]:
            continue
        cell = cells[item_col]
        parts = split_items(cell) if _looks_like_item_cell(cell) else [ITEM_NUMBER.sub("", cell).strip()]
        for item in parts:
            items.append({"line": j + 1, "domain": domain, "item": item})
        last = j
    return items, last


def extract_service_items(lines: list[str], outline: Outline) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """(service items, line spans the lists occupy)."""
    items: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        found: list[dict[str, Any]] = []
        last = i
        if "\t" in raw:
            cells = _cells(raw)
            if any(ITEM_HEADER.search(c) for c in cells) and any(HEADER_WORDS.search(c) for c in cells if not ITEM_HEADER.search(c)):
                found, last = _parse_tab(lines, i)
        elif _is_caption(raw.strip()):
            found, last = _parse_flat(lines, i)
        if found:
            # The span starts at the caption (or header row) and ends at the last item.
            first = i + 1
            if "\t" in raw and i > 0:
                prev = _nonempty(lines, max(0, i - 3), i)
                if prev and _is_caption(lines[prev[-1]].strip()):
                    first = prev[-1] + 1
            items.extend(found)
            spans.append((first, last + 1))
            i = last + 1
        else:
            i += 1
    return items, spans
