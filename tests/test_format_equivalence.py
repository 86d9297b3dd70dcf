"""The same plan as .docx with a real table, as .html and as .pdf yields the same indicators
as the .txt. The test builds those renderings itself from the seed text (tests/builders.py):
the indicator table becomes a real table (domain merged down its group), the rest paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builders import cjk_font_path, find_table, plan_blocks, write_docx, write_html, write_pdf
from planwatch.extract.pipeline import extract_path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {name: next((ROOT / "data" / "seeds").glob(f"{name}_*.txt")) for name in ("002", "004")}
WRITERS = {"docx": write_docx, "html": write_html, "pdf": write_pdf}
_WS = re.compile(r"\s+")


def _needs(fmt: str) -> None:
    if fmt == "pdf" and cjk_font_path() is None:
        pytest.skip("PDF rendering needs fonts-wqy-zenhei (a CJK TrueType font); CI installs it")


@pytest.fixture(scope="module")
def txt_results() -> dict[str, dict[str, Any]]:
    return {name: extract_path(path) for name, path in SEEDS.items()}


Extracted = dict[str, Any]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Extracted]:
    """extract(seed rendered as fmt), built on first use so a missing font skips only PDF."""
    folder = tmp_path_factory.mktemp("rendered")
    cache: dict[tuple[str, str], Extracted] = {}

    def get(name: str, fmt: str) -> Extracted:
        if (name, fmt) not in cache:
            path = WRITERS[fmt](plan_blocks(SEEDS[name]), folder / f"{SEEDS[name].stem}.{fmt}")
            cache[name, fmt] = extract_path(path)
        return cache[name, fmt]

    return get


def table_rows(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (i.get("domain"), i.get("name"), i.get("unit"), (i.get("baseline") or {}).get("raw"),
         (i.get("target") or {}).get("raw"), i.get("attribute"))
        for i in result["indicators"] if i.get("source") == "table"
    ]


def prose_targets(result: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    # A PDF keeps where a space was, not which space (U+3000, U+2003, NBSP): compare quotes
    # without whitespace. Line numbers differ by design (a table row is one line).
    return Counter(
        ((i.get("target") or {}).get("value"), i.get("unit"), _WS.sub("", i.get("quote") or ""))
        for i in result["indicators"] if i.get("source") == "prose"
    )


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_txt_reads_the_whole_indicator_table(name: str, txt_results: dict[str, dict[str, Any]]) -> None:
    """The bar below is only meaningful if the .txt itself yields the table."""
    found = find_table(SEEDS[name].read_text(encoding="utf-8").split("\n"))
    assert found is not None
    assert len(table_rows(txt_results[name])) == len(found[2].rows)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_same_table_indicators_as_txt(name: str, fmt: str, txt_results: dict[str, dict[str, Any]],
                                      rendered: Callable[[str, str], Extracted]) -> None:
    _needs(fmt)
    expected = table_rows(txt_results[name])
    assert expected, "the .txt yields no table rows; see test_txt_reads_the_whole_indicator_table"
    assert table_rows(rendered(name, fmt)) == expected


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_same_prose_targets_as_txt(name: str, fmt: str, txt_results: dict[str, dict[str, Any]],
                                   rendered: Callable[[str, str], Extracted]) -> None:
    _needs(fmt)
    expected = prose_targets(txt_results[name])
    assert expected
    got = prose_targets(rendered(name, fmt))
    assert got == expected, {"missing": expected - got, "extra": got - expected}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_same_plan_metadata_and_source_format(name: str, fmt: str, txt_results: dict[str, dict[str, Any]],
                                              rendered: Callable[[str, str], Extracted]) -> None:
    _needs(fmt)
    result = rendered(name, fmt)
    assert result["source"]["format"] == fmt
    for key in ("title", "region", "region_level", "period"):
        assert result["plan"].get(key) == txt_results[name]["plan"].get(key), key
