"""Limits the HTML and .docx readers keep to (hostile input, issue 10); PDF has pdf_bounds.

A table cell may span rows and columns (HTML rowspan/colspan, Word gridSpan/vMerge), and
its text is repeated in every grid position it covers. A 3 KB page of `rowspan=1000
colspan=1000` cells, or a .docx cell with gridSpan=65535, would otherwise build a grid of
millions of positions. So:

- a span is clamped to the table's real size: no wider than the widest row counted in
  cells (or, in Word, the declared grid), no longer than the rows left;
- the grid positions and the characters a table renders, one table and all together, are
  capped; past a cap the file is refused with an error naming the file and the limit.

A .docx is a zip: before python-docx inflates its parts, the member count, the total
uncompressed size and each large member's compression ratio are checked (a "zip bomb").
"""

from __future__ import annotations

import zipfile

from planwatch.extract.document import ExtractError

MB = 1024 * 1024
# A large plan table is ~200 rows x 20 columns; the biggest in the corpus has < 2,000 positions.
MAX_TABLE_CELLS = 200_000
MAX_DOCUMENT_CELLS = 1_000_000  # all tables of one document
MAX_TABLE_CHARS = 4_000_000  # characters one table renders, spanned text repeated
MAX_DOCUMENT_CHARS = 16_000_000
# .docx packages: a long plan is a few MB with ~50 parts; images add members, not ratio.
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_UNCOMPRESSED = 256 * MB
ZIP_MAX_XML_PART = 64 * MB  # one XML part is parsed whole; a 300-page plan's document.xml is ~20 MB
ZIP_MAX_RATIO = 200  # XML compresses ~10-30x; a bomb ~1000x
ZIP_RATIO_FLOOR = 1 * MB  # small members may compress as they like


def refuse(path: str | None, zh: str, en: str) -> ExtractError:
    """The one-line refusal for a document past a limit; zh/en say which limit and by how much."""
    return ExtractError(path, f"文档超出处理上限：{zh}，已拒绝 / document exceeds a processing limit: {en}; refused")


def span(value: object, limit: int) -> int:
    """A span attribute as an int in 1..limit (missing, malformed or absurd values count as 1 or limit)."""
    try:
        n = int(str(value).strip() or 1) if value is not None else 1
    except ValueError:
        return 1
    return max(1, min(n, max(1, limit)))


class GridBudget:
    """Counts the grid positions and characters the tables of one document render."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.cells = 0
        self.chars = 0

    def check(self, rows: int, width: int) -> None:
        """Before (more of) a table's grid is built: rows x width positions for one table."""
        n = rows * width
        if n > MAX_TABLE_CELLS:
            raise refuse(self.path, f"表格 {rows:,} 行 × {width:,} 列，超过 {MAX_TABLE_CELLS:,} 个单元格",
                         f"a table of {rows:,} rows x {width:,} columns is over {MAX_TABLE_CELLS:,} cells")

    def add(self, rows: int, width: int, chars: int) -> None:
        """After a table is laid out: its size and the characters it renders, spanned text repeated."""
        self.check(rows, width)
        if chars > MAX_TABLE_CHARS:
            raise refuse(self.path, f"一个表格展开后超过 {MAX_TABLE_CHARS:,} 个字符",
                         f"one table renders over {MAX_TABLE_CHARS:,} characters")
        self.cells += rows * width
        self.chars += chars
        if self.cells > MAX_DOCUMENT_CELLS:
            raise refuse(self.path, f"全部表格超过 {MAX_DOCUMENT_CELLS:,} 个单元格",
                         f"all tables together are over {MAX_DOCUMENT_CELLS:,} cells")
        if self.chars > MAX_DOCUMENT_CHARS:
            raise refuse(self.path, f"全部表格展开后超过 {MAX_DOCUMENT_CHARS:,} 个字符",
                         f"all tables together render over {MAX_DOCUMENT_CHARS:,} characters")


def check_zip(path: str) -> None:
    """Refuse a zip package whose members would inflate past the limits; read nothing yet."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractError(path, f"不是有效的 .docx 文件 / not a valid .docx file: {exc}") from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise refuse(path, f"压缩包含 {len(infos):,} 个成员，超过 {ZIP_MAX_MEMBERS:,}",
                     f"the package holds {len(infos):,} members, over {ZIP_MAX_MEMBERS:,}")
    total = sum(i.file_size for i in infos)
    if total > ZIP_MAX_UNCOMPRESSED:
        raise refuse(path, f"解压后 {total // MB:,} MB，超过 {ZIP_MAX_UNCOMPRESSED // MB} MB",
                     f"it inflates to {total // MB:,} MB, over {ZIP_MAX_UNCOMPRESSED // MB} MB")
    for i in infos:
        if i.filename.endswith((".xml", ".rels")) and i.file_size > ZIP_MAX_XML_PART:
            raise refuse(path, f"成员 {i.filename} 解压后 {i.file_size // MB:,} MB，超过 {ZIP_MAX_XML_PART // MB} MB",
                         f"member {i.filename} inflates to {i.file_size // MB:,} MB, over {ZIP_MAX_XML_PART // MB} MB")
        if i.file_size > ZIP_RATIO_FLOOR and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise refuse(path, f"成员 {i.filename} 压缩比 {ratio:,}:1，超过 {ZIP_MAX_RATIO}:1（疑似压缩炸弹）",
                         f"member {i.filename} has a compression ratio of {ratio:,}:1, over {ZIP_MAX_RATIO}:1 "
                         "(a zip bomb)")
