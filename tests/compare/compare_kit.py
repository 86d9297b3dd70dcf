"""Small plans for compare tests: a nation, a province, two cities and a county, each with a few items."""

from __future__ import annotations

from typing import Any

from planwatch.compare import ComparePlan
from planwatch.model import EvaluationInput, Indicator, Observation, Plan, Region, Target

PLACES = {  # code → (name, level, parent)
    "100000": ("全国", "nation", None),
    "410000": ("河南省", "province", None),
    "410100": ("郑州市", "city", "410000"),
    "410700": ("新乡市", "city", "410000"),
    "410725": ("原阳县", "county", "410700"),
}


def item(n: int, name: str, unit: str | None, target: float | None, baseline: float | None = None,
         op: str = "=", raw: str | None = None, **kw: Any) -> Indicator:
    kind = kw.pop("kind", "level")
    return Indicator(f"i{n}", "p", name, Target(raw if raw is not None else f"{target:g}", target, op, kind),  # type: ignore[arg-type]
                     unit=unit, baseline=baseline, baseline_year=2020 if baseline is not None else None, **kw)


def plan(pid: str, code: str, items: list[Indicator], values: dict[int, dict[int, float]] | None = None,
         year: int = 2023, simulated: bool = False) -> ComparePlan:
    """`values`: item number → {year: value}. Item ids become "p<pid>-i<n>"."""
    inds = [Indicator(**{**i.__dict__, "id": f"p{pid}-{i.id}", "plan_id": pid}) for i in items]
    obs = [Observation(f"p{pid}-i{n}", code, y, v, simulated=simulated)
           for n, series in (values or {}).items() for y, v in series.items()]
    name, level, parent = PLACES[code]
    inp = EvaluationInput(Plan(pid, f"{name}“十四五”公共服务规划", code), inds, obs,
                          [Region(code, name, level, parent)])
    return ComparePlan.of(inp, year)


def five_plans() -> list[ComparePlan]:
    return [
        plan("1", "100000", [item(1, "每千人口拥有3岁以下婴幼儿托位数", "个", 4.5),
                             item(2, "城镇调查失业率", "%", 5.5, op="<=", raw="<5.5")]),
        plan("2", "410000", [item(1, "每千人口3岁以下婴幼儿托位数", "个", 4.0)]),
        plan("3", "410700", [item(1, "每千人口3岁以下婴幼儿托位数", "个", 4.5, baseline=1.0),
                             item(2, "城镇调查失业率", "%", 5.5, op="<=", raw="5.5以内"),
                             item(3, "城镇新增就业人数", "万人", 20.0, baseline=3.0)],
             {1: {2021: 2.0, 2023: 3.0}, 2: {2023: 5.0}, 3: {2023: 12.0}}),
        plan("4", "410100", [item(1, "每千人口拥有3岁以下婴幼儿托位", "个", 5.0, baseline=1.0),
                             item(2, "城镇调查失业率", "%", 5.0, op="<=", raw="≤5"),
                             item(3, "城镇新增就业人数", "万人", 60.0, baseline=10.0)],
             {1: {2023: 4.0}, 2: {2023: 4.0}, 3: {2023: 40.0}}),
        plan("5", "410725", [item(1, "每千人口3岁以下婴幼儿托位数", "个", 3.0, baseline=1.0)], {1: {2023: 2.0}}),
    ]
