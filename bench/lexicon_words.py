"""Chinese words left in the extractor's code: CJK runs inside string literals (docstrings excluded).

    .venv/bin/python bench/lexicon_words.py [DIR]

Words belong in extract/lexicon.py (grouped by meaning); this counts what the other modules still spell.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_SKIP = {tokenize.NL, tokenize.COMMENT}


def count(path: Path) -> int:
    n = 0
    prev: int | None = None
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.STRING:
            docstring = prev in (None, tokenize.INDENT, tokenize.NEWLINE) and \
                tok.string.lstrip("rbuRBU").startswith(('"""', "'''"))
            if not docstring:
                n += len(_CJK.findall(tok.string))
        if tok.type not in _SKIP:
            prev = tok.type
    return n


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "src" / "planwatch" / "extract"
    total = 0
    for f in sorted(folder.glob("*.py")):
        if f.name == "lexicon.py":
            continue
        n = count(f)
        total += n
        print(f"{n:5d}  {f.name}")
    print(f"{total:5d}  total outside lexicon.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
