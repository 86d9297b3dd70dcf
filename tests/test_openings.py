"""Plan openings (first page: portal chrome, notice, title, number, signer, date, TOC) of every level,
in the styles government sites publish them, checked field by field against expected.json.

`python tests/test_openings.py` prints the share of fields right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from planwatch.extract.metadata import extract_metadata

HERE = Path(__file__).parent / "fixtures" / "openings"
EXPECTED: dict[str, dict] = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
FIELDS = ("title", "region", "region_level", "region_code", "issuer", "doc_number", "issued", "period")


def _meta(stem: str) -> dict:
    return extract_metadata((HERE / f"{stem}.txt").read_text(encoding="utf-8").split("\n"))


def test_every_fixture_has_expectations() -> None:
    stems = {p.stem for p in HERE.glob("*.txt")}
    assert stems == set(EXPECTED)
    assert len(stems) >= 25


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_opening_metadata(stem: str) -> None:
    got = _meta(stem)
    wrong = {f: (got.get(f), EXPECTED[stem][f]) for f in FIELDS if got.get(f) != EXPECTED[stem][f]}
    assert not wrong, f"{stem}: (got, expected) {wrong}"


def accuracy() -> tuple[int, int, list[str]]:
    right = total = 0
    misses: list[str] = []
    for stem, want in sorted(EXPECTED.items()):
        got = _meta(stem)
        for f in FIELDS:
            total += 1
            if got.get(f) == want[f]:
                right += 1
            else:
                misses.append(f"{stem}.{f}: got {got.get(f)!r}, expected {want[f]!r}")
    return right, total, misses


if __name__ == "__main__":
    r, t, m = accuracy()
    print("\n".join(m))
    print(f"openings metadata: {r}/{t} fields = {r / t:.3f} ({len(EXPECTED)} documents)")
    sys.exit(0)
