"""What compare reads from the register, on SQLite and PostgreSQL: the demo's six plans compared."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from planwatch.compare import ComparePlan, build_scorecard
from planwatch.compare.benchmarks import plan_benchmarks
from planwatch.register.compare_queries import plan_inputs, region_parents, target_items
from planwatch.register.db import transaction
from planwatch.register.demo import run_demo
from planwatch.register.finality import ALL_STATUSES
from planwatch.register.observations import ObservationInput, write_observations

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_register_compared(engine: Engine) -> None:
    run_demo(engine, ROOT / "data", log=lambda _: None)
    with transaction(engine) as s:
        inputs = plan_inputs(s)
        items = target_items(s)
        parents = region_parents(s)
    assert len(inputs) == 6 and len(items) == sum(len(i.indicators) for i in inputs)
    assert parents["141121"] == "141100"
    levels = {i.region: i.level for i in items}
    assert levels["全国"] == "nation" and levels["吕梁市"] == "city" and levels["苍溪县"] == "county"
    card = build_scorecard([ComparePlan.of(i, 2024) for i in inputs], parents=parents)
    shared = card.shared()
    assert {r.region for r in shared} == {"全国", "吕梁市", "新乡市", "石嘴山市", "苍溪县", "武乡县"}
    national = {r.metric for r in shared if r.level == "nation"}
    assert len(national) >= 15
    life = {r.region: r for r in shared if r.metric == "人均预期寿命"}
    assert life["全国"].value == 79.0 and life["全国"].status == "achieved"  # a published figure
    assert life["苍溪县"].national_target == "78.3" and life["苍溪县"].national_stance == "weaker"
    bench = plan_benchmarks(items, next(i.plan.id for i in inputs if i.plan.region_code == "510824"), parents)
    assert len(bench) >= 15 and all(b.national is not None for b in bench.values())


def test_only_the_asked_workflow_states_leave_the_register(engine: Engine) -> None:
    run_demo(engine, ROOT / "data", log=lambda _: None)
    with transaction(engine) as s:
        ind = next(i for i in target_items(s) if i.region == "苍溪县")
        write_observations(s, [ObservationInput(int(ind.ref.rsplit("-i", 1)[1]), "510824", 2023, value=1.0,
                                                status="submitted", reporter_name="t")], by="t", reason="t")
    with transaction(engine) as s:
        everything = plan_inputs(s, ALL_STATUSES)
        counted = plan_inputs(s)
    assert any(o.status == "submitted" for i in everything for o in i.observations)
    assert all(o.status == "approved" for i in counted for o in i.observations)  # approved means final
