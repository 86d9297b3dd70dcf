"""Hostile documents of issue 10, built small: shared by tests/fuzz and bench/hostile.py.

Each builder writes one file and returns its path. The sizes are those the issue measured:
a 3 KB and a 12.7 KB HTML page of rowspan=1000 colspan=1000 cells, a .docx with
gridSpan=65535, one line repeating a target phrase, and a zip bomb dressed as a .docx.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

TARGET_PHRASE = "到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个，"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEAD = "某某市“十四五”托育服务发展规划\n\n一、发展目标\n"


def span_bomb_html(path: Path, size: int) -> Path:
    """Rows of `<td rowspan=1000 colspan=1000>` cells, about `size` bytes in all."""
    cell = '<td rowspan="1000" colspan="1000">托位</td>'
    head = "<!doctype html><html><head><meta charset=\"utf-8\"><title>规划</title></head><body>" \
           "<p>某某市“十四五”托育服务发展规划</p><table>"
    tail = "</table></body></html>"
    per_row = 12
    row = "<tr>" + cell * per_row + "</tr>"
    rows = max(1, (size - len(head) - len(tail)) // len(row.encode()))
    data = (head + row * rows + tail).encode()
    path.write_bytes(data)
    return path


def long_line_txt(path: Path, repeats: int, phrase: str = TARGET_PHRASE) -> Path:
    path.write_text(_HEAD + phrase * repeats + "\n", encoding="utf-8")
    return path


def _docx_with_table(path: Path, rows: int, cols: int) -> Path:
    """A plan title and heading, then a rows x cols table written as XML (python-docx's
    cell() is too slow to fill thousands of cells)."""
    import docx

    document = docx.Document()
    document.add_paragraph("某某市“十四五”托育服务发展规划")
    document.add_paragraph("一、发展目标")
    document.save(str(path))
    grid = "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * cols + "</w:tblGrid>"
    body = "".join("<w:tr>" + "".join(f"<w:tc><w:tcPr></w:tcPr><w:p><w:r><w:t>托位{r}-{c}</w:t></w:r></w:p></w:tc>"
                                      for c in range(cols)) + "</w:tr>" for r in range(rows))
    table = f"<w:tbl><w:tblPr/>{grid}{body}</w:tbl>"
    _rewrite_document_xml(path, lambda xml: xml.replace("<w:sectPr", table + "<w:sectPr", 1))
    return path


def _rewrite_document_xml(path: Path, edit: object) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    parts["word/document.xml"] = edit(parts["word/document.xml"].decode("utf-8")).encode("utf-8")  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def grid_span_bomb_docx(path: Path, span: int = 65535, rows: int = 40, cols: int = 6) -> Path:
    """Every cell of a rows x cols table declares gridSpan=`span`."""
    _docx_with_table(path, rows, cols)
    _rewrite_document_xml(path, lambda xml: xml.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>'))
    return path


def vmerge_tower_docx(path: Path, rows: int = 2000) -> Path:
    """A two-column table whose first column is one cell merged down `rows` rows (vMerge)."""
    _docx_with_table(path, rows, 2)

    def edit(xml: str) -> str:
        first = xml.index("<w:tcPr>")
        xml = xml[:first] + '<w:tcPr><w:vMerge w:val="restart"/>' + xml[first + len("<w:tcPr>"):]
        out, pos, row = [], 0, 0
        while True:
            at = xml.find("<w:tr", pos)
            if at < 0:
                break
            tc = xml.find("<w:tcPr>", at)
            out.append(xml[pos:tc])
            out.append("<w:tcPr><w:vMerge/>" if row > 0 else "<w:tcPr>")
            pos = tc + len("<w:tcPr>")
            row += 1
        out.append(xml[pos:])
        return "".join(out)

    _rewrite_document_xml(path, edit)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 400) -> Path:
    """A valid-looking .docx whose document.xml inflates to `megabytes` MB of blanks."""
    _docx_with_table(path, 1, 2)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name == "word/document.xml":
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                head, tail = data.split(b"</w:body>")
                with zf.open(info, "w", force_zip64=True) as fh:
                    fh.write(head)
                    chunk = b" " * (1024 * 1024)
                    for _ in range(megabytes):
                        fh.write(chunk)
                    fh.write(b"</w:body>" + tail)
            else:
                zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def many_members_docx(path: Path, members: int = 6000) -> Path:
    _docx_with_table(path, 1, 2)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(members):
            zf.writestr(f"customXml/extra{i}.xml", b"<a/>")
    return path
