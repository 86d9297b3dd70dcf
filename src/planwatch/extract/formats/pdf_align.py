"""Tables ruled across only (horizontal rules, no vertical ones): columns from alignment.

Between rules that share one width (pdf_tables.rule_sets), the columns are where the
text of the body rows leaves a vertical strip blank: every strip at least GAP/2 ems wide
that no body row's characters cover is a column boundary. The rules give the rows. A band
between two rules holding several rows (the body of a three-line table) is split into
rows by line spacing (see _row_splits) only when that is unambiguous; anything else is
not taken for a table and stays text.
An empty header over a column of data is taken as spanned by its neighbour's heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from planwatch.extract.formats.pdf_tables import Grid

GAP = 1.0  # ems of blank strip that separate two columns
# Without rulings between columns, fewer is more likely layout than a table: the closing
# block of an official document (抄送 / 印发) sits between rules with a gap in its lines.
MIN_COLUMNS = 3
MIN_ROWS = 3  # a header and two rows


class Box(Protocol):
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float: ...

    @property
    def cy(self) -> float: ...


def _lines(chars: Sequence[Box]) -> list[tuple[float, float]]:
    """(top, bottom) of the visual lines the characters form."""
    out: list[tuple[float, float]] = []
    for ch in sorted(chars, key=lambda c: c.cy):
        if out and ch.cy < out[-1][1]:
            out[-1] = (min(out[-1][0], ch.top), max(out[-1][1], ch.bottom))
        else:
            out.append((ch.top, ch.bottom))
    return out


def _columns(bands: list[list[Box]], x0: float, x1: float) -> list[float]:
    """Column boundaries: strips at least GAP/2 ems wide that the text of every row leaves
    blank."""
    chars = [c for band in bands for c in band]
    if not chars or x1 - x0 < 1:
        return []
    em = sorted(c.bottom - c.top for c in chars)[len(chars) // 2]
    width = int(x1 - x0) + 1
    covered = [0] * width
    for band in bands:
        row = bytearray(width)
        for c in band:
            row[max(0, int(c.x0 - x0)):max(0, int(c.x1 - x0) + 1)] = b"\x01" * (
                max(0, int(c.x1 - x0) + 1) - max(0, int(c.x0 - x0)))
        for i, hit in enumerate(row[:width]):
            covered[i] += hit
    tolerated = 0  # a strip a single row covers is that row's text, not a gutter
    xs = [x0]
    run = -1
    for i, n in enumerate([*covered, len(bands) + 1]):
        if n <= tolerated and run < 0:
            run = i
        elif n > tolerated and run >= 0:
            if run > 0 and i < width and i - run >= GAP * em / 2:
                xs.append(x0 + (run + i) / 2)
            run = -1
    xs.append(x1)
    return xs


def _row_splits(per_column: list[list[tuple[float, float]]]) -> list[float] | None:
    """Heights between the rows of one band holding several, or None when unclear.

    In each column, lines closer than the band's line spacing allows between rows are one
    (wrapped) cell. The column with the most cells gives the rows; every other cell joins
    the row it overlaps most. A column with two cells in one row, or cells of neighbouring
    rows that overlap in height, leave the band unclear.
    """
    gaps = [b[0] - a[1] for ls in per_column for a, b in pairwise(ls)]
    if max(gaps) <= 1.3 * min(gaps) + 1.0:
        # One spacing throughout: each line is a row if every column has them all (a body
        # of one-line rows), else the lines are one row's wrapped cells.
        filled = [ls for ls in per_column if ls]
        if len({len(ls) for ls in filled}) == 1:
            lines = filled[0]
            if any(abs(ls[i][0] - lines[i][0]) > 0.5 * (ls[i][1] - ls[i][0]) for ls in filled for i in range(len(ls))):
                return None
            return [(a[1] + b[0]) / 2 for a, b in pairwise(lines)]
        return []
    join = 1.5 * max(min(gaps), 0.5) + 0.5  # within a cell: the leading; between rows: more
    blocks: list[list[tuple[float, float]]] = []
    for ls in per_column:
        cells: list[tuple[float, float]] = []
        for top, bot in ls:
            if cells and top - cells[-1][1] <= join:
                cells[-1] = (cells[-1][0], bot)
            else:
                cells.append((top, bot))
        blocks.append(cells)
    anchor = max(blocks, key=len)
    if len(anchor) < 2:
        return []
    extent = [list(a) for a in anchor]
    for cells in blocks:
        taken: set[int] = set()
        for top, bot in cells:
            r = max(range(len(anchor)), key=lambda i: min(bot, anchor[i][1]) - max(top, anchor[i][0]))
            if min(bot, anchor[r][1]) - max(top, anchor[r][0]) <= 0 or r in taken:
                return None
            taken.add(r)
            extent[r] = [min(extent[r][0], top), max(extent[r][1], bot)]
    if any(extent[i][1] >= extent[i + 1][0] for i in range(len(extent) - 1)):
        return None
    return [(extent[i][1] + extent[i + 1][0]) / 2 for i in range(len(extent) - 1)]


def aligned_grid(chars: Sequence[Box], x0: float, x1: float, ys: list[float]) -> Grid | None:
    """The table between rules at heights ys (top to bottom) across [x0, x1], or None."""
    inside = [c for c in chars if x0 <= c.cx < x1 and ys[0] <= c.cy < ys[-1]]
    bands = [[c for c in inside if ys[i] <= c.cy < ys[i + 1]] for i in range(len(ys) - 1)]
    body = [b for b in bands[1:] if b] or [inside]  # the header may span columns
    xs = _columns(body, x0, x1)
    if len(xs) < MIN_COLUMNS + 1:
        return None
    rows: list[float] = [ys[0]]
    for band, bottom in zip(bands, ys[1:], strict=True):
        per_column = [_lines([c for c in band if xs[k] <= c.cx < xs[k + 1]]) for k in range(len(xs) - 1)]
        if any(len(ls) >= 2 for ls in per_column):
            splits = _row_splits(per_column)
            if splits is None:
                return None
            rows.extend(splits)
        rows.append(bottom)
    if len(rows) < MIN_ROWS + 1:
        return None
    ncols = len(xs) - 1
    group = [[r * ncols + c for c in range(ncols)] for r in range(len(rows) - 1)]
    _spanning_header(inside, xs, rows, group)
    return Grid(xs=xs, ys=rows, group=group)


def _spanning_header(chars: Sequence[Box], xs: list[float], rows: list[float], group: list[list[int]]) -> None:
    """Every column of data has a heading: a column whose header is empty while its body has
    text lies under its neighbour's heading (a header spanning both, as a merged ruled
    header cell would), the left one when it has text. The heading then repeats over both."""
    if len(rows) < 3:
        return
    head = [c for c in chars if rows[0] <= c.cy < rows[1]]
    body = [c for c in chars if rows[1] <= c.cy < rows[-1]]
    ncols = len(xs) - 1
    headed = [any(xs[k] <= c.cx < xs[k + 1] for c in head) for k in range(ncols)]
    for k in range(ncols):
        if headed[k] or not any(xs[k] <= c.cx < xs[k + 1] for c in body):
            continue
        j = k - 1 if k > 0 and headed[k - 1] else k + 1
        if j < ncols and headed[j]:
            group[0][k] = group[0][j]
