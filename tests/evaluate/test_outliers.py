"""The approval screen's outlier rule: a jump of more than 50 % or a value beyond the earlier years' range."""

from __future__ import annotations

import pytest

from planwatch.evaluate.outliers import change, outlier


def test_change_absolute_and_relative() -> None:
    c = change(3.0, 2.0)
    assert (c.last, c.absolute, c.relative) == (2.0, 1.0, 0.5)
    assert change(1.0, 0.0).relative is None and change(1.0, None).absolute is None
    assert change(-3.0, -2.0).relative == pytest.approx(-0.5)


def test_a_jump_over_half_is_flagged_with_its_size() -> None:
    assert outlier(2.9, 2.0, []) == []  # +45 %
    flags = outlier(3.1, 2.0, [])
    assert [f.kind for f in flags] == ["jump"] and "+55%" in flags[0].zh and "+55%" in flags[0].en
    assert [f.kind for f in outlier(0.9, 2.0, [])] == ["jump"]  # -55 %
    assert [f.kind for f in outlier(1.0, 0.0, [])] == ["jump"]  # from nothing


def test_outside_the_usual_range_needs_three_earlier_years() -> None:
    earlier = [86.0, 86.5, 87.0]
    assert outlier(87.5, 87.0, earlier) == []  # within max + spread (5 % of the mean)
    flags = outlier(60.0, 87.0, earlier)
    assert [f.kind for f in flags] == ["range"] and "86–87" in flags[0].zh
    assert outlier(60.0, None, earlier[:2]) == []  # two years are not a range
    # A jump and out of range at once: both reasons are given.
    assert [f.kind for f in outlier(200.0, 100.0, [90.0, 95.0, 100.0])] == ["jump", "range"]


def test_no_value_no_flag() -> None:
    assert outlier(None, 1.0, [1.0, 2.0, 3.0]) == [] and outlier(float("nan"), 1.0, []) == []
