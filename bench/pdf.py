"""PDF reading benchmark: planwatch's PDF reader beside pypdfium2's raw text, in one run.

    PYTHONPATH=src .venv/bin/python bench/pdf.py [--repeat N] [SEEDS_DIR]

Renders each sample plan as a PDF the way tests/builders.py does (its indicator table as a
ruled table; seeds without one as paragraphs), plus a narrow-column rendering where table
cells wrap. For each PDF it prints the pages, planwatch's read time (read_pdf: characters,
tables, paragraphs), pypdfium2's raw text time (open, then every page's
`get_textpage().get_text_range()`), their ratio (issue 13's bar: at most 2x), and how many
indicator-table rows of the PDF equal the .txt's (issue 9's bar: all of them).
Times are CPU seconds of this process (both readers are single-threaded), the best of N
interleaved runs, so other load on a shared machine counts least; the wall-clock ratio of
the same runs is printed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from builders import find_table, plan_blocks, write_pdf  # noqa: E402
from planwatch.extract.formats.pdf import read_pdf  # noqa: E402
from planwatch.extract.pipeline import extract_path  # noqa: E402

NARROW = {5: [42, 90, 40, 44, 40], 6: [40, 80, 30, 40, 40, 36]}


def raw_pdfium(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    chars = 0
    for page in doc:
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    doc.close()
    return chars


def table_rows(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(i.get("domain"), i.get("name"), i.get("unit"), (i.get("baseline") or {}).get("raw"),
             (i.get("target") or {}).get("raw"), i.get("attribute"))
            for i in result["indicators"] if i.get("source") == "table"]


def renderings(seed: Path, out: Path) -> list[tuple[str, Path]]:
    lines = seed.read_text(encoding="utf-8").split("\n")
    if find_table(lines) is None:
        blocks: list[Any] = [("p", ln.strip()) for ln in lines if ln.strip()]
        return [("paragraphs", write_pdf(blocks, out / f"{seed.stem}.pdf"))]
    blocks = plan_blocks(seed)
    ncols = len(next(c for k, c in blocks if k == "table").columns)
    return [("table", write_pdf(blocks, out / f"{seed.stem}.pdf")),
            ("narrow table", write_pdf(blocks, out / f"{seed.stem}_narrow.pdf", widths=NARROW[ncols]))]


def timed(fn: Any, arg: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn(arg)
    return time.process_time() - c0, time.perf_counter() - w0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=ROOT / "data" / "seeds")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as tmp:
        docs = [(seed, kind, path) for seed in sorted(args.seeds.glob("*.txt"))
                for kind, path in renderings(seed, Path(tmp))]
        for _, _, path in docs:  # warm both engines (imports, font caches) before timing
            raw_pdfium(path)
            read_pdf(str(path))
        print(f"{'document':<36} {'pages':>5} {'planwatch s':>11} {'pypdfium2 s':>11} {'ratio':>6} {'wall':>5} "
              f"{'table rows':>11}")
        total_ours = total_raw = 0.0
        worst = 0.0
        for seed, kind, path in docs:
            pages = len(pdfium.PdfDocument(str(path)))
            ours = raw = wall_ours = wall_raw = float("inf")
            for _ in range(args.repeat):  # interleaved, so both see the same machine load
                cpu, wall = timed(lambda p: read_pdf(str(p)), path)
                ours, wall_ours = min(ours, cpu), min(wall_ours, wall)
                cpu, wall = timed(raw_pdfium, path)
                raw, wall_raw = min(raw, cpu), min(wall_raw, wall)
            total_ours += ours
            total_raw += raw
            worst = max(worst, ours / raw)
            expected = table_rows(extract_path(seed))
            got = table_rows(extract_path(path))
            same = sum(a == b for a, b in zip(expected, got, strict=False))
            rows = f"{same}/{len(expected)}" + ("" if len(got) == len(expected) else f" (+{len(got) - same})")
            if not expected and not got:
                rows = "no table"
            name = f"{seed.stem[:20]} {kind}"
            print(f"{name:<36} {pages:>5} {ours:>11.4f} {raw:>11.4f} {ours / raw:>6.2f} {wall_ours / wall_raw:>5.2f} "
                  f"{rows:>11}")
        print(f"{'all':<36} {'':>5} {total_ours:>11.4f} {total_raw:>11.4f} {total_ours / total_raw:>6.2f}"
              f"   (worst document {worst:.2f}; CPU seconds, best of {args.repeat} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
