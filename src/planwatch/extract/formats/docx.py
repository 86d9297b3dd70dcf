"""Word .docx: body paragraphs and tables in document order; headers and footers ignored."""

from __future__ import annotations

from typing import Any

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.bounds import GridBudget, check_zip, span
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


def _grid_span(tc: Any) -> str | None:
    tcPr = tc.find(f"{_W}tcPr")
    el = tcPr.find(f"{_W}gridSpan") if tcPr is not None else None
    return el.get(f"{_W}val") if el is not None else None


def _grid_before(tr: Any, limit: int) -> int:
    """Grid columns left empty before the row's first cell (w:gridBefore), clamped to limit."""
    trPr = tr.find(f"{_W}trPr")
    el = trPr.find(f"{_W}gridBefore") if trPr is not None else None
    return 0 if el is None else min(span(el.get(f"{_W}val"), limit), limit)


def _grid_rows(tbl: Any, budget: GridBudget) -> list[list[Any]]:
    """Each row's `w:tc` elements as python-docx's `row.cells` lists them: the cells present, a
    spanned cell once per grid column it covers (gridSpan), a continued cell (vMerge) as the
    cell it continues. Spans are clamped to the table's real size (see formats.bounds): at most
    the declared grid or the widest row, never past the row's end; the grid is checked against
    the cell limit before it is built.
    """
    trs = tbl.tr_lst
    if not trs:
        return []
    grid = tbl.find(f"{_W}tblGrid")
    declared = len(grid.findall(f"{_W}gridCol")) if grid is not None else 0
    most = max(declared, max(len(tr.tc_lst) for tr in trs))
    before = [_grid_before(tr, most) for tr in trs]
    widest = max(b + sum(span(_grid_span(tc), most) for tc in tr.tc_lst) for b, tr in zip(before, trs, strict=True))
    real = max(declared, widest)
    budget.check(len(trs), real)
    rows: list[list[Any]] = []
    above: dict[int, tuple[Any, int]] = {}  # grid offset -> (the cell a merge continues, its width)
    for b, tr in zip(before, trs, strict=True):
        col, cells, here = b, [], {}
        for tc in tr.tc_lst:
            n = span(_grid_span(tc), max(1, real - col))
            # A continued cell repeats the cell above it, as wide as that cell (as python-docx does).
            root, width = above.get(col, (tc, n)) if tc.vMerge == "continue" else (tc, n)
            here[col] = (root, width)
            cells.extend([root] * min(width, max(1, 2 * real - len(cells))))  # a row stays within twice the grid
            col += n
        rows.append(cells)
        above = here
    return rows


def _cell_text(tc: Any, table: Any, numbering: Numbering, budget: GridBudget) -> str:
    from docx.table import _Cell

    cell = _Cell(tc, table)
    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            parts.extend(_paragraph_lines(child, cell, numbering))
        elif child.tag == f"{_W}tbl":  # a nested table: its cells, flattened into this cell
            for row in _grid_rows(child, budget):
                parts.extend(_cell_text(c, table, numbering, budget) for c in row)
    return clean_cell(join_fragments(parts))


def _table_lines(table: Any, numbering: Numbering, budget: GridBudget) -> list[str]:
    """One line per row; merged text (gridSpan across, vMerge down) repeats in each position."""
    rows = _grid_rows(table._tbl, budget)
    if all(len(set(map(id, cells))) <= 1 for cells in rows):
        # A one-column table is a box (专栏) around running text: keep its paragraphs as lines.
        from docx.table import _Cell

        return [ln for cells in rows if cells
                for ln in _block_lines(cells[0], _Cell(cells[0], table), numbering, budget)]
    lines = []
    rendered: dict[int, str] = {}  # each merged cell rendered once: list numbering advances once
    width = max(len(cells) for cells in rows)
    chars = 0
    for row_cells in rows:
        cells = []
        for tc in row_cells:
            if id(tc) not in rendered:
                rendered[id(tc)] = _cell_text(tc, table, numbering, budget)
            cells.append(rendered[id(tc)])
            chars += len(cells[-1]) + 1
        if any(cells):
            lines.append(row_line(cells))
    budget.add(len(rows), width, chars)
    return lines


def _block_lines(parent: Any, container: Any, numbering: Numbering, budget: GridBudget) -> list[str]:
    from docx.table import Table

    lines: list[str] = []
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            lines.extend(_paragraph_lines(child, container, numbering))
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(child, container), numbering, budget))
        elif child.tag == f"{_W}sdt":  # content control wrapping blocks (e.g. a cover page)
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_block_lines(content, container, numbering, budget))
    return lines


def read_docx(path: str) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(path)  # a zip bomb is refused before any part is inflated
    try:
        document = docx.Document(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractError(path, f"不是有效的 .docx 文件 / not a valid .docx file: {exc}") from exc
    except Exception as exc:  # lxml syntax errors in a damaged package
        raise ExtractError(path, f".docx 文件已损坏 / damaged .docx file: {type(exc).__name__}: {exc}") from exc
    budget = GridBudget(path)
    return "\n".join(_block_lines(document.element.body, document._body, Numbering(document), budget))
