"""Tables ruled across only (horizontal rules, no vertical ones): columns from alignment.

Between rules that share one width (pdf_tables.rule_sets), the columns are where the
text of the body rows leaves a vertical strip blank: every strip at least GAP/2 ems wide
that no body row's characters cover is a column boundary (a cell running over into the
next column's padding in one row of ten is tolerated). The rules give the rows. A band
between two rules holding several rows (the body of a three-line table) is split into
rows only when it is unambiguous: every column that has text has the same number of
lines, at the same heights. Anything else is not taken for a table and stays text.
Without vertical rules a header spanning two columns cannot be told from a header over
one column and an empty one; it is read as the latter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from planwatch.extract.formats.pdf_tables import Grid

GAP = 1.0  # ems of blank strip that separate two columns


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
    """Column boundaries: strips at least GAP/2 ems wide that the text of nearly every row
    leaves blank (one cell running over into the next column's padding is tolerated)."""
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
    tolerated = len(bands) // 10
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


def aligned_grid(chars: Sequence[Box], x0: float, x1: float, ys: list[float]) -> Grid | None:
    """The table between rules at heights ys (top to bottom) across [x0, x1], or None."""
    inside = [c for c in chars if x0 <= c.cx < x1 and ys[0] <= c.cy < ys[-1]]
    bands = [[c for c in inside if ys[i] <= c.cy < ys[i + 1]] for i in range(len(ys) - 1)]
    body = [b for b in bands[1:] if b] or [inside]  # the header may span columns
    xs = _columns(body, x0, x1)
    if len(xs) < 3:
        return None
    rows: list[float] = [ys[0]]
    for band, bottom in zip(bands, ys[1:], strict=True):
        per_column = [_lines([c for c in band if xs[k] <= c.cx < xs[k + 1]]) for k in range(len(xs) - 1)]
        filled = [ls for ls in per_column if ls]
        counts = {len(ls) for ls in filled}
        if filled and min(counts) >= 2:
            # Several rows in one band: only when every column agrees on them.
            if len(counts) != 1 or any(abs(ls[i][0] - filled[0][i][0]) > 0.5 * (ls[i][1] - ls[i][0])
                                       for ls in filled for i in range(len(ls))):
                return None
            lines = filled[0]
            rows.extend((lines[i][1] + lines[i + 1][0]) / 2 for i in range(len(lines) - 1))
        rows.append(bottom)
    ncols = len(xs) - 1
    group = [[r * ncols + c for c in range(ncols)] for r in range(len(rows) - 1)]
    return Grid(xs=xs, ys=rows, group=group)
