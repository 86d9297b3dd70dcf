"""Terminal column width for mixed Chinese/ASCII text, so tables line up."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    """Left-align `text` in `cols` terminal columns, truncating with … if longer."""
    w = width(text)
    if w <= cols:
        return text + " " * (cols - w)
    out, used = "", 0
    for ch in text:
        cw = width(ch)
        if used + cw > cols - 1:
            break
        out, used = out + ch, used + cw
    return out + "…" + " " * (cols - 1 - used)
