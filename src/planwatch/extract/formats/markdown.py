"""Markdown markup in a text file: pipe tables become TAB rows, heading and emphasis marks go.

Plans copied from a wiki, a repository or a chat tool arrive as markdown: `# 标题`
headings, `**粗体**` lead sentences and GitHub pipe tables (`| a | b |` rows under a
`|---|---|` separator). Every other reader renders a table row as cells joined by TAB,
so a pipe table is rendered the same way here and the table, service-list and outline
readers need to know nothing of markdown. The rendering keeps one output line per input
line (a separator row becomes an empty line), so line numbers still name the file's lines.
"""

from __future__ import annotations

import re

from planwatch.extract.formats.text import row_line

# "|---|:---:|", "---|---", "| --- | --- |": the row under a pipe table's header.
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$|^\s*\|\s*:?-{3,}:?\s*\|\s*$")
# An unescaped pipe (a cell may write a literal pipe as "\|").
_PIPE = re.compile(r"(?<!\\)\|")
_HEADING = re.compile(r"^(\s{0,3})#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _cells(line: str) -> list[str] | None:
    """The cells of a pipe row, or None when the line is not one."""
    text = line.strip()
    if "|" not in text:
        return None
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = [c.strip().replace("\\|", "|") for c in _PIPE.split(text)]
    return cells if len(cells) >= 2 else None


def _table_rows(lines: list[str]) -> dict[int, list[str] | None]:
    """0-based index → cells (None for the separator) of every pipe table row.

    A pipe table is a header row, a separator row, then body rows up to the first line
    that is not a row; without its separator a run of pipes is left as text.
    """
    out: dict[int, list[str] | None] = {}
    for i, line in enumerate(lines):
        if i == 0 or not _SEPARATOR.match(line):
            continue
        header = _cells(lines[i - 1])
        if header is None or (i - 1) in out:
            continue
        out[i - 1] = header
        out[i] = None
        j = i + 1
        while j < len(lines):
            cells = _cells(lines[j])
            if cells is None or _SEPARATOR.match(lines[j]):
                break
            out[j] = cells
            j += 1
    return out


def render_markdown(text: str) -> str:
    """The text with markdown block markup rendered as the other readers render it.

    Text without markdown markup comes back unchanged; the number of lines never changes.
    """
    lines = text.split("\n")
    rows = _table_rows(lines)
    headings = {i for i, line in enumerate(lines) if i not in rows and _HEADING.match(line)}
    if not rows and not headings:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in rows:
            cells = rows[i]
            out.append("" if cells is None else row_line([_EMPHASIS.sub(r"\2", c) for c in cells]))
            continue
        if i in headings:
            m = _HEADING.match(line)
            assert m is not None
            line = m.group(2)
        out.append(_EMPHASIS.sub(r"\2", line))
    return "\n".join(out)
