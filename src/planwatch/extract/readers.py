"""Read a plan file (.txt, .html, .docx, .pdf) into a `Document`."""

from __future__ import annotations

from pathlib import Path

from planwatch.extract.document import Document, ExtractError


def read_document(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise ExtractError(str(p), "file not found / 文件不存在")
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractError(str(p), "cannot decode text / 无法识别文本编码") from exc
    return Document(text=text.replace("\r\n", "\n").replace("\r", "\n"), path=str(p), format="txt")
