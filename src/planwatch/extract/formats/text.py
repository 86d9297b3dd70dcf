"""Shared text helpers: joining wrapped fragments, cleaning cells, rendering table rows."""

from __future__ import annotations

import re

_WS = re.compile(r"[ \t\r\n\f\v\u00a0]+")
# C0 controls other than tab/newline/CR/form feed, plus DEL: noise in extracted text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _ascii_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_fragments(parts: list[str]) -> str:
    """Join pieces of one logical line that a renderer wrapped (cell paragraphs, PDF lines).

    Chinese text wraps between any two characters, so pieces join directly; a space is
    kept only between two Latin letters/digits, where the wrap replaced one.
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and _ascii_word_char(out[-1]) and _ascii_word_char(part[0]):
            out += " "
        out += part
    return out


def clean_cell(text: str) -> str:
    """One table cell as a single line: no tabs or newlines inside, whitespace collapsed."""
    pieces = [_WS.sub(" ", p).strip() for p in text.split("\n")]
    return CONTROL_CHARS.sub("", join_fragments(pieces))


def row_line(cells: list[str]) -> str:
    """A table row as one line, cells separated by TAB (empty cells kept as "")."""
    return "\t".join(clean_cell(c) for c in cells)


def normalise_newlines(text: str) -> str:
    """CRLF/CR, form feeds and Unicode line/paragraph separators → "\\n"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\f", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
