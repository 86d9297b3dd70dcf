"""The report prints evaluate's figures as they are, with the register's sources."""

from __future__ import annotations

from dataclasses import replace

import pytest
from report_sample import REGION, SUBREGIONS, sample_input

from planwatch.evaluate.engine import evaluate_plan
from planwatch.model import Observation
from planwatch.report.adapter import cjk_punctuation, report_data


@pytest.fixture(scope="module")
def evaluated():  # type: ignore[no-untyped-def]
    inp = sample_input(28, simulated=True)
    ev = evaluate_plan(inp, 2025)
    return inp, ev, report_data(inp, ev)


def test_every_figure_is_evaluates_own(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, ev, data = evaluated
    assert [r.id for r in data.indicators] == [e.id for e in ev.indicators]
    for r, e in zip(data.indicators, ev.indicators, strict=True):
        assert (r.status, r.status_code, r.completion, r.schedule) == (e.label, e.status, e.P, e.S)
        assert r.projected_value == e.projection.value_at_target
        if e.projection.required_rate is None:
            assert r.required_rate is None
        else:
            assert r.required_rate == pytest.approx(e.projection.required_rate / 100)
        assert r.overdue == e.overdue
        assert len(r.warnings) == len([w for w in e.warnings if w.kind != "overdue"])  # overdue → r.overdue
    assert len(data.warnings) == len(ev.early_warnings)
    assert data.summary["completion_rate"] == ev.summary["completion_rate"]


def test_unreported_indicators_have_no_value(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, _, data = evaluated
    silent = [r for r in data.indicators if r.status == "未报送"]
    assert silent, "the sample leaves some indicators without data"
    assert all(r.latest is None and not r.series for r in silent)


def test_values_carry_their_source_and_simulated_flag(evaluated) -> None:  # type: ignore[no-untyped-def]
    inp, _, data = evaluated
    by_key = {(o.indicator_id, o.year): o for o in inp.observations if o.region_code == REGION}
    for r in data.indicators:
        for p in r.series:
            o = by_key[(r.id, p.year)]
            assert (p.source, p.simulated) == (o.source, o.simulated)
    assert data.has_simulated


def test_cumulative_latest_is_the_running_sum_and_charts_it(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, ev, data = evaluated
    r = next(r for r in data.indicators if r.method == "cumulative" and r.latest is not None)
    e = next(e for e in ev.indicators if e.id == r.id)
    assert r.latest is not None and r.latest.value == e.value and r.value_label == "累计"
    assert r.chart_series is not None and r.chart_series[-1][1] == pytest.approx(e.value)
    assert r.target_line == r.target_value


def test_subregions_are_named_and_laggards_flagged(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, _, data = evaluated
    r = next(r for r in data.indicators if r.subregions and r.equalisation and r.equalisation.laggards)
    names = {n for _, n in SUBREGIONS}
    assert {v.region_name for v in r.subregions} <= names
    assert set(r.equalisation.laggards) <= names  # type: ignore[union-attr]
    assert all(v.source for v in r.subregions if v.value is not None)


def test_a_value_rolled_up_from_subregions_says_so() -> None:
    inp = sample_input(4, with_subregions=True)
    ind = inp.indicators[0]  # mean_pop aggregation
    kept = [o for o in inp.observations if o.indicator_id != ind.id]
    for code, _ in SUBREGIONS:
        kept.append(Observation(ind.id, code, 2023, 3.0, source=f"{code}报送"))
    inp = replace(inp, observations=kept)
    data = report_data(inp, evaluate_plan(inp, 2023))
    r = data.indicators[0]
    assert r.latest is not None and r.latest.source is not None
    assert r.latest.source.startswith("由下级地区报送数据汇总")


def test_draft_and_returned_values_are_not_printed() -> None:
    inp = sample_input(3, with_subregions=False)
    ind = inp.indicators[0]
    obs = [o for o in inp.observations if o.indicator_id != ind.id]
    obs.append(Observation(ind.id, REGION, 2022, 4.0, status="draft", source="草稿"))
    inp = replace(inp, observations=obs)
    data = report_data(inp, evaluate_plan(inp, 2025))
    assert data.indicators[0].series == () and data.indicators[0].status == "未报送"


def test_ascii_punctuation_in_chinese_sentences_is_made_full_width() -> None:
    assert cjk_punctuation("完成度50%,时序进度80%,滞后。") == "完成度50%，时序进度80%，滞后。"
    assert cjk_punctuation("约束性指标「A」(2024)") == "约束性指标“A”（2024)"
    assert cjk_punctuation("3,200") == "3,200"
