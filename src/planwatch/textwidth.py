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


_OPEN = "《“（(「"  # a line may start with these, never end with them
_CLOSE = "》”）)」，、。：；"  # a line may end with these, never start with them


def title_lines(text: str, cols: int = 36) -> list[str]:
    """A title split into lines of at most `cols` columns at natural breaks: before an opening bracket or
    quote, after a closing one, after a document word (规划, 方案 … lexicon "title.break_after"); never a
    line of closing punctuation alone ("划》") nor one ending in an opening bracket. Balanced: the lines
    are as even as the breaks allow. A title with no break that fits is cut by width, keeping brackets."""
    from planwatch.extract.lexicon import words

    if width(text) <= cols:
        return [text]
    after = words("title.break_after")
    points = set()
    for i in range(1, len(text)):
        if text[i] in _CLOSE or text[i - 1] in _OPEN:
            continue
        if text[i] in _OPEN or text[i - 1] in _CLOSE or any(text[:i].endswith(w) for w in after):
            points.add(i)
    n_lines = -(-width(text) // cols)
    best: list[str] | None = None
    for k in range(n_lines, min(n_lines + 2, 5)):  # the fewest lines that the breaks allow (bounded search)
        best = _split(text, sorted(points)[:60], cols, k)
        if best:
            return best
    # no natural break fits: cut by width, never before closing punctuation
    out, line = [], ""
    for ch in text:
        if width(line + ch) > cols and ch not in _CLOSE and line and line[-1] not in _OPEN:
            out.append(line)
            line = ""
        line += ch
    return [*out, line]


def _split(text: str, points: list[int], cols: int, k: int) -> list[str] | None:
    """The most even split of `text` into k lines at `points`, each within `cols`; None if there is none."""
    from itertools import combinations, pairwise

    best, best_score = None, None
    for cut in combinations(points, k - 1):
        bounds = (0, *cut, len(text))
        lines = [text[a:b] for a, b in pairwise(bounds)]
        ws = [width(x) for x in lines]
        if max(ws) > cols:
            continue
        score = max(ws) - min(ws)
        if best_score is None or score < best_score:
            best, best_score = lines, score
    return best
