"""Word .docx: body paragraphs and tables in document order; headers and footers ignored."""

from __future__ import annotations

from typing import Any

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.text import CONTROL_CHARS, clean_cell, join_fragments, row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_lines(paragraph: Any) -> list[str]:
    # A soft line break (w:br) is a visual line; a tab inside prose is spacing, and TAB is
    # reserved for separating table cells in the rendered text.
    text = CONTROL_CHARS.sub("", paragraph.text.replace("\t", " "))
    return [s.strip() for s in text.split("\n") if s.strip()]


def _cell_text(cell: Any) -> str:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parts: list[str] = []
    for child in cell._tc.iterchildren():
        if child.tag == f"{_W}p":
            parts.extend(_paragraph_lines(Paragraph(child, cell)))
        elif child.tag == f"{_W}tbl":  # a nested table: its cells, flattened into this cell
            for row in Table(child, cell).rows:
                parts.extend(_cell_text(c) for c in row.cells)
    return clean_cell(join_fragments(parts))


def _table_lines(table: Any) -> list[str]:
    """One line per row. python-docx returns the same cell object for every grid position a
    merged cell covers (gridSpan across, vMerge down), so merged text repeats in each."""
    rows = [row.cells for row in table.rows]
    if all(len({c._tc for c in cells}) <= 1 for cells in rows):
        # A one-column table is a box (专栏) around running text: keep its paragraphs as lines.
        return [ln for cells in rows if cells for ln in _block_lines(cells[0]._tc, cells[0])]
    lines = []
    for row_cells in rows:
        cells = [_cell_text(c) for c in row_cells]
        if any(cells):
            lines.append(row_line(cells))
    return lines


def _block_lines(parent: Any, container: Any) -> list[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            lines.extend(_paragraph_lines(Paragraph(child, container)))
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(child, container)))
        elif child.tag == f"{_W}sdt":  # content control wrapping blocks (e.g. a cover page)
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content, container))
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
    return "\n".join(_block_lines(document.element.body, document._body))
