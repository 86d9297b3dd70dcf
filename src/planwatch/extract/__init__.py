"""Turn a published plan document into the extraction-contract JSON.

The package is a functional core: readers turn a file into a `Document`
(plain text lines), every other module takes lines and returns plain data.
Names are imported on first use, so `planwatch.extract.lexicon` alone (used by the
evaluation and the register) does not load the whole extractor.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Document": "planwatch.extract.document", "ExtractError": "planwatch.extract.document",
    "extract_document": "planwatch.extract.pipeline", "extract_path": "planwatch.extract.pipeline",
    "extract_text": "planwatch.extract.pipeline",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'planwatch.extract' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
