"""EvaluationInput JSON round trip, and `planwatch evaluate --input` as a user runs it."""

import json

from click.testing import CliRunner

from planwatch.evaluate.cli import evaluate_command
from planwatch.evaluate.io import dumps_input, input_from_dict, load_input
from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Region, Target


def sample() -> EvaluationInput:
    return EvaluationInput(
        Plan("n", "“十四五”公共服务规划", "100000", (2021, 2025), 2020),
        [Indicator("life", "n", "人均预期寿命", Target("78.3", 78.3), unit="岁", baseline=77.93, domain="病有所医"),
         Indicator("ins", "n", "基本医疗保险参保率", Target(">95", 95, ">"), unit="%", binding=True, baseline=96)],
        [Observation("life", "100000", 2023, 78.6), Observation("ins", "100000", 2023, 94.0, series_break=True)],
        [Region("100000", "全国", "country", None, {2020: 141178.0})],
    )


def test_round_trip() -> None:
    inp = sample()
    assert input_from_dict(json.loads(dumps_input(inp))) == inp


def test_unknown_keys_are_ignored(tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = json.loads(dumps_input(sample()))
    d["indicators"][0]["future_field"] = 1
    p = tmp_path / "in.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    assert load_input(p).indicators[0].name == "人均预期寿命"


def test_cli_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "in.json"
    p.write_text(dumps_input(sample()), encoding="utf-8")
    res = CliRunner().invoke(evaluate_command, ["--input", str(p), "--year", "2023", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["plan"]["id"] == "n" and out["year"] == 2023
    life = out["indicators"][0]
    assert {"id", "name", "status", "S", "P", "projection", "warnings"} <= set(life)
    assert life["status"] == "提前实现"
    assert out["indicators"][1]["status"] == "未达标"
    assert out["early_warnings"][0]["kind"] == "binding_at_risk"
    assert "headline" in out["summary"]


def test_cli_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "in.json"
    p.write_text(dumps_input(sample()), encoding="utf-8")
    res = CliRunner().invoke(evaluate_command, ["--input", str(p), "--year", "2023"])
    assert res.exit_code == 0, res.output
    assert "人均预期寿命" in res.output and "提前实现" in res.output and "预警" in res.output


def test_cli_needs_a_plan_or_input() -> None:
    res = CliRunner().invoke(evaluate_command, ["--year", "2023"])
    assert res.exit_code != 0
