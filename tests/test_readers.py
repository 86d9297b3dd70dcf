"""Each reader turns its format into the same kind of text: paragraphs as lines, table rows
as one line with TAB-separated cells, merged cells repeated in every position they cover."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import cjk_font_path, write_encrypted_pdf, write_image_only_pdf
from planwatch.extract.document import ExtractError
from planwatch.extract.formats.txt import decode_text
from planwatch.extract.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))
SAMPLE = "第一章 总体要求\r\n到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个。\r\n城镇调查失业率≤5.5%\r\n"
EXPECTED = "第一章 总体要求\n到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个。\n城镇调查失业率≤5.5%\n"

needs_cjk_font = pytest.mark.skipif(cjk_font_path() is None,
                                    reason="needs fonts-wqy-zenhei (CJK TrueType font) to build PDFs; CI installs it")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# --- .txt -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "utf-16", "utf-16-be",
                                      "utf-32"])
def test_txt_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    data = SAMPLE.encode(encoding)
    if encoding == "utf-16-be":  # BOM-less big-endian UTF-16: only the NUL pattern says so
        data = SAMPLE.encode("utf-16-be")
    doc = read_document(write(tmp_path, "plan.txt", data))
    assert doc.text == EXPECTED
    assert doc.format == "txt"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_in_gb18030_reads_like_utf8(tmp_path: Path, seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    assert read_document(write(tmp_path, "p.txt", text.encode("gb18030"))).text == read_document(seed).text


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "p.txt", "一\r\n二\r三\n四\f五\u2028六"))
    assert doc.lines == ["一", "二", "三", "四", "五", "六"]


def test_stray_control_characters_are_dropped(tmp_path: Path) -> None:
    assert read_document(write(tmp_path, "p.txt", "规划文本" * 50 + "\x1a")).text == "规划文本" * 50


@pytest.mark.parametrize("data,reason", [
    (b"\x00\x01\x02\x03binary\x00\xff\xd9" * 20, "binary"),
    (bytes(range(1, 32)) * 10, "binary"),
    # UTF-8 Chinese with one broken byte must not become GB18030 mojibake
    ("到2025年托位数达到4.5个".encode() * 5 + b"\xff" + "规划".encode() * 10, "invalid UTF-8 byte at offset"),
    (b"\x81\x20\x82\x21\x83\x22" * 10, "cannot decode text"),
])
def test_txt_refuses_binary_and_undecodable(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError) as err:
        read_document(write(tmp_path, "bad.txt", data))
    assert reason in err.value.reason
    assert err.value.path and err.value.path.endswith("bad.txt")


TEXT = st.text(alphabet=st.sampled_from(list("规划指标托位数每千人口达到以上，。“”（）%≤≥【】")
                                        + [chr(c) for c in range(0x20, 0x7F)] + ["\n", "\t"]),
               max_size=200)


@settings(max_examples=60, deadline=None)
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_encodings_round_trip(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


# --- .html ----------------------------------------------------------------------------


def test_html_blocks_become_lines_and_noise_is_dropped(tmp_path: Path) -> None:
    page = """<html><head><title>苍溪县公共服务规划</title><style>p{color:red}</style></head><body>
    <nav><a href="/">首页</a></nav><script>var a = "到2025年达到99%";</script>
    <div><h1>苍溪县公共服务规划</h1><p>第一章 总体要求</p>
    <p>到2025年，托位数达到<b>4.5</b>个。<br>第二行</p><!-- 注释 -->
    <ul><li>一、甲</li><li>二、乙</li></ul><p>&nbsp;</p><p>A&amp;B   C</p></div></body></html>"""
    doc = read_document(write(tmp_path, "p.html", page))
    assert doc.lines == ["苍溪县公共服务规划", "第一章 总体要求", "到2025年，托位数达到4.5个。", "第二行",
                         "一、甲", "二、乙", "A&B C"]
    assert doc.format == "html"


def test_html_table_rows_are_tab_lines_with_spans_repeated(tmp_path: Path) -> None:
    page = """<p>表1 主要指标</p><table>
    <tr><th colspan="2">指标</th><th>2020年</th><th>2025年</th></tr>
    <tr><td rowspan="2">幼有所育</td><td>托位数<br>(个)</td><td>0.27</td><td>2.5</td></tr>
    <tr><td>覆盖率(%)</td><td></td><td>应保尽保</td></tr>
    <tr><td>学有所教</td><td>入园率(%)</td><td>90</td><td>98</td></tr></table><p>正文</p>"""
    doc = read_document(write(tmp_path, "t.htm", page))
    assert doc.lines == ["表1 主要指标", "指标\t指标\t2020年\t2025年", "幼有所育\t托位数(个)\t0.27\t2.5",
                         "幼有所育\t覆盖率(%)\t\t应保尽保", "学有所教\t入园率(%)\t90\t98", "正文"]


def test_html_layout_table_is_read_as_blocks(tmp_path: Path) -> None:
    page = """<table><tr><td><p>第一章 总体要求</p><p>正文一</p>
    <table><tr><td>领域</td><td>指标</td></tr></table></td></tr></table>"""
    assert read_document(write(tmp_path, "l.html", page)).lines == ["第一章 总体要求", "正文一", "领域\t指标"]


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "GB18030"])
def test_html_meta_charset(tmp_path: Path, charset: str) -> None:
    body = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head>' \
           "<body><p>到2025年，城镇调查失业率控制在5.5%以内</p></body></html>"
    doc = read_document(write(tmp_path, "g.html", body.encode("gb18030")))
    assert doc.lines == ["到2025年，城镇调查失业率控制在5.5%以内"]


def test_html_without_charset_is_detected(tmp_path: Path) -> None:
    body = "<html><body><p>到2025年，每千人口执业医师数达到3.2人</p>" * 3 + "</body></html>"
    assert read_document(write(tmp_path, "d.html", body.encode("gbk"))).lines[0] == "到2025年，每千人口执业医师数达到3.2人"


# --- .docx ----------------------------------------------------------------------------


def _docx(tmp_path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("第一章 总体要求")
    t = d.add_table(rows=4, cols=4)
    for r, row in enumerate([["指标", "", "2020年", "2025年"], ["幼有所育", "托位数(个)", "0.27", "2.5"],
                             ["", "覆盖率(%)", "", "应保尽保"], ["学有所教", "入园率(%)", "90", "98"]]):
        for c, value in enumerate(row):
            if value:
                t.cell(r, c).text = value
    t.cell(0, 0).merge(t.cell(0, 1))  # header spans two columns
    t.cell(1, 0).merge(t.cell(2, 0))  # domain spans two rows
    t.cell(3, 1).add_paragraph("（含民办）")  # a second paragraph in a cell joins the first
    d.add_paragraph("到2025年，\t托位数达到4.5个。")
    d.add_paragraph("")
    d.add_paragraph("第二行\n第三行")
    d.sections[0].header.paragraphs[0].text = "页眉"
    d.sections[0].footer.paragraphs[0].text = "- 1 -"
    path = tmp_path / "p.docx"
    d.save(str(path))
    return path


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    doc = read_document(_docx(tmp_path))
    assert doc.lines == ["第一章 总体要求", "指标\t指标\t2020年\t2025年", "幼有所育\t托位数(个)\t0.27\t2.5",
                         "幼有所育\t覆盖率(%)\t\t应保尽保", "学有所教\t入园率(%)（含民办）\t90\t98",
                         "到2025年， 托位数达到4.5个。", "第二行", "第三行"]
    assert doc.format == "docx"


# --- .pdf -----------------------------------------------------------------------------


def _pdf_story_pdf(tmp_path: Path) -> Path:
    from builders import Table, write_pdf

    table = Table(caption="表1 主要指标", header=["领域", "指标", "2020年", "2025年", "属性"], has_unit=False)
    for domain, name, base, target, attr in [("幼有所育", "托位数(个)", "0.27", "2.5", "预期性"),
                                             ("幼有所育", "覆盖率(%)", "", "应保尽保", "约束性"),
                                             ("学有所教", "入园率(%)", "90", "98", "预期性")]:
        table.rows.append({"domain": domain, "name": name, "unit": "", "baseline": base, "target": target,
                           "attribute": attr})
    long_para = "到2025年，全县每千人口拥有3岁以下婴幼儿托位数达到4.5个，" * 6 + "普惠托育服务覆盖率达到“85%”以上。"
    blocks = [("p", "第一章 总体要求"), ("p", long_para), ("p", "表1 主要指标"), ("table", table), ("p", "正文结束")]
    return write_pdf(blocks, tmp_path / "p.pdf")  # type: ignore[arg-type]


@needs_cjk_font
def test_pdf_wrapped_paragraphs_rejoin_and_ruled_table_is_tab_rows(tmp_path: Path) -> None:
    doc = read_document(_pdf_story_pdf(tmp_path))
    long_para = "到2025年，全县每千人口拥有3岁以下婴幼儿托位数达到4.5个，" * 6 + "普惠托育服务覆盖率达到“85%”以上。"
    assert doc.lines == ["第一章 总体要求", long_para, "表1 主要指标", "领域\t指标\t2020年\t2025年\t属性",
                         "幼有所育\t托位数(个)\t0.27\t2.5\t预期性", "幼有所育\t覆盖率(%)\t\t应保尽保\t约束性",
                         "学有所教\t入园率(%)\t90\t98\t预期性", "正文结束"]
    assert doc.format == "pdf"


def test_image_only_pdf_is_refused_as_scanned(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as err:
        read_document(write_image_only_pdf(tmp_path / "scan.pdf"))
    assert "PDF has no text layer" in err.value.reason and "OCR" in err.value.reason


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractError) as err:
        read_document(write_encrypted_pdf(tmp_path / "locked.pdf"))
    assert "encrypted" in err.value.reason


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    with pytest.raises(ExtractError) as err:
        read_document(path)
    assert "PDF" in err.value.reason


# --- dispatch -------------------------------------------------------------------------


def test_content_decides_over_a_wrong_extension(tmp_path: Path) -> None:
    pdf = write_image_only_pdf(tmp_path / "a.pdf")
    renamed = write(tmp_path, "really_a_pdf.txt", pdf.read_bytes())
    with pytest.raises(ExtractError, match="no text layer"):
        read_document(renamed)
    assert read_document(_docx(tmp_path).rename(tmp_path / "word.txt")).format == "docx"


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    assert read_document(write(tmp_path, "plan.dat", SAMPLE)).format == "txt"
    assert read_document(write(tmp_path, "page.asp", "<!DOCTYPE html><html><p>正文</p></html>")).format == "html"
    with pytest.raises(ExtractError, match=r"unsupported file type \.bin"):
        read_document(write(tmp_path, "blob.bin", b"\x00\x01\x02\xff" * 100))


@pytest.mark.parametrize("name,data,reason", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Word .doc"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image"),
    ("empty.txt", b"", "empty file"),
    ("a.zip", b"PK\x03\x04" + b"\x00" * 60, "zip"),
])
def test_unreadable_kinds_are_named(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError) as err:
        read_document(write(tmp_path, name, data))
    assert reason in err.value.reason


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="file not found"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(ExtractError, match="is a directory"):
        read_document(tmp_path)


def test_one_column_box_keeps_its_paragraphs_as_lines(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    box = d.add_table(rows=2, cols=1)
    box.cell(0, 0).text = "专栏1 重点工程"
    box.cell(1, 0).text = "1.托育服务能力建设工程"
    box.cell(1, 0).add_paragraph("新增托位1000个。")
    d.save(str(tmp_path / "box.docx"))
    expected = ["专栏1 重点工程", "1.托育服务能力建设工程", "新增托位1000个。"]
    assert read_document(tmp_path / "box.docx").lines == expected
    page = "<table><tr><td>专栏1 重点工程</td></tr><tr><td><p>1.托育服务能力建设工程</p><p>新增托位1000个。</p></td></tr></table>"
    assert read_document(write(tmp_path, "box.html", page)).lines == expected


@needs_cjk_font
def test_pdf_one_column_box_is_text(tmp_path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Table as RLTable

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    style = ParagraphStyle("b", fontName="WQY", fontSize=10.5, leading=16)
    box = RLTable([[Paragraph("专栏1 重点工程", style)], [Paragraph("1.托育服务能力建设工程", style)]],
                  colWidths=[400], style=[("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                                          ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black)])
    path = tmp_path / "box.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph("第一章 总体要求", style), box])
    assert read_document(path).lines == ["第一章 总体要求", "专栏1 重点工程", "1.托育服务能力建设工程"]


def test_docx_automatic_numbering_is_rendered(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    from planwatch.extract.formats.numbering import chinese_number

    assert [chinese_number(n) for n in (1, 10, 12, 20, 105, 110)] == ["一", "十", "十二", "二十", "一百零五", "一百一十"]
    d = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="space"/>'
        '<w:lvlText w:val="第%1章"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%2、"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    numbered("总体要求", 0)
    numbered("发展基础", 1)
    numbered("托育", 2)
    numbered("养老", 2)
    numbered("主要目标", 1)
    numbered("托育", 2)
    numbered("重点任务", 0)
    d.add_paragraph("正文不编号")
    d.add_paragraph("列表样式", style="List Number")
    d.save(str(tmp_path / "n.docx"))
    assert read_document(tmp_path / "n.docx").lines == [
        "第一章 总体要求", "一、发展基础", "1. 托育", "2. 养老", "二、主要目标", "1. 托育", "第二章 重点任务",
        "正文不编号", "1. 列表样式"]


@needs_cjk_font
def test_pdf_fake_bold_heading_is_read_once(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(cjk_font_path()), subfontIndex=0))
    path = tmp_path / "bold.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("WQY", 16)
    for dx in (0, 0.3, 0.6):  # "bold" by overprinting, as some PDF producers do
        c.drawString(72 + dx, 720, "第一章 总体要求")
    c.setFont("WQY", 10.5)
    c.drawString(72, 690, "到2025年，托位数达到4.5个。")
    c.save()
    assert read_document(path).lines == ["第一章 总体要求", "到2025年，托位数达到4.5个。"]
