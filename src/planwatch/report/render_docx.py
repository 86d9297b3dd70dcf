"""Document → .docx, the format an office edits.

Layout follows GB/T 9704 (A4; margins 37/35/28/26 mm; title 二号, body 三号
仿宋, 一级标题 黑体, 二级标题 楷体). Fonts are named, not embedded: these are the
faces every Chinese Windows/WPS install has; elsewhere Word substitutes.
Headings use Word's built-in heading styles so the navigation pane and the
table of contents work. Tables repeat their header row and never split a row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from planwatch.report.content import (
    Block,
    Cell,
    Document,
    Figure,
    GroupRow,
    Heading,
    Paragraph,
    Section,
    Table,
)
from planwatch.report.render_html import Images, chart_images

FONTS = {
    "title": "宋体",
    "body": "仿宋",
    "h1": "黑体",
    "h2": "楷体",
    "table": "仿宋",
    "table_head": "黑体",
    "latin": "Times New Roman",
}
SIZES = {"title": 22, "body": 16, "h": 16, "caption": 12, "note": 10.5}
TONE_FILLS = {"done": "E3F1E4", "ahead": "EEF6E3", "normal": "E6F0FB", "lag": "FFF2CC", "severe": "FBE0E0",
              "missing": "F2F2F2"}
DRAFT_FILL = "FFF8E1"
RED = RGBColor(0xB0, 0x00, 0x00)

A4 = (Mm(210), Mm(297))
PORTRAIT_MARGINS = (Mm(37), Mm(35), Mm(28), Mm(26))  # top, bottom, left, right
LANDSCAPE_MARGINS = (Mm(26), Mm(24), Mm(25), Mm(25))


def _font(run: Run, face: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = FONTS["latin"]
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), face)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _style_font(style: object, face: str, size: float, bold: bool = False) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONTS["latin"]
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia",):
        fonts.set(qn(attr), face)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _page(section: object, landscape: bool) -> None:
    s = section
    w, h = A4
    s.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    s.page_width, s.page_height = (h, w) if landscape else (w, h)  # type: ignore[attr-defined]
    top, bottom, left, right = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = top, bottom, left, right  # type: ignore[attr-defined]
    s.footer_distance = Mm(18)  # type: ignore[attr-defined]


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str = "") -> Run:
    """A Word field (PAGE, TOC …); Word computes it when the document is opened or updated."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # ask Word to refresh on open
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = placeholder
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._element.append(el)
    return run


def _footer(section: object) -> None:
    footer = section.footer  # type: ignore[attr-defined]
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("— ", None, " —"):
        run = _field(p, "PAGE", "1") if part is None else p.add_run(part)
        _font(run, FONTS["body"], 14)


def _setup(doc: object) -> None:
    styles = doc.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    _style_font(normal, FONTS["body"], SIZES["body"])
    pf = normal.paragraph_format
    pf.line_spacing = Pt(28.9)  # 22 lines a page, as GB/T 9704 sets it
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(SIZES["body"] * 2)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, face, bold in (("Heading 1", FONTS["h1"], False), ("Heading 2", FONTS["h2"], True),
                             ("Heading 3", FONTS["body"], True), ("Title", FONTS["title"], True)):
        st = styles[name]
        _style_font(st, face, SIZES["title"] if name == "Title" else SIZES["h"], bold)
        st.paragraph_format.first_line_indent = Pt(0) if name == "Title" else Pt(SIZES["body"] * 2)
        st.paragraph_format.space_before = Pt(6 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(0 if name != "Title" else 12)
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if name == "Title" else WD_ALIGN_PARAGRAPH.LEFT
        # Title's bottom border would print a rule under the title; drop it.
        ppr = st.element.get_or_add_pPr()
        for b in ppr.findall(qn("w:pBdr")):
            ppr.remove(b)
    # Word refreshes fields (the contents, page numbers) when the file is opened.
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)  # type: ignore[attr-defined]
    section = doc.sections[0]  # type: ignore[attr-defined]
    _page(section, landscape=False)
    section.different_first_page_header_footer = True  # no page number on the cover


def _para(doc: object, text: str = "", *, align: object = None, indent: bool = True, size: float | None = None,
          face: str | None = None, bold: bool = False, style: str | None = None) -> DocxParagraph:
    p = doc.add_paragraph(style=style)  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    if not indent:
        p.paragraph_format.first_line_indent = Pt(0)
    if text:
        _font(p.add_run(text), face or FONTS["body"], size, bold)
    return p


def _shade(element: object, fill: str, tag: str) -> None:
    pr = element.get_or_add_tcPr() if tag == "tc" else element.get_or_add_pPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    pr.append(shd)


def _cover(doc: object, d: Document) -> None:
    c = d.cover
    for _ in range(4):
        _para(doc, indent=False)
    for text in ("\n".join(c.plan_title_wrapped), c.report_title):
        p = _para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=SIZES["title"],
                  face=FONTS["title"], bold=True)
        p.paragraph_format.line_spacing = Pt(36)
    _para(doc, "（初稿）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, face=FONTS["h1"])
    for _ in range(5):
        _para(doc, indent=False)
    for label, value in (("地　　区", c.region_name), ("数据年份", f"{c.data_year}年"),
                         ("编制单位", c.issuer or "＿＿＿＿＿＿＿＿"), ("日　　期", c.date_text)):
        p = _para(doc, f"{label}：{value}", indent=False)
        p.paragraph_format.left_indent = Cm(3.5)
    _para(doc, indent=False)
    for n in c.notes:
        _para(doc, n, indent=False, size=SIZES["note"])
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # type: ignore[attr-defined]


def _toc(doc: object) -> None:
    _para(doc, "目　　录", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, face=FONTS["h1"])
    p = _para(doc, indent=False)
    _font(_field(p, 'TOC \\o "1-1" \\h \\z \\u', "（打开文档后右键“更新域”生成目录）"), FONTS["body"], 12)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # type: ignore[attr-defined]


def _cell_text(cell: object, text: str, *, size: float, face: str, bold: bool = False, align: str = "center",
               fill: str | None = None) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(
        align, WD_ALIGN_PARAGRAPH.CENTER)
    _font(p.add_run(text), face, size, bold)
    if fill:
        _shade(cell._tc, fill, "tc")  # type: ignore[attr-defined]


def _row_props(row: object, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant = OxmlElement("w:cantSplit")  # a row never breaks across pages
    trpr.append(cant)
    if header:
        th = OxmlElement("w:tblHeader")  # repeated at the top of every page
        trpr.append(th)


def _table(doc: object, t: Table, text_width: float) -> None:
    cap = _para(doc, t.caption, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=SIZES["caption"],
                face=FONTS["h1"])
    cap.paragraph_format.keep_with_next = True
    ncols = len(t.columns)
    table: DocxTable = doc.add_table(rows=1, cols=ncols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: the widths below hold in Word and WPS
    total = sum(c.width for c in t.columns)
    widths = [Cm(text_width * c.width / total) for c in t.columns]
    for col_obj, w in zip(table.columns, widths, strict=True):
        col_obj.width = w  # the table grid: LibreOffice/WPS lay out by it, not by the cell widths
    size = max(t.font_size + 1.5, 9.0)  # Word prints smaller than the screen; 五号 ≈ 10.5pt
    head = table.rows[0]
    _row_props(head, header=True)
    for i, col in enumerate(t.columns):
        head.cells[i].width = widths[i]
        _cell_text(head.cells[i], col.title, size=size, face=FONTS["table_head"], fill="EEF1F5")
    for r in t.rows:
        row = table.add_row()
        _row_props(row)
        cells = row.cells
        for i in range(ncols):
            cells[i].width = widths[i]
        if isinstance(r, GroupRow):
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, r.text, size=size, face=FONTS["table_head"], align="left", fill="F7F7F7")
            continue
        for i, (c, col) in enumerate(zip(r, t.columns, strict=True)):
            _cell(cells[i], c, col.align, size)
    for i, n in enumerate(t.notes, 1):
        _para(doc, f"{'注：' if i == 1 else '　　'}{i}. {n}", indent=False, size=SIZES["note"])
    _para(doc, indent=False, size=6)


def _cell(cell: object, c: Cell, default_align: str, size: float) -> None:
    _cell_text(cell, c.text, size=size, face=FONTS["table"], bold=c.bold, align=c.align or default_align,
               fill=TONE_FILLS.get(c.tone or ""))


def _paragraph(doc: object, b: Paragraph) -> None:
    if b.style == "draft-mark":
        p = _para(doc, indent=False)
        run = p.add_run(b.text)
        _font(run, FONTS["h1"], 12)
        run.font.color.rgb = RED
        return
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    size = 12 if b.style == "note" else None
    if b.lead:
        _font(p.add_run(b.lead), FONTS["body"], size, True)
    _font(p.add_run(b.text), FONTS["body"], size)
    if b.draft:
        _shade(p._p, DRAFT_FILL, "p")


def _figure(doc: object, f: Figure, images: Images, width_cm: float) -> None:
    p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.line_spacing = 1.0
    p.add_run().add_picture(io.BytesIO(images[f.key]), width=Cm(width_cm))
    _para(doc, f.caption, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=SIZES["caption"], face=FONTS["h1"])


def _blocks(doc: object, blocks: Iterable[Block], images: Images, landscape: bool) -> None:
    text_width = (297 - 50) / 10 if landscape else (210 - 54) / 10
    for b in blocks:
        if isinstance(b, Paragraph):
            _paragraph(doc, b)
        elif isinstance(b, Heading):
            doc.add_paragraph(b.text, style="Heading 2")  # type: ignore[attr-defined]
        elif isinstance(b, Table):
            _table(doc, b, text_width)
        elif isinstance(b, Figure):
            _figure(doc, b, images, min(15.5, text_width))


def _section(doc: object, s: Section, images: Images, state: dict[str, bool]) -> None:
    landscape = any(isinstance(b, Table) and b.landscape for b in s.blocks)
    if landscape != state["landscape"] or state.get("force_break"):
        new = doc.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
        _page(new, landscape)
        new.different_first_page_header_footer = False
        state["landscape"] = landscape
        state["force_break"] = False
    h = doc.add_paragraph(style="Heading 1")  # type: ignore[attr-defined]
    if s.key.startswith("appendix"):
        h.paragraph_format.first_line_indent = Pt(0)
    _font(h.add_run(s.title), FONTS["h1"])
    if s.draft:
        run = h.add_run("【初稿，请修改】")
        _font(run, FONTS["h1"], 12)
        run.font.color.rgb = RED
    _blocks(doc, s.blocks, images, landscape)
    # A landscape section is followed by a new (portrait) Word section.
    state["force_break"] = landscape


def render_docx(d: Document, images: Images | None = None) -> bytes:
    images = images if images is not None else chart_images(d, "png")
    doc = new_docx()
    _setup(doc)
    doc.core_properties.title = d.title
    doc.core_properties.author = "planwatch"
    doc.core_properties.comments = "由 planwatch 根据规划登记库数据自动起草（初稿）"
    _cover(doc, d)
    _footer(doc.sections[0])
    _toc(doc)
    doc.add_paragraph(style="Title").add_run(f"{d.cover.plan_title}\n{d.cover.report_title}")
    state = {"landscape": False, "force_break": False}
    for s in d.sections:
        _section(doc, s, images, state)
    for i, s in enumerate(d.appendix):
        if i == 0 or not state["force_break"]:
            state["force_break"] = True  # each appendix starts on a new page
        _section(doc, s, images, state)
    for sec in doc.sections[1:]:
        _footer(sec)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
