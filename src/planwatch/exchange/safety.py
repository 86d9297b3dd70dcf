"""Refuse hostile files before a parser touches them.

An .xlsx is a zip of XML. A zip bomb declares huge uncompressed members; we
sum the sizes the archive declares and refuse past a limit. Python's zipfile
(which openpyxl reads through) never yields more bytes than a member declares,
so the declared sizes bound the work. XML entity bombs are handled by
defusedxml, which openpyxl uses when it is installed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from planwatch.exchange.problems import Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 500
MAX_RATIO = 200  # a legitimate sheet compresses ~10-30x
MAX_ROWS = 20_000  # data rows in one file: far above any department's form
# The CLI's bulk import (`planwatch data import --bulk`) streams a CSV in chunks: memory is bounded by the
# chunk, and this bounds the time (a national register holds ~20 M values).
MAX_BULK_ROWS = 50_000_000


def check_file(path: Path) -> list[Problem]:
    name = str(path)
    if not path.is_file():
        return [Problem(name, "文件不存在", "file not found")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Problem(name, f"文件过大({size} 字节,上限 {MAX_FILE_BYTES})",
                        f"file too large ({size} bytes, limit {MAX_FILE_BYTES})")]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return check_xlsx_archive(path)
    return []


def check_xlsx_archive(path: Path) -> list[Problem]:
    name = str(path)
    if not zipfile.is_zipfile(path):
        return [Problem(name, "不是有效的 xlsx 文件(不是 zip 压缩包)", "not a valid .xlsx file (not a zip archive)")]
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return [Problem(name, f"xlsx 文件已损坏:{exc}", f"corrupt .xlsx file: {exc}")]
    if len(infos) > MAX_MEMBERS:
        return [Problem(name, f"xlsx 内部文件过多({len(infos)})", f"too many parts inside the .xlsx ({len(infos)})")]
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES or (total > 1024 * 1024 and total / packed > MAX_RATIO):
        return [Problem(
            name,
            f"疑似压缩炸弹:解压后 {total} 字节(压缩 {packed} 字节),拒绝打开",
            f"looks like a zip bomb: {total} bytes uncompressed from {packed}; refused",
        )]
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        return [Problem(name, "xlsx 缺少工作簿(xl/workbook.xml)", "the .xlsx has no workbook (xl/workbook.xml)")]
    return []
