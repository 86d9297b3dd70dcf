"""`planwatch audit`: findings a reviewer can act on, on the sample plans and on small made-up ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from planwatch.audit import audit_plan
from planwatch.cli import main
from planwatch.extract import extract_path

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


def _audit(stem: str) -> list[dict[str, Any]]:
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    lines = path.read_text(encoding="utf-8").split("\n")
    return [f.to_dict() for f in audit_plan(extract_path(path), lines)]


def _has(findings: list[dict[str, Any]], kind: str, lines: set[int], *words: str) -> bool:
    return any(f["kind"] == kind and lines <= set(f["lines"]) and all(w in f["message"] for w in words)
               for f in findings)


def test_table_and_text_disagreements_in_a_county_plan() -> None:
    found = _audit("002")
    assert len(found) <= 30
    # Hand-verified: the indicator table and the review of 十三五 state different 2020 values.
    assert _has(found, "inconsistency", {323, 98}, "98", "99")      # 基本医疗保险参保率
    assert _has(found, "inconsistency", {179, 102}, "90", "92")     # 学前教育/学前三年 毛入园率
    assert _has(found, "inconsistency", {365, 102}, "30", "13.4")   # 护理型床位占比
    # "控制在4%以内" is a bound the table's 3.8 keeps: no finding.
    assert not any(set(f["lines"]) == {229, 106} for f in found)


def test_numbers_garbled_in_publication_and_target_directions_in_a_city_plan() -> None:
    found = _audit("004")
    assert len(found) <= 30
    assert found[0]["severity"] == "high"
    assert _has(found, "garbled", {45}, "2016", "10995")        # 由201610995元: 2016年的10995元
    assert _has(found, "garbled", {375}, "4.84", "2025")        # 4.842025预期目标
    assert _has(found, "garbled", {41})                          # 100%68%
    assert _has(found, "garbled", {189}, "/10")                  # 孕产妇死亡率 unit lost 万
    assert _has(found, "inconsistency", {127, 35}, "99", "99.7")  # 初中巩固率
    assert _has(found, "direction", {237}, "城镇新增就业")
    severities = [f["severity"] for f in found]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)


def _plan(*indicators: dict[str, Any], period: list[int] | None = None) -> dict[str, Any]:
    return {"plan": {"title": "某县“十五五”公共服务规划", "period": period or [2026, 2030]},
            "indicators": list(indicators), "baselines": [], "service_items": []}


def _row(line: int, name: str, unit: str, base: float | None, raw: str, value: float | None, op: str = "=",
         kind: str = "level", year: int = 2030, source: str = "table", attribute: str | None = "预期性") -> dict[str, Any]:
    return {"source": source, "line": line, "table": "表1" if source == "table" else None, "name": name,
            "unit": unit, "attribute": attribute,
            "baseline": None if base is None else {"raw": str(base), "value": base, "year": 2025},
            "target": {"raw": raw, "value": value, "op": op, "kind": kind, "year": year}, "quote": name}


def test_direction_period_and_impossible_values() -> None:
    data = _plan(_row(10, "学前教育毛入园率", "%", 95, "90", 90),
                 _row(11, "孕产妇死亡率", "1/10万", 10, "12", 12),
                 _row(12, "普惠性幼儿园覆盖率", "%", 85, "120", 120),
                 _row(13, "人均体育场地面积", "平方米", 2.5, "3.2", 3.2, year=2035))
    kinds = {(f.kind, f.lines) for f in audit_plan(data)}
    assert ("direction", (10,)) in kinds and ("direction", (11,)) in kinds
    assert ("implausible", (12,)) in kinds
    assert ("period", (13,)) in kinds
    assert {f.kind for f in audit_plan(_plan(period=None) | {"plan": {"period": None}})} == {"period"}


def test_against_the_superior_plan() -> None:
    local = _plan(_row(5, "每千人口3岁以下婴幼儿托位数", "个", 2.5, "4", 4.0),
                  _row(6, "孕产妇死亡率", "1/10万", 12, "≤10", 10, "<="))
    superior = _plan(_row(1, "每千人口拥有3岁以下婴幼儿托位数", "个", 2.5, "4.5", 4.5, attribute="约束性"),
                     _row(2, "孕产妇死亡率", "1/10万", 13, "≤9.5", 9.5, "<="),
                     _row(3, "劳动年龄人口平均受教育年限", "年", 11, "11.3", 11.3, attribute="约束性"))
    found = audit_plan(local, superior=superior, superior_label="省规划")
    assert any(f.kind == "superior_weaker" and f.lines == (5,) and f.severity == "high" for f in found)
    assert any(f.kind == "superior_weaker" and f.lines == (6,) for f in found)
    assert any(f.kind == "superior_missing" and "劳动年龄人口平均受教育年限" in f.message for f in found)


def test_cli_json_shape(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["audit", str(next(SEEDS.glob("004_*.txt"))), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert 0 < len(out["findings"]) <= 30
    for f in out["findings"]:
        assert set(f) >= {"kind", "severity", "lines", "message"}
        assert all(isinstance(n, int) for n in f["lines"])
    bad = tmp_path / "x.json"
    bad.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", str(bad)])
    assert result.exit_code != 0 and "x.json" in result.output
