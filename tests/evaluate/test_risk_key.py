"""One severity rule for every risk list: at risk by status or by a risk warning, ordered as the warning list."""

from __future__ import annotations

from planwatch.evaluate.warnings import risk_key


def test_not_at_risk_without_a_risk_status_or_warning() -> None:
    assert risk_key("on_track", True, []) is None
    assert risk_key("not_reported", True, [("overdue", "yellow")]) is None  # a reporting gap is not a risk
    assert risk_key("achieved", False, [("running_total", "yellow")]) is None


def test_order_follows_severity_then_kind_then_status_then_binding_then_q() -> None:
    keys = {
        "binding seriously lagging": risk_key("seriously_lagging", True, [("binding_at_risk", "red")], 0.2),
        "binding lagging": risk_key("lagging", True, [("binding_at_risk", "red")], 0.7),
        "binding on track, projection misses": risk_key("on_track", True, [("binding_at_risk", "red")], 1.0),
        "expected seriously lagging": risk_key("seriously_lagging", False, [("seriously_lagging", "orange")], 0.3),
        "expected backwards": risk_key("on_track", False, [("backwards", "yellow")], 1.0),
        "expected lagging, no warning": risk_key("lagging", False, [], 0.8),
    }
    assert all(k is not None for k in keys.values())
    assert sorted(keys, key=lambda n: keys[n]) == list(keys)


def test_lower_q_first_at_equal_severity() -> None:
    a = risk_key("lagging", True, [("binding_at_risk", "red")], 0.7)
    b = risk_key("lagging", True, [("binding_at_risk", "red")], 0.9)
    assert a is not None and b is not None and a < b
