"""Read a plan file (.txt, .html, .docx, .pdf) into a `Document`.

The format comes from the file's leading bytes when they are unambiguous (a PDF or a
Word package saved as .txt still reads), else from the extension; a file with an
unknown extension is read as text when it decodes as text.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from planwatch.extract.document import Document, ExtractError

EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "txt", ".csv": "txt",
              ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
              ".docx": "docx", ".pdf": "pdf"}
# Formats we recognise but cannot read; the reason tells the user what to do instead.
UNSUPPORTED = {
    ".doc": "旧版 Word .doc 格式不受支持，请另存为 .docx / legacy Word .doc is not supported; save as .docx",
    ".wps": "WPS 文字格式不受支持，请另存为 .docx / WPS documents are not supported; save as .docx",
    ".xls": "电子表格不是规划文本 / spreadsheets are not plan documents",
    ".xlsx": "电子表格不是规划文本 / spreadsheets are not plan documents",
    ".ofd": "OFD 格式不受支持，请导出为 PDF / OFD is not supported; export as PDF",
    ".rtf": "RTF 格式不受支持，请另存为 .docx / RTF is not supported; save as .docx",
}
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff(head: bytes, path: Path) -> str | None:
    """The format the leading bytes prove, or None when they prove nothing."""
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return "badzip"
        return "docx" if "word/document.xml" in names else "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    return None


def _looks_like_html(data: bytes) -> bool:
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:8192].lower()


def read_document(path: str | Path) -> Document:
    """Decode one file; raise ExtractError(path, reason) when it cannot be read as a plan text."""
    p = Path(path)
    name = str(p)
    if not p.exists():
        raise ExtractError(name, "文件不存在 / file not found")
    if p.is_dir():
        raise ExtractError(name, "这是目录，不是文件 / is a directory, not a file")
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(4096)
    except PermissionError as exc:
        raise ExtractError(name, "没有读取权限 / permission denied") from exc
    except OSError as exc:
        raise ExtractError(name, f"无法读取文件 / cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise ExtractError(name, "文件为空（0 字节）/ empty file (0 bytes)")

    ext = p.suffix.lower()
    fmt = _sniff(head, p)
    if fmt == "ole":
        raise ExtractError(name, UNSUPPORTED.get(ext) or "旧版 Office 文件或已加密的文档不受支持，请另存为 .docx 或 PDF / "
                           "legacy Office or encrypted document is not supported; save as .docx or PDF")
    if fmt == "image":
        raise ExtractError(name, "这是图片，不是文本；请先 OCR / this is an image, not text; run OCR first")
    if fmt == "badzip":
        raise ExtractError(name, "文件已损坏（zip/.docx 包不完整）/ damaged file (incomplete zip/.docx package)")
    if fmt == "zip":
        raise ExtractError(name, UNSUPPORTED.get(ext) or "压缩包不是 .docx 文档 / a zip archive that is not a .docx document")
    if fmt is None:
        if ext in UNSUPPORTED:
            raise ExtractError(name, UNSUPPORTED[ext])
        fmt = EXTENSIONS.get(ext, "")
    text, fmt = _read(p, fmt)
    return Document(text=text, path=name, format=fmt)


def _read(p: Path, fmt: str) -> tuple[str, str]:
    """(text, format actually read); an empty `fmt` means the extension said nothing."""
    name = str(p)
    if fmt == "pdf":
        from planwatch.extract.formats.pdf import read_pdf

        return read_pdf(name), fmt
    if fmt == "docx":
        from planwatch.extract.formats.docx import read_docx

        return read_docx(name), fmt
    data = p.read_bytes()
    if fmt == "html" or (not fmt and _looks_like_html(data)):
        from planwatch.extract.formats.html import read_html

        return read_html(data, name), "html"
    from planwatch.extract.formats.markdown import render_markdown
    from planwatch.extract.formats.txt import decode_text

    if fmt:
        return render_markdown(decode_text(data, name)), fmt
    try:
        return render_markdown(decode_text(data, name)), "txt"
    except ExtractError as exc:
        ext = p.suffix or os.path.basename(name)
        raise ExtractError(name, f"不支持的文件类型 {ext}，内容也不是文本 / unsupported file type {ext} "
                           f"and the content is not text ({exc.reason})") from exc
