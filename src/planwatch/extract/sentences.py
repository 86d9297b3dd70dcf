"""Split a line of plan prose into sentences and clauses, keeping offsets.

Plans pack many statements into one paragraph line: sentences end with 。；!?,
clauses inside a sentence are separated by commas or colons. The 、 of an
enumeration does NOT end a clause ("建成2个省级、5个市级中医重点专科" is one).
Offsets let callers cut verbatim quotes out of the original line.
"""

from __future__ import annotations

import re
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


def enclosing(spans: list[Span], pos: int) -> Span | None:
    for s in spans:
        if s.start <= pos < s.end:
            return s
    return None
