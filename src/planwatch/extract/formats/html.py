"""HTML: visible text in document order; block elements become lines, tables become TAB rows."""

from __future__ import annotations

import re
from typing import Any

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.bounds import GridBudget, span
from planwatch.extract.formats.text import clean_cell, join_fragments, normalise_newlines, row_line
from planwatch.extract.formats.txt import decode_text

# Elements whose text is never part of the document: code, styling, site navigation.
NOISE = {"script", "style", "nav", "noscript", "template", "iframe", "object", "embed", "svg",
         "canvas", "select", "button", "head", "map", "audio", "video"}
BLOCKS = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
          "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "hr", "html", "li", "main", "ol", "p", "pre", "section",
          "summary", "ul", "caption", "tbody", "thead", "tfoot", "tr", "td", "th", "table", "option"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
# Pages declare the GB2312/GBK subsets but often use characters only GB18030 has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8"}


def decode_html(data: bytes, path: str | None) -> str:
    """Bytes → str: a BOM, else the declared meta charset, else the text detector."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        match = _META_CHARSET.search(data[:4096])
        if match:
            declared = match.group(1).decode("ascii").lower()
            encoding = _SUPERSETS.get(declared, declared)
            try:
                return normalise_newlines(data.decode(encoding))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall back to detection
    return decode_text(data, path)


class _Renderer:
    """Walk the tree once, collecting lines; inline text accumulates until a block ends."""

    def __init__(self, budget: GridBudget) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.budget = budget

    def flush(self) -> None:
        line = _SPACES.sub(" ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def text(self, s: str | None) -> None:
        if s:
            self.current.append(s)

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().rsplit("}", 1)[-1]
        if not tag or tag in NOISE:  # comments, processing instructions, noise
            self.text(el.tail)
            return
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            self.lines.extend(_table_rows(el, self.budget))
        elif tag == "br":
            self.flush()
        elif tag == "pre":
            self.flush()
            self.lines.extend(s.rstrip() for s in el.text_content().split("\n") if s.strip())
        else:
            block = tag in BLOCKS
            if block:
                self.flush()
            self.text(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        self.text(el.tail)


def _is_layout_table(table: Any) -> bool:
    """Old government sites lay out the whole page in tables, and a one-column table is a
    box (专栏) around running text: both hold blocks, not data."""
    if table.xpath(".//table"):
        return True
    widths = [sum(_span(c, "colspan") for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th"))
              for tr in table.xpath(".//tr")]
    return max(widths, default=0) <= 1


def _cell_text(cell: Any, budget: GridBudget) -> str:
    """A cell's visible text; its paragraphs and <br>s are wrapped pieces of one value."""
    r = _Renderer(budget)
    r.text(cell.text)
    for child in cell:
        r.walk(child)
    r.flush()
    return clean_cell(join_fragments(r.lines))


def _span(cell: Any, attr: str, limit: int = 1000) -> int:
    return span(cell.get(attr), limit)


def _table_rows(table: Any, budget: GridBudget) -> list[str]:
    """One line per row; a rowspan/colspan cell's text repeats in every position it covers.

    Spans are clamped to the table's real size (see formats.bounds): a rowspan to the rows
    left, a colspan to the widest row's width with each span at most the most cells a row has.
    """
    rows = [tr for tr in table.xpath(".//tr") if tr.xpath("ancestor::table[1]")[0] is table]
    row_cells = [[c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")] for tr in rows]
    most = max((len(cs) for cs in row_cells), default=0)
    real_width = max((sum(_span(c, "colspan", most) for c in cs) for cs in row_cells), default=0)
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, cells in enumerate(row_cells):
        c = 0
        for cell in cells:
            while (r, c) in grid:  # skip positions filled by a rowspan from above
                c += 1
            text = _cell_text(cell, budget)
            down, across = min(_span(cell, "rowspan", 65534), len(rows) - r), _span(cell, "colspan", real_width)
            budget.check(len(rows), max(width, c + across))  # before filling more positions
            for dr in range(down):
                for dc in range(across):
                    grid[(r + dr, c + dc)] = text
            c += across
            width = max(width, c)
    budget.add(len(rows), width, sum(len(t) + 1 for t in grid.values()))
    lines: list[str] = []
    caption = table.find("caption")
    if caption is not None and caption.text_content().strip():
        lines.append(clean_cell(caption.text_content()))
    for r in range(len(rows)):
        cells = [grid.get((r, c), "") for c in range(width)]
        if any(cells):
            lines.append(row_line(cells))
    return lines


def read_html(data: bytes, path: str | None) -> str:
    import lxml.html
    from lxml.etree import ParserError

    text = _XML_DECL.sub("", decode_html(data, path))
    if not text.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as exc:
        raise ExtractError(path, f"无法解析 HTML / cannot parse HTML: {exc}") from exc
    r = _Renderer(GridBudget(path))
    body = root.find("body")
    r.walk(body if body is not None else root)
    r.flush()
    title = root.findtext(".//title")
    title = _SPACES.sub(" ", title or "").strip()
    # Keep the <title> only when the page body does not repeat it.
    head = r.lines[:20]
    if title and not any(title in line or (len(line) >= 6 and line in title) for line in head):
        r.lines.insert(0, title)
    return "\n".join(r.lines)
