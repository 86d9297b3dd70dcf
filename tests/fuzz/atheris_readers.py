"""Coverage-guided fuzzing of the readers and the pipeline with atheris (optional extra `fuzz`).

Not a pytest file (its name does not start with test_): run it by hand, for as long as you like:

    .venv/bin/pip install -e '.[fuzz]'
    PYTHONPATH=src .venv/bin/python tests/fuzz/atheris_readers.py -max_total_time=600 -rss_limit_mb=2048

The first input byte picks the format; the rest is the file. Every input must read or be
refused with ExtractError, within the readers' own limits; anything else is a finding
(atheris saves the crashing input as crash-*). Where atheris does not install,
tests/fuzz/test_fuzz_readers.py covers the same ground with hypothesis.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

FORMATS = (".txt", ".html", ".docx", ".pdf")


def one_input(data: bytes) -> None:
    from planwatch.extract.document import ExtractError
    from planwatch.extract.pipeline import extract_document
    from planwatch.extract.readers import read_document

    if not data:
        return
    ext = FORMATS[data[0] % len(FORMATS)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{ext}"
        path.write_bytes(data[1:])
        with contextlib.suppress(ExtractError):
            extract_document(read_document(path))


def main() -> None:
    import atheris

    with atheris.instrument_imports():
        import planwatch.extract.pipeline
        import planwatch.extract.readers  # noqa: F401
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
