"""Round axis ticks: one function for the web's SVG charts and the reports' figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planwatch.ticks import nice_axis, nice_step, nice_ticks, tick_label


def test_a_narrow_range_gets_round_tenths() -> None:
    assert nice_ticks(77.33, 77.9) == [77.2, 77.4, 77.6, 77.8, 78.0]
    assert [nice_axis(77.33, 77.9).label(v) for v in nice_ticks(77.33, 77.9)] == [
        "77.2", "77.4", "77.6", "77.8", "78.0"]


def test_percentages_from_zero() -> None:
    assert nice_ticks(0, 93) == [0, 25, 50, 75, 100]


def test_negative_and_positive() -> None:
    ticks = nice_ticks(-4.35, 12)
    assert ticks[0] <= -4.35 and ticks[-1] >= 12 and 0.0 in ticks


def test_flat_series_gets_an_axis_around_its_value() -> None:
    ticks = nice_ticks(2.6, 2.6)
    assert ticks[0] < 2.6 < ticks[-1] and 2.6 in ticks


def test_steps_are_one_two_two_and_a_half_or_five() -> None:
    assert nice_step(0.37, 4) == 0.1
    assert nice_step(0.57, 4) == 0.2
    assert nice_step(93, 4) == 25
    assert nice_step(3, 4) == 1


def test_labels_carry_the_decimals_of_the_step_and_no_negative_zero() -> None:
    assert tick_label(0.0, 0.2) == "0.0"
    assert tick_label(-0.0, 0.2) == "0.0"
    assert tick_label(2.5, 2.5) == "2.5"
    assert tick_label(50000, 25000) == "50,000"


def test_bounds_must_be_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        nice_axis(float("nan"), 1)


@given(st.floats(-1e7, 1e7), st.floats(-1e7, 1e7))
def test_ticks_cover_the_data_with_even_round_steps(a: float, b: float) -> None:
    axis = nice_axis(a, b)
    lo, hi = min(a, b), max(a, b)
    assert axis.lo <= lo + 1e-6 * axis.step and axis.hi >= hi - 1e-6 * axis.step
    assert 2 <= len(axis.ticks) <= 12
    mantissa = axis.step / 10 ** math.floor(math.log10(axis.step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))
    gaps = [b - a for a, b in zip(axis.ticks, axis.ticks[1:], strict=False)]
    assert all(math.isclose(g, axis.step, rel_tol=1e-6) for g in gaps)
