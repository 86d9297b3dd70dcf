"""Rendered reports as a reader gets them: PDF text and pages, the Word file, the HTML page.

The PDF pages are kept as PNG under tests/artifacts/report/ for a person to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from report_sample import sample_input

from planwatch.report.adapter import evaluate_for_report
from planwatch.report.config import ReportConfig
from planwatch.report.render_docx import render_docx
from planwatch.report.render_html import chart_images, render_html
from planwatch.report.render_pdf import render_pdf
from planwatch.report.sections import build_document

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"
MISSING_GLYPHS = re.compile(r"[□\ufffd]|\(cid:\d+\)")
A4 = (595.3, 841.9)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                                reason="needs poppler-utils (pdftotext, pdftoppm)")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    data = evaluate_for_report(sample_input(28, simulated=True), 2025)
    doc = build_document(data, ReportConfig(kind="final"), today=date(2025, 12, 1))
    images = chart_images(doc)
    out = tmp_path_factory.mktemp("report")
    pdf = out / "sample-final.pdf"
    pdf.write_bytes(render_pdf(doc, images))
    docx = out / "sample-final.docx"
    docx.write_bytes(render_docx(doc, images))
    return data, doc, pdf, docx, render_html(doc, images)


def pdf_text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def keep_pages(pdf: Path, name: str) -> list[Path]:
    target = ARTIFACTS / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(target / "page")], check=True)
    return sorted(target.glob("page-*.png"))


def main_table_rows(pdf: Path) -> tuple[list[list[str]], int]:
    """Rows of 表2 on every page it spans (header rows removed), and how many pages it spans."""
    rows: list[list[str]] = []
    pages = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                head = [(c or "").replace("\n", "") for c in table[0]]
                if head[:2] != ["序号", "指标名称"] or "时序进度" not in head:
                    continue
                pages += 1
                rows += [[(c or "").replace("\n", "") for c in r] for r in table[1:]]
    return rows, pages


def test_pdf_text_is_chinese_without_missing_glyphs(rendered) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf, _, _ = rendered
    text = pdf_text(pdf)
    assert "主要指标完成情况" in text and "约束性指标完成情况" in text
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 3000
    bad = MISSING_GLYPHS.findall(text)
    assert not bad, f"missing glyphs in PDF text: {bad[:5]}"


def test_pdf_pages_are_kept_as_png_and_sized_a4(rendered) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf, _, _ = rendered
    pngs = keep_pages(pdf, "sample-final")
    with pdfplumber.open(pdf) as doc:
        sizes = [(round(p.width, 1), round(p.height, 1)) for p in doc.pages]
    assert len(pngs) == len(sizes) > 10
    assert set(sizes) <= {A4, A4[::-1]}
    assert sizes[0] == A4 and A4[::-1] in sizes  # portrait body, landscape wide tables


def test_every_indicator_is_in_the_main_table_and_no_row_is_split(rendered) -> None:  # type: ignore[no-untyped-def]
    data, _, pdf, _, _ = rendered
    rows, pages = main_table_rows(pdf)
    assert pages >= 2, "the sample's table spans pages, so the header must repeat"
    indicator_rows = [r for r in rows if any(r[1:])]
    for r in indicator_rows:
        # A split row would leave a fragment: a number without a status, or a status without a number.
        assert r[0].isdigit() and r[1] and r[9], f"split or partial row: {r}"
    domains = list(dict.fromkeys(i.domain for i in data.indicators))
    assert [r[1] for r in indicator_rows] == [i.name for d in domains for i in data.indicators if i.domain == d]
    assert [int(r[0]) for r in indicator_rows] == list(range(1, len(data.indicators) + 1))


def test_missing_and_simulated_values_are_written_out(rendered) -> None:  # type: ignore[no-untyped-def]
    _, _, pdf, _, _ = rendered
    text = pdf_text(pdf)
    assert "未报送" in text and "模拟数据" in text
    assert "【初稿，请修改】" in text


def test_sections_are_numbered_and_listed_in_the_contents(rendered) -> None:  # type: ignore[no-untyped-def]
    _, doc, pdf, _, _ = rendered
    contents = pdf_text(pdf, 2)
    for s in (*doc.sections, *doc.appendix):
        assert s.title[:6] in contents.replace(" ", "")


def test_docx_tables_repeat_headers_and_keep_rows_whole(rendered) -> None:  # type: ignore[no-untyped-def]
    data, _, _, docx, _ = rendered
    d = open_docx(str(docx))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、总体情况" and any(h.startswith("六、存在的问题") for h in headings)
    main = next(t for t in d.tables if t.rows[0].cells[1].text == "指标名称" and len(t.columns) == 11)
    names = {r.cells[1].text for r in main.rows[1:]}
    assert {i.name for i in data.indicators} <= names
    for t in d.tables:
        trs = t._tbl.tr_lst
        assert trs[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs)
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in d.sections)
    # The grid carries the column widths (LibreOffice and WPS lay out by it):
    # the indicator name column is wider than the sequence number column.
    grid = [c.width for c in main.columns]
    assert grid[1] > 3 * grid[0]
    assert len(d.inline_shapes) == len([b for b in rendered[1].figures()])


def test_html_is_one_self_contained_page(rendered) -> None:  # type: ignore[no-untyped-def]
    data, _, _, _, html = rendered
    assert "<thead>" in html and 'lang="zh-CN"' in html
    assert not re.search(r'(src|href)="https?:', html)  # no network at view time
    assert all(i.name.replace("“", "&#34;") in html or i.name in html for i in data.indicators)
