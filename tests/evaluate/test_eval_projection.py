"""Projection: models, the documented choosing rule, year reached and 需年均增长."""

import math

import pytest
from evalkit import evaluate, make_indicator

from planwatch.evaluate.projection import fit_growth, fit_linear

NURSERY = make_indicator("2.5", 2.5, baseline=0.27, unit="个")


def test_fit_linear_exact() -> None:
    a, b = fit_linear([2020, 2021, 2022], [1.0, 1.5, 2.0])
    assert b == pytest.approx(0.5) and a + b * 2025 == pytest.approx(3.5)


def test_fit_growth_exact() -> None:
    _, b = fit_growth([0, 1, 2], [100, 110, 121])
    assert math.exp(b) == pytest.approx(1.1)


def test_required_rate_and_change() -> None:
    ev = evaluate(NURSERY, {2023: 1.2}, 2023)
    # 需年均增长: (2.5/1.2)^(1/2) − 1 = 44.34 %; or +0.65 a year
    assert ev.projection.required_rate == pytest.approx(44.338, abs=1e-3)
    assert ev.projection.required_change == pytest.approx(0.65)


def test_two_points_take_the_less_favourable_model() -> None:
    # 0.27 (2020) → 1.2 (2023): linear reaches 1.82 in 2025, constant growth far more; linear is chosen.
    ev = evaluate(NURSERY, {2023: 1.2}, 2023)
    p = ev.projection
    assert p.method == "linear"
    assert p.value_at_target == pytest.approx(0.27 + (1.2 - 0.27) / 3 * 5)  # 1.82
    assert p.meets_target is False
    # linear trend crosses 2.5 at 2020 + 3·2.23/0.93 = 2027.19 → 2028
    assert p.year_reached == 2028


def test_decreasing_series_less_favourable_is_growth() -> None:
    # 6.1 → 5.5 target; 5.8 in 2022. Linear reaches 5.35 in 2025; constant decline stays above it.
    ind = make_indicator("5.5", 5.5, baseline=6.1)
    p = evaluate(ind, {2022: 5.8}, 2022).projection
    assert p.method == "growth"
    assert p.value_at_target == pytest.approx(6.1 * (5.8 / 6.1) ** 2.5)


def test_clear_fit_wins_with_three_points() -> None:
    # exactly exponential data: growth fits perfectly → chosen even though more favourable
    ind = make_indicator("200", 200, baseline=100)
    p = evaluate(ind, {2021: 110, 2022: 121, 2023: 133.1}, 2023).projection
    assert p.method == "growth"
    assert p.value_at_target == pytest.approx(100 * 1.1 ** 5)
    # exactly linear data: linear fits perfectly
    p2 = evaluate(ind, {2021: 110, 2022: 120, 2023: 130}, 2023).projection
    assert p2.method == "linear" and p2.value_at_target == pytest.approx(150)
    assert p2.year_reached == 2030


def test_year_reached_when_already_met_is_the_first_year_observed() -> None:
    p = evaluate(NURSERY, {2022: 2.6, 2023: 2.8}, 2023).projection
    assert p.year_reached == 2022 and p.required_rate is None


def test_moving_away_never_reaches() -> None:
    p = evaluate(NURSERY, {2021: 0.25, 2022: 0.22}, 2022).projection
    assert p.year_reached is None and p.meets_target is False


def test_too_few_points() -> None:
    ind = make_indicator("70", 70, unit="%")
    p = evaluate(ind, {2023: 62}, 2023).projection
    assert p.method is None and p.reason


def test_binding_projected_miss_warns_even_when_on_schedule() -> None:
    # 石嘴山 城镇调查失业率 6.1 → 5.5 (约束性). 5.86 in 2022: P = 0.4, S = 0.4, Q = 1.0 (正常),
    # but a constant rate of decline only reaches 6.1·(5.86/6.1)^2.5 = 5.518 by 2025 → warning anyway.
    ind = make_indicator("5.5", 5.5, baseline=6.1, binding=True, name="城镇调查失业率", unit="%")
    ev = evaluate(ind, {2022: 5.86}, 2022)
    assert ev.status == "on_track"
    assert ev.projection.method == "growth"
    assert ev.projection.value_at_target == pytest.approx(5.5176, abs=1e-4)
    assert ev.projection.meets_target is False
    assert [w.kind for w in ev.warnings] == ["binding_at_risk"]
    assert "预计难以完成" in ev.warnings[0].reason
