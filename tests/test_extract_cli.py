"""The `planwatch extract` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "seeds").glob("*.txt"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "planwatch.cli", *args], capture_output=True, text=True,
                          cwd=ROOT)


def test_json_for_one_file_is_one_object() -> None:
    res = run("extract", str(SEEDS[2]), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) >= {"plan", "indicators", "baselines", "service_items"}


def test_missing_file_names_it_and_fails_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    res = run("extract", str(missing), str(SEEDS[0]), "--out", str(tmp_path / "o"))
    assert res.returncode != 0
    assert "nope.txt" in res.stderr
    assert "Traceback" not in res.stderr
    # the good file in the batch is still written
    assert (tmp_path / "o" / f"{SEEDS[0].stem}.json").exists()
