"""Acceptance on real national series (reference/observations.csv; targets from the national
《“十四五”公共服务规划》, reference/national_14fyp_public_service_indicators.csv)."""

import csv
from pathlib import Path

import pytest

from planwatch.evaluate.engine import evaluate_plan
from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Target

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
NATION = "100000"
# (indicator, year, value) as published — 全国 rows of reference/observations.csv
SERIES = [
    ("人均预期寿命", 2020, 77.93), ("人均预期寿命", 2021, 78.2), ("人均预期寿命", 2023, 78.6),
    ("人均预期寿命", 2024, 79.0),
    ("每千人口执业(助理)医师数", 2021, 3.04), ("每千人口执业(助理)医师数", 2022, 3.15),
    ("每千人口执业(助理)医师数", 2023, 3.40), ("每千人口执业(助理)医师数", 2024, 3.61),
    ("每千人口注册护士数", 2021, 3.56), ("每千人口注册护士数", 2022, 3.71),
    ("每千人口注册护士数", 2023, 4.00), ("每千人口注册护士数", 2024, 4.16),
    ("每千人口拥有3岁以下婴幼儿托位数", 2021, 2.03),
    ("人均体育场地面积", 2022, 2.62), ("人均体育场地面积", 2024, 3.0),
]
TARGETS = {"人均预期寿命": ("78.3", 78.3, "岁"), "每千人口执业(助理)医师数": ("3.2", 3.2, "人"),
           "每千人口注册护士数": ("3.8", 3.8, "人"), "每千人口拥有3岁以下婴幼儿托位数": ("4.5", 4.5, "个"),
           "人均体育场地面积": ("2.6", 2.6, "平方米")}


def national_input() -> EvaluationInput:
    # The national plan's 2020 column is not in the reference; life expectancy's 2020 value is observed.
    inds = [Indicator(name, "national", name, Target(raw, v, "=", "level", 2025), unit=u, direction="up")
            for name, (raw, v, u) in TARGETS.items()]
    obs = [Observation(n, NATION, y, v, source="reference/observations.csv") for n, y, v in SERIES]
    return EvaluationInput(Plan("national", "“十四五”公共服务规划", NATION), inds, obs, [])


def test_constants_match_the_reference_file() -> None:
    if not (REFERENCE / "observations.csv").exists():
        pytest.skip("reference data not present")
    rows = {(r["indicator"], int(r["year"])): float(r["value"])
            for r in csv.DictReader((REFERENCE / "observations.csv").open(encoding="utf-8")) if r["region"] == "全国"}
    for name, year, value in SERIES:
        assert rows[(name, year)] == value


def by_name(year: int) -> dict[str, object]:
    return {i.name: i for i in evaluate_plan(national_input(), year).indicators}


def test_life_expectancy_2023_is_achieved_early() -> None:
    # 77.93 (2020) → 78.6 (2023) against 78.3 in 2025: 提前实现
    life = by_name(2023)["人均预期寿命"]
    assert life.label == "提前实现"  # type: ignore[attr-defined]
    assert life.baseline == 77.93 and life.base_year == 2020  # type: ignore[attr-defined]
    assert pytest.approx((78.6 - 77.93) / (78.3 - 77.93)) == life.P  # type: ignore[attr-defined]


def test_statuses_a_planner_would_sign_for_2024_data() -> None:
    ev = by_name(2024)
    assert ev["人均预期寿命"].label == "提前实现"  # type: ignore[attr-defined]
    assert ev["每千人口执业(助理)医师数"].label == "提前实现"  # 3.61 ≥ 3.2  # type: ignore[attr-defined]
    assert ev["每千人口注册护士数"].label == "提前实现"  # 4.16 ≥ 3.8  # type: ignore[attr-defined]
    assert ev["人均体育场地面积"].label == "达标"  # first value 2.62 already ≥ 2.6  # type: ignore[attr-defined]
    nursery = ev["每千人口拥有3岁以下婴幼儿托位数"]
    # one value (2021) and no 2020 figure: not judged, and overdue
    assert nursery.label == "无法评估" and nursery.overdue  # type: ignore[attr-defined]


def test_nurses_2023_on_schedule() -> None:
    # baseline provisional 3.56 (2021) → 3.8: 4.00 in 2023 is already past the target
    assert by_name(2023)["每千人口注册护士数"].label == "提前实现"  # type: ignore[attr-defined]
    # in 2022: P = (3.71 − 3.56)/(3.8 − 3.56) = 0.625, S = 1/4 → 超前
    n22 = by_name(2022)["每千人口注册护士数"]
    assert pytest.approx(0.625) == n22.P and pytest.approx(0.25) == n22.S  # type: ignore[attr-defined]
    assert n22.label == "进度超前"  # type: ignore[attr-defined]
