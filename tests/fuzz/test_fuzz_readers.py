"""Property-based fuzz of the readers and the extraction pipeline (hypothesis).

Every input either reads or is refused with an ExtractError: never another exception, never
an unbounded grid. The number of examples per property comes from PLANWATCH_FUZZ_EXAMPLES
(small by default so CI stays quick); a longer run is documented in the README:

    PLANWATCH_FUZZ_EXAMPLES=2000 PYTHONPATH=src .venv/bin/python -m pytest -q tests/fuzz
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planwatch.extract.document import ExtractError
from planwatch.extract.formats.bounds import MAX_TABLE_CELLS
from planwatch.extract.pipeline import extract_text
from planwatch.extract.readers import read_document

EXAMPLES = int(os.environ.get("PLANWATCH_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 50,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Pieces plan prose is made of: years, numbers, units, verbs of targets, punctuation.
_TOKENS = ["到2025年", "2020年", "截至", "达到", "提高到", "不低于", "以上", "以内", "每千人口", "托位数",
           "4.5", "98", "%", "个", "张", "万人", "，", "。", "；", "、", "“十四五”", "《规划》", "(约束性)",
           "一、", "（一）", "第一章", "专栏1", "\t", "\n", "三", "所", "连续", "分别", "和", "1:2", "翻一番"]


def _read_or_refuse(path: Path) -> str | None:
    try:
        return read_document(path).text
    except ExtractError as exc:
        assert exc.reason  # a refusal always says why
        return None


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".md", ".bin"]))
def test_any_bytes_read_or_are_refused(tmp_path_factory, data: bytes, ext: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("bytes") / f"doc{ext}"
    path.write_bytes(data)
    _read_or_refuse(path)


_SPAN = st.one_of(st.integers(0, 4), st.integers(5, 70000), st.sampled_from(["", "x", "-3", "1e9", " 2 "]))


@st.composite
def _html_table(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.lists(st.tuples(_SPAN, _SPAN, st.text(max_size=6)), min_size=0, max_size=8),
                         min_size=1, max_size=12))
    body = "".join("<tr>" + "".join(f'<td rowspan="{r}" colspan="{c}">{t}</td>' for r, c, t in row) + "</tr>"
                   for row in rows)
    nested = draw(st.booleans())
    inner = f"<table><tr><td>a</td><td>b</td></tr>{body}</table>" if nested else ""
    return f"<html><body><p>某某市规划</p><table>{body}<tr><td>{inner}</td></tr></table></body></html>"


@FUZZ
@given(page=_html_table())
def test_html_tables_with_any_spans_read_or_are_refused(tmp_path_factory, page: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_text(page, encoding="utf-8")
    text = _read_or_refuse(path)
    if text is not None:
        assert sum(line.count("\t") + 1 for line in text.split("\n")) <= MAX_TABLE_CELLS + 100


def _docx_with_rows(path: Path, rows_xml: str, grid_cols: int) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("某某市“十四五”规划")
    document.save(str(path))
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    table = (f"<w:tbl><w:tblPr/><w:tblGrid>{'<w:gridCol/>' * grid_cols}</w:tblGrid>{rows_xml}</w:tbl>")
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:sectPr", table.encode() + b"<w:sectPr", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


_CELL = st.tuples(st.one_of(st.none(), _SPAN), st.sampled_from([None, "restart", "continue"]), st.text("甲乙12", max_size=3))


@FUZZ
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 70000)), st.lists(_CELL, max_size=6)),
                     min_size=1, max_size=10),
       grid_cols=st.integers(0, 8))
def test_docx_tables_with_any_spans_and_merges_read_or_are_refused(tmp_path_factory, rows, grid_cols) -> None:  # type: ignore[no-untyped-def]
    xml = []
    for before, cells in rows:
        tr_pr = f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>' if before is not None else ""
        tcs = []
        for span, merge, text in cells:
            props = (f'<w:gridSpan w:val="{span}"/>' if span is not None else "") + (
                "" if merge is None else ("<w:vMerge/>" if merge == "continue" else f'<w:vMerge w:val="{merge}"/>'))
            tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        xml.append(f"<w:tr>{tr_pr}{''.join(tcs)}</w:tr>")
    path = _docx_with_rows(tmp_path_factory.mktemp("docx") / "t.docx", "".join(xml), grid_cols)
    _read_or_refuse(path)


@FUZZ
@given(rows=st.lists(st.lists(st.tuples(st.integers(1, 3), st.booleans()), min_size=1, max_size=4),
                     min_size=1, max_size=6))
def test_docx_well_formed_tables_read_as_python_docx_lays_them_out(tmp_path_factory, rows) -> None:  # type: ignore[no-untyped-def]
    """Where python-docx can lay a table out (spans within the grid, every continued cell under a
    cell of the same offset), the bounded reader's rows are python-docx's rows."""
    import docx

    width = max(sum(s for s, _ in row) for row in rows)
    xml, offsets_above = [], set()
    for r, row in enumerate(rows):
        tcs, col, offsets = [], 0, set()
        for c, (span, merge) in enumerate(row):
            cont = merge and r > 0 and col in offsets_above
            props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + ("<w:vMerge/>" if cont else "")
            tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{r}.{c}</w:t></w:r></w:p></w:tc>")
            offsets.add(col)
            col += span
        xml.append(f"<w:tr>{''.join(tcs)}</w:tr>")
        offsets_above = offsets
    path = _docx_with_rows(tmp_path_factory.mktemp("docx") / "w.docx", "".join(xml), width)
    try:
        table = docx.Document(str(path)).tables[0]
        expected = [[c.text for c in row.cells] for row in table.rows]
    except ValueError:  # python-docx cannot lay it out (a continued cell of another width): skip
        return
    if all(len({id(c._tc) for c in row.cells}) <= 1 for row in table.rows):
        return  # one-column boxes are read as paragraphs
    lines = read_document(path).text.split("\n")[1:]
    assert lines == ["\t".join(cells) for cells in expected if any(cells)]


@FUZZ
@given(tokens=st.lists(st.sampled_from(_TOKENS), max_size=400), repeat=st.integers(1, 40))
def test_the_pipeline_extracts_or_refuses_any_plan_like_text(tokens: list[str], repeat: int) -> None:
    text = "某某市“十四五”托育服务发展规划\n一、发展目标\n" + "".join(tokens) * repeat
    try:
        result = extract_text(text)
    except ExtractError:
        return
    for item in result["indicators"]:
        assert item["quote"] in text.replace("\t", " ") or item["quote"] in text
