"""Extraction benchmark: scores against the gold annotations and throughput.

    .venv/bin/python bench/extract.py [SEEDS_DIR] [GOLD_DIR]

Defaults to ../shared/seeds and ../shared/gold beside the checkout (falls back
to data/seeds when ../shared is absent; scores are then skipped). The same
scorer is then run on the project's own corpus (tests/fixtures/corpus with its
gold in tests/fixtures/corpus_gold: other levels, sectors and 十五五 plans), and
one summary line per set is printed: F1s, name shares, metadata, periods right
per document and target years right among matched prose targets.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    """../shared beside the checkout; from a git worktree, beside the main checkout it belongs to."""
    beside = ROOT.parent / "shared"
    if beside.is_dir():
        return beside
    try:
        common = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return beside
    main_shared = Path(common).parent.parent / "shared"
    return main_shared if main_shared.is_dir() else beside


SHARED = _shared()
# Measure this checkout's code, not the one the interpreter's environment has installed.
sys.path.insert(0, str(ROOT / "src"))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)}
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
CORPUS_GOLD = ROOT / "tests" / "fixtures" / "corpus_gold"


def summary_line(name: str, scored: dict) -> str:
    """One line of the figures the issue's bars name, from the scorer's --json output."""
    s, docs = scored["summary"], scored["documents"]
    matched = s["prose"]["matched"]
    years = sum(d["prose"]["attrs"]["year"] for d in docs.values())
    wrong = sorted(stem for stem, d in docs.items() if not d["meta"]["period"])
    period = f"period_right={len(docs) - len(wrong)}/{len(docs)}" + (f" (wrong: {', '.join(wrong)})" if wrong else "")
    return (f"{name}: table_f1={s['table']['f1']:.3f} prose_f1={s['prose']['f1']:.3f} "
            f"baselines_f1={s['baselines']['f1']:.3f} services_f1={s['services']['f1']:.3f} "
            f"prose_names={s['prose']['names']} baseline_names={s['baselines']['names']} "
            f"meta={s['meta_accuracy']} {period} "
            f"target_years={years}/{matched}" + (f" ({years / matched:.3f})" if matched else ""))


def score_json(scorer: Path, gold: Path, out: str) -> dict:
    res = subprocess.run([sys.executable, str(scorer), str(gold), out, "--json"], capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout)


def main(argv: list[str]) -> int:
    seeds = Path(argv[0]) if argv else (SHARED / "seeds" if (SHARED / "seeds").is_dir() else ROOT / "data" / "seeds")
    gold = Path(argv[1]) if len(argv) > 1 else SHARED / "gold"
    scorer = gold.parent / "tools" / "score_extraction.py"  # the scorer ships beside the gold it scores
    files = sorted(seeds.glob("*.txt"))
    planwatch = [sys.executable, "-m", "planwatch.cli"]

    with tempfile.TemporaryDirectory() as out:
        # 1. one command over all seeds, start-up included (the bar: < 2 s wall)
        walls = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([*planwatch, "extract", *map(str, files), "--out", out, "--no-progress"],
                           check=True, capture_output=True, env=ENV)
            walls.append(time.perf_counter() - t0)
        print(f"one command, {len(files)} documents, start-up included: "
              f"median {statistics.median(walls):.3f} s, best {min(walls):.3f} s (wall, {len(walls)} runs)")

        # 2. scores against the hand annotations
        if gold.is_dir() and scorer.exists():
            res = subprocess.run([sys.executable, str(scorer), str(gold), out], capture_output=True, text=True,
                                 check=True)
            print("scores (shared/tools/score_extraction.py):")
            print("  " + res.stdout.strip().replace("\n", "\n  "))
            sets = [("set shared/gold", score_json(scorer, gold, out))]
        else:
            print("scores skipped: no gold annotations or scorer beside the checkout")
            sets = []

    # 3. the same scorer on the project's own corpus (documents the extractor was not tuned on)
    corpus_files = sorted(CORPUS.glob("*.txt"))
    if corpus_files and scorer.exists():
        with tempfile.TemporaryDirectory() as out:
            # not check=True: a document the extractor refuses scores zero, it must not stop the benchmark
            subprocess.run([*planwatch, "extract", *map(str, corpus_files), "--out", out, "--no-progress"],
                           capture_output=True, env=ENV)
            res = subprocess.run([sys.executable, str(scorer), str(CORPUS_GOLD), out], capture_output=True,
                                 text=True, check=True)
            print(f"corpus scores ({len(corpus_files)} documents in tests/fixtures/corpus):")
            print("  " + res.stdout.strip().replace("\n", "\n  "))
            sets.append(("set corpus", score_json(scorer, CORPUS_GOLD, out)))
    for name, scored in sets:
        print(summary_line(name, scored))

    # 4. in-process throughput (no start-up): MB/s of text and documents/s
    from planwatch.extract import extract_path

    size = sum(f.stat().st_size for f in files)
    for f in files:  # warm-up: imports, compiled regexes
        extract_path(f)
    rounds = 10
    t0 = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            extract_path(f)
    dt = time.perf_counter() - t0
    print(f"throughput, one core, in process: {size * rounds / dt / 1e6:.2f} MB/s of text, "
          f"{len(files) * rounds / dt:.1f} documents/s ({size / 1e3:.0f} kB in {len(files)} documents)")

    # 5. PDF: planwatch's reader beside pypdfium2's raw text on the seeds' PDF renderings, same run
    print("PDF renderings of the seeds (bench/pdf.py; CPU s, best of 3 interleaved runs):")
    sys.path.insert(0, str(ROOT / "bench"))
    import pdf as pdf_bench

    pdf_bench.main([str(seeds), "--repeat", "3"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
