"""时序进度 S(t) = (t − B)/(T − B)."""

import pytest

from planwatch.evaluate.schedule import geometric_reduction_schedule, schedule_progress


@pytest.mark.parametrize(("t", "s"), [(2020, 0.0), (2021, 0.2), (2022, 0.4), (2023, 0.6), (2024, 0.8), (2025, 1.0)])
def test_linear_schedule_over_the_14th_plan(t: int, s: float) -> None:
    assert schedule_progress(t, 2020, 2025) == pytest.approx(s)


def test_schedule_is_clamped_outside_the_period() -> None:
    assert schedule_progress(2019, 2020, 2025) == 0.0
    assert schedule_progress(2026, 2020, 2025) == 1.0


def test_no_period_gives_no_schedule() -> None:
    assert schedule_progress(2023, 2025, 2025) is None


def test_provisional_base_year_shortens_the_period() -> None:
    # first observation 2021 used as baseline: S(2023) = 2/4
    assert schedule_progress(2023, 2021, 2025) == pytest.approx(0.5)


def test_geometric_reduction_schedule() -> None:
    # 13.5 % cut: expected share at s = 0.6 is (1 − 0.865^0.6)/0.135 = 0.61731
    assert geometric_reduction_schedule(0.6, 0.135) == pytest.approx(0.61731, abs=1e-5)
    assert geometric_reduction_schedule(1.0, 0.135) == pytest.approx(1.0)
    assert geometric_reduction_schedule(0.4, 0.0) == 0.4
