"""Guards the hand-written corpus and its annotations (tests/fixtures/corpus, tests/fixtures/corpus_gold).

The corpus stands in for plans nobody here has seen (other levels, sectors, 十五五,
web-page and markdown copies, a first page alone). Its gold follows the contract
(../shared/EXTRACTION_CONTRACT.md) and the conventions of the shared gold; these
tests check the annotations themselves, not the extractor: every quote is a
verbatim piece of the line it names, lines are in range, and every field has the
contract's shape.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "corpus"
GOLD = FIXTURES / "corpus_gold"
GOLD_FILES = sorted(GOLD.glob("*.gold.json"))

LEVELS = {"national", "province", "city", "county", "district", "county_city", "zone"}
OPS = {">=", ">", "<=", "<", "=", "range", "qualitative"}
KINDS = {"level", "cumulative", "annual", "reduction", "change"}
ATTRIBUTES = {"约束性", "预期性", None}
MIN_DOCUMENTS = 8
PLAN_KEYS = {"title", "region", "region_level", "region_code", "issuer", "doc_number", "issued", "period"}


def _load(gold_file: Path) -> tuple[dict[str, Any], list[str]]:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    text = (CORPUS / gold["doc"]).read_text(encoding="utf-8")  # strict UTF-8: a bad byte fails here
    return gold, text.split("\n")


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def test_every_document_has_gold_and_every_gold_a_document() -> None:
    docs = {p.stem for p in CORPUS.glob("*.txt")}
    golds = {p.name[: -len(".gold.json")] for p in GOLD_FILES}
    assert len(docs) >= MIN_DOCUMENTS
    assert docs == golds


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_document_size(gold_file: Path) -> None:
    _, lines = _load(gold_file)
    assert 150 <= len(lines) <= 600, (gold_file.name, len(lines))


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_plan_metadata_shape(gold_file: Path) -> None:
    gold, _ = _load(gold_file)
    plan = gold["plan"]
    assert set(plan) == PLAN_KEYS, gold_file.name
    assert plan["region_level"] in LEVELS
    assert isinstance(plan["region_code"], str) and re.fullmatch(r"\d{6}", plan["region_code"])
    if plan["issued"] is not None:
        date.fromisoformat(plan["issued"])
    start, end = plan["period"]
    assert isinstance(start, int) and isinstance(end, int) and 2000 < start < end <= 2050
    for key in ("title", "region", "issuer", "doc_number"):
        assert plan[key] is None or (isinstance(plan[key], str) and plan[key].strip() == plan[key] != "")


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_quotes_sit_on_their_lines(gold_file: Path) -> None:
    gold, lines = _load(gold_file)
    for part in ("prose_targets", "baselines"):
        for item in gold[part]:
            assert 1 <= item["line"] <= len(lines), (gold_file.name, part, item)
            assert item["quote"] and item["quote"] in lines[item["line"] - 1], (gold_file.name, part, item)
    for row in gold["table_indicators"]:
        assert 1 <= row["line"] <= len(lines)
        assert row["name_raw"] in lines[row["line"] - 1], (gold_file.name, row)
    for svc in gold["service_items"]:
        assert 1 <= svc["line"] <= len(lines)
        assert svc["item"] in lines[svc["line"] - 1], (gold_file.name, svc)
    scope = gold.get("scope_lines")
    if scope is not None:
        assert 1 <= scope[0] <= scope[1] <= len(lines)
        for part in ("prose_targets", "baselines"):
            assert all(scope[0] <= it["line"] <= scope[1] for it in gold[part])


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_fields_follow_the_contract(gold_file: Path) -> None:
    gold, _ = _load(gold_file)
    period = gold["plan"]["period"]
    for t in gold["prose_targets"]:
        assert isinstance(t["metric"], str) and t["metric"], t
        assert t["op"] in OPS and t["kind"] in KINDS, t
        assert isinstance(t["year"], int) and period[0] <= t["year"] <= 2050, t
        if t["op"] == "range":
            assert t["value"] is None and _is_num(t["value_low"]) and _is_num(t["value_high"]), t
            assert t["value_low"] < t["value_high"], t
        else:
            assert _is_num(t["value"]) and t["value_low"] is None and t["value_high"] is None, t
        if t["kind"] == "change":
            # a change is measured against a base year, stated or implied (the plan's base period);
            # its value is the size of the change as written (docs/extraction.md), its op bounds that size
            assert isinstance(t["base_year"], int) and t["base_year"] < t["year"], t
            assert t["value"] > 0 and t["op"] in {">=", ">", "=", "<=", "<"}, t
        else:
            assert "base_year" not in t, t
    for b in gold["baselines"]:
        assert isinstance(b["metric"], str) and b["metric"] and _is_num(b["value"]), b
        assert b["year"] is None or (isinstance(b["year"], int) and b["year"] <= period[0]), b
    for row in gold["table_indicators"]:
        assert row["attribute"] in ATTRIBUTES and row["name"] and row["table"], row
        for key in ("unit", "baseline_raw", "target_raw", "domain"):
            assert row[key] is None or isinstance(row[key], str), row
    for svc in gold["service_items"]:
        assert svc["domain"] and svc["item"], svc


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_items_are_in_document_order_without_duplicates(gold_file: Path) -> None:
    gold, _ = _load(gold_file)
    for part, key in (("prose_targets", "metric"), ("baselines", "metric"), ("table_indicators", "name"),
                      ("service_items", "item")):
        items = gold[part]
        assert [i["line"] for i in items] == sorted(i["line"] for i in items), (gold_file.name, part)
        seen = [(i["line"], i[key], i.get("quote")) for i in items]
        assert len(seen) == len(set(seen)), (gold_file.name, part)
