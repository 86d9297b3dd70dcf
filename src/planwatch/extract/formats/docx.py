"""Word .docx: body paragraphs and tables in document order; headers and footers ignored."""

from __future__ import annotations

from typing import Any

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.numbering import Numbering
from planwatch.extract.formats.text import CONTROL_CHARS, clean_cell, join_fragments, row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_lines(p: Any, parent: Any, numbering: Numbering) -> list[str]:
    from docx.text.paragraph import Paragraph

    # A soft line break (w:br) is a visual line; a tab inside prose is spacing, and TAB is
    # reserved for separating table cells in the rendered text.
    text = numbering.prefix(p) + Paragraph(p, parent).text
    text = CONTROL_CHARS.sub("", text.replace("\t", " "))
    return [s.strip() for s in text.split("\n") if s.strip()]


def _cell_text(cell: Any, numbering: Numbering) -> str:
    from docx.table import Table

    parts: list[str] = []
    for child in cell._tc.iterchildren():
        if child.tag == f"{_W}p":
            parts.extend(_paragraph_lines(child, cell, numbering))
        elif child.tag == f"{_W}tbl":  # a nested table: its cells, flattened into this cell
            for row in Table(child, cell).rows:
                parts.extend(_cell_text(c, numbering) for c in row.cells)
    return clean_cell(join_fragments(parts))


def _table_lines(table: Any, numbering: Numbering) -> list[str]:
    """One line per row. python-docx returns the same cell object for every grid position a
    merged cell covers (gridSpan across, vMerge down), so merged text repeats in each."""
    rows = [row.cells for row in table.rows]
    if all(len({c._tc for c in cells}) <= 1 for cells in rows):
        # A one-column table is a box (专栏) around running text: keep its paragraphs as lines.
        return [ln for cells in rows if cells for ln in _block_lines(cells[0]._tc, cells[0], numbering)]
    lines = []
    rendered: dict[int, str] = {}  # each merged cell rendered once: list numbering advances once
    for row_cells in rows:
        cells = []
        for c in row_cells:
            if id(c._tc) not in rendered:
                rendered[id(c._tc)] = _cell_text(c, numbering)
            cells.append(rendered[id(c._tc)])
        if any(cells):
            lines.append(row_line(cells))
    return lines


def _block_lines(parent: Any, container: Any, numbering: Numbering) -> list[str]:
    from docx.table import Table

    lines: list[str] = []
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            lines.extend(_paragraph_lines(child, container, numbering))
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(child, container), numbering))
        elif child.tag == f"{_W}sdt":  # content control wrapping blocks (e.g. a cover page)
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content, container, numbering))
    return lines


def read_docx(path: str) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractError(path, f"不是有效的 .docx 文件 / not a valid .docx file: {exc}") from exc
    except Exception as exc:  # lxml syntax errors in a damaged package
        raise ExtractError(path, f".docx 文件已损坏 / damaged .docx file: {type(exc).__name__}: {exc}") from exc
    return "\n".join(_block_lines(document.element.body, document._body, Numbering(document)))
