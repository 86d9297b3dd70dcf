"""Chinese wording that depends on a sign or a direction, decided once for every text that
prints it (warnings, reports, web): a negative rate is 下降, never 增长 with a minus sign."""

from __future__ import annotations


def rate_words(rate: float) -> tuple[str, float]:
    """('增长', r) for r >= 0, ('下降', -r) below: the verb and the magnitude to print."""
    return ("增长", rate) if rate >= 0 else ("下降", -rate)


def worse_than(direction: int) -> str:
    """The comparison that means 'worse than' for an indicator: lower when higher is better."""
    return "低于" if direction >= 0 else "高于"
