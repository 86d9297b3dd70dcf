"""PDF with a text layer: page text in reading order, tables as TAB rows in place.

Characters and their boxes come from pdfium (pypdfium2), which lays out a page's text
about as fast as any reader. Most pages are plain text: their lines are pdfium's lines,
and only the first and last character of each line are measured. A page whose lines show
columns (a wide gap inside a line, or two lines side by side) is searched for tables:
ruled grids (pdf_tables) and tables ruled across only, whose columns come from alignment
(pdf_align). A page with a table is read character by character, as is a page whose text
is turned (/Rotate, or a landscape table drawn sideways): it is read upright.

Wrapped lines are rejoined into paragraphs so a sentence (and the quote of a target in
it) is on one line, as in the .txt of the same plan: a line that runs to the right margin
continues on the next line unless that one is indented or starts a numbered heading.
Page numbers and running headers/footers (the same margin line on many pages) are dropped.
Hostile files are refused within the limits of pdf_bounds.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planwatch.extract.document import ExtractError
from planwatch.extract.formats import pdf_bounds as bounds
from planwatch.extract.formats.pdf_align import aligned_grid
from planwatch.extract.formats.pdf_tables import Budget, Grid, find_grids, page_rulings, rule_sets
from planwatch.extract.formats.text import CONTROL_CHARS, clean_cell, row_line

SCANNED = "PDF 无文字层（可能是扫描件），请先 OCR / PDF has no text layer (scanned image?)"
_PAGE_NUMBER = re.compile(r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?[\s\-—–－·•]*$")
_HEADING_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节篇部]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|专栏\s*[\d一二三四五六七八九十]|表\s*\d|附件|附表|注[:：])"
)
_LATIN = re.compile(r"[A-Za-z0-9.,%‰+\-/:()&“”‘’\"'（）《》]")
_LATIN_RUN = re.compile(_LATIN.pattern + "+")
_CID = re.compile(r"\(cid:\d+\)")
_LINE_TEXT = re.compile(r"[^\S\r\n]*([^\s](?:[^\r\n]*[^\s])?)")  # a line's text, without its edge spaces
_LINE_START = re.compile(r"(?:^|(?<=\n))[ \t]*(?=[^\s])")
_TURN_SAMPLES = 9
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_DIGITS = re.compile(r"\d+")
MARGIN = 0.1  # top/bottom share of the page where page numbers and running headers live
COLUMN_GAP = 1.5  # ems of blank inside a line that mean columns (a table row), not words
_NEIGHBOURS = 40  # lines compared with each line (bounds the work on a page of stacked text)
WORD_GAP = 0.5  # ems of blank between two characters that a reader sees as a space


@dataclass(slots=True)
class _Line:
    top: float
    x0: float = 0.0
    x1: float = 0.0
    text: str = ""
    rows: list[str] = field(default_factory=list)  # set for a table: its rendered rows
    cells: list[list[str]] = field(default_factory=list)  # a table's cell texts, row by row
    ids: list[list[int]] = field(default_factory=list)  # the (merged) cell behind each of them
    page_left: float = 0.0  # body-text margins, see _set_margins
    page_right: float = 0.0
    em: float = 0.0  # font size: the width of one Chinese character
    lead: float = 0.0  # width of the Latin/number run the line starts with
    bottom: float = 0.0
    page: int = 0


@dataclass(slots=True)
class _Char:
    text: str
    index: int
    x0: float
    top: float
    x1: float
    bottom: float
    cx: float = 0.0  # centre, set on creation
    cy: float = 0.0

    def __post_init__(self) -> None:
        self.cx = (self.x0 + self.x1) / 2
        self.cy = (self.top + self.bottom) / 2


Display = Callable[[float, float], tuple[float, float]]


class _Page:
    """One pdfium page: its text page, and boxes mapped to display coordinates."""

    def __init__(self, page: object, number: int) -> None:
        import pypdfium2.raw as c

        self.c = c
        self.page = page
        self.number = number
        self.raw = page.raw  # type: ignore[attr-defined]
        x0, y0, x1, y1 = page.get_cropbox()  # type: ignore[attr-defined]
        self._crop = (x0, y0, x1, y1)
        self.set_rotation(c.FPDFPage_GetRotation(self.raw) % 4)
        self.textpage = page.get_textpage()  # type: ignore[attr-defined]
        self.tp = self.textpage.raw
        self.count = c.FPDFText_CountChars(self.tp)
        self.unmapped_lines = 0  # lines whose first character has no Unicode mapping
        self._rect = c.FS_RECTF()
        self._loose_box = c.FPDFText_GetLooseCharBox
        self._x0, self._y1 = x0, y1
        self._matrix = c.FS_MATRIX()

    def set_rotation(self, quarter_turns: int) -> None:
        """Read the page turned clockwise by this many quarter turns (its /Rotate, or the
        turn that sets its text upright)."""
        x0, y0, x1, y1 = self._crop
        self.rotation = quarter_turns % 4
        # Display space: from the top-left corner of the page as read, y downwards.
        self.to_display: Display = {
            0: lambda x, y: (x - x0, y1 - y),
            1: lambda x, y: (y - y0, x - x0),
            2: lambda x, y: (x1 - x, y - y0),
            3: lambda x, y: (y1 - y, x1 - x),
        }[self.rotation]
        w, h = x1 - x0, y1 - y0
        self.width, self.height = (w, h) if self.rotation % 2 == 0 else (h, w)

    def text_turn(self, text: str) -> int:
        """Quarter turns that set most of the page's text upright (pdfium's character
        angles run clockwise), voted by the first characters of 9 lines spread over it."""
        starts = [m.end() for m in _LINE_START.finditer(text)]
        votes: Counter[int] = Counter()
        for i in starts[:: max(1, len(starts) // _TURN_SAMPLES)]:
            angle = self.c.FPDFText_GetCharAngle(self.tp, i)
            if angle >= 0:
                votes[(4 - round(angle / (math.pi / 2))) % 4] += 1
        return votes.most_common(1)[0][0] if votes else self.rotation

    def text(self) -> str:
        text = self.textpage.get_text_range() if self.count > 0 else ""
        if len(text) != self.count:  # characters outside the BMP: rebuild one per index
            text = "".join(chr(self.c.FPDFText_GetUnicode(self.tp, i) or 0xFFFD) for i in range(self.count))
        return text

    def box(self, i: int) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of character i: its advance width and the font's height."""
        r = self._rect
        self._loose_box(self.tp, i, r)
        if not self.rotation:
            return r.left - self._x0, self._y1 - r.top, r.right - self._x0, self._y1 - r.bottom
        (ax, ay), (bx, by) = self.to_display(r.left, r.top), self.to_display(r.right, r.bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def check_map(self, i: int) -> None:
        if self.c.FPDFText_HasUnicodeMapError(self.tp, i) == 1:
            self.unmapped_lines += 1

    def em(self, i: int) -> float:
        """Font size of character i in points, with the text's scaling applied."""
        size = self.c.FPDFText_GetFontSize(self.tp, i)
        m = self._matrix
        if self.c.FPDFText_GetMatrix(self.tp, i, m):
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
        return float(size)


def _clean(text: str) -> str:
    return CONTROL_CHARS.sub("", text.replace("\t", " ")).strip()


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _join(parts: list[str]) -> str:
    """Wrapped pieces of one paragraph or cell, as join_fragments joins them (a space only
    between two Latin letters/digits), except that digits either side of a wrap are one
    number: Chinese layout wraps anywhere, numbers too ("202" / "0年" in a narrow cell)."""
    out: list[str] = []
    last = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if last and _ascii_word(last) and _ascii_word(part[0]) and not (last.isdigit() and part[0].isdigit()):
            out.append(" ")
        out.append(part)
        last = part[-1]
    return "".join(out)


def _lead(chars: list[_Char]) -> float:
    lead = 0.0  # width of a Latin/number run opening the line: wrapping keeps it whole
    for ch in chars:
        if not _LATIN.match(ch.text):
            break
        lead = ch.x1 - chars[0].x0
    return lead


def _fast_lines(pg: _Page, text: str) -> tuple[list[_Line], bool]:
    """pdfium's lines measured at their ends, and whether the page shows columns."""
    lines: list[_Line] = []
    columns = False
    box, number = pg.box, pg.number
    for m in _LINE_TEXT.finditer(text):
        a, end = m.span(1)
        b = end - 1
        stripped = m.group(1)
        x0, top, _, bottom = box(a)
        _, top_b, x1, bottom_b = box(b)
        em = pg.em(a)
        pg.check_map(a)
        latin = _LATIN_RUN.match(text, a, end)
        lead = box(latin.end() - 1)[2] - x0 if latin else 0.0
        # Measure the gaps only when the line is wider than its characters can fill
        # (1 em for a Chinese or full-width one, ~0.6 em for Latin): body text never is.
        if not columns and " " in stripped and x1 - x0 > (
                len(_WIDE.findall(stripped)) * 0.4 + len(stripped) * 0.6 + 1.0) * em:
            columns = _has_column_gap(pg, text, a, b, em)
        lines.append(_Line(top=min(top, top_b), bottom=max(bottom, bottom_b), x0=x0, x1=x1, text=_clean(stripped),
                           em=em, lead=lead, page=number))
    if not columns:
        columns = _side_by_side(lines)
    return lines, columns


def _has_column_gap(pg: _Page, text: str, a: int, b: int, em: float) -> bool:
    i = a
    while i <= b:
        j = text.find(" ", i, b)
        if j < 0:
            return False
        k = j
        while k < b and text[k] == " ":
            k += 1
        if pg.box(k)[0] - pg.box(j - 1)[2] > COLUMN_GAP * max(em, 1.0):
            return True
        i = k + 1
    return False


def _side_by_side(lines: list[_Line]) -> bool:
    """Two lines at one height that do not overlap across: cells of one table row."""
    ordered = sorted(lines, key=lambda ln: ln.top)
    for i, ln in enumerate(ordered):
        for other in ordered[i + 1:i + 1 + _NEIGHBOURS]:
            if other.top >= ln.bottom:
                break
            overlap = min(ln.bottom, other.bottom) - max(ln.top, other.top)
            if overlap > 0.5 * min(ln.bottom - ln.top, other.bottom - other.top) and (
                    other.x0 >= ln.x1 or ln.x0 >= other.x1):
                return True
    return False


def _chars(pg: _Page, text: str) -> list[_Char]:
    out = []
    for i, ch in enumerate(text):
        if ch in "\r\n":
            continue
        x0, top, x1, bottom = pg.box(i)
        out.append(_Char(ch, i, x0, top, x1, bottom))
    return out


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into visual lines (top to bottom), each left to right."""
    lines: list[list[_Char]] = []
    band: tuple[float, float] | None = None
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if band is not None and ch.cy < band[1]:
            lines[-1].append(ch)
            continue
        lines.append([ch])
        band = (ch.top, ch.bottom)
    return [sorted(ln, key=lambda c: c.x0) for ln in lines]


def _line_text(chars: list[_Char]) -> str:
    out = []
    for prev, ch in zip([None, *chars], chars, strict=False):
        if prev is not None and ch.x0 - prev.x1 > WORD_GAP * (ch.bottom - ch.top) and not (
                ch.text.isspace() or prev.text.isspace()):
            out.append(" ")
        out.append(ch.text)
    return "".join(out)


def _char_lines(pg: _Page, chars: list[_Char]) -> list[_Line]:
    out = []
    for ln in _group_lines(chars):
        ink = [i for i, c in enumerate(ln) if not c.text.isspace()]
        if not ink:
            continue
        ln = ln[ink[0]:ink[-1] + 1]  # measured from its first to its last visible character
        text = _clean(_line_text(ln))
        if text:
            pg.check_map(ln[0].index)
            out.append(_Line(top=min(c.top for c in ln), bottom=max(c.bottom for c in ln), x0=ln[0].x0,
                             x1=ln[-1].x1, text=text, em=pg.em(ln[0].index), lead=_lead(ln), page=pg.number))
    return out


def _page_items(pg: _Page, budget: Budget) -> list[_Line]:
    """Text lines outside tables and tables (≥2 columns), sorted top to bottom."""

    text = pg.text()
    turn = pg.text_turn(text)
    if turn != pg.rotation:  # text drawn turned (a landscape table on a portrait page)
        pg.set_rotation(turn)
    grids: list[Grid] = []
    rule_tables: list[tuple[float, float, list[float]]] = []
    lines: list[_Line] = []
    if pg.count > budget.chars:  # past the document's budget: pdfium's lines only
        return _fast_lines(pg, text)[0]
    upright = pg.rotation == 0
    if upright:
        lines, columns = _fast_lines(pg, text)
    if (not upright or columns) and budget.left:
        h, v = page_rulings(pg.raw, pg.to_display, budget)
        grids = find_grids(h, v, budget)
        rule_tables = rule_sets(h, v, grids)
    if upright and not grids and not rule_tables:
        return lines
    budget.chars -= pg.count
    chars = _chars(pg, text)
    grids.extend(g for x0, x1, ys in rule_tables if (g := aligned_grid(chars, x0, x1, ys)) is not None)
    if upright and not grids:
        return lines
    pg.unmapped_lines = 0  # counted again below, on the lines read character by character
    in_cell: list[dict[int, list[_Char]]] = [{} for _ in grids]
    outside: list[_Char] = []
    for ch in chars:
        for g, grid in enumerate(grids):
            cell = grid.cell_at(ch.cx, ch.cy)
            if cell is not None:
                in_cell[g].setdefault(cell, []).append(ch)
                break
        else:
            outside.append(ch)
    items = _char_lines(pg, outside)
    for grid, cells in zip(grids, in_cell, strict=True):
        # A wrapped cell's lines are one cell text.
        text_of = {cell: clean_cell(_join([_line_text(ln) for ln in _group_lines(cs)]))
                   for cell, cs in cells.items()}
        texts, ids = grid.rows(text_of)
        if texts:
            items.append(_Line(top=grid.top, rows=[row_line(r) for r in texts], cells=texts, ids=ids, page=pg.number))
    return sorted(items, key=lambda it: it.top)


def _drop_furniture(items: list[_Line], heights: dict[int, float]) -> list[_Line]:
    """Page numbers, and running headers/footers: a margin line repeated on many pages."""
    def in_margin(it: _Line) -> bool:
        h = heights[it.page]
        return it.top > h * (1 - MARGIN) - it.em or it.bottom < h * MARGIN + it.em

    margin = [it for it in items if not it.rows and in_margin(it)]
    pages_with = Counter({key: len(pages) for key, pages in _by_key(margin).items()})
    repeated = {key for key, n in pages_with.items() if n >= max(3, len(heights) // 3)}
    out = []
    for it in items:
        furniture = _PAGE_NUMBER.match(it.text) or _DIGITS.sub("#", it.text) in repeated
        if furniture and not it.rows and in_margin(it):
            continue
        out.append(it)
    return out


def _by_key(lines: list[_Line]) -> dict[str, set[int]]:
    pages: dict[str, set[int]] = {}
    for it in lines:
        pages.setdefault(_DIGITS.sub("#", it.text), set()).add(it.page)
    return pages


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


def _carry_merged(before: _Line, after: _Line) -> list[list[str]]:
    """Rows of a table part continued from the page before. A merged cell cut by the page
    break (a domain spanning rows on both pages) is drawn again on the new page but empty;
    it takes the text it has on the page before."""
    cells = [list(r) for r in after.cells]
    last, last_ids = before.cells[-1], before.ids[-1]
    for c, text in enumerate(last):
        group = after.ids[0][c]
        spans_before = sum(ids[c] == last_ids[c] for ids in before.ids) > 1
        spans_after = sum(ids[c] == group for ids in after.ids) > 1
        if not text or cells[0][c] or not (spans_before or spans_after):
            continue
        for r, ids in enumerate(after.ids):
            if ids[c] != group:
                break
            cells[r][c] = text
    return cells


def _render(items: list[_Line]) -> list[str]:
    out: list[str] = []
    last_header: str | None = None
    prev: _Line | None = None
    paragraph: list[str] = []  # lines of the paragraph out[start] opens
    start = 0
    for it in items:
        if it.rows:
            rows = it.rows
            continued = prev is not None and bool(prev.cells) and prev.page < it.page and (
                len(prev.cells[-1]) == len(it.cells[0]))
            # A table continued on the next page often repeats its header row.
            if prev is not None and prev.rows and last_header is not None and rows[0] == last_header:
                rows = rows[1:]
                it.cells, it.ids = it.cells[1:], it.ids[1:]
            else:
                last_header = rows[0] if rows else None
            if continued and prev is not None and it.cells:
                rows = [row_line(r) for r in _carry_merged(prev, it)]
            out.extend(rows)
        elif prev is not None and out and _continues(prev, it):
            paragraph.append(it.text)  # joined once the paragraph ends: linear in its length
            prev = it
            continue
        else:
            out.append(it.text)
        if len(paragraph) > 1:
            out[start] = _join(paragraph)
        paragraph = [it.text] if not it.rows else []
        start = len(out) - 1
        prev = it
    if len(paragraph) > 1:
        out[start] = _join(paragraph)
    return out


def _open(path: str, data: bytes) -> object:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractError(path, _pdf_error_reason(exc)) from exc


@dataclass(slots=True)
class _Read:
    items: list[_Line] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)  # page number -> height as read
    images: int = 0  # pages with images and no text
    unmapped: int = 0  # lines whose first character has no Unicode mapping
    lines: int = 0


# pdfium is not thread-safe: one document at a time per process (threads of a server).
_PDFIUM_LOCK = threading.Lock()


def read_pdf(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExtractError(path, f"无法读取文件 / cannot read file: {exc.strerror or exc}") from exc
    bounds.check_streams(data, path)
    with _PDFIUM_LOCK:
        read = _read_pages(path, data)
    if not read.items:
        if read.images:
            raise ExtractError(path, SCANNED)
        raise ExtractError(path, "PDF 中没有文字 / PDF contains no text")
    items = _drop_furniture(read.items, read.heights)
    _set_margins(items)
    text = "\n".join(_render(items))
    # Glyphs without a Unicode mapping read as arbitrary letters: refuse rather than guess.
    unmapped = read.unmapped >= 3 and read.unmapped * 2 > read.lines
    if unmapped or len(_CID.findall(text)) > 20 or text.count("\ufffd") > 20:
        raise ExtractError(path, "PDF 字体缺少 Unicode 映射，无法提取文字 / PDF fonts lack a Unicode map; text cannot be extracted")
    return text


def _read_pages(path: str, data: bytes) -> _Read:
    """Every page's lines and tables, within the per-page and per-document limits."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    doc = _open(path, data)
    read = _Read()
    n_chars = n_objects = 0
    budget = Budget()
    try:
        n_pages = len(doc)  # type: ignore[arg-type]
        if n_pages > bounds.MAX_PAGES:
            raise bounds.refuse(path, f"{n_pages} 页，上限 {bounds.MAX_PAGES} 页",
                                f"{n_pages} pages, limit {bounds.MAX_PAGES}")
        for number in range(n_pages):
            page = doc[number]  # type: ignore[index]
            pg: _Page | None = None
            try:
                objects = c.FPDFPage_CountObjects(page.raw)
                if objects > bounds.MAX_OBJECTS_PER_PAGE:
                    raise bounds.refuse(path, f"第 {number + 1} 页有 {objects} 个对象，上限 {bounds.MAX_OBJECTS_PER_PAGE}",
                                        f"page {number + 1} has {objects} objects, "
                                        f"limit {bounds.MAX_OBJECTS_PER_PAGE}")
                n_objects += objects
                if n_objects > bounds.MAX_OBJECTS_TOTAL:
                    raise bounds.refuse(path, f"对象总数超过 {bounds.MAX_OBJECTS_TOTAL}",
                                        f"more than {bounds.MAX_OBJECTS_TOTAL} objects in all")
                pg = _Page(page, number)
                if pg.count > bounds.MAX_CHARS_PER_PAGE:
                    raise bounds.refuse(path, f"第 {number + 1} 页有 {pg.count} 个字符，上限 {bounds.MAX_CHARS_PER_PAGE}",
                                        f"page {number + 1} has {pg.count} characters, "
                                        f"limit {bounds.MAX_CHARS_PER_PAGE}")
                n_chars += pg.count
                if n_chars > bounds.MAX_CHARS_TOTAL:
                    raise bounds.refuse(path, f"字符总数超过 {bounds.MAX_CHARS_TOTAL}",
                                        f"more than {bounds.MAX_CHARS_TOTAL} characters")
                if pg.count:
                    page_items = _page_items(pg, budget)
                    read.items.extend(page_items)
                    read.unmapped += pg.unmapped_lines
                    read.lines += sum(1 for it in page_items if not it.rows)
                elif _has_image(page.raw, c):
                    read.images += 1
                read.heights[number] = pg.height  # after _page_items: the page may be read turned
            finally:
                if pg is not None:
                    pg.textpage.close()
                page.close()
    except pdfium.PdfiumError as exc:  # a page that pdfium cannot load
        raise ExtractError(path, _pdf_error_reason(exc)) from exc
    finally:
        doc.close()  # type: ignore[attr-defined]
    return read


def _has_image(page: object, c: object) -> bool:
    get, kind = c.FPDFPage_GetObject, c.FPDFPageObj_GetType  # type: ignore[attr-defined]
    image = c.FPDF_PAGEOBJ_IMAGE  # type: ignore[attr-defined]
    return any(kind(get(page, i)) == image for i in range(c.FPDFPage_CountObjects(page)))  # type: ignore[attr-defined]


def _pdf_error_reason(exc: BaseException) -> str:
    text = str(exc)
    if "assword" in text or "ncrypt" in text or "ecurity" in text:
        return "PDF 已加密，需要密码 / PDF is encrypted (password required)"
    detail = text.strip() or type(exc).__name__
    return f"PDF 文件损坏或无法解析 / damaged or unreadable PDF: {detail}"
