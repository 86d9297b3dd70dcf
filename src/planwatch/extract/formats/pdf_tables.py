"""Ruled tables of a PDF page, found from its drawn lines (pdfium page objects).

Ruling lines are stroked horizontal/vertical path segments and thin filled rectangles (the
way Word/WPS export cell borders). Lines that touch form a grid; each gap between
neighbouring rulings is a grid column/row, and two neighbouring grid cells with no ruling
between them are one merged cell. A merged cell's text is repeated in every grid
position it covers, so every row carries its domain (as the .docx and .html readers do).
All coordinates here are display coordinates: points from the page's top-left corner
after the page's /Rotate is applied, y growing downwards.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

TOL = 3.0  # points: rulings closer than this are one ruling; ends this close touch
THIN = 3.0  # a filled rectangle thinner than this is drawn as a line
MIN_LEN = 4.0  # shorter strokes are glyph parts or ticks, not rulings
MAX_RULINGS = 1000  # per direction and page; past it the page is read as plain text
# Work on table finding for one document (path segments read + ruling pairs compared):
# ~1 s at most (a ruled table page takes ~1,000); past it, pages are read as plain text.
TABLE_WORK = 1_000_000
# Characters read one by one (table pages, turned pages): ~4 us each, so ~4 s at most; past
# it, pages are read by pdfium's lines alone (no tables).
CHAR_WORK = 1_000_000
MAX_CELLS = 20_000  # grid positions of one table; a finer mesh is a drawing, not a table
_MAX_FORM_DEPTH = 8

Point = Callable[[float, float], tuple[float, float]]
HSeg = tuple[float, float, float]  # y, x0, x1
VSeg = tuple[float, float, float]  # x, y0, y1


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    group: list[list[int]]  # group[r][c]: id of the (merged) cell covering grid position (r, c)

    @property
    def top(self) -> float:
        return self.ys[0]

    def cell_at(self, x: float, y: float) -> int | None:
        """The cell id at a point, or None outside the grid."""
        if not (self.xs[0] <= x < self.xs[-1] and self.ys[0] <= y < self.ys[-1]):
            return None
        return self.group[bisect_right(self.ys, y) - 1][bisect_right(self.xs, x) - 1]

    def rows(self, text_of: dict[int, str]) -> tuple[list[list[str]], list[list[int]]]:
        """Cell texts by grid row and the cell ids behind them; rows with no text are left out."""
        texts, ids = [], []
        for groups in self.group:
            cells = [text_of.get(g, "") for g in groups]
            if any(cells):
                texts.append(cells)
                ids.append(list(groups))
        return texts, ids


def _matmul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n, as PDF matrices (a b c d e f)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


class _Rulings:
    def __init__(self, to_display: Point, budget: Budget) -> None:
        self.to_display = to_display
        self.budget = budget
        self.h: list[HSeg] = []
        self.v: list[VSeg] = []

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """A segment in PDF page space; kept when it is horizontal or vertical on display."""
        (a, b), (c, d) = self.to_display(x0, y0), self.to_display(x1, y1)
        if abs(b - d) <= 1.0 and abs(a - c) >= MIN_LEN:
            self.h.append(((b + d) / 2, min(a, c), max(a, c)))
        elif abs(a - c) <= 1.0 and abs(b - d) >= MIN_LEN:
            self.v.append(((a + c) / 2, min(b, d), max(b, d)))


class Budget:
    """Table-finding work left for one document (see TABLE_WORK), and characters it may
    still read one by one (CHAR_WORK)."""

    def __init__(self, work: int | None = None) -> None:
        self.left = TABLE_WORK if work is None else work
        self.chars = CHAR_WORK

    def spend(self, amount: int) -> bool:
        """Take `amount` of work; False (and nothing left) when it is not there."""
        self.left -= amount
        if self.left < 0:
            self.left = 0
            return False
        return True


def _path_segments(obj: object, m: tuple[float, ...], out: _Rulings) -> None:
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    last: tuple[float, float] | None = None
    count = pdfium_c.FPDFPath_CountSegments(obj)
    if not out.budget.spend(count):
        return
    for i in range(count):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        pt = _apply(m, x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or last is None:
            start = pt
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            out.add(last[0], last[1], pt[0], pt[1])
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            out.add(pt[0], pt[1], start[0], start[1])
        last = pt


def _thin_rects(obj: object, m: tuple[float, ...], out: _Rulings) -> None:
    """Thin rectangles among the subpaths of one filled path (borders filled in one go)."""
    x, y = ctypes.c_float(), ctypes.c_float()
    count = pdfium_c.FPDFPath_CountSegments(obj)
    if not out.budget.spend(count):
        return
    points: list[tuple[float, float]] = []

    def flush() -> None:
        if 4 <= len(points) <= 5:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            corners = all(min(abs(px - x0), abs(px - x1)) < 0.5 and min(abs(py - y0), abs(py - y1)) < 0.5
                          for px, py in points)
            if corners and x1 - x0 <= THIN:
                out.add((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
            elif corners and y1 - y0 <= THIN:
                out.add(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
        points.clear()

    for i in range(count):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            flush()
        elif kind != pdfium_c.FPDF_SEGMENT_LINETO:
            points.append((float("nan"), float("nan")))  # a curve: not a rectangle
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        points.append(_apply(m, x.value, y.value))
    flush()


def _walk(count: int, get: Callable[[int], object], form_m: tuple[float, ...] | None, out: _Rulings,
          depth: int) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = pdfium_c.FS_MATRIX()
    for i in range(count):
        obj = get(i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            inner = _matmul(m, form_m) if form_m else m
            _walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                  lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j), inner, out, depth + 1)
            continue
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if len(out.h) > MAX_RULINGS or len(out.v) > MAX_RULINGS or not out.budget.left:
            return
        pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
        if not stroke.value and not fill.value:
            continue  # a clipping or invisible path
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        if form_m:
            (ax, ay), (bx, by) = _apply(form_m, x0, y0), _apply(form_m, x1, y1)
            x0, y0, x1, y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
        if x1 - x0 <= THIN:  # a thin shape is one line, whether stroked or filled
            out.add((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)
        elif y1 - y0 <= THIN:
            out.add(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
        else:
            pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            m = _matmul(m, form_m) if form_m else m
            if stroke.value:  # a stroked outline: its straight edges
                _path_segments(obj, m, out)
            else:  # a filled area is shading, unless it is thin rectangles drawn together
                _thin_rects(obj, m, out)


def page_rulings(page: object, to_display: Point, budget: Budget) -> tuple[list[HSeg], list[VSeg]]:
    """Horizontal and vertical rulings drawn on a page (forms included), in display space."""
    out = _Rulings(to_display, budget)
    _walk(pdfium_c.FPDFPage_CountObjects(page), lambda i: pdfium_c.FPDFPage_GetObject(page, i), None, out, 0)
    return out.h, out.v


def _merge(segs: list[HSeg]) -> list[HSeg]:
    """Collinear pieces of one ruling (cell by cell borders, double strokes) as one segment."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segs):
        for s in reversed(out):
            if pos - s[0] > TOL:
                out.append([pos, a, b])
                break
            if a <= s[2] + TOL and b >= s[1] - TOL:
                s[1], s[2] = min(s[1], a), max(s[2], b)
                break
        else:
            out.append([pos, a, b])
    return [(p, a, b) for p, a, b in out]


def _positions(values: list[float]) -> list[float]:
    """Distinct ruling positions: values closer than TOL are one (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], i: int, j: int) -> None:
    a, b = _find(parent, i), _find(parent, j)
    if a != b:
        parent[max(a, b)] = min(a, b)


def find_grids(h: list[HSeg], v: list[VSeg], budget: Budget | None = None) -> list[Grid]:
    """Tables of ≥2 columns formed by rulings that touch; one-column boxes are not tables."""
    h, v = _merge(h), _merge(v)
    if len(h) < 2 or len(v) < 2 or len(h) > MAX_RULINGS or len(v) > MAX_RULINGS:
        return []
    if budget is not None and not budget.spend(len(h) * len(v)):
        return []
    # Rulings that cross or touch belong to one table.
    parent = list(range(len(h) + len(v)))
    v_sorted = sorted(range(len(v)), key=lambda j: v[j][0])
    v_xs = [v[j][0] for j in v_sorted]
    for i, (y, x0, x1) in enumerate(h):
        lo = bisect_right(v_xs, x0 - TOL - 1e-9)
        for k in range(lo, len(v_sorted)):
            j = v_sorted[k]
            x, y0, y1 = v[j]
            if x > x1 + TOL:
                break
            if y0 - TOL <= y <= y1 + TOL:
                _union(parent, i, len(h) + j)
    members: dict[int, tuple[list[HSeg], list[VSeg]]] = {}
    for i, seg in enumerate(h):
        members.setdefault(_find(parent, i), ([], []))[0].append(seg)
    for j, seg in enumerate(v):
        members.setdefault(_find(parent, len(h) + j), ([], []))[1].append(seg)
    grids = []
    for hs, vs in members.values():
        if len(hs) < 2 or len(vs) < 2:
            continue
        grid = _grid(hs, vs)
        if grid is not None:
            grids.append(grid)
    return grids


def _by_position(segs: list[tuple[float, float, float]], positions: list[float]) -> list[list[tuple[float, float]]]:
    """The extents of the rulings at each position (the nearest of `positions`)."""
    out: list[list[tuple[float, float]]] = [[] for _ in positions]
    for p, a, b in segs:
        i = bisect_right(positions, p)
        near = min((k for k in (i - 1, i) if 0 <= k < len(positions)), key=lambda k: abs(positions[k] - p))
        if abs(positions[near] - p) <= TOL:
            out[near].append((a, b))
    return out


def _covers(extents: list[tuple[float, float]], at: float) -> bool:
    return any(a - TOL <= at <= b + TOL for a, b in extents)


def _grid(hs: list[HSeg], vs: list[VSeg]) -> Grid | None:
    # The table's outline counts as ruled even where the side borders are left undrawn.
    left, right = min(s[1] for s in hs), max(s[2] for s in hs)
    top, bottom = min(s[1] for s in vs), max(s[2] for s in vs)
    xs = _positions([s[0] for s in vs] + [left, right])
    ys = _positions([s[0] for s in hs] + [top, bottom])
    nrows, ncols = len(ys) - 1, len(xs) - 1
    if ncols < 2 or nrows < 1 or nrows * ncols > MAX_CELLS:
        return None
    v_at = _by_position([*vs, (left, top, bottom), (right, top, bottom)], xs)
    h_at = _by_position([*hs, (top, left, right), (bottom, left, right)], ys)
    parent = list(range(nrows * ncols))
    for r in range(nrows):
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(ncols):
            xmid = (xs[c] + xs[c + 1]) / 2
            if c + 1 < ncols and not _covers(v_at[c + 1], ymid):
                _union(parent, r * ncols + c, r * ncols + c + 1)
            if r + 1 < nrows and not _covers(h_at[r + 1], xmid):
                _union(parent, r * ncols + c, (r + 1) * ncols + c)
    group = [[_find(parent, r * ncols + c) for c in range(ncols)] for r in range(nrows)]
    if len({g for row in group for g in row}) < 2:
        return None
    if all(len(set(row)) == 1 for row in group):
        return None  # no row has two cells: a box around text, not a table
    return Grid(xs=xs, ys=ys, group=group)


def rule_sets(h: list[HSeg], v: list[VSeg], grids: list[Grid]) -> list[tuple[float, float, list[float]]]:
    """Horizontal rules that share one width and cross no vertical ruling or table: the
    rows of a table ruled across only (three-line tables among them), as (x0, x1, ys)."""
    rules = [s for s in _merge(h) if s[2] - s[1] > 20 * TOL and not any(
        g.xs[0] - TOL <= s[1] and s[2] <= g.xs[-1] + TOL and g.ys[0] - TOL <= s[0] <= g.ys[-1] + TOL for g in grids)]
    v = _merge(v)
    sets: list[list[HSeg]] = []
    for rule in sorted(rules):  # top to bottom; each joins the set of its width
        same = next((rs for rs in sets if abs(rs[0][1] - rule[1]) <= 2 * TOL and abs(rs[0][2] - rule[2]) <= 2 * TOL),
                    None)
        if same is None:
            sets.append([rule])
        else:
            same.append(rule)
    out = []
    for rs in sets:
        if len(rs) < 3:
            continue
        x0, x1 = min(s[1] for s in rs), max(s[2] for s in rs)
        top, bottom = rs[0][0], rs[-1][0]
        if any(x0 + TOL < x < x1 - TOL and a < bottom - TOL and b > top + TOL for x, a, b in v):
            continue
        out.append((x0, x1, [s[0] for s in rs]))
    return out
