"""model.Observation.many builds what the constructor builds (every field, equality, hash, frozen)."""

from __future__ import annotations

import dataclasses

import pytest

from planwatch.model import Observation


def test_observations_built_in_bulk_equal_the_constructors() -> None:
    rows = [("p1-i1", "511524", 2022, 12.5, None, "approved", False, False, None),
            ("p1-i2", "511524001", 2023, None, "已实现", "submitted", True, True, "统计公报")]
    fast = Observation.many(iter(rows))
    slow = [Observation(*r) for r in rows]
    assert fast == slow and [hash(o) for o in fast] == [hash(o) for o in slow]
    for a, b in zip(fast, slow, strict=True):  # every field, by name (a field added later must be built too)
        assert {f.name: getattr(a, f.name) for f in dataclasses.fields(Observation)} == dataclasses.asdict(b)
        assert repr(a) == repr(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast[0].year = 2024  # type: ignore[misc]


def test_register_rows_give_one_observation_per_indicator_on_the_metric() -> None:
    rows = [(7, "511524", 2022, 12.5, None, "approved", 0, 1, None), (9, "511524001", 2023, None, "已实现", "submitted",
                                                                       1, 0, "统计公报")]
    fast = Observation.many(rows, {7: ["p1-i1", "p1-i3"], 9: ["p1-i2"]})
    assert fast == [Observation("p1-i1", "511524", 2022, 12.5, None, "approved", False, True, None),
                    Observation("p1-i3", "511524", 2022, 12.5, None, "approved", False, True, None),
                    Observation("p1-i2", "511524001", 2023, None, "已实现", "submitted", True, False, "统计公报")]
    assert all(type(o.series_break) is bool and type(o.simulated) is bool for o in fast)
