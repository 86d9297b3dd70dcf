"""Split a line of plan prose into sentences and clauses, keeping offsets.

Plans pack many statements into one paragraph line: sentences end with 。；!?,
clauses inside a sentence are separated by commas or colons. The 、 of an
enumeration does NOT end a clause ("建成2个省级、5个市级中医重点专科" is one).
Offsets let callers cut verbatim quotes out of the original line.

A sentence or clause longer than REACH characters (one line repeating a phrase
thousands of times with only commas) is cut, around a number, to the clauses
within REACH before and after it: every rule reading the context of a number then
works on a bounded piece, so a line is read in time linear in its length. Real
plan sentences are far shorter (the longest in the seeds and corpus is ~480).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[。;；!！?？]")
# A comma between digits grouping thousands ("12,500个") ends nothing.
_CLAUSE_END = re.compile(r"[。;；!！?？，:：]|,(?!(?<=\d,)\d{3}(?!\d))")


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive
    text: str


def _split(text: str, pattern: re.Pattern[str]) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for m in pattern.finditer(text):
        if m.start() > start:
            spans.append(Span(start, m.start(), text[start : m.start()]))
        start = m.end()
    if start < len(text):
        spans.append(Span(start, len(text), text[start:]))
    return spans


def sentences(text: str) -> list[Span]:
    return _split(text, _SENTENCE_END)


def clauses(text: str) -> list[Span]:
    """Clauses of the whole line (offsets relative to the line)."""
    return _split(text, _CLAUSE_END)


REACH = 600


def enclosing(spans: list[Span], pos: int) -> Span | None:
    """The span holding pos, by binary search (spans are in order and do not overlap)."""
    i = bisect_right(spans, pos, key=lambda s: s.start) - 1
    if i >= 0 and spans[i].start <= pos < spans[i].end:
        return spans[i]
    return None


def around(text: str, span: Span, inner: list[Span], start: int, end: int) -> Span:
    """`span` cut to the `inner` spans (clauses) within REACH of text[start:end]; itself when short enough.

    A clause longer than REACH itself is cut at REACH characters.
    """
    if span.end - span.start <= 2 * REACH:
        return span
    lo, hi = max(span.start, start - REACH), min(span.end, end + REACH)
    first = enclosing(inner, lo)
    if first is not None and first.start < lo and first.end <= start:
        lo = first.end  # begin at a clause boundary
    last = enclosing(inner, hi - 1)
    if last is not None and last.end > hi and last.start >= end:
        hi = last.start
    return Span(lo, hi, text[lo:hi])
