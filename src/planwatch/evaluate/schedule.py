"""时序进度 S(t): the share of the plan period elapsed at data year t."""

from __future__ import annotations


def schedule_progress(t: int, base_year: int, target_year: int) -> float | None:
    """S(t) = (t − B)/(T − B), clamped to [0, 1]; None when T ≤ B (no period to measure).

    Uses the *data* year, not the report date: a late-2023 review with 2022 data has S = 0.4."""
    if target_year <= base_year:
        return None
    return min(1.0, max(0.0, (t - base_year) / (target_year - base_year)))


def geometric_reduction_schedule(s: float, p: float) -> float:
    """Expected share of a p-fraction reduction done at time share s on a constant-rate path.

    a_exp(s) = 1 − (1 − p)^s, so the expected completion is a_exp(s)/p; for small p it is ≈ s."""
    if p <= 0 or p >= 1:
        return s
    return (1 - (1 - p) ** s) / p
