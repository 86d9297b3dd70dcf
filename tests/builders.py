"""Build .docx/.html/.pdf renderings of a seed plan with a REAL indicator table.

The seeds are text dumps in which the indicator table is flattened one cell per line.
`plan_blocks` finds that table, rebuilds its rows (domain, name, [unit], baseline,
target, attribute) and returns the document as paragraphs plus one table, in order;
the writers then produce what a government website or office would publish: a Word
table with the domain cell merged down its group, an HTML table with rowspan, and a
PDF with a ruled table.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

ATTRIBUTE = re.compile(r"^(约束性|预期性)$")
CAPTION = re.compile(r"^\s*(表\s*\d+|专栏\s*\d+)")
VALUE = re.compile(r"^(?:[≥≤><=＞＜]\s*)?【?-?\d+(?:\.\d+)?】?\*?%?(?:以上|以下|左右)?$")
UNIT = re.compile(
    r"^(?:%|‰|/\d+|[万亿千百]?(?:人次|人|元|户|个|张|所|家|套|间|名|项|次|册|床|岁|年|平方米|公里|小时|千克|吨|辆|座|处))$"
)
# Header lines that finish the cell above them ("2020年" / "情况").
HEADER_CONTINUATION = {"情况", "目标", "性质", "属性", "值", "（%）", "(%)"}
MAX_ROW_CELLS = 7
MAX_CELL_CHARS = 60

FONT_PATHS = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


@dataclass
class Table:
    caption: str
    header: list[str]  # as written; header[0] spans domain+name when it is one short
    has_unit: bool
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        cols = ["domain", "name", "unit", "baseline", "target", "attribute"]
        return cols if self.has_unit else [c for c in cols if c != "unit"]

    def header_cells(self) -> list[tuple[str, int]]:
        """(text, colspan) per header cell."""
        n = len(self.columns)
        head = list(self.header)
        while len(head) > n and any(h in HEADER_CONTINUATION for h in head[1:]):
            i = next(i for i, h in enumerate(head) if i and h in HEADER_CONTINUATION)
            head[i - 1 : i + 1] = [head[i - 1] + head[i]]
        if len(head) == n - 1:
            return [(head[0], 2)] + [(h, 1) for h in head[1:]]
        assert len(head) == n, f"cannot lay out header {self.header} over {self.columns}"
        return [(h, 1) for h in head]

    def domain_groups(self) -> list[tuple[int, int]]:
        """(first row, row count) of each run of rows sharing a domain."""
        groups: list[tuple[int, int]] = []
        for i, row in enumerate(self.rows):
            if groups and self.rows[groups[-1][0]]["domain"] == row["domain"]:
                groups[-1] = (groups[-1][0], groups[-1][1] + 1)
            else:
                groups.append((i, 1))
        return groups


Block = tuple[str, "str | Table"]  # ("p", text) or ("table", Table)


def _cells_until_attribute(cells: list[str], start: int) -> int | None:
    """Index of the next attribute cell if a plausible row lies between."""
    for k in range(start, min(start + MAX_ROW_CELLS, len(cells))):
        if ATTRIBUTE.match(cells[k]):
            return k
        if len(cells[k]) > MAX_CELL_CHARS or cells[k].startswith("注"):
            return None
    return None


def _parse_row(seg: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split one row's cells (before the attribute) from the right: target, [baseline],
    [unit], name; whatever is left is the domain cell (and, in the first row, the header)."""
    seg = list(seg)
    row = {"target": seg.pop(), "baseline": "", "unit": ""}
    if len(seg) >= 2 and VALUE.match(seg[-1]):
        row["baseline"] = seg.pop()
    if len(seg) >= 2 and UNIT.match(seg[-1]):
        row["unit"] = seg.pop()
    row["name"] = seg.pop()
    return seg, row


def find_table(lines: list[str]) -> tuple[int, int, Table] | None:
    """(index of caption line, index of last table line, table) of the first indicator table."""
    cells_idx = [i for i, ln in enumerate(lines) if ln.strip()]
    cells = [lines[i].strip() for i in cells_idx]
    for ci, cell in enumerate(cells):
        if not CAPTION.match(cell):
            continue
        first_attr = _cells_until_attribute(cells, ci + 1)
        # the header may take up to 9 cells before the first row ends
        if first_attr is None:
            first_attr = next((k for k in range(ci + 1, min(ci + 20, len(cells))) if ATTRIBUTE.match(cells[k])),
                              None)
            if first_attr is None or any(len(c) > MAX_CELL_CHARS for c in cells[ci + 1 : first_attr]):
                continue
        rest, row = _parse_row(cells[ci + 1 : first_attr])
        table = Table(caption=cell, header=rest[:-1], has_unit=False)
        domain = rest[-1]
        table.rows.append({"domain": domain, **row, "attribute": cells[first_attr]})
        k = first_attr
        while (nxt := _cells_until_attribute(cells, k + 1)) is not None:
            rest, row = _parse_row(cells[k + 1 : nxt])
            assert len(rest) <= 1, f"unexpected cells {rest} before row {row}"
            domain = rest[0] if rest else domain
            table.rows.append({"domain": domain, **row, "attribute": cells[nxt]})
            k = nxt
        if len(table.rows) < 3:
            continue
        table.has_unit = any(r["unit"] for r in table.rows)
        return cells_idx[ci], cells_idx[k], table
    return None


def plan_blocks(seed: Path) -> list[Block]:
    """The seed as paragraphs with its indicator table rebuilt in place (after its caption)."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    found = find_table(lines)
    assert found is not None, f"no indicator table found in {seed.name}"
    start, end, table = found
    blocks: list[Block] = [("p", ln.strip()) for ln in lines[:start] if ln.strip()]
    blocks.append(("p", table.caption))
    blocks.append(("table", table))
    blocks.extend(("p", ln.strip()) for ln in lines[end + 1 :] if ln.strip())
    return blocks


def table_grid(table: Table) -> list[list[str]]:
    return [[row[c] for c in table.columns] for row in table.rows]


# --- writers -------------------------------------------------------------------------


def write_docx(blocks: list[Block], path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "p":
            document.add_paragraph(str(content))
            continue
        assert isinstance(content, Table)
        ncols = len(content.columns)
        t = document.add_table(rows=1 + len(content.rows), cols=ncols)
        t.style = "Table Grid"
        col = 0
        for text, span in content.header_cells():
            cell = t.cell(0, col)
            if span > 1:
                cell = cell.merge(t.cell(0, col + span - 1))
            cell.text = text
            col += span
        for r, values in enumerate(table_grid(content), start=1):
            for c, value in enumerate(values[1:], start=1):
                t.cell(r, c).text = value
        for first, count in content.domain_groups():  # the domain cell merged down its group
            top = t.cell(1 + first, 0)
            top.text = content.rows[first]["domain"]
            if count > 1:
                top.merge(t.cell(first + count, 0))
    # Furniture that must not reach the text: a running header and footer.
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉 不应出现在正文中"
    section.footer.paragraphs[0].text = "— 1 —"
    document.save(str(path))
    return path


def write_html(blocks: list[Block], path: Path, encoding: str = "utf-8") -> Path:
    out = [f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>规划</title>',
           "<style>td{border:1px solid #000}</style><script>var x = '约束性';</script></head><body>",
           "<nav><a href='/'>首页</a> &gt; <a href='/zwgk'>政务公开</a></nav>", '<div class="article">']
    for kind, content in blocks:
        if kind == "p":
            out.append(f"<p>{html.escape(str(content))}</p>")
            continue
        assert isinstance(content, Table)
        out.append('<table border="1"><thead><tr>')
        out.extend(f'<th colspan="{span}">{html.escape(text)}</th>' if span > 1 else f"<th>{html.escape(text)}</th>"
                   for text, span in content.header_cells())
        out.append("</tr></thead><tbody>")
        starts = {first: count for first, count in content.domain_groups()}
        for r, values in enumerate(table_grid(content)):
            out.append("<tr>")
            if r in starts:
                span = f' rowspan="{starts[r]}"' if starts[r] > 1 else ""
                out.append(f"<td{span}>{html.escape(values[0])}</td>")
            out.extend(f"<td>{html.escape(v)}</td>" for v in values[1:])
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</div><footer><nav>网站地图</nav></footer></body></html>")
    path.write_bytes("\n".join(out).encode(encoding))
    return path


def cjk_font_path() -> str | None:
    return next((p for p in FONT_PATHS if Path(p).exists()), None)


def write_pdf(blocks: list[Block], path: Path, widths: list[float] | None = None, landscape_tables: bool = False,
              repeat_header: bool = False, rotate_key: bool = True, rules: str = "grid") -> Path:
    """A4, body text 10.5pt with the customary two-character first-line indent; the table ruled.

    `widths` sets the table's column widths (narrow ones make cells wrap); `landscape_tables`
    puts each table on its own landscape page; `repeat_header` repeats the header row on
    every page a table spans; without `rotate_key` a landscape page has no /Rotate, only its
    content turned (a viewer shows it sideways, as some producers leave it). `rules` is
    "grid" (every cell ruled, the domain merged down its group), "rows" (horizontal rules
    between rows only) or "three-line" (rules above and below the header and below the
    last row); without vertical rules the domain is repeated in every row, unmerged."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
    )
    from reportlab.platypus import Table as RLTable

    font = cjk_font_path()
    assert font, "no CJK TrueType font"
    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", font, subfontIndex=0))
    body = ParagraphStyle("body", fontName="WQY", fontSize=10.5, leading=17, firstLineIndent=21,
                          wordWrap="CJK", spaceAfter=2)
    cell = ParagraphStyle("cell", fontName="WQY", fontSize=9, leading=12, wordWrap="CJK")

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(html.escape(text, quote=False), style)

    story = []
    for kind, content in blocks:
        if kind == "p":
            story.append(para(str(content), body))
            continue
        assert isinstance(content, Table)
        ncols = len(content.columns)
        header: list[object] = []
        style: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if rules == "grid":
            style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        elif rules == "rows":
            style.append(("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.black))
            style.append(("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.black))
        else:
            style.extend([("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                          ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                          ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)])
        col = 0
        for text, span in content.header_cells():
            header.append(para(text, cell))
            header.extend([""] * (span - 1))
            if span > 1:
                style.append(("SPAN", (col, 0), (col + span - 1, 0)))
            col += span
        data: list[list[object]] = [header]
        data.extend([para(v, cell) for v in values] for values in table_grid(content))
        for first, count in content.domain_groups() if rules == "grid" else []:
            for r in range(first + 1, first + count):
                data[1 + r][0] = ""
            if count > 1:
                style.append(("SPAN", (0, 1 + first), (0, first + count)))
        col_widths = widths or ([70, 170, 45, 55, 65, 50] if ncols == 6 else [70, 215, 55, 65, 50])
        table = RLTable(data, colWidths=col_widths, style=style, repeatRows=1 if repeat_header else 0)
        if landscape_tables:
            story.extend([NextPageTemplate("landscape"), PageBreak(), table, NextPageTemplate("portrait"),
                          PageBreak()])
        else:
            story.append(table)
    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72)
    width, height = A4
    # A landscape page as office suites print it: a portrait page turned by /Rotate, its
    # content drawn turned the other way so that it reads upright on screen.
    landscape = PageTemplate("landscape", [Frame(72, 72, height - 144, width - 144)], onPage=_turn_page,
                             pagesize=(width, height))
    landscape.rotation = 90 if rotate_key else 0  # type: ignore[attr-defined]
    doc.addPageTemplates([PageTemplate("portrait", [Frame(72, 72, width - 144, height - 144)]), landscape])
    doc.build(story)
    return path


def _turn_page(canvas: object, doc: object) -> None:
    canvas.translate(doc.pagesize[0], 0)  # type: ignore[attr-defined]
    canvas.rotate(90)  # type: ignore[attr-defined]


def write_image_only_pdf(path: Path) -> Path:
    """A "scanned" PDF: one page holding an image and no text layer."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    png = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(png)
    c = canvas.Canvas(str(path))
    c.drawImage(str(png), 50, 600, 200, 100)
    c.showPage()
    c.save()
    return path


def write_encrypted_pdf(path: Path) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "plan")
    c.save()
    return path
