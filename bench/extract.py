"""Extraction benchmark: scores against the gold annotations and throughput.

    .venv/bin/python bench/extract.py [SEEDS_DIR] [GOLD_DIR]

Defaults to ../shared/seeds and ../shared/gold beside the checkout (falls back
to data/seeds when ../shared is absent; scores are then skipped).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main(argv: list[str]) -> int:
    seeds = Path(argv[0]) if argv else (SHARED / "seeds" if (SHARED / "seeds").is_dir() else ROOT / "data" / "seeds")
    gold = Path(argv[1]) if len(argv) > 1 else SHARED / "gold"
    scorer = SHARED / "tools" / "score_extraction.py"
    files = sorted(seeds.glob("*.txt"))
    planwatch = [sys.executable, "-m", "planwatch.cli"]

    with tempfile.TemporaryDirectory() as out:
        # 1. one command over all seeds, start-up included (the bar: < 2 s wall)
        walls = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([*planwatch, "extract", *map(str, files), "--out", out, "--no-progress"],
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t0)
        print(f"one command, {len(files)} documents, start-up included: "
              f"median {statistics.median(walls):.3f} s, best {min(walls):.3f} s (wall, {len(walls)} runs)")

        # 2. scores against the hand annotations
        if gold.is_dir() and scorer.exists():
            res = subprocess.run([sys.executable, str(scorer), str(gold), out], capture_output=True, text=True,
                                 check=True)
            print("scores (shared/tools/score_extraction.py):")
            print("  " + res.stdout.strip().replace("\n", "\n  "))
        else:
            print("scores skipped: no gold annotations or scorer beside the checkout")

    # 3. in-process throughput (no start-up): MB/s of text and documents/s
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
