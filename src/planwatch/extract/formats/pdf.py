"""PDF with a text layer: page text in reading order, ruled tables as TAB rows in place.

Wrapped lines are rejoined into paragraphs so a sentence (and the quote of a target in
it) is on one line, as in the .txt of the same plan: a line that runs to the right margin
continues on the next line unless that one is indented or starts a numbered heading.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.text import CONTROL_CHARS, clean_cell, join_fragments, row_line

SCANNED = "PDF 无文字层（可能是扫描件），请先 OCR / PDF has no text layer (scanned image?)"
_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?[\s\-—–－·•]*$")
_HEADING_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节篇部]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|专栏\s*[\d一二三四五六七八九十]|表\s*\d|附件|附表|注[:：])"
)
_LATIN = re.compile(r"[A-Za-z0-9.,%‰+\-/:()&“”‘’\"'（）《》]")
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class _Line:
    top: float
    x0: float = 0.0
    x1: float = 0.0
    text: str = ""
    rows: list[str] = field(default_factory=list)  # set for a table: its rendered rows
    page_left: float = 0.0  # body-text margins, see _set_margins
    page_right: float = 0.0
    em: float = 0.0  # font size: the width of one Chinese character
    lead: float = 0.0  # width of the Latin/number run the line starts with


def _char_in(char: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _table_rows(table: Any) -> list[str]:
    """Rows of a ruled table; a merged cell's text repeats in every row/column it covers.

    pdfplumber reports a merged cell once, in its first row and column, and None elsewhere;
    the cell whose box covers a None position supplies its text.
    """
    raw = table.extract()
    rows = table.rows
    text_of: dict[tuple[float, ...], str] = {}
    for row, values in zip(rows, raw, strict=True):
        for bbox, value in zip(row.cells, values, strict=True):
            if bbox is not None:
                text_of[tuple(bbox)] = clean_cell(value or "")
    xs = sorted({c[0] for c in table.cells})
    col_right = [min(c[2] for c in table.cells if c[0] == x) for x in xs]
    out: list[str] = []
    for row in rows:
        present = [c for c in row.cells if c is not None]
        top, bottom = present[0][1], min(c[3] for c in present)
        cells: list[str] = []
        for i, bbox in enumerate(row.cells):
            if bbox is not None:
                cells.append(text_of[tuple(bbox)])
                continue
            cx, cy = (xs[i] + col_right[i]) / 2, (top + bottom) / 2
            cover = next((c for c in table.cells if c[0] <= cx < c[2] and c[1] <= cy < c[3]), None)
            cells.append(text_of.get(tuple(cover), "") if cover is not None else "")
        if any(cells):
            out.append(row_line(cells))
    return out


def _page_items(page: Any) -> list[_Line]:
    """Text lines outside tables and tables (≥2 columns), sorted top to bottom."""
    tables = [t for t in page.find_tables() if len(t.rows[0].cells) >= 2 and len(t.rows) >= 1]
    boxes = [t.bbox for t in tables]
    items = [_Line(top=t.bbox[1], rows=_table_rows(t)) for t in tables]
    seen: dict[tuple[str, int], list[float]] = {}

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        # Fake bold is the same glyph printed twice a hair apart; keep the first copy.
        text, x0, top = obj["text"], obj["x0"], round(obj["top"])
        near = max(1.0, 0.3 * (obj.get("size") or 0))
        if any(abs(x0 - x) < near for dy in (-1, 0, 1) for x in seen.get((text, top + dy), ())):
            return False
        seen.setdefault((text, top), []).append(x0)
        return not any(_char_in(obj, b) for b in boxes)

    outside = page.filter(keep)
    lines = outside.extract_text_lines(return_chars=True)
    height = float(page.height)
    texts = []
    for ln in lines:
        text = CONTROL_CHARS.sub("", ln["text"].replace("\t", " ")).strip()
        if not text:
            continue
        # Page numbers in the top or bottom margin are furniture, not content.
        if _PAGE_NUMBER.match(text) and (ln["top"] > height * 0.88 or ln["bottom"] < height * 0.12):
            continue
        chars = ln["chars"]
        em = max((c.get("size") or 0 for c in chars), default=0) or (ln["bottom"] - ln["top"])
        lead = 0.0  # width of a Latin/number run opening the line: wrapping keeps it whole
        for c in chars:
            if not _LATIN.match(c["text"]):
                break
            lead = c["x1"] - chars[0]["x0"]
        texts.append(_Line(top=ln["top"], x0=ln["x0"], x1=ln["x1"], text=text, em=float(em), lead=lead))
    return sorted(items + texts, key=lambda it: it.top)


def _set_margins(items: list[_Line]) -> None:
    """Body-text margins of the whole document: the most common left edge of a line, and
    the right edge most lines reach (a short last page must not redefine "full line")."""
    texts = [t for t in items if not t.rows]
    if not texts:
        return
    lefts = Counter(round(t.x0) for t in texts)
    left = float(lefts.most_common(1)[0][0])
    rights = sorted(t.x1 for t in texts)
    right = rights[int(len(rights) * 0.9)] if len(rights) >= 10 else rights[-1]
    for t in texts:
        t.page_left, t.page_right = left, right


def _continues(prev: _Line, nxt: _Line) -> bool:
    """Is `nxt` the wrapped continuation of the paragraph that `prev` ends?"""
    if prev.rows or nxt.rows:
        return False
    if abs(prev.em - nxt.em) > 0.5:  # a heading in a larger size is its own line
        return False
    em = max(prev.em, nxt.em, 2.0)
    # Line breaking that keeps punctuation off a line start can leave up to two em free.
    reaches_right = prev.x1 >= prev.page_right - max(2.2 * em, nxt.lead + em)
    at_left = nxt.x0 <= nxt.page_left + 0.8 * em  # paragraphs open with a two-em indent
    return reaches_right and at_left and not _HEADING_START.match(nxt.text)


def _render(items: list[_Line]) -> list[str]:
    out: list[str] = []
    last_header: str | None = None
    prev: _Line | None = None
    for it in items:
        if it.rows:
            rows = it.rows
            # A table continued on the next page often repeats its header row.
            if prev is not None and prev.rows and last_header is not None and rows[0] == last_header:
                rows = rows[1:]
            else:
                last_header = rows[0] if rows else None
            out.extend(rows)
        elif prev is not None and out and _continues(prev, it):
            out[-1] = join_fragments([out[-1], it.text])
        else:
            out.append(it.text)
        prev = it
    return out


def read_pdf(path: str) -> str:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    items: list[_Line] = []
    n_chars = 0
    n_images = 0
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                n_chars += len(page.chars)
                n_images += len(page.images)
                if page.chars:
                    items.extend(_page_items(page))
    except PdfminerException as exc:
        raise ExtractError(path, _pdf_error_reason(exc.args[0] if exc.args else exc)) from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files, often late
        raise ExtractError(path, _pdf_error_reason(exc)) from exc
    if n_chars == 0:
        if n_images:
            raise ExtractError(path, SCANNED)
        raise ExtractError(path, "PDF 中没有文字 / PDF contains no text")
    _set_margins(items)
    text = "\n".join(_render(items))
    if len(_CID.findall(text)) > 20:
        raise ExtractError(path, "PDF 字体缺少 Unicode 映射，无法提取文字 / PDF fonts lack a Unicode map; text cannot be extracted")
    return text


def _pdf_error_reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "PDF 已加密，需要密码 / PDF is encrypted (password required)"
    detail = str(exc).strip() or name
    return f"PDF 文件损坏或无法解析 / damaged or unreadable PDF: {detail}"
