"""PDF fidelity: the sample plans rendered as PDFs the way real ones are laid out (narrow
columns whose cells wrap, landscape table pages turned by /Rotate, tables running over
pages with the header repeated) yield the same indicator table rows as their .txt, and
real-world text traits (CJK fonts with ToUnicode maps, full-width punctuation, running
headers and page numbers) read as the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builders import Table, cjk_font_path, plan_blocks, write_pdf
from planwatch.extract.formats.pdf_tables import find_grids
from planwatch.extract.pipeline import extract_path
from planwatch.extract.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {name: next((ROOT / "data" / "seeds").glob(f"{name}_*.txt")) for name in ("002", "004")}
# Columns about half as wide as the plans print them: names wrap over 2-4 lines, values
# and the header ("2020年情况") over 2.
NARROW = {5: [42, 90, 40, 44, 40], 6: [40, 80, 30, 40, 40, 36]}

needs_cjk_font = pytest.mark.skipif(cjk_font_path() is None,
                                    reason="needs fonts-wqy-zenhei (CJK TrueType font) to build PDFs; CI installs it")


def table_rows(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (i.get("domain"), i.get("name"), i.get("unit"), (i.get("baseline") or {}).get("raw"),
         (i.get("target") or {}).get("raw"), i.get("attribute"))
        for i in result["indicators"] if i.get("source") == "table"
    ]


def _table(blocks: list[Any]) -> Table:
    return next(content for kind, content in blocks if kind == "table")


@needs_cjk_font
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_narrow_columns_wrapped_cells_give_the_txt_rows(name: str, tmp_path: Path) -> None:
    blocks = plan_blocks(SEEDS[name])
    widths = NARROW[len(_table(blocks).columns)]
    path = write_pdf(blocks, tmp_path / f"{name}.pdf", widths=widths)
    expected = table_rows(extract_path(SEEDS[name]))
    assert expected and table_rows(extract_path(path)) == expected


@needs_cjk_font
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_rotated_landscape_table_over_pages_with_repeated_header(name: str, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    blocks = plan_blocks(SEEDS[name])
    path = write_pdf(blocks, tmp_path / f"{name}.pdf", landscape_tables=True, repeat_header=True)
    doc = pdfium.PdfDocument(str(path))
    turned = [i for i in range(len(doc)) if doc[i].get_rotation() == 90]
    doc.close()
    assert len(turned) >= 2, "the table should run over two landscape pages"
    lines = read_document(path).lines
    header = next(ln for ln in lines if "\t" in ln)
    assert lines.count(header) == 1
    assert table_rows(extract_path(path)) == table_rows(extract_path(SEEDS[name]))


@needs_cjk_font
def test_landscape_table_drawn_turned_without_rotate_key(tmp_path: Path) -> None:
    blocks = plan_blocks(SEEDS["002"])
    path = write_pdf(blocks, tmp_path / "turned.pdf", landscape_tables=True, rotate_key=False)
    assert table_rows(extract_path(path)) == table_rows(extract_path(SEEDS["002"]))


@needs_cjk_font
def test_wrapped_and_merged_cells(tmp_path: Path) -> None:
    table = Table(caption="表1 主要指标", header=["领域", "指标", "2020年", "2025年", "属性"], has_unit=False)
    rows = [("幼有所育", "每千人口拥有3岁以下婴幼儿托位数（个）", "0.27", "2.5", "预期性"),
            ("幼有所育", "普惠托育服务覆盖率（%）", "", "应保尽保", "约束性"),
            ("学有所教", "学前教育毛入园率（%）", "90", "稳定在98以上", "预期性")]
    for domain, name, base, target, attr in rows:
        table.rows.append({"domain": domain, "name": name, "unit": "", "baseline": base, "target": target,
                           "attribute": attr})
    path = write_pdf([("p", "表1 主要指标"), ("table", table), ("p", "正文结束")], tmp_path / "t.pdf",  # type: ignore[list-item]
                     widths=[30, 60, 30, 36, 30])
    assert read_document(path).lines == ["表1 主要指标", "领域\t指标\t2020年\t2025年\t属性",
                                         *("\t".join(r) for r in rows), "正文结束"]


@needs_cjk_font
def test_full_width_punctuation_and_cjk_text_read_exactly(tmp_path: Path) -> None:
    text = "（一）到2025年，基本养老保险参保率达到95％；“十四五”时期：每千人口床位数≥6.5张、覆盖率【100%】。"
    path = write_pdf([("p", "第一章 总体要求"), ("p", text)], tmp_path / "p.pdf")
    assert read_document(path).lines == ["第一章 总体要求", text]


@needs_cjk_font
def test_running_header_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    path = tmp_path / "pages.pdf"
    c = canvas.Canvas(str(path))
    body = []
    for page in range(1, 5):
        c.setFont("WQY", 9)
        c.drawString(72, 800, "苍溪县“十四五”公共服务规划")
        c.drawCentredString(297, 40, f"— {page} —")
        c.setFont("WQY", 10.5)
        line = f"第{'一二三四'[page - 1]}章 到2025年完成{page * 10}个。"  # headings: never joined
        c.drawString(93, 700, line)
        body.append(line)
        c.showPage()
    c.save()
    assert read_document(path).lines == body


def test_grid_merges_cells_where_a_ruling_is_missing() -> None:
    # 3 columns x 3 rows; the first column's cell spans rows 2-3 (no ruling between them),
    # the header's last two cells are one (no ruling between them); no outer side borders.
    xs, ys = [0.0, 50.0, 150.0, 200.0], [0.0, 20.0, 40.0, 60.0]
    h = [(y, 0.0, 200.0) for y in ys[:2]] + [(40.0, 50.0, 200.0), (60.0, 0.0, 200.0)]
    v = [(50.0, 0.0, 60.0), (150.0, 20.0, 60.0)]
    (grid,) = find_grids(h, v)
    assert [round(x) for x in grid.xs] == xs and [round(y) for y in grid.ys] == ys
    g = grid.group
    assert g[0][1] == g[0][2] and g[1][0] == g[2][0] and len({g[1][1], g[1][2], g[2][1], g[2][2]}) == 4
    text = {g[0][0]: "领域", g[0][1]: "目标", g[1][0]: "幼有所育", g[1][1]: "a", g[1][2]: "b", g[2][1]: "c"}
    assert grid.rows(text)[0] == [["领域", "目标", "目标"], ["幼有所育", "a", "b"], ["幼有所育", "c", ""]]


def test_one_column_box_and_stray_rules_are_not_tables() -> None:
    box = [(0.0, 0.0, 300.0), (20.0, 0.0, 300.0), (80.0, 0.0, 300.0)], [(0.0, 0.0, 80.0), (300.0, 0.0, 80.0)]
    assert find_grids(*box) == []
    assert find_grids([(100.0, 0.0, 500.0), (700.0, 0.0, 500.0)], []) == []


def _draw_table(c: Any, left: float, top: float, widths: list[float], rows: list[list[str]],
                first_col_runs: list[int]) -> None:
    """Rows of 18pt on a canvas, all ruled, the first column merged down runs of rows (its
    text drawn in the run's first row only, as a page-broken Word cell is)."""
    height = 18.0
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top - height * len(rows)
    for x in xs:
        c.line(x, top, x, bottom)
    run_starts, r = set(), 0
    for run in first_col_runs:
        run_starts.add(r)
        r += run
    for r, row in enumerate(rows):
        y = top - height * r
        c.line(xs[0] if r in run_starts else xs[1], y, xs[-1], y)
        for col, text in enumerate(row):
            if text:
                c.drawString(xs[col] + 3, y - 13, text)
    c.line(xs[0], bottom, xs[-1], bottom)


@needs_cjk_font
def test_merged_cell_cut_by_a_page_break_keeps_its_text_on_the_next_page(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    path = tmp_path / "broken.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("WQY", 10)
    widths = [70.0, 150.0, 50.0, 50.0]
    header = ["领域", "指标", "2020年", "2025年"]
    _draw_table(c, 72, 400, widths, [header, ["学有所教", "入园率(%)", "90", "98"], ["", "巩固率(%)", "95", "96"]],
                [1, 2])
    c.showPage()
    c.setFont("WQY", 10)
    _draw_table(c, 72, 770, widths, [header, ["", "入学率(%)", "94", "95"], ["病有所医", "预期寿命(岁)", "77", "78"]],
                [1, 1, 1])
    c.save()
    assert read_document(path).lines == ["领域\t指标\t2020年\t2025年", "学有所教\t入园率(%)\t90\t98",
                                         "学有所教\t巩固率(%)\t95\t96", "学有所教\t入学率(%)\t94\t95",
                                         "病有所医\t预期寿命(岁)\t77\t78"]


@needs_cjk_font
def test_borders_filled_as_thin_rectangles_in_one_path(tmp_path: Path) -> None:
    """Word and WPS paint cell borders as thin filled rectangles, often all in one path."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    path = tmp_path / "filled.pdf"
    c = canvas.Canvas(str(path))
    xs, ys = [72.0, 160.0, 300.0, 360.0], [700.0, 682.0, 664.0]
    borders = c.beginPath()
    for y in ys:
        borders.rect(xs[0], y - 0.25, xs[-1] - xs[0], 0.5)
    for x in xs:
        borders.rect(x - 0.25, ys[-1], 0.5, ys[0] - ys[-1])
    c.drawPath(borders, stroke=0, fill=1)
    c.setFont("WQY", 10)
    for r, row in enumerate([["领域", "指标", "目标"], ["幼有所育", "托位数(个)", "4.5"]]):
        for col, text in enumerate(row):
            c.drawString(xs[col] + 3, ys[r] - 13, text)
    c.save()
    assert read_document(path).lines == ["领域\t指标\t目标", "幼有所育\t托位数(个)\t4.5"]


@needs_cjk_font
@pytest.mark.parametrize("name,narrow", [("002", False), ("004", False), ("004", True)])
def test_table_ruled_across_only_takes_its_columns_from_alignment(name: str, narrow: bool, tmp_path: Path) -> None:
    """Horizontal rules between rows and none between columns (each domain written out in
    its row; 004's "指 标" heading spans the domain and name columns): the seed's rows."""
    blocks = plan_blocks(SEEDS[name])
    widths = NARROW[len(_table(blocks).columns)] if narrow else None
    path = write_pdf(blocks, tmp_path / "rows.pdf", rules="rows", widths=widths)
    assert table_rows(extract_path(path)) == table_rows(extract_path(SEEDS[name]))


@needs_cjk_font
def test_three_line_table_on_one_page_gives_the_txt_rows(tmp_path: Path) -> None:
    path = write_pdf(plan_blocks(SEEDS["004"]), tmp_path / "three.pdf", rules="three-line")
    assert table_rows(extract_path(path)) == table_rows(extract_path(SEEDS["004"]))


def _canvas_pdf(path: Path, draw: Any) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    c = canvas.Canvas(str(path))
    c.setFont("WQY", 10)
    draw(c)
    c.save()
    return path


@needs_cjk_font
def test_three_line_table_rows_from_its_lines(tmp_path: Path) -> None:
    """Rules above and below the header and below the table only; one name wraps over two
    lines with its row's values centred beside them."""
    rows = [["领域", "指标", "2020年", "2025年"], ["幼有所育", "托位数(个)", "0.27", "2.5"],
            ["学有所教", "劳动年龄人口平均受教育年限(年)", "12.4", "13.4"], ["病有所医", "预期寿命(岁)", "77.4", "78"]]

    def draw(c: Any) -> None:
        xs = [72, 150, 300, 370]
        for y, width in ((700, 1.2), (680, 0.6), (596, 1.2)):  # top, under the header, bottom
            c.setLineWidth(width)
            c.line(72, y, 440, y)
        for x, text in zip(xs, rows[0], strict=True):
            c.drawString(x + 3, 686, text)
        for x, text in zip(xs, rows[1], strict=True):
            c.drawString(x + 3, 664, text)
        c.drawString(xs[1] + 3, 644, "劳动年龄人口平均")  # wrapped, leading 12
        c.drawString(xs[1] + 3, 632, "受教育年限(年)")
        for x, text in zip([xs[0], xs[2], xs[3]], [rows[2][0], rows[2][2], rows[2][3]], strict=True):
            c.drawString(x + 3, 638, text)
        for x, text in zip(xs, rows[3], strict=True):
            c.drawString(x + 3, 610, text)

    path = _canvas_pdf(tmp_path / "three.pdf", draw)
    assert read_document(path).lines == ["\t".join(r) for r in rows]


@needs_cjk_font
def test_paragraphs_between_rules_stay_text(tmp_path: Path) -> None:
    text = ["到2025年，全县托位数达到4500个，普惠托育服务覆盖率达到85%以上，", "婴幼儿照护服务体系基本建立。"]

    def draw(c: Any) -> None:
        for y in (700, 660, 620):
            c.line(72, y, 440, y)
        c.drawString(75, 686, text[0])
        c.drawString(75, 646, text[1])

    path = _canvas_pdf(tmp_path / "box.pdf", draw)
    assert all("\t" not in line for line in read_document(path).lines)


@needs_cjk_font
def test_closing_block_between_rules_is_not_a_table(tmp_path: Path) -> None:
    """An official document's closing block: 抄送 and 印发 lines between three rules."""

    def draw(c: Any) -> None:
        for y in (200, 180, 160):
            c.line(72, y, 520, y)
        c.drawString(75, 186, "抄送：县委各部门。")
        c.drawString(75, 166, "苍溪县人民政府办公室")
        c.drawString(400, 166, "2022年5月27日印发")

    path = _canvas_pdf(tmp_path / "closing.pdf", draw)
    assert all("\t" not in line for line in read_document(path).lines)
